// The Kubernetes objects of an EnvoyApp, built from its settings.
import * as k8s from "@pulumi/kubernetes";
import { envoyConfigFile, envoyConfigPath } from "../envoy/config";
import { DEFAULTS, NAMES } from "../settings/defaults";
import { AppSettings, EnvVarSetting } from "../settings/types";
import {
    agentContainer,
    agentMetricsParts,
    agentTmpVolume,
    containerResources,
    nativePreStopSleep,
    ObjectName,
    restrictedContainerSecurity,
    withAgentMetricsAnnotation,
    withSidecarAgent,
} from "./containers";
import { STATSD_EXPORTER } from "../monitoring/agent-metrics";
import { ADDRESSES, ENVOY_ADMIN_PATHS } from "../vocabulary/envoy";
import { autoNamedMeta, disruptionBudget, hardenedDeployment, namedMeta, serviceIpFamilies, spreadOverNodesAndZones, withAnnotations } from "./workload";

/** The Envoy config's ConfigMap. Immutable: a changed config is a new ConfigMap, and the pods roll. */
export function envoyConfigMap(s: AppSettings) {
    const file = envoyConfigFile(s);
    return { metadata: autoNamedMeta(s), immutable: true, data: { [file.name]: file.text } };
}

function appEnv(env: EnvVarSetting[]): k8s.types.input.core.v1.EnvVar[] {
    return env.map((e) => (e.secretName !== undefined ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.secretKey! } } } : { name: e.name, value: e.value }));
}

export interface PodRefs {
    configMapName: ObjectName;
    /** The credentials Secret of the sidecar agent (absent with an agent Service). */
    secretName?: ObjectName;
}

/**
 * Envoy's shutdown: fail its readiness and start a graceful drain through the loopback admin
 * interface (Envoy itself exits at once on SIGTERM), then keep serving while the pod leaves its
 * Services. bash's /dev/tcp is the HTTP client: the image has no curl.
 */
export function envoyDrainCommand(adminPort: number, seconds: number): string[] {
    const post = `admin() { exec 3<>/dev/tcp/${ADDRESSES.loopback}/${adminPort} && printf 'POST %s HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n' "$1" >&3 && read -t 2 -r _ <&3; exec 3<&-; }`;
    return ["/bin/bash", "-c", `${post}; admin ${ENVOY_ADMIN_PATHS.healthcheckFail}; admin '${ENVOY_ADMIN_PATHS.drainListeners}?graceful'; sleep ${seconds}`];
}

function envoyPreStop(s: AppSettings) {
    const seconds = s.envoy.preStopSleepSeconds;
    if (seconds === 0) return {};
    if (!s.envoy.gracefulDrain) return nativePreStopSleep(seconds);
    return { lifecycle: { preStop: { exec: { command: envoyDrainCommand(s.envoy.adminPort, seconds) } } } };
}

export function envoyContainer(s: AppSettings): k8s.types.input.core.v1.Container {
    const caMount = s.agentService?.tlsCaSecretName ? [{ name: NAMES.agentCaVolume, mountPath: NAMES.agentCaDir, readOnly: true }] : [];
    const drain = s.envoy.preStopSleepSeconds > 0 ? ["--drain-time-s", String(s.envoy.preStopSleepSeconds)] : [];
    return {
        name: NAMES.envoyContainer,
        image: s.envoy.image,
        imagePullPolicy: s.envoy.pullPolicy,
        // No hot restart in a pod (Kubernetes replaces pods), so Envoy needs no shared memory.
        // Workers follow the CPU limit, not the node's hardware threads.
        args: ["-c", envoyConfigPath(s), "--log-level", s.envoy.logLevel, "--disable-hot-restart", "--concurrency", String(s.envoy.concurrency), ...drain],
        ports: [
            { name: "http", containerPort: s.frontPort, protocol: "TCP" },
            { name: NAMES.envoyReadinessPortName, containerPort: s.envoy.readinessPort, protocol: "TCP" },
        ],
        // Not Ready before an agent answers Envoy's health check: the first requests are inspected too.
        startupProbe: {
            httpGet: { path: NAMES.inspectionReadyPath, port: NAMES.envoyReadinessPortName },
            periodSeconds: DEFAULTS.inspectionStartupPeriodSeconds,
            failureThreshold: DEFAULTS.inspectionStartupFailureThreshold,
        },
        readinessProbe: { httpGet: { path: ENVOY_ADMIN_PATHS.ready, port: NAMES.envoyReadinessPortName }, ...DEFAULTS.readinessProbe },
        ...envoyPreStop(s),
        resources: containerResources(s.envoy.resources),
        securityContext: restrictedContainerSecurity(DEFAULTS.envoyRunAsUser),
        volumeMounts: [{ name: NAMES.envoyConfigVolume, mountPath: NAMES.envoyConfigDir, readOnly: true }, ...caMount],
    };
}

