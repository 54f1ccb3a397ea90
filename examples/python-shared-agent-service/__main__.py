"""The shared agent service of examples/shared-agent-service, in Python: one agent fleet for a
site, shared over ext_proc by two apps in their own namespaces.

`pulumi install` generates the `pulumi_sigsci_envoy` SDK this program imports from the package
Pulumi.yaml names (`packages:`: this clone; `github.com/sigsci-envoy/sigsci-envoy@v0.3.0` elsewhere).
Then set the agent keys as secrets (`pulumi config set --secret accessKeyId ...`) and run
`pulumi up`. A test compiles this file and holds every name it uses to the package's schema.
"""
import pulumi
import pulumi_sigsci_envoy as sigsci

config = pulumi.Config()

# The agents scale on their own, between 2 and 10 pods, and admit Envoy pods of both namespaces.
agents = sigsci.AgentService(
    "waf-agents",
    namespace="waf",
    credentials=sigsci.AgentCredentialsArgs(
        access_key_id=config.require_secret("accessKeyId"),
        secret_access_key=config.require_secret("secretAccessKey"),
    ),
    agent=sigsci.AgentContainerArgs(image="signalsciences/sigsci-agent:4.84.0"),
    autoscaling=sigsci.AgentAutoscalingArgs(min_replicas=2, max_replicas=10, cpu_utilization=70),
    integration=sigsci.Integration.EXT_PROC,
    client_namespaces=["shop", "blog"],
)


def link() -> sigsci.AgentServiceLinkArgs:
    """What AgentService.link() gives a TypeScript program: the agents' endpoint and admission."""
    return sigsci.AgentServiceLinkArgs(
        endpoint=agents.grpc_endpoint,
        client_labels=agents.client_labels,
        client_namespaces=agents.client_namespaces,
        integration=agents.integration,
        expect_response_data=agents.expect_response_data,
    )


# Each app's pod holds only Envoy and the app; Envoy reaches the agents through their Service.
shop = sigsci.EnvoyApp(
    "shop",
    namespace="shop",
    replicas=3,
    app=sigsci.AppContainerArgs(image="registry.example.com/shop/web:1.8.2", port=3000),
    inspection=sigsci.WafInspectionArgs(integration=sigsci.Integration.EXT_PROC),
    agent_service=link(),
)

blog = sigsci.EnvoyApp(
    "blog",
    namespace="blog",
    app=sigsci.AppContainerArgs(image="registry.example.com/blog/web:2.1.0", port=8080),
    inspection=sigsci.WafInspectionArgs(integration=sigsci.Integration.EXT_PROC),
    agent_service=link(),
)

pulumi.export("agent_endpoint", agents.grpc_endpoint)
pulumi.export("shop_url", shop.front_url)
pulumi.export("blog_url", blog.front_url)
