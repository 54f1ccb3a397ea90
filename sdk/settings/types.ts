// Resolved settings: every input checked and every default applied. The builders in
// `envoy/` and `kube/` read only these plain values.
import { PullPolicy } from "./images";

export interface Resources {
    requests: { cpu?: string; memory?: string };
    limits: { cpu?: string; memory?: string };
}

export interface EnvVarSetting {
    name: string;
    value?: string;
    secretName?: string;
    secretKey?: string;
}

export type { Integration, IpFamily } from "../args";
import type { Integration, IpFamily } from "../args";

export interface InspectionSettings {
    integration: Integration;
    failOpen: boolean;
    timeout: string;
    maxRequestBytes: number;
    allowPartialMessage: boolean;
    expectResponseData: boolean;
}

export interface AgentSettings {
    image: string;
    pullPolicy: PullPolicy;
    /** Where the agent listens for Envoy: the loopback in the sidecar, every address of the pod in a Service (`0.0.0.0`, or `::` with IPv6). */
    listenHost: string;
    /** What the startup listener binds: every address of the pod's families, where the kubelet probes it. */
    probeHost: string;
    /** The request header the agent takes the client's address from: one its Envoy writes. */
    clientIpHeader: string;
    grpcPort: number;
    tmpMountPath: string;
    preStopSleepSeconds: number;
    /** A Kubernetes native sidecar: started before, and stopped after, the pod's other containers. */
    nativeSidecar: boolean;
    /** The agent's StatsD metrics, served to Prometheus by a statsd-exporter beside it. */
    metrics: boolean;
    startupProbe?: { port: number; failureThreshold: number; periodSeconds: number };
    integration: Integration;
    /** Set `SIGSCI_ENVOY_EXPECT_RESPONSE_DATA`: ext_authz with the access log. */
    expectResponseData: boolean;
    resources: Resources;
    /** Extra agent options by their documented names, e.g. `max-procs`. */
    options: Record<string, string>;
}

export interface TolerationSetting {
    key?: string;
    operator?: "Equal" | "Exists";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    tolerationSeconds?: number;
}

/** Where and how a workload's pods run; absent fields leave Kubernetes' defaults. */
export interface PodSettings {
    nodeSelector?: Record<string, string>;
    tolerations?: TolerationSetting[];
    affinity?: Record<string, unknown>;
    priorityClassName?: string;
    imagePullSecrets?: string[];
    annotations: Record<string, string>;
    /** Extra labels on the pod template only. */
    labels: Record<string, string>;
    enableServiceLinks: boolean;
}

/** An agent fleet's monitoring objects. */
export interface AgentMonitoringSettings {
    podMonitor: boolean;
    alerts: boolean;
    prometheusLabels: Record<string, string>;
}

/** An app's monitoring objects: which exist, and the labels Prometheus and Grafana select them by. */
export interface MonitoringSettings {
    podMonitor: boolean;
    alerts: boolean;
    dashboard: boolean;
    prometheusLabels: Record<string, string>;
    dashboardLabels: Record<string, string>;
}

export interface AppSettings {
    name: string;
    /** Undefined: the Kubernetes provider's namespace (no `metadata.namespace` on the objects). */
    namespace?: string;
    replicas: number;
    maxUnavailable: number;
    networkPolicy: boolean;
    monitoring: MonitoringSettings;
    serviceAccountName?: string;
    automountServiceAccountToken: boolean;
    labels: Record<string, string>;
    selectorLabels: Record<string, string>;
    frontPort: number;
    ipFamily: IpFamily;
    terminationGracePeriodSeconds: number;
    /** The credentials Secret the sidecar reads, when the user manages it. */
    existingSecretName?: string;
    /** The component creates the sidecar's credentials Secret from the keys. */
    createSecret: boolean;
    app: {
        containerName: string;
        image: string;
        pullPolicy: PullPolicy;
        port: number;
        args?: string[];
        command?: string[];
        env: EnvVarSetting[];
        resources: Resources;
        runAsUser: number;
        readOnlyRootFilesystem: boolean;
        tmpVolume: boolean;
        readinessProbePath?: string;
        preStopSleepSeconds: number;
    };
    envoy: {
        image: string;
        pullPolicy: PullPolicy;
        logLevel: string;
        adminPort: number;
        readinessPort: number;
        metrics: boolean;
        preStopSleepSeconds: number;
        gracefulDrain: boolean;
        concurrency: number;
        resources: Resources;
        xffTrustedHops: number;
        extraConfig?: Record<string, unknown>;
        configOverride?: string;
        acknowledgeVerifierFindings: boolean;
    };
    inspection: InspectionSettings;
    /** The agent sidecar; absent when the app uses an agent Service. */
    agent?: AgentSettings;
    /** The agent Service the app uses instead of a sidecar. */
    agentService?: AgentServiceLinkSettings;
    service: { type: string; port: number; annotations: Record<string, string>; loadBalancerSourceRanges?: string[]; externalTrafficPolicy?: "Cluster" | "Local" };
    pod: PodSettings;
    /** What the component should tell the user without refusing (e.g. agent pods that would idle). */
    warnings: string[];
}

