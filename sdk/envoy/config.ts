// The Envoy config file of an EnvoyApp: generated from its settings, or the user's own.
import { stringify } from "yaml";
import { NAMES } from "../settings/defaults";
import { isIpAddress } from "../settings/shared";
import { AppSettings } from "../settings/types";
import { AgentEndpoint, envoyBootstrap, mergeConfig } from "./bootstrap";

/** The sidecar agent over the pod's loopback, or the agent Service by its DNS name. */
export function agentEndpoint(s: AppSettings): AgentEndpoint {
    if (s.agent) return { host: "127.0.0.1", port: s.agent.grpcPort, resolveByDns: false };
    const { endpoint, tlsCaSecretName } = s.agentService!;
    return {
        host: endpoint.host,
        port: endpoint.port,
        resolveByDns: !isIpAddress(endpoint.host),
        tlsCaFile: tlsCaSecretName ? `${NAMES.agentCaDir}/ca.crt` : undefined,
    };
}

/** The bootstrap Envoy will load, as an object (the user's override is returned as text by {@link envoyConfigYaml}). */
export function envoyConfigObject(s: AppSettings): unknown {
    const generated = envoyBootstrap({
        name: s.name,
        frontPort: s.frontPort,
        adminPort: s.envoy.adminPort,
        readinessPort: s.envoy.readinessPort,
        appPort: s.app.port,
        agent: agentEndpoint(s),
        inspection: s.inspection,
    });
    return s.envoy.extraConfig ? mergeConfig(generated, s.envoy.extraConfig) : generated;
}

/** The text of `envoy.yaml`. */
export function envoyConfigYaml(s: AppSettings): string {
    return s.envoy.configOverride ?? stringify(envoyConfigObject(s), { lineWidth: 0 });
}
