// Fastly's Istio layout: the guide's helloworld in a mesh. Istio injects its sidecar proxy into
// the pods (the Deployment asks for it); the sigsci-agent runs beside the app on the pod's
// loopback; an EnvoyFilter puts an ext_proc filter into that proxy's inbound chain, for exactly
// these pods, so every request the mesh delivers to the app is inspected first. Requires Istio
// 1.28 or later with sidecar injection (not ambient mode), and namespace shop without an
// istio-injection label other than "enabled" (which would turn the pods' request off); the
// policy pack proves that only with the namespace's labels declared (waf-coverage's
// namespaceLabels, docs/gateway-istio.md).
import * as pulumi from "@pulumi/pulumi";
import { IstioApp } from "sigsci-envoy";

const config = new pulumi.Config();
const appPort = 8080;

const app = new IstioApp("helloworld", {
    namespace: "shop",
    replicas: 2,
    // The app listens on the pod's address: Istio's proxy forwards to it there, not on loopback.
    app: { image: "signalsciences/example-helloworld:latest", port: appPort, args: [`0.0.0.0:${appPort}`] },
    credentials: {
        accessKeyId: config.requireSecret("accessKeyId"),
        secretAccessKey: config.requireSecret("secretAccessKey"),
    },
    agent: { image: "signalsciences/sigsci-agent:4.84.0" },
    inspection: { failOpen: true, maxRequestBytes: 1048576 },
    // A revisioned control plane: istio: { revision: "1-30" }.
});

export const url = app.url;
export const envoyFilterName = app.envoyFilterName;
export const agentGrpcEndpoint = app.agentGrpcEndpoint;
