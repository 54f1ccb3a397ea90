// One agent fleet for a site, shared by two apps in their own namespaces. With ext_proc (one
// stream per request) the agent Service is headless: every Envoy spreads its requests over all
// ready agent pods, and pods the autoscaler adds get traffic within seconds.
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp } from "sigsci-envoy";

const config = new pulumi.Config();

// The agents scale on their own, between 2 and 10 pods, and admit Envoy pods of both namespaces.
const agents = new AgentService("waf-agents", {
    namespace: "waf",
    credentials: {
        accessKeyId: config.requireSecret("accessKeyId"),
        secretAccessKey: config.requireSecret("secretAccessKey"),
    },
    agent: { image: "signalsciences/sigsci-agent:4.84.0" }, // ext_proc: see the README on agent versions
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    integration: "ext_proc",
    // Apps in any other namespace are refused: the agents' NetworkPolicy would drop their calls.
    clientNamespaces: ["shop", "blog"],
});

// Each app's pod holds only Envoy and the app; Envoy reaches the agents through their Service.
const shop = new EnvoyApp("shop", {
    namespace: "shop",
    replicas: 3,
    app: { image: "registry.example.com/shop/web:1.8.2", port: 3000 },
    inspection: { integration: "ext_proc" },
    agentService: agents.link(),
});

const blog = new EnvoyApp("blog", {
    namespace: "blog",
    app: { image: "registry.example.com/blog/web:2.1.0", port: 8080 },
    inspection: { integration: "ext_proc" },
    agentService: agents.link(),
});

export const agentEndpoint = agents.grpcEndpoint;
export const shopUrl = shop.frontUrl;
export const blogUrl = blog.frontUrl;
