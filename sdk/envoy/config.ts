// The Envoy config file of an EnvoyApp: generated from its settings, or the user's own.
import { stringify } from "yaml";
import { AppSettings } from "../settings/types";
import { AgentEndpoint, envoyBootstrap, mergeConfig } from "./bootstrap";

/** The sidecar agent, reached over the pod's loopback. */
export function sidecarAgentEndpoint(s: AppSettings): AgentEndpoint {
    return { host: "127.0.0.1", port: s.agent.grpcPort, resolveByDns: false };
}

/** The bootstrap Envoy will load, as an object (the user's override is returned as text by {@link envoyConfigYaml}). */
export function envoyConfigObject(s: AppSettings): unknown {
    const generated = envoyBootstrap({
        name: s.name,
        frontPort: s.frontPort,
        adminPort: s.envoy.adminPort,
        readinessPort: s.envoy.readinessPort,
        appPort: s.app.port,
        agent: sidecarAgentEndpoint(s),
        inspection: s.inspection,
    });
    return s.envoy.extraConfig ? mergeConfig(generated, s.envoy.extraConfig) : generated;
}

/** The text of `envoy.yaml`. */
export function envoyConfigYaml(s: AppSettings): string {
    return s.envoy.configOverride ?? stringify(envoyConfigObject(s), { lineWidth: 0 });
}
