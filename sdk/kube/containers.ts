// Container and pod pieces shared by every pod this package builds.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { dump } from "js-yaml";
import { AGENT_SERVICE_DEFAULTS, DEFAULTS, NAMES } from "../settings/defaults";
import { STATSD_EXPORTER, STATSD_MAPPING } from "../monitoring/agent-metrics";
import { AGENT_OPTIONS, AGENT_STARTUP_PATH, agentVariable } from "../vocabulary/agent";
import { AgentSettings, PodSettings, Resources } from "../settings/types";

type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/**
 * The name of another object an object refers to (a ConfigMap it mounts, a Secret it reads): a
 * string, or, when the components register it, the output of the resource that names it - the
 * builders only place it, so the reference stays a dependency Pulumi sees.
 */
export type ObjectName = pulumi.Input<string>;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type Volume = k8s.types.input.core.v1.Volume;

/** Pod-level defaults of the Pod Security Standards "restricted" profile. */
export const restrictedPodSecurity: PodSecurityContext = {
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
};

/** A container that runs as `runAsUser`, never escalates and holds no capabilities. */
export function restrictedContainerSecurity(runAsUser: number, readOnlyRootFilesystem = true): SecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser,
        runAsGroup: runAsUser,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem,
        capabilities: { drop: ["ALL"] },
    };
}

/** Requests and limits, leaving out what is unset. */
export function containerResources(r: Resources): k8s.types.input.core.v1.ResourceRequirements {
    const pick = (q: { cpu?: string; memory?: string }) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
    return { requests: pick(r.requests), limits: pick(r.limits) };
}