export function appContainer(s: Pick<AppSettings, "app">): k8s.types.input.core.v1.Container {
    const a = s.app;
    return {
        name: a.containerName,
        image: a.image,
        imagePullPolicy: a.pullPolicy,
        ...(a.command ? { command: a.command } : {}),
        ...(a.args ? { args: a.args } : {}),
        ...(a.env.length > 0 ? { env: appEnv(a.env) } : {}),
        ports: [{ name: "app", containerPort: a.port, protocol: "TCP" }],
        ...(a.readinessProbePath ? { readinessProbe: { httpGet: { path: a.readinessProbePath, port: "app" }, ...DEFAULTS.readinessProbe } } : {}),
        // The app outlives Envoy's drain; Kubernetes' own sleep needs no shell in the image.
        ...nativePreStopSleep(a.preStopSleepSeconds),
        resources: containerResources(a.resources),
        securityContext: restrictedContainerSecurity(a.runAsUser, a.readOnlyRootFilesystem),
        ...(a.tmpVolume ? { volumeMounts: [{ name: NAMES.appTmpVolume, mountPath: DEFAULTS.appTmpMountPath }] } : {}),
    };
}

/** The pod: Envoy in front, the app behind it, and the agent beside them unless it runs as a Service. */
export function appDeployment(s: AppSettings, refs: PodRefs) {
    let containers: { initContainers?: k8s.types.input.core.v1.Container[]; containers: k8s.types.input.core.v1.Container[] } = { containers: [envoyContainer(s), appContainer(s)] };
    const volumes: k8s.types.input.core.v1.Volume[] = [{ name: NAMES.envoyConfigVolume, configMap: { name: refs.configMapName } }];
    if (s.app.tmpVolume) volumes.push({ name: NAMES.appTmpVolume, emptyDir: { sizeLimit: DEFAULTS.appTmpSizeLimit } });
    if (s.agent) {
        const metrics = agentMetricsParts(s.agent, s.name);
        containers = withSidecarAgent(containers.containers, agentContainer(s.agent, refs.secretName!), s.agent.nativeSidecar, metrics.containers);
        volumes.push(agentTmpVolume, ...metrics.volumes);
    }
    if (s.agentService?.tlsCaSecretName) volumes.push({ name: NAMES.agentCaVolume, secret: { secretName: s.agentService.tlsCaSecretName, items: [{ key: "ca.crt", path: "ca.crt" }] } });
    return hardenedDeployment(s, s.replicas, withAgentMetricsAnnotation(withScrapeAnnotations(s), s.agent), {
        topologySpreadConstraints: spreadOverNodesAndZones(s.selectorLabels),
        ...(s.serviceAccountName ? { serviceAccountName: s.serviceAccountName } : {}),
        ...(s.automountServiceAccountToken ? { automountServiceAccountToken: true } : {}),
        ...containers,
        volumes,
    });
}

/**
 * The pod options, with the annotations the common annotation-based Prometheus setups scrape by
 * when metrics are on (the user's own annotations win, e.g. `prometheus.io/scrape: "false"`).
 */
function withScrapeAnnotations(s: AppSettings): AppSettings["pod"] {
    if (!s.envoy.metrics) return s.pod;
    const scrape = { "prometheus.io/scrape": "true", "prometheus.io/port": String(s.envoy.readinessPort), "prometheus.io/path": DEFAULTS.envoyMetricsPath };
    return { ...s.pod, annotations: { ...scrape, ...s.pod.annotations } };
}

export function appDisruptionBudget(s: AppSettings) {
    return disruptionBudget(namedMeta(s), s.maxUnavailable, s.selectorLabels);
}

/**
 * Traffic reaches the pods only through Envoy's front port: nothing can bypass the WAF to the
 * app. With metrics, Prometheus also reaches the readiness port, which serves only read-only
 * admin paths and never routes to the app.
 */
export function appNetworkPolicy(s: AppSettings) {
    const ports = [
        { protocol: "TCP", port: s.frontPort },
        ...(s.envoy.metrics ? [{ protocol: "TCP", port: s.envoy.readinessPort }] : []),
        // The agent's metrics, from its exporter (never the agent or the app).
        ...(s.agent?.metrics ? [{ protocol: "TCP", port: STATSD_EXPORTER.metricsPort }] : []),
    ];
    return {
        metadata: namedMeta(s),
        spec: {
            podSelector: { matchLabels: s.selectorLabels },
            policyTypes: ["Ingress"],
            ingress: [{ ports }],
        },
    };
}

/** The Service in front of Envoy; it targets the container port by name, so the two cannot disagree. */
export function frontService(s: AppSettings) {
    const { annotations, loadBalancerSourceRanges, externalTrafficPolicy } = s.service;
    return {
        metadata: withAnnotations(namedMeta(s), annotations),
        spec: {
            type: s.service.type,
            selector: s.selectorLabels,
            ports: [{ name: "http", port: s.service.port, targetPort: "http", protocol: "TCP" }],
            ...serviceIpFamilies(s.ipFamily),
            ...(loadBalancerSourceRanges !== undefined ? { loadBalancerSourceRanges } : {}),
            ...(externalTrafficPolicy !== undefined ? { externalTrafficPolicy } : {}),
        },
    };
}
