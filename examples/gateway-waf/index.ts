// Fastly's Envoy Gateway layout: every request of every HTTP listener of the Gateway shop/eg,
// whichever team's route it takes, goes to a fleet of sigsci-agents over ext_proc before it
// reaches a backend. The Gateway and its routes are yours (here they come from another stack);
// the GatewayWaf adds the EnvoyExtensionPolicy on the Gateway, a request buffer so the agents see
// bodies whole, the agents (ext_proc, Envoy Gateway's server flavor) in their own namespace, the
// ReferenceGrant that lets the policy reach them, and a NetworkPolicy admitting only the proxies.
// Requires Envoy Gateway 1.4 or later.
import * as pulumi from "@pulumi/pulumi";
import { GatewayWaf } from "sigsci-envoy";

const config = new pulumi.Config();

const waf = new GatewayWaf("sigsci-waf", {
    namespace: "shop",
    gateway: "eg",
    credentials: {
        accessKeyId: config.requireSecret("accessKeyId"),
        secretAccessKey: config.requireSecret("secretAccessKey"),
    },
    agentNamespace: "waf",
    agents: {
        agent: { image: "signalsciences/sigsci-agent:4.84.0" },
        autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    },
    // Let requests through if the agents cannot answer in time (Fastly's default); false returns 500.
    inspection: { failOpen: true, timeout: "0.2s", body: "Buffered", maxRequestBytes: 1048576 },
});

export const policyName = waf.policyName;
export const targets = waf.targets;
export const agentGrpcEndpoint = waf.agentGrpcEndpoint;