/** `host:port`, an IPv6 host in brackets, as the agent's listen options take it. */
function hostPort(host: string, port: number): string {
    return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The agent's address for Envoy, as `SIGSCI_ENVOY_GRPC_ADDRESS` takes it. */
export function agentListenAddress(agent: AgentSettings): string {
    return hostPort(agent.listenHost, agent.grpcPort);
}

function secretEnv(name: string, secretName: ObjectName, key: string): EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** The agent's environment: credentials from the Secret, the Envoy listener, then extra options. */
export function agentEnv(agent: AgentSettings, secretName: ObjectName, tls: boolean): EnvVar[] {
    const env: EnvVar[] = [
        secretEnv(agentVariable(AGENT_OPTIONS.accessKeyId), secretName, NAMES.accessKeyIdKey),
        secretEnv(agentVariable(AGENT_OPTIONS.secretAccessKey), secretName, NAMES.secretAccessKeyKey),
    ];
    // Set if and only if Envoy sends the access log; otherwise the agent would hold every
    // request until its context expires, waiting for a response that never comes.
    const set = (option: string, value: string) => env.push({ name: agentVariable(option), value });
    if (agent.expectResponseData) set(AGENT_OPTIONS.expectResponseData, "1");
    if (agent.integration === "ext_proc") set(AGENT_OPTIONS.extProc, "true");
    set(AGENT_OPTIONS.grpcAddress, agentListenAddress(agent));
    if (tls) {
        set(AGENT_OPTIONS.grpcCert, `${AGENT_SERVICE_DEFAULTS.tlsMountPath}/tls.crt`);
        set(AGENT_OPTIONS.grpcKey, `${AGENT_SERVICE_DEFAULTS.tlsMountPath}/tls.key`);
    }
    if (agent.tmpMountPath !== DEFAULTS.agentTmpMountPath) {
        // The guide: these two default to files in the image's temp volume and must follow a moved mount.
        set(AGENT_OPTIONS.rpcAddress, `${agent.tmpMountPath}/sigsci.sock`);
        set(AGENT_OPTIONS.sharedCacheDir, `${agent.tmpMountPath}/cache`);
    }
    // The kubelet probes the pod's address: every address, of the families the agent listens on.
    if (agent.startupProbe) set(AGENT_OPTIONS.startupListener, hostPort(agent.probeHost, agent.startupProbe.port));
    // The client's address from the header Envoy writes over anything a client sent, not X-Forwarded-For.
    set(AGENT_OPTIONS.clientIpHeader, agent.clientIpHeader);
    // Its StatsD metrics to the exporter beside it, on the pod's loopback.
    if (agent.metrics) set(AGENT_OPTIONS.statsdAddress, hostPort(NAMES.loopback, STATSD_EXPORTER.statsdPort));
    for (const name of Object.keys(agent.options).sort()) set(name, agent.options[name]);
    return env;
}

/**
 * The sigsci-agent container, configured in Envoy gRPC listener mode. With `tls`, the
 * listener serves the certificate of the `sigsci-tls` volume.
 */
export function agentContainer(agent: AgentSettings, secretName: ObjectName, tls = false): Container {
    return {
        name: NAMES.agentContainer,
        image: agent.image,
        imagePullPolicy: agent.pullPolicy,
        env: agentEnv(agent, secretName, tls),
        ports: [{ name: "grpc", containerPort: agent.grpcPort, protocol: "TCP" }, ...(agent.startupProbe ? [{ name: "startup", containerPort: agent.startupProbe.port, protocol: "TCP" }] : [])],
        ...(agent.startupProbe
            ? {
                  startupProbe: {
                      httpGet: { path: AGENT_STARTUP_PATH, port: "startup" },
                      failureThreshold: agent.startupProbe.failureThreshold,
                      periodSeconds: agent.startupProbe.periodSeconds,
                  },
              }
            : {}),
        // The guide: slow the agent's shutdown so drains finish; it outlives Envoy's own.
        ...preStopSleep(agent.preStopSleepSeconds),
        resources: containerResources(agent.resources),
        // The guide: read-only root, with the emptyDir as the only writable place.
        securityContext: restrictedContainerSecurity(DEFAULTS.agentRunAsUser),
        volumeMounts: [{ name: NAMES.agentTmpVolume, mountPath: agent.tmpMountPath }, ...(tls ? [{ name: NAMES.agentTlsVolume, mountPath: AGENT_SERVICE_DEFAULTS.tlsMountPath, readOnly: true }] : [])],
    };
}

/** The ConfigMap of the agent's StatsD mapping (a component's own, named after it). */
export const statsdMappingName = (name: string) => `${name}-statsd-mapping`;

/**
 * The statsd-exporter beside an agent with metrics: StatsD from the agent on the pod's loopback
 * only, the Prometheus metrics on the pod's address, the mapping from its ConfigMap.
 */
export function statsdExporterContainer(preStopSeconds: number): Container {
    const e = STATSD_EXPORTER;
    return {
        name: e.containerName,
        image: e.image,
        imagePullPolicy: "IfNotPresent",
        args: [
            `--statsd.listen-udp=${hostPort(NAMES.loopback, e.statsdPort)}`,
            "--statsd.listen-tcp=",
            `--web.listen-address=:${e.metricsPort}`,
            `--statsd.mapping-config=${e.mappingDir}/${e.mappingFile}`,
        ],
        ports: [{ name: e.metricsPortName, containerPort: e.metricsPort, protocol: "TCP" }],
        // No readiness probe: a container's readiness is the pod's, and the exporter must never take an
        // agent (or an app) out of its Service. A stuck one is restarted instead.
        livenessProbe: { httpGet: { path: e.healthPath, port: e.metricsPortName }, periodSeconds: 10, failureThreshold: 3 },
        // It outlives the agent, so the agent's last metrics reach it (Kubernetes' sleep: the image has no shell).
        ...nativePreStopSleep(preStopSeconds),
        resources: containerResources(DEFAULTS.resources.statsdExporter),
        securityContext: restrictedContainerSecurity(e.runAsUser),
        volumeMounts: [{ name: e.volume, mountPath: e.mappingDir, readOnly: true }],
    };
}

/**
 * The exporter's container and volume, for a pod whose agent has metrics (none otherwise). It
 * sleeps as long as the agent on stopping; beside a native sidecar agent it is a native sidecar
 * itself (declared before the agent: started first, stopped last) and needs no sleep.
 */
export function agentMetricsParts(agent: AgentSettings | undefined, name: string): { containers: Container[]; volumes: k8s.types.input.core.v1.Volume[] } {
    if (!agent?.metrics) return { containers: [], volumes: [] };
    return {
        containers: [statsdExporterContainer(agent.nativeSidecar ? 0 : agent.preStopSleepSeconds)],
        volumes: [{ name: STATSD_EXPORTER.volume, configMap: { name: statsdMappingName(name) } }],
    };
}

/** The pod annotation that holds the mapping's hash: a new mapping rolls the pods (the exporter reads it once). */
export const STATSD_MAPPING_ANNOTATION = "sigsci-envoy/statsd-mapping";

/** The pod options, with the mapping's hash when the agent has metrics. */
export function withAgentMetricsAnnotation(options: PodSettings, agent: AgentSettings | undefined): PodSettings {
    if (!agent?.metrics) return options;
    const hash = createHash("sha256").update(statsdMappingText()).digest("hex").slice(0, 16);
    return { ...options, annotations: { ...options.annotations, [STATSD_MAPPING_ANNOTATION]: hash } };
}

const statsdMappingText = () => dump(STATSD_MAPPING, { lineWidth: -1 });

/** The mapping's ConfigMap. */
export function statsdMappingConfigMap(s: { name: string; namespace?: string; labels: Record<string, string> }) {
    return {
        metadata: { name: statsdMappingName(s.name), ...(s.namespace !== undefined ? { namespace: s.namespace } : {}), labels: s.labels },
        data: { [STATSD_EXPORTER.mappingFile]: statsdMappingText() },
    };
}

/**
 * The pod's containers with the sidecar agent: beside the others, or, as a native sidecar, as an
 * init container that runs for the pod's life (`restartPolicy: Always`), started first.
 */
export function withSidecarAgent(containers: Container[], agent: Container, native: boolean, beside: Container[] = []) {
    const sidecar = (c: Container) => ({ ...c, restartPolicy: "Always" });
    // Native sidecars stop in the reverse order of their declaration: what the agent reports to, first.
    return native ? { initContainers: [...beside.map(sidecar), sidecar(agent)], containers } : { containers: [...containers, agent, ...beside] };
}

/** A `preStop` hook that runs `sleep` in the container (the guide's form), or nothing for 0 seconds. */
export function preStopSleep(seconds: number) {
    return seconds > 0 ? { lifecycle: { preStop: { exec: { command: ["sleep", String(seconds)] } } } } : {};
}

/** Kubernetes' own `preStop` sleep (1.30+): no shell or `sleep` binary needed in the image. */
export function nativePreStopSleep(seconds: number) {
    return seconds > 0 ? { lifecycle: { preStop: { sleep: { seconds } } } } : {};
}

/** The agent's writable temp volume (guide: `sigsci-tmp`, an emptyDir). */
export const agentTmpVolume: Volume = { name: NAMES.agentTmpVolume, emptyDir: {} };