export interface AgentEndpointSettings {
    host: string;
    port: number;
}

export interface AgentServiceLinkSettings {
    endpoint: AgentEndpointSettings;
    /** Labels the agent's NetworkPolicy admits, put on the app's pods. */
    clientLabels: Record<string, string>;
    /** Secret (key `ca.crt`) Envoy verifies the agent's TLS certificate with. */
    tlsCaSecretName?: string;
    /** The settings of the agent Service the app creates for itself. */
    create?: AgentServiceSettings;
}

export interface AgentServiceSettings {
    name: string;
    /** Undefined: the Kubernetes provider's namespace (no `metadata.namespace` on the objects). */
    namespace?: string;
    labels: Record<string, string>;
    selectorLabels: Record<string, string>;
    /** Envoy pods carrying these labels may reach the agent. */
    clientLabels: Record<string, string>;
    /** Undefined: the agent Service's own namespace (the provider's, when it has none). */
    clientNamespaces?: string[];
    existingSecretName?: string;
    /** The component creates the credentials Secret from the keys. */
    createSecret: boolean;
    agent: AgentSettings;
    /** Fixed replicas; absent when an autoscaler owns the count. */
    replicas?: number;
    autoscaling?: { minReplicas: number; maxReplicas: number; cpuUtilization?: number; memoryUtilization?: number; scaleDownStabilizationSeconds: number; scaleDownPercentPerMinute: number };
    maxUnavailable: number;
    tlsSecretName?: string;
    terminationGracePeriodSeconds: number;
    endpoint: AgentEndpointSettings;
    pod: PodSettings;
    serviceAccountName?: string;
    serviceAnnotations: Record<string, string>;
    monitoring: AgentMonitoringSettings;
    ipFamily: IpFamily;
}

/** A Gateway API object a GatewayWaf's policies attach to. */
export interface GatewayTargetSettings {
    kind: "Gateway" | "HTTPRoute" | "GRPCRoute";
    name: string;
}

/** The checked inputs of a GatewayWaf. */
export interface GatewaySettings {
    name: string;
    /** Undefined: the Kubernetes provider's namespace. */
    namespace?: string;
    labels: Record<string, string>;
    targets: GatewayTargetSettings[];
    inspection: {
        failOpen: boolean;
        /** The policy's `messageTimeout`, a Gateway API duration (`200ms`). */
        messageTimeout: string;
        body: "Buffered" | "BufferedPartial" | "Streamed";
        /** The request buffer's limit, with `Buffered`. */
        maxRequestBytes?: number;
    };
    /** The agent fleet: the one the component creates, or one created elsewhere. */
    agents: {
        create?: AgentServiceSettings;
        service: string;
        /** Undefined: the Kubernetes provider's namespace, the GatewayWaf's own. */
        namespace?: string;
        port: number;
        /** The agent pods, which the proxies' NetworkPolicy selects. */
        selectorLabels: Record<string, string>;
    };
    /** A ReferenceGrant in the agents' namespace lets the policy reach their Service. */
    referenceGrant: boolean;
    proxies: { namespace: string; labels: Record<string, string> };
}

/** The checked inputs of an IstioApp. */
export interface MeshSettings {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    selectorLabels: Record<string, string>;
    replicas: number;
    maxUnavailable: number;
    serviceAccountName?: string;
    terminationGracePeriodSeconds: number;
    existingSecretName?: string;
    createSecret: boolean;
    app: AppSettings["app"];
    agent: AgentSettings;
    inspection: InspectionSettings;
    service: AppSettings["service"];
    pod: PodSettings;
    /** The label that asks Istio's injector for the sidecar. */
    injection: Record<string, string>;
}
