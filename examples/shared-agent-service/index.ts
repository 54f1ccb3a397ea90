// One agent fleet for a site, shared by two apps in their own namespaces.
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp } from "sigsci-envoy";

const config = new pulumi.Config();

// The agents scale on their own, between 2 and 10 pods, and admit Envoy pods of both namespaces.
const agents = new AgentService("waf-agents", {
    namespace: "waf",
    credentials: {
        accessKeyId: config.requireSecret("sigsciAccessKeyId"),
        secretAccessKey: config.requireSecret("sigsciSecretAccessKey"),
    },
    agent: { image: "signalsciences/sigsci-agent:4.70.0" },
    autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    clientNamespaces: ["shop", "blog"],
});

// Each app's pod holds only Envoy and the app; Envoy reaches the agents through their Service.
const shop = new EnvoyApp("shop", {
    namespace: "shop",
    replicas: 3,
    app: { image: "registry.example.com/shop/web:1.8.2", port: 3000 },
    agentService: agents.link(),
});

const blog = new EnvoyApp("blog", {
    namespace: "blog",
    app: { image: "registry.example.com/blog/web:2.1.0", port: 8080 },
    agentService: agents.link(),
});

export const agentEndpoint = agents.grpcEndpoint;
export const shopUrl = shop.frontUrl;
export const blogUrl = blog.frontUrl;
