// Every default of the package, in one place: the values the components use when an input is
// left out, the fixed settings no input changes, and the names several objects must agree on.
// Values marked "guide" come from Fastly's Kubernetes Envoy guide. `INPUT_DEFAULTS` says which
// input each default belongs to: the `@default` tags of args.ts and the reference tables quote it,
// and a test holds the three together.
import { AGENT_NAME, AGENT_PRESTOP_SECONDS, AGENT_SECRET_KEYS, AGENT_TMP_DIR } from "../vocabulary/agent";
import { ADDRESSES, ENVOY_ADMIN_PATHS } from "../vocabulary/envoy";
import { ENVOY_GATEWAY_NAMESPACE } from "../vocabulary/gateway";
import { PACKAGE_PART_OF } from "../vocabulary/package";

/** The pinned Envoy release used when `envoy.image` is not given. */
export const ENVOY_IMAGE = "envoyproxy/envoy:v1.39.5";
/** The agent image of Fastly's guide: `latest`, pulled `Always` so the agent stays current. */
export const AGENT_IMAGE = "signalsciences/sigsci-agent:latest";

/** How often a readiness probe asks, and how many misses make a pod unready. */
const READINESS = { periodSeconds: 5, failureThreshold: 3 } as const;

export const DEFAULTS = {
    replicas: 1,
    /** At most one pod of a workload down at once during voluntary disruptions (node drains). */
    maxUnavailable: 1,
    /** Envoy's front listener (guide: the front proxy on port 8000). */
    frontPort: 8000,
    /** The app's loopback port (guide: helloworld on localhost:8080). */
    appPort: 8080,
    appContainerName: "app",
    appRunAsUser: 65532,
    appReadOnlyRootFilesystem: true,
    /** The app's writable /tmp when its root filesystem is read-only. */
    appTmpVolume: true,
    appTmpMountPath: "/tmp",
    appTmpSizeLimit: "256Mi",
    envoyAdminPort: 9901,
    envoyReadinessPort: 9902,
    envoyLogLevel: "info",
    /**
     * Envoy's Prometheus stats are on: with fail-open (the default) they are the only place an
     * agent outage shows (requests keep flowing, pods stay Ready). They serve read-only paths.
     */
    envoyMetrics: true,
    /** The sidecar agent is a regular container: a native sidecar needs the SidecarContainers feature, which a 1.30-1.32 cluster may have off. */
    agentNativeSidecar: false,
    /** The agent's own metrics need one more container per agent pod: opt in. */
    agentMetrics: false,
    /** Monitoring objects are opt in: they need the Prometheus Operator's CRDs, or a Grafana sidecar. */
    monitoring: { podMonitor: false, alerts: false, dashboard: false, dashboardLabels: { grafana_dashboard: "1" } },
    /** A bootstrap of the user's that the verifier rejects is refused unless acknowledged. */
    acknowledgeVerifierFindings: false,
    /** Envoy's admin path for its statistics in Prometheus' text format. */
    envoyMetricsPath: ENVOY_ADMIN_PATHS.prometheus,
    /** Envoy needs no user of its image: it reads its config and writes nothing. A uid above 10000 stays clear of host users. */
    envoyRunAsUser: 10101,
    /**
     * Envoy's drain on shutdown: it fails its readiness, closes connections gracefully and keeps
     * serving this long while the endpoints controller takes the pod out of its Services.
     */
    envoyPreStopSleepSeconds: 15,
    /** The app outlives Envoy's drain by this much, so no request in flight through Envoy loses its upstream. */
    appOutlivesEnvoySeconds: 5,
    /** The agent runs as `nobody`: it writes only to its emptyDir. */
    agentRunAsUser: 65534,
    /** guide: SIGSCI_ENVOY_GRPC_ADDRESS=localhost:9999 */
    agentGrpcPort: 9999,
    /** guide: the agent image's temp volume; rpc-address and shared-cache-dir default to files in it. */
    agentTmpMountPath: AGENT_TMP_DIR,
    /** guide: preStop `sleep 30`. */
    agentPreStopSleepSeconds: AGENT_PRESTOP_SECONDS,
    /** Grace added to the longest preStop sleep, so every process can still exit cleanly after it. */
    terminationGraceMarginSeconds: 15,
    agentStartupProbePort: 2024,
    /** Fastly's startup probe example: 90 tries, 2 s apart (3 minutes to load rules). */
    agentStartupProbeFailureThreshold: 90,
    agentStartupProbePeriodSeconds: 2,
    /** Envoy's startup probe: it passes once Envoy's health check reaches an agent, for as long as Fastly's agent startup example waits. */
    inspectionStartupFailureThreshold: 90,
    inspectionStartupPeriodSeconds: 2,
    /** Readiness of Envoy (`/ready`), an app with a probe path, and agent Service pods. */
    readinessProbe: READINESS,
    serviceType: "ClusterIP",
    networkPolicy: true,
    /** Trust only the connection's peer: no client can choose the address the WAF sees. */
    xffTrustedHops: 0,
    /** IPv4: Envoy cannot bind `::` where a pod has no IPv6. */
    ipFamily: "IPv4",
    /** No variables from the namespace's Services: the agent would read `SIGSCI_*` ones as its options. */
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    inspection: {
        failOpen: true,
        /** Fastly's samples, and Envoy's own ext_authz default (200 ms). */
        timeout: "0.2s",
        maxRequestBytes: 8192,
        /** Fastly's ext_proc page: the buffer filter's max_request_bytes. */
        extProcMaxRequestBytes: 1048576,
        integration: "ext_authz",
        allowPartialMessage: true,
        /** guide: SIGSCI_ENVOY_EXPECT_RESPONSE_DATA=1 with a gRPC access log. */
        expectResponseData: true,
    },
    /** Fastly's samples: cluster connect_timeout 0.25s. */
    connectTimeout: "0.25s",
    /**
     * Envoy's active health check of the agent cluster: what the startup probe waits for, and
     * what takes a stopped agent pod out of rotation before DNS does.
     */
    agentHealthCheck: { interval: "5s", timeout: "1s", unhealthyThreshold: 2, healthyThreshold: 1 },
    /** The share of agent hosts that must pass that check before the pod may turn Ready: any one of them. */
    agentMinHealthyPercent: 1,
    resources: {
        app: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        envoy: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
        /** Fastly's sizing guidance: about one core and at least 500 MB per agent. */
        agent: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        /** The agent's StatsD exporter: a few dozen series. */
        statsdExporter: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    },
} as const;

