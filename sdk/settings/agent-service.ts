// Resolves the inputs of an agent Service (standalone, or created by an EnvoyApp for itself).
import { AgentServiceArgs, AgentServiceLink, AgentServiceSettings as AgentServiceSettingsArgs } from "../args";
import * as check from "./checks";
import { resolveAgentMonitoring } from "./monitoring";
import { resolvePod } from "./pod";
import { HPA_STABILIZATION_MAX_SECONDS } from "../vocabulary/kubernetes";
import { AGENT_SERVICE_DEFAULTS, DEFAULTS, NAMES } from "./defaults";
import { mention, refuse, refuseKind } from "./errors";
import { FIELDS, onlyFields } from "./fields";
import { isPending, known, PENDING } from "./pending";
import {
    checkDistinctPorts,
    CredentialsForm,
    metricsExporterPorts,
    INTEGRATIONS,
    IP_FAMILIES,
    Plain,
    resolveAgent,
    resolveCredentials,
    resolveGrace,
    resolveWiring,
    serviceAgent,
    standardLabels,
} from "./shared";
import { AgentEndpointSettings, AgentServiceSettings, Integration, IpFamily } from "./types";

/** The in-cluster DNS name of a Service. */
export function clusterDomainName(service: string, namespace: string): string {
    return `${service}.${namespace}.svc.cluster.local`;
}

/**
 * Where Envoy reaches a Service: its cluster domain name, or, in the provider's namespace (not
 * known here), its bare name, which a pod's resolver looks up in the pod's own namespace.
 */
function serviceHost(service: string, namespace: string | undefined): string {
    return namespace === undefined ? service : clusterDomainName(service, namespace);
}

/** The gRPC endpoint of the agent Service named `name`: its Service carries the same name. */
export function agentServiceEndpoint(name: string, namespace: string | undefined, port: number): AgentEndpointSettings {
    return { host: serviceHost(name, namespace), port };
}

/** An endpoint as `host:port`, the form of the components' gRPC endpoint outputs. */
export function endpointText(e: AgentEndpointSettings): string {
    return `${e.host}:${e.port}`;
}

export function clientLabelsFor(name: string): Record<string, string> {
    return { [AGENT_SERVICE_DEFAULTS.clientLabelKey]: name };
}

/** The shared part of an agent Service's settings; `at` prefixes the input paths (e.g. `agentService.create.`). */
export function resolveAgentServiceParts(
    at: string,
    name: string,
    namespace: string | undefined,
    g: Plain<AgentServiceSettingsArgs> | undefined,
    wiring: { integration: Integration; expectResponseData: boolean },
    defaultIpFamily: IpFamily = DEFAULTS.ipFamily,
) {
    const ipFamily = check.oneOf(`${at}ipFamily`, g?.ipFamily, IP_FAMILIES, defaultIpFamily);
    const agent = resolveAgent(`${at}agent`, g?.agent, isPending(ipFamily) ? { ...serviceAgent("IPv4"), listenHost: PENDING, probeHost: PENDING } : serviceAgent(ipFamily), wiring);
    const givenAgent = (g?.agent ?? {}) as Record<string, unknown>;
    checkDistinctPorts(
        [
            [`${at}agent.grpcPort`, agent.grpcPort, givenAgent.grpcPort !== undefined],
            [`${at}agent.startupProbePort`, agent.startupProbe?.port, givenAgent.startupProbePort !== undefined],
        ],
        metricsExporterPorts(agent.metrics, `${at}agent.metrics`),
    );
    if (known(g) && g?.replicas !== undefined && g?.autoscaling !== undefined) refuse(`${at}replicas`, g.replicas, `nothing when ${at}autoscaling is given (the autoscaler owns the replica count)`);
    let autoscaling: AgentServiceSettings["autoscaling"];
    // Whether there is an autoscaler is not known while the whole settings object is to come.
    if (isPending(g)) autoscaling = PENDING;
    else if (g?.autoscaling !== undefined) {
        const a = check.plainObject(`${at}autoscaling`, g.autoscaling, FIELDS.AgentAutoscaling)!;
        const maxReplicas = check.int(`${at}autoscaling.maxReplicas`, a.maxReplicas, undefined, 1, 1000);
        const minReplicas = check.int(`${at}autoscaling.minReplicas`, a.minReplicas, known(maxReplicas) ? Math.min(AGENT_SERVICE_DEFAULTS.minReplicas, maxReplicas) : PENDING, 1, 1000);
        if (known(minReplicas, maxReplicas) && minReplicas > maxReplicas)
            refuse(`${at}autoscaling.minReplicas`, minReplicas, `at most ${at}autoscaling.maxReplicas (${mention(`${at}autoscaling.maxReplicas`, maxReplicas)})`);
        const memoryUtilization = a.memoryUtilization === undefined ? undefined : check.int(`${at}autoscaling.memoryUtilization`, a.memoryUtilization, undefined, 1, 1000);
        const cpuDefault = memoryUtilization === undefined ? AGENT_SERVICE_DEFAULTS.cpuUtilization : undefined;
        const cpuUtilization = a.cpuUtilization === undefined ? cpuDefault : check.int(`${at}autoscaling.cpuUtilization`, a.cpuUtilization, undefined, 1, 1000);
        const scaleDownStabilizationSeconds = check.int(
            `${at}autoscaling.scaleDownStabilizationSeconds`,
            a.scaleDownStabilizationSeconds,
            AGENT_SERVICE_DEFAULTS.scaleDownStabilizationSeconds,
            0,
            HPA_STABILIZATION_MAX_SECONDS,
        );
        const scaleDownPercentPerMinute = check.int(`${at}autoscaling.scaleDownPercentPerMinute`, a.scaleDownPercentPerMinute, AGENT_SERVICE_DEFAULTS.scaleDownPercentPerMinute, 1, 100);
        autoscaling = { minReplicas, maxReplicas, cpuUtilization, memoryUtilization, scaleDownStabilizationSeconds, scaleDownPercentPerMinute };
    }
    // At least one: a fleet at zero answers no Envoy, and an autoscaler leaves a target at zero alone.
    const replicas = autoscaling ? undefined : check.int(`${at}replicas`, g?.replicas, AGENT_SERVICE_DEFAULTS.replicas, 1, 1000);
    const tls = check.plainObject(`${at}tls`, g?.tls, FIELDS.AgentTls);
    // By default its own namespace: by name when it has one, else the NetworkPolicy's own (the provider's).
    const clientNamespaces = g?.clientNamespaces === undefined ? (namespace === undefined ? undefined : [namespace]) : (check.stringList(`${at}clientNamespaces`, g.clientNamespaces) ?? []);
    if (known(clientNamespaces) && clientNamespaces !== undefined && clientNamespaces.length === 0) refuse(`${at}clientNamespaces`, clientNamespaces, "at least one namespace");
    clientNamespaces?.forEach((n, i) => check.dns1123Label(`${at}clientNamespaces[${i}]`, n));
    return {
        agent,
        ipFamily,
        replicas,
        autoscaling,
        maxUnavailable: check.int(`${at}maxUnavailable`, g?.maxUnavailable, DEFAULTS.maxUnavailable, 1, 1000),
        tlsSecretName: tls === undefined ? undefined : check.dns1123Subdomain(`${at}tls.secretName`, tls.secretName),
        clientNamespaces,
        terminationGracePeriodSeconds: resolveGrace(`${at}terminationGracePeriodSeconds`, g?.terminationGracePeriodSeconds, agent.preStopSleepSeconds, `${at}agent.preStopSleepSeconds`),
        endpoint: agentServiceEndpoint(name, namespace, agent.grpcPort),
    };
}

