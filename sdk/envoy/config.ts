// The Envoy config file of an EnvoyApp: generated from its settings, or the user's own.
import { loadEnvoyYaml } from "../vocabulary/envoy-yaml";
import { NAMES } from "../settings/defaults";
import { isIpAddress } from "../settings/shared";
import { AppSettings } from "../settings/types";
import { AgentEndpoint, envoyBootstrap, mergeConfig } from "./bootstrap";

/** The sidecar agent over the pod's loopback, or the agent Service by its DNS name. */
export function agentEndpoint(s: AppSettings): AgentEndpoint {
    // The sidecar listens where Envoy dials it: both are the agent's settings.
    if (s.agent) return { host: s.agent.listenHost, port: s.agent.grpcPort, resolveByDns: false };
    const { endpoint, tlsCaSecretName } = s.agentService!;
    return {
        host: endpoint.host,
        port: endpoint.port,
        resolveByDns: !isIpAddress(endpoint.host),
        tlsCaFile: tlsCaSecretName ? `${NAMES.agentCaDir}/ca.crt` : undefined,
    };
}

/** The bootstrap Envoy will load, as an object (the user's override is returned as text by {@link envoyConfigFile}). */
export function envoyConfigObject(s: AppSettings): unknown {
    const generated = envoyBootstrap({
        name: s.name,
        frontPort: s.frontPort,
        adminPort: s.envoy.adminPort,
        readinessPort: s.envoy.readinessPort,
        metrics: s.envoy.metrics,
        appPort: s.app.port,
        agent: agentEndpoint(s),
        inspection: s.inspection,
        ipFamily: s.ipFamily,
        xffTrustedHops: s.envoy.xffTrustedHops,
    });
    return s.envoy.extraConfig ? mergeConfig(generated, s.envoy.extraConfig) : generated;
}

/** The file Envoy loads: the generated bootstrap as JSON, or the user's override verbatim (Envoy picks its parser by the extension). */
export function envoyConfigFile(s: AppSettings): { name: string; text: string } {
    const name = envoyConfigFileName(s);
    if (s.envoy.configOverride !== undefined) return { name, text: s.envoy.configOverride };
    return { name, text: `${JSON.stringify(envoyConfigObject(s), null, 2)}\n` };
}

/** Where Envoy finds it in its container. */
export function envoyConfigPath(s: AppSettings): string {
    return `${NAMES.envoyConfigDir}/${envoyConfigFileName(s)}`;
}

function envoyConfigFileName(s: AppSettings): string {
    return s.envoy.configOverride !== undefined ? NAMES.envoyConfigOverrideFile : NAMES.envoyConfigFile;
}

/** The bootstrap Envoy loads, as an object: the generated one, or the user's override parsed as Envoy parses it (yaml-cpp's scalars). */
export function envoyConfigValue(s: AppSettings): unknown {
    return s.envoy.configOverride !== undefined ? loadEnvoyYaml(s.envoy.configOverride) : envoyConfigObject(s);
}