/** Addresses and names shared by the Envoy config, the pod spec and the agent. */
export const NAMES = {
    /**
     * Where the sidecar agent listens and Envoy dials it, and where the app listens for Envoy:
     * the IPv4 loopback itself (the guide's `localhost` resolves to it, but may resolve to `::1`
     * first, where nothing listens).
     */
    loopback: ADDRESSES.loopback,
    /** Every address of the pod: Envoy's listeners and an agent Service's pods. */
    anyAddress: ADDRESSES.any,
    envoyContainer: "envoy",
    agentContainer: AGENT_NAME,
    /** guide: the temp volume is called sigsci-tmp. */
    agentTmpVolume: "sigsci-tmp",
    envoyConfigVolume: "envoy-config",
    envoyConfigDir: "/etc/envoy",
    /** The generated bootstrap: JSON, which Envoy reads natively and which costs nothing to write or read. */
    envoyConfigFile: "envoy.json",
    /** A bootstrap of the user's own (`envoy.configOverride`): YAML or JSON text, which Envoy's YAML loader reads both of. */
    envoyConfigOverrideFile: "envoy.yaml",
    /** Envoy's readiness listener path that answers 200 only once an agent passes the health check. */
    inspectionReadyPath: "/inspection-ready",
    /** Where Envoy finds the CA that signs an agent Service's certificate. */
    agentCaVolume: "agent-ca",
    agentCaDir: "/etc/envoy/agent-ca",
    agentTlsVolume: "sigsci-tls",
    appTmpVolume: "app-tmp",
    /** Envoy's readiness port's name: the probes and a PodMonitor name it. */
    envoyReadinessPortName: "envoy-ready",
    /** Envoy cluster names. */
    appCluster: "app",
    agentCluster: AGENT_NAME,
    adminCluster: "envoy-admin",
    /**
     * The recommended labels of each component's objects (Kubernetes' common labels):
     * `app.kubernetes.io/name` is the application's name - the app's own (the component's name)
     * for an EnvoyApp or IstioApp, the agent's for an agent fleet; `component` its part;
     * `part-of` the higher-level application, only where the package knows it (the WAF's own
     * objects; an app's is the user's to set). Pods are selected by `instance` with `name` (the
     * agent fleet) or with `component` (an app: so an app upgraded from 0.2.0, whose pods were
     * `name: envoy-app`, keeps its Service's endpoints while its Deployment is replaced).
     */
    envoyAppKind: { component: "envoy-app", selectBy: "component" },
    agentServiceKind: { name: AGENT_NAME, component: "agent", selectBy: "name", partOf: PACKAGE_PART_OF },
    gatewayWafKind: { name: "gateway-waf", component: "waf-policy", selectBy: "name", partOf: PACKAGE_PART_OF },
    istioAppKind: { component: "istio-app", selectBy: "component" },
    /** Keys of the credentials Secret (guide). */
    accessKeyIdKey: AGENT_SECRET_KEYS.accessKeyId,
    secretAccessKeyKey: AGENT_SECRET_KEYS.secretAccessKey,
} as const;

