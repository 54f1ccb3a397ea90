// The agent keys live in a Secret your team already manages (External Secrets, Vault, or
// `kubectl create secret generic sigsci.my-site-name-here --from-literal=accesskeyid=... --from-literal=secretaccesskey=...`):
// no key passes through Pulumi at all.
import { EnvoyApp } from "sigsci-envoy";

const app = new EnvoyApp("storefront", {
    namespace: "shop",
    replicas: 2,
    app: { image: "registry.example.com/shop/storefront:3.2.0", port: 3000, env: [{ name: "NODE_ENV", value: "production" }] },
    credentials: { existingSecretName: "sigsci.my-site-name-here" },
    agent: { image: "signalsciences/sigsci-agent:4.70.0", startupProbe: true },
    inspection: { failOpen: false },
});

export const frontUrl = app.frontUrl;
