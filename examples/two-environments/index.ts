// One program for every environment: the stack name picks the shape. Small staging runs the
// agent as a sidecar; production runs it as its own autoscaled Service with pinned releases.
import * as pulumi from "@pulumi/pulumi";
import { EnvoyApp, EnvoyAppArgs } from "sigsci-envoy";

const config = new pulumi.Config();
const production = pulumi.getStack() === "production";

const common: EnvoyAppArgs = {
    namespace: production ? "web" : "web-staging",
    app: { image: config.require("appImage"), port: 8080 },
    credentials: {
        accessKeyId: config.requireSecret("accessKeyId"),
        secretAccessKey: config.requireSecret("secretAccessKey"),
    },
};

const app = new EnvoyApp(
    "web",
    production
        ? {
              ...common,
              replicas: 6,
              envoy: { image: "envoyproxy/envoy:v1.39.5" },
              // ext_authz with response data pins each Envoy pod to one agent pod: at most as many agents as app pods.
              agentService: { create: { agent: { image: "signalsciences/sigsci-agent:4.70.0" }, autoscaling: { minReplicas: 2, maxReplicas: 6 } } },
          }
        : { ...common, agent: { image: "signalsciences/sigsci-agent:latest" } },
);

export const frontUrl = app.frontUrl;
export const agentGrpcEndpoint = app.agentGrpcEndpoint;
