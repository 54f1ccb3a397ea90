// Every default of the package, in one place. Values marked "guide" come from Fastly's
// Kubernetes Envoy guide; the README's tables quote this file.

/** The pinned Envoy release used when `envoy.image` is not given. */
export const ENVOY_IMAGE = "envoyproxy/envoy:v1.39.5";
/** The agent image of Fastly's guide: `latest`, pulled `Always` so the agent stays current. */
export const AGENT_IMAGE = "signalsciences/sigsci-agent:latest";

export const DEFAULTS = {
    namespace: "default",
    replicas: 1,
    /** Envoy's front listener (guide: the front proxy on port 8000). */
    frontPort: 8000,
    /** The app's loopback port (guide: helloworld on localhost:8080). */
    appPort: 8080,
    appContainerName: "app",
    appRunAsUser: 65532,
    envoyAdminPort: 9901,
    envoyReadinessPort: 9902,
    envoyLogLevel: "info",
    /** Envoy needs no user of its image: it reads its config and writes nothing. A uid above 10000 stays clear of host users. */
    envoyRunAsUser: 10101,
    /**
     * Envoy's drain on shutdown: it fails its readiness, closes connections gracefully and keeps
     * serving this long while the endpoints controller takes the pod out of its Services.
     */
    envoyPreStopSleepSeconds: 15,
    /** The app outlives Envoy's drain by this much, so no request in flight through Envoy loses its upstream. */
    appOutlivesEnvoySeconds: 5,
    /** The app's writable /tmp when its root filesystem is read-only. */
    appTmpSizeLimit: "256Mi",
    /** The agent runs as `nobody`: it writes only to its emptyDir. */
    agentRunAsUser: 65534,
    /** guide: SIGSCI_ENVOY_GRPC_ADDRESS=localhost:9999 */
    agentGrpcPort: 9999,
    /** guide: the agent image's temp volume. */
    agentTmpMountPath: "/sigsci/tmp",
    /** guide: preStop `sleep 30`. */
    agentPreStopSleepSeconds: 30,
    /** Envoy's startup probe: it passes once Envoy's active health check reaches an agent (as long as Fastly's agent startup example allows). */
    inspectionStartupFailureThreshold: 90,
    inspectionStartupPeriodSeconds: 2,
    /** Grace added to the preStop sleep, so the agent can still exit cleanly after it. */
    terminationGraceMarginSeconds: 15,
    agentStartupProbePort: 2024,
    /** Fastly's startup probe example: 90 tries, 2 s apart (3 minutes to load rules). */
    agentStartupProbeFailureThreshold: 90,
    agentStartupProbePeriodSeconds: 2,
    serviceType: "ClusterIP",
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
    },
} as const;

/** Names shared by the Envoy config and the pod spec. */
export const NAMES = {
    envoyContainer: "envoy",
    agentContainer: "sigsci-agent",
    /** guide: the temp volume is called sigsci-tmp. */
    agentTmpVolume: "sigsci-tmp",
    envoyConfigVolume: "envoy-config",
    envoyConfigDir: "/etc/envoy",
    envoyConfigFile: "envoy.yaml",
    /** Envoy's readiness listener path that answers 200 only once an agent passes the health check. */
    inspectionReadyPath: "/inspection-ready",
    /** Where Envoy finds the CA that signs an agent Service's certificate. */
    agentCaVolume: "agent-ca",
    agentCaDir: "/etc/envoy/agent-ca",
    agentTlsVolume: "sigsci-tls",
    appTmpVolume: "app-tmp",
    /** Envoy cluster names. */
    appCluster: "app",
    agentCluster: "sigsci-agent",
    adminCluster: "envoy-admin",
    /** Keys of the credentials Secret (guide). */
    accessKeyIdKey: "accesskeyid",
    secretAccessKeyKey: "secretaccesskey",
} as const;

export const AGENT_SERVICE_DEFAULTS = {
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
    maxUnavailable: 1,
    /** Where the listener's certificate and key are mounted. */
    tlsMountPath: "/sigsci/tls",
    /** Label key that marks the Envoy pods an agent Service admits. */
    clientLabelKey: "sigsci-envoy/agent-service",
} as const;
