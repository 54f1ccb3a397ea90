// Fastly's Kubernetes Envoy guide in a few lines: helloworld on localhost:8080 behind Envoy on
// port 8000, the agent as a sidecar on the pod's loopback port 9999, response data sent through the access log.
import * as pulumi from "@pulumi/pulumi";
import { EnvoyApp } from "sigsci-envoy";

const config = new pulumi.Config();
const appPort = 8080;

const app = new EnvoyApp("helloworld", {
    app: { image: "signalsciences/example-helloworld:latest", port: appPort, args: [`localhost:${appPort}`] },
    credentials: {
        accessKeyId: config.requireSecret("accessKeyId"),
        secretAccessKey: config.requireSecret("secretAccessKey"),
    },
});

export const frontUrl = app.frontUrl;
export const agentGrpcEndpoint = app.agentGrpcEndpoint;