export const AGENT_SERVICE_DEFAULTS = {
    /**
     * The autoscaler removes agent pods only after 10 minutes of lower load (Kubernetes' own
     * default is 5), at most a quarter of the fleet a minute: every removed pod drains for its
     * preStop sleep and moves its Envoys' streams, so a fleet that flaps costs more than it saves.
     */
    scaleDownStabilizationSeconds: 600,
    scaleDownPercentPerMinute: 25,
    /** Fastly's Envoy Gateway example runs two agent replicas. */
    replicas: 2,
    /**
     * A stopping agent pod keeps serving until every Envoy has dropped it: the guide's 30 s,
     * raised to cover DNS (kubeadm's Corefile caches Service records 30 s, Envoy re-resolves
     * every 5 s) plus a margin.
     */
    preStopSleepSeconds: 40,
    minReplicas: 2,
    cpuUtilization: 70,
    /** Where the listener's certificate and key are mounted. */
    tlsMountPath: "/sigsci/tls",
    /** Label key that marks the Envoy pods an agent Service admits. */
    clientLabelKey: "sigsci-envoy/agent-service",
} as const;

/** A default that follows from other inputs, described as args.ts's `@default` tag says it. */
export class Derived {
    constructor(readonly rule: string) {}
}

const derived = (rule: string) => new Derived(rule);
const r = DEFAULTS.resources;
const kubernetesPullRule = derived("`Always` for `latest` or untagged images, else `IfNotPresent`");

/**
 * The default of every input that has one, by `Interface.property` of args.ts. The `@default`
 * tag of each property in args.ts must say the same (a test checks both ways).
 */