/**
 * The settings of one agent Service, standalone (`at` empty) or an app's own (`at` =
 * `agentService.create.`): one resolver for both, so the two cannot drift apart.
 */
export function agentServiceSettings(
    at: string,
    name: string,
    namespace: string | undefined,
    extraLabels: Record<string, string>,
    credentials: CredentialsForm,
    g: Plain<AgentServiceSettingsArgs> | undefined,
    wiring: { integration: Integration; expectResponseData: boolean },
    defaultIpFamily: IpFamily = DEFAULTS.ipFamily,
): AgentServiceSettings {
    const parts = resolveAgentServiceParts(at, name, namespace, g, wiring, defaultIpFamily);
    const { labels, selectorLabels } = standardLabels(name, NAMES.agentServiceKind, parts.agent.image, extraLabels);
    const pod = resolvePod(`${at}pod`, g?.pod, Object.keys(selectorLabels), labels);
    const serviceAccountName = g?.serviceAccountName === undefined ? undefined : check.dns1123Subdomain(`${at}serviceAccountName`, g.serviceAccountName);
    const serviceAnnotations = check.annotations(`${at}serviceAnnotations`, g?.serviceAnnotations);
    return {
        name,
        namespace,
        labels,
        selectorLabels,
        clientLabels: clientLabelsFor(name),
        ...credentials,
        ...parts,
        pod,
        ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
        serviceAnnotations,
        monitoring: resolveAgentMonitoring(at, g?.monitoring, isPending(parts.agent) ? (PENDING as never) : parts.agent.metrics),
    };
}

/** What an EnvoyApp's `agentService` gets from this agent Service (`AgentService.link()`, resolved). */
export function plainLink(s: AgentServiceSettings, tlsCaSecretName?: string): Plain<AgentServiceLink> {
    return {
        endpoint: endpointText(s.endpoint),
        clientLabels: s.clientLabels,
        ...(s.clientNamespaces !== undefined ? { clientNamespaces: s.clientNamespaces } : {}),
        expectResponseData: s.agent.expectResponseData,
        integration: s.agent.integration,
        ...(tlsCaSecretName ? { tlsCaSecretName } : {}),
    };
}

export function resolveAgentServiceSettings(name: string, args: Plain<AgentServiceArgs>): AgentServiceSettings {
    check.dns1035Label("name", name);
    if (typeof args !== "object" || args === null || Array.isArray(args)) refuseKind("args", args, "an object with at least {credentials}");
    onlyFields("", args, FIELDS.AgentServiceArgs);
    const credentials = resolveCredentials("credentials", args.credentials);
    const namespace = args.namespace === undefined ? undefined : check.dns1123Label("namespace", args.namespace);
    // The tls object's own keys first: a misspelt one is the mistake to name, not the namespace.
    check.plainObject("tls", args.tls, FIELDS.AgentTls);
    if (namespace === undefined && args.tls !== undefined && !isPending(args.tls))
        refuse("namespace", undefined, "a namespace when tls is given: Envoy verifies the agent's certificate by the Service's full DNS name, <name>.<namespace>.svc.cluster.local");
    const integration = check.oneOf("integration", args.integration, INTEGRATIONS, DEFAULTS.inspection.integration);
    const wiring = resolveWiring("expectResponseData", integration, args.expectResponseData);
    return agentServiceSettings("", name, namespace, check.labels("labels", args.labels), credentials, args, wiring);
}