export const INPUT_DEFAULTS: Record<string, unknown> = {
    "AppContainer.port": DEFAULTS.appPort,
    "AppContainer.resources": r.app,
    "AppContainer.imagePullPolicy": kubernetesPullRule,
    "AppContainer.runAsUser": DEFAULTS.appRunAsUser,
    "AppContainer.readOnlyRootFilesystem": DEFAULTS.appReadOnlyRootFilesystem,
    "AppContainer.tmpVolume": DEFAULTS.appTmpVolume,
    "AppContainer.containerName": DEFAULTS.appContainerName,
    "AppContainer.preStopSleepSeconds": derived(`envoy.preStopSleepSeconds + ${DEFAULTS.appOutlivesEnvoySeconds}`),
    "EnvoyProxy.image": ENVOY_IMAGE,
    "EnvoyProxy.imagePullPolicy": kubernetesPullRule,
    "EnvoyProxy.logLevel": DEFAULTS.envoyLogLevel,
    "EnvoyProxy.adminPort": DEFAULTS.envoyAdminPort,
    "EnvoyProxy.readinessPort": DEFAULTS.envoyReadinessPort,
    "EnvoyProxy.metrics": DEFAULTS.envoyMetrics,
    "EnvoyProxy.acknowledgeVerifierFindings": DEFAULTS.acknowledgeVerifierFindings,
    "EnvoyProxy.preStopSleepSeconds": DEFAULTS.envoyPreStopSleepSeconds,
    "EnvoyProxy.gracefulDrain": derived("true, false for `distroless` images"),
    "EnvoyProxy.xffTrustedHops": DEFAULTS.xffTrustedHops,
    "EnvoyProxy.concurrency": derived("the CPU limit, rounded up (at least 1)"),
    "EnvoyProxy.resources": r.envoy,
    "WafInspection.integration": DEFAULTS.inspection.integration,
    "WafInspection.failOpen": DEFAULTS.inspection.failOpen,
    "WafInspection.timeout": DEFAULTS.inspection.timeout,
    "WafInspection.maxRequestBytes": derived(`${DEFAULTS.inspection.maxRequestBytes} with ext_authz, ${DEFAULTS.inspection.extProcMaxRequestBytes} with ext_proc`),
    "WafInspection.allowPartialMessage": DEFAULTS.inspection.allowPartialMessage,
    "WafInspection.expectResponseData": derived(`${DEFAULTS.inspection.expectResponseData} with ext_authz, false with ext_proc`),
    "AgentContainer.image": AGENT_IMAGE,
    "AgentContainer.imagePullPolicy": derived("`Always` for `latest` or untagged images, `IfNotPresent` for a version or digest, `Never` for any other tag"),
    "AgentContainer.grpcPort": DEFAULTS.agentGrpcPort,
    "AgentContainer.tmpMountPath": DEFAULTS.agentTmpMountPath,
    "AgentContainer.preStopSleepSeconds": derived(
        `${DEFAULTS.agentPreStopSleepSeconds} for the sidecar (or app.preStopSleepSeconds, if longer), 0 for a native sidecar, ${AGENT_SERVICE_DEFAULTS.preStopSleepSeconds} in an agent Service`,
    ),
    "AgentContainer.startupProbe": derived("true for `latest`, untagged or 4.51.0+ images, else false"),
    "AgentContainer.startupProbePort": DEFAULTS.agentStartupProbePort,
    "AgentContainer.resources": r.agent,
    "FrontService.type": DEFAULTS.serviceType,
    "FrontService.port": derived("the Envoy listener port (`port`); for an IstioApp, the app's port"),
    "AgentAutoscaling.minReplicas": derived(`${AGENT_SERVICE_DEFAULTS.minReplicas}, or maxReplicas if lower`),
    "AgentAutoscaling.cpuUtilization": derived(`${AGENT_SERVICE_DEFAULTS.cpuUtilization} when no memory target is given`),
    "AgentContainer.nativeSidecar": DEFAULTS.agentNativeSidecar,
    "AgentContainer.metrics": DEFAULTS.agentMetrics,
    "AgentMonitoring.podMonitor": DEFAULTS.monitoring.podMonitor,
    "AgentMonitoring.alerts": DEFAULTS.monitoring.alerts,
    "EnvoyMonitoring.podMonitor": DEFAULTS.monitoring.podMonitor,
    "EnvoyMonitoring.alerts": DEFAULTS.monitoring.alerts,
    "EnvoyMonitoring.dashboard": DEFAULTS.monitoring.dashboard,
    "EnvoyMonitoring.dashboardLabels": DEFAULTS.monitoring.dashboardLabels,
    "AgentAutoscaling.scaleDownStabilizationSeconds": AGENT_SERVICE_DEFAULTS.scaleDownStabilizationSeconds,
    "AgentAutoscaling.scaleDownPercentPerMinute": AGENT_SERVICE_DEFAULTS.scaleDownPercentPerMinute,
    "AgentServiceSettings.replicas": derived(`${AGENT_SERVICE_DEFAULTS.replicas}, unless autoscaling is given`),
    "AgentServiceSettings.maxUnavailable": DEFAULTS.maxUnavailable,
    "AgentServiceSettings.ipFamily": derived(`"${DEFAULTS.ipFamily}", or the app's with agentService.create`),
    "PodOptions.enableServiceLinks": DEFAULTS.enableServiceLinks,
    "AgentServiceSettings.clientNamespaces": derived("the agent Service's own namespace"),
    "AgentServiceSettings.terminationGracePeriodSeconds": derived(`agent.preStopSleepSeconds + ${DEFAULTS.terminationGraceMarginSeconds}`),
    "AgentServiceArgs.namespace": derived("the Kubernetes provider's namespace"),
    "AgentServiceArgs.expectResponseData": derived(`${DEFAULTS.inspection.expectResponseData} with ext_authz, false with ext_proc`),
    "AgentServiceArgs.integration": DEFAULTS.inspection.integration,
    "EnvoyAppArgs.namespace": derived("the Kubernetes provider's namespace"),
    "EnvoyAppArgs.replicas": DEFAULTS.replicas,
    "EnvoyAppArgs.port": DEFAULTS.frontPort,
    "EnvoyAppArgs.maxUnavailable": DEFAULTS.maxUnavailable,
    "EnvoyAppArgs.networkPolicy": DEFAULTS.networkPolicy,
    "EnvoyAppArgs.ipFamily": DEFAULTS.ipFamily,
    "EnvoyAppArgs.automountServiceAccountToken": DEFAULTS.automountServiceAccountToken,
    "EnvoyAppArgs.terminationGracePeriodSeconds": derived(`the longest preStop sleep (the sidecar agent's, else app.preStopSleepSeconds) + ${DEFAULTS.terminationGraceMarginSeconds}`),
    "GatewayWafArgs.namespace": derived("the Kubernetes provider's namespace"),
    "GatewayWafArgs.agentNamespace": derived("the GatewayWaf's namespace"),
    "GatewayInspection.failOpen": DEFAULTS.inspection.failOpen,
    "GatewayInspection.timeout": DEFAULTS.inspection.timeout,
    "GatewayInspection.body": "Buffered",
    "GatewayInspection.maxRequestBytes": DEFAULTS.inspection.extProcMaxRequestBytes,
    "GatewayRoute.kind": "HTTPRoute",
    "GatewayProxies.namespace": ENVOY_GATEWAY_NAMESPACE,
    "GatewayProxies.labels": derived("Envoy Gateway's proxy labels (`app.kubernetes.io/name: envoy`, `component: proxy`, `managed-by: envoy-gateway`), and with `gateway` its owning-gateway labels"),
    "ExistingAgentService.namespace": derived("the GatewayWaf's namespace"),
    "ExistingAgentService.port": DEFAULTS.agentGrpcPort,
    "IstioAppArgs.namespace": derived("the Kubernetes provider's namespace"),
    "IstioAppArgs.replicas": DEFAULTS.replicas,
    "IstioAppArgs.maxUnavailable": DEFAULTS.maxUnavailable,
    "IstioAppArgs.terminationGracePeriodSeconds": derived(`the agent's preStop sleep + ${DEFAULTS.terminationGraceMarginSeconds}`),
    "IstioInspection.failOpen": DEFAULTS.inspection.failOpen,
    "IstioInspection.timeout": DEFAULTS.inspection.timeout,
    "IstioInspection.maxRequestBytes": DEFAULTS.inspection.extProcMaxRequestBytes,
};

/** The text of an input's default, as args.ts's `@default` tag and the reference tables show it. */
export function defaultText(value: unknown): string {
    return value instanceof Derived ? value.rule : JSON.stringify(value);
}
