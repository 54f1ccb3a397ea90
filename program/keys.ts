// The stack configuration keys of the root program: one typed table, from which the reader,
// the plan, the fix-it commands and docs/reference.md all work. A key sets an input of an app
// (per agent layout) or of the shared agent fleet, or shapes the args itself.
import { ExternalTrafficPolicy, GatewayBodyMode, Integration, IpFamily, PodOptions, ServiceType } from "../sdk";
import { closest } from "../sdk/settings/fields";

export type Kind = "string" | "number" | "boolean" | "list" | "map" | "object" | "objects";

/** Where the agent runs: in the app's pod beside Envoy (EnvoyApp), in an agent Service, or in the pod of an Istio mesh app (IstioApp). */
export type Layout = "sidecar" | "service" | "mesh";
export const LAYOUTS: readonly Layout[] = ["sidecar", "service", "mesh"];
/** What a key's value goes to: an app of a layout, the apps' shared agent fleet, or the stack's GatewayWaf. */
export type Target = Layout | "fleet" | "gateway";

// The closed sets of values some keys take: the components' own.
export const INTEGRATION_VALUES: readonly Integration[] = ["ext_authz", "ext_proc"];
export const IP_FAMILY_VALUES: readonly IpFamily[] = Object.values(IpFamily);
export const SERVICE_TYPE_VALUES: readonly ServiceType[] = Object.values(ServiceType);
export const TRAFFIC_POLICY_VALUES: readonly ExternalTrafficPolicy[] = Object.values(ExternalTrafficPolicy);
export const GATEWAY_BODY_VALUES: readonly GatewayBodyMode[] = Object.values(GatewayBodyMode);

export interface Key {
    /** The config key, without the project prefix. */
    key: string;
    kind: Kind;
    /** A value that passes, shown in the fix-it command. */
    example: string;
    /**
     * `app`: a setting of an app (of the one app, or in an `apps` entry; at the top level beside
     * `apps`, every app's default). `stack`: of the whole stack, at the top level only.
     */
    scope: "app" | "stack";
    /**
     * What it sets: an input of the app's component per agent layout (EnvoyApp, IstioApp for
     * `mesh`), of the shared agent fleet (several apps) and of the stack's GatewayWaf; none: it
     * shapes the args itself. An app key without an input of the app's layout is refused there.
     */
    input: Partial<Record<Target, string>>;
    /** The values a string key takes, when they are a closed set: a fix offers the closest. */
    values?: readonly string[];
    /** Names users reach for that mean this key (`frontPort` is `port`). */
    aliases?: readonly string[];
    /** The name rule a string key follows: a fix offers the value made to follow it (`Team_A` -> `team-a`). */
    name?: "dns1123" | "dns1035";
    secret?: boolean;
    /** The program cannot run without it. */
    required?: boolean;
    /** For a key that sets no input: its default. */
    default?: string;
    doc: string;
}

/** An input every app layout has, at the same path. */
const each = (path: string) => ({ sidecar: path, service: path, mesh: path });
/** An input of EnvoyApp's two layouts (Istio's sidecar, not Envoy of the package, runs a mesh app's proxy). */
const envoyApp = (path: string) => ({ sidecar: path, service: path });
/** A setting of the agent pods: of the app's own agent Service (one app), of the shared fleet, or of the GatewayWaf's agents. */
const agentPods = (path: string) => ({ service: `agentService.create.${path}`, fleet: path, gateway: `agents.${path}` });

/** Every key the program reads; docs/reference.md lists the same. */
export const CONFIG_KEYS: Key[] = [
    { key: "appName", name: "dns1035", kind: "string", scope: "app", required: true, example: "helloworld", input: {}, doc: "Name of the app: the Deployment, Service and prefix of every object" },
    { key: "namespace", name: "dns1123", kind: "string", scope: "app", example: "default", input: each("namespace"), doc: "Namespace of the app's objects" },
    { key: "appImage", kind: "string", scope: "app", required: true, example: "signalsciences/example-helloworld:latest", input: each("app.image"), doc: "The app's image" },
    { key: "appPort", aliases: ["containerPort", "targetPort"], kind: "number", scope: "app", example: "8080", input: each("app.port"), doc: "Port the app listens on inside the pod" },
    { key: "appArgs", kind: "list", scope: "app", example: '["localhost:8080"]', input: each("app.args"), doc: "The app container's arguments, a list" },
    { key: "replicas", kind: "number", scope: "app", example: "3", input: each("replicas"), doc: "App pod replicas" },
    {
        key: "port",
        aliases: ["frontPort", "envoyPort", "listenerPort", "servicePort"],
        kind: "number",
        scope: "app",
        example: "8000",
        input: { ...envoyApp("port"), mesh: "service.port" },
        doc: "The front Service's port: Envoy's listener, or in the mesh layout the Service's (default there: the app's port)",
    },
    { key: "envoyImage", kind: "string", scope: "app", example: "envoyproxy/envoy:v1.39.5", input: envoyApp("envoy.image"), doc: "Envoy's image" },
    { key: "envoyMetrics", kind: "boolean", scope: "app", example: "true", input: envoyApp("envoy.metrics"), doc: "Serve Envoy's Prometheus stats on the readiness port, with scrape annotations" },
    {
        key: "podMonitor",
        kind: "boolean",
        scope: "app",
        example: "true",
        input: envoyApp("monitoring.podMonitor"),
        doc: "A Prometheus Operator PodMonitor that scrapes the app's Envoy metrics",
    },
    {
        key: "prometheusAlerts",
        kind: "boolean",
        scope: "app",
        example: "true",
        input: envoyApp("monitoring.alerts"),
        doc: "A PrometheusRule with the alerts that mean requests pass without an agent",
    },
    {
        key: "grafanaDashboard",
        kind: "boolean",
        scope: "app",
        example: "true",
        input: envoyApp("monitoring.dashboard"),
        doc: "The app's Grafana dashboard, in a ConfigMap Grafana's dashboard sidecar loads",
    },
    {
        key: "prometheusLabels",
        kind: "map",
        scope: "app",
        example: '{"release":"kube-prometheus-stack"}',
        input: envoyApp("monitoring.prometheusLabels"),
        doc: "Labels on the PodMonitor and PrometheusRule that your Prometheus selects them by",
    },
    {
        key: "dashboardLabels",
        kind: "map",
        scope: "app",
        example: '{"grafana_dashboard":"1"}',
        input: envoyApp("monitoring.dashboardLabels"),
        doc: "Labels on the dashboard's ConfigMap that Grafana's sidecar looks for",
    },
    {
        key: "xffTrustedHops",
        kind: "number",
        scope: "app",
        example: "1",
        input: envoyApp("envoy.xffTrustedHops"),
        doc: "Proxies in front of Envoy that append to X-Forwarded-For (an ingress: 1); the agent judges the address the last of them saw",
    },
    {
        key: "ipFamily",
        values: IP_FAMILY_VALUES,
        kind: "string",
        scope: "app",
        example: "DualStack",
        input: { ...envoyApp("ipFamily"), fleet: "ipFamily", gateway: "agents.ipFamily" },
        doc: "`IPv4`, `IPv6` or `DualStack`: the addresses the pods answer on and the Services' families; at the top level, also the shared fleet's and the Gateway's agents'",
    },
    {
        key: "integration",
        values: INTEGRATION_VALUES,
        kind: "string",
        scope: "app",
        example: "ext_proc",
        input: { ...envoyApp("inspection.integration"), fleet: "integration" },
        doc: "How Envoy consults the agent: `ext_authz` (with the access log) or `ext_proc`; at the top level beside `apps`, also the shared fleet's",
    },
    { key: "failOpen", kind: "boolean", scope: "app", example: "false", input: each("inspection.failOpen"), doc: "Let requests through when the agent cannot answer" },
    { key: "inspectionTimeout", aliases: ["timeout"], kind: "string", scope: "app", example: "0.2s", input: each("inspection.timeout"), doc: "How long Envoy waits for the agent" },
    { key: "maxRequestBytes", kind: "number", scope: "app", example: "8192", input: each("inspection.maxRequestBytes"), doc: "Request-body bytes sent to the agent" },
    {
        key: "expectResponseData",
        kind: "boolean",
        scope: "app",
        example: "true",
        input: { ...envoyApp("inspection.expectResponseData"), fleet: "expectResponseData" },
        doc: "Send response data to the agent; at the top level beside `apps`, also the shared fleet's",
    },
    {
        key: "agentLayout",
        values: LAYOUTS,
        kind: "string",
        scope: "app",
        example: "service",
        default: "sidecar",
        input: {},
        doc: "`sidecar`, `service` (the agent as its own scaled Service: the app's own; beside `apps`, the shared fleet) or `mesh` (an app in an Istio mesh, inspected by Istio's sidecar)",
    },
    {
        key: "agentImage",
        aliases: ["sigsciImage"],
        kind: "string",
        scope: "app",
        example: "signalsciences/sigsci-agent:4.70.0",
        input: { sidecar: "agent.image", mesh: "agent.image", ...agentPods("agent.image") },
        doc: "The agent's image",
    },
    {
        key: "agentNativeSidecar",
        kind: "boolean",
        scope: "app",
        example: "true",
        input: { sidecar: "agent.nativeSidecar", mesh: "agent.nativeSidecar" },
        doc: "Run the sidecar agent as a Kubernetes native sidecar (started before the app, stopped after it; needs the SidecarContainers feature)",
    },
    {
        key: "agentMetrics",
        kind: "boolean",
        scope: "app",
        example: "true",
        input: { sidecar: "agent.metrics", mesh: "agent.metrics", ...agentPods("agent.metrics") },
        doc: "Export the agent's own metrics to Prometheus (a statsd-exporter beside each agent); at the top level, also the shared fleet's and the Gateway's agents'",
    },
    { key: "agentGrpcPort", kind: "number", scope: "app", example: "9999", input: { sidecar: "agent.grpcPort", mesh: "agent.grpcPort", ...agentPods("agent.grpcPort") }, doc: "The agent's gRPC port" },
    {
        key: "istioRevision",
        kind: "string",
        scope: "app",
        example: "1-30",
        input: { mesh: "istio.revision" },
        doc: "Mesh layout: the revision of a revisioned Istio control plane (`istio.io/rev`); without it the pods ask the default one",
    },
    { key: "agentReplicas", kind: "number", scope: "stack", example: "2", input: agentPods("replicas"), doc: "Fixed agent pods (the agent Services: the service layout's, the Gateway's)" },
    {
        key: "agentMinReplicas",
        kind: "number",
        scope: "stack",
        example: "2",
        input: agentPods("autoscaling.minReplicas"),
        doc: "Fewest agent pods under the autoscaler (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentMaxReplicas",
        kind: "number",
        scope: "stack",
        example: "10",
        input: agentPods("autoscaling.maxReplicas"),
        doc: "Most agent pods: turns the autoscaler on (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentCpuUtilization",
        kind: "number",
        scope: "stack",
        example: "70",
        input: agentPods("autoscaling.cpuUtilization"),
        doc: "Autoscaler CPU target in percent (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "accessKeyId",
        kind: "string",
        scope: "stack",
        secret: true,
        example: "<Agent Access Key>",
        input: { ...each("credentials"), fleet: "credentials", gateway: "credentials" },
        doc: "The Agent Access Key (secret)",
    },
    {
        key: "secretAccessKey",
        kind: "string",
        scope: "stack",
        secret: true,
        example: "<Agent Secret Key>",
        input: { ...each("credentials"), fleet: "credentials", gateway: "credentials" },
        doc: "The Agent Secret Key (secret)",
    },
    {
        key: "existingSecretName",
        kind: "string",
        scope: "stack",
        example: "sigsci.my-site-name-here",
        input: { ...each("credentials.existingSecretName"), fleet: "credentials.existingSecretName", gateway: "credentials.existingSecretName" },
        doc: "Instead of the keys: an existing Secret with `accesskeyid` / `secretaccesskey`",
    },
    // Several apps per stack.
    {
        key: "apps",
        kind: "objects",
        scope: "stack",
        example: '[{"appName":"shop","appImage":"registry.example.com/shop:1.0"}]',
        input: {},
        doc: "Several apps: a list of objects with the per-app keys (`appName` and `appImage` at least); the top-level per-app keys are their defaults",
    },
    { key: "agentServiceName", name: "dns1035", kind: "string", scope: "stack", example: "sigsci-agents", default: "sigsci-agents", input: {}, doc: "Name of the shared agent fleet (with `apps`)" },
    {
        key: "agentNamespace",
        name: "dns1123",
        kind: "string",
        scope: "stack",
        example: "waf",
        input: { fleet: "namespace", gateway: "agentNamespace" },
        doc: "Namespace of the shared agent fleet (with `apps`; default: the top-level `namespace`) and of the Gateway's agents (default: the Gateway's namespace)",
    },
    // The Envoy Gateway layout: a GatewayWaf beside (or instead of) the apps.
    {
        key: "gateway",
        name: "dns1123",
        kind: "string",
        scope: "stack",
        example: "eg",
        input: { gateway: "gateway" },
        doc: "Envoy Gateway layout: inspect every route of every HTTP listener of this Gateway (in `gatewayNamespace`); not with `gatewayRoutes`",
    },
    {
        key: "gatewayRoutes",
        kind: "objects",
        scope: "stack",
        example: '[{"name":"shop"}]',
        input: { gateway: "routes" },
        doc: 'Envoy Gateway layout: inspect these routes only, a list of `{"name": ..., "kind": "HTTPRoute" | "GRPCRoute"}`; not with `gateway`',
    },
    {
        key: "gatewayWafName",
        name: "dns1035",
        kind: "string",
        scope: "stack",
        example: "sigsci-waf",
        default: "sigsci-waf",
        input: {},
        doc: "Name of the GatewayWaf (with `gateway` or `gatewayRoutes`)",
    },
    {
        key: "gatewayNamespace",
        name: "dns1123",
        kind: "string",
        scope: "stack",
        example: "shop",
        input: { gateway: "namespace" },
        doc: "Namespace of the Gateway or routes, and of their policies (default: the top-level `namespace`)",
    },
    { key: "gatewayFailOpen", kind: "boolean", scope: "stack", example: "true", input: { gateway: "inspection.failOpen" }, doc: "Let a Gateway's requests through when the agents cannot answer" },
    { key: "gatewayTimeout", kind: "string", scope: "stack", example: "0.2s", input: { gateway: "inspection.timeout" }, doc: "How long Envoy Gateway waits for each message of the agent" },
    {
        key: "gatewayBody",
        values: GATEWAY_BODY_VALUES,
        kind: "string",
        scope: "stack",
        example: "Buffered",
        input: { gateway: "inspection.body" },
        doc: "How a Gateway's request bodies reach the agent: `Buffered`, `BufferedPartial` or `Streamed`",
    },
    {
        key: "gatewayMaxRequestBytes",
        kind: "number",
        scope: "stack",
        example: "1048576",
        input: { gateway: "inspection.maxRequestBytes" },
        doc: "With `Buffered`: the request buffer of the Gateway's targets",
    },
    {
        key: "gatewayProxyNamespace",
        name: "dns1123",
        kind: "string",
        scope: "stack",
        example: "envoy-gateway-system",
        input: { gateway: "proxies.namespace" },
        doc: "Where Envoy Gateway runs its proxies, which the agents admit (its controller's namespace by default)",
    },
    // Pods and Services that fit the cluster.
    { key: "nodeSelector", kind: "map", scope: "app", example: '{"pool":"web"}', input: each("pod.nodeSelector"), doc: "Node labels the app's pods must run on" },
    {
        key: "tolerations",
        kind: "objects",
        scope: "app",
        example: '[{"key":"pool","operator":"Equal","value":"web","effect":"NoSchedule"}]',
        input: each("pod.tolerations"),
        doc: "Taints the app's pods tolerate",
    },
    { key: "affinity", kind: "object", scope: "app", example: '{"podAntiAffinity":{}}', input: each("pod.affinity"), doc: "A Kubernetes Affinity for the app's pods (beside the topology spread)" },
    { key: "priorityClassName", kind: "string", scope: "app", example: "business-critical", input: each("pod.priorityClassName"), doc: "The app's pods' PriorityClass" },
    { key: "imagePullSecrets", kind: "list", scope: "app", example: '["registry-creds"]', input: each("pod.imagePullSecrets"), doc: "Secrets to pull the app's images with" },
    { key: "podAnnotations", kind: "map", scope: "app", example: '{"sidecar.istio.io/inject":"false"}', input: each("pod.annotations"), doc: "Annotations on the app's pods" },
    { key: "podLabels", kind: "map", scope: "app", example: '{"team":"payments"}', input: each("pod.labels"), doc: "Extra labels on the app's pods" },
    {
        key: "serviceType",
        values: SERVICE_TYPE_VALUES,
        kind: "string",
        scope: "app",
        example: "LoadBalancer",
        input: each("service.type"),
        doc: "The front Service's type: `ClusterIP`, `NodePort` or `LoadBalancer`",
    },
    {
        key: "serviceAnnotations",
        kind: "map",
        scope: "app",
        example: '{"service.beta.kubernetes.io/aws-load-balancer-scheme":"internal"}',
        input: each("service.annotations"),
        doc: "Annotations on the front Service",
    },
    {
        key: "loadBalancerSourceRanges",
        kind: "list",
        scope: "app",
        example: '["203.0.113.0/24"]',
        input: each("service.loadBalancerSourceRanges"),
        doc: "Client CIDRs a `LoadBalancer` front Service admits",
    },
    {
        key: "externalTrafficPolicy",
        values: TRAFFIC_POLICY_VALUES,
        kind: "string",
        scope: "app",
        example: "Local",
        input: each("service.externalTrafficPolicy"),
        doc: "`Cluster` or `Local`, for a `NodePort` or `LoadBalancer` front Service",
    },
    {
        key: "agentNodeSelector",
        kind: "map",
        scope: "stack",
        example: '{"pool":"waf"}',
        input: agentPods("pod.nodeSelector"),
        doc: "Node labels the agent pods must run on (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentTolerations",
        kind: "objects",
        scope: "stack",
        example: '[{"key":"pool","operator":"Equal","value":"waf","effect":"NoSchedule"}]',
        input: agentPods("pod.tolerations"),
        doc: "Taints the agent pods tolerate (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentAffinity",
        kind: "object",
        scope: "stack",
        example: '{"podAntiAffinity":{}}',
        input: agentPods("pod.affinity"),
        doc: "A Kubernetes Affinity for the agent pods (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentPriorityClassName",
        kind: "string",
        scope: "stack",
        example: "business-critical",
        input: agentPods("pod.priorityClassName"),
        doc: "The agent pods' PriorityClass (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentImagePullSecrets",
        kind: "list",
        scope: "stack",
        example: '["registry-creds"]',
        input: agentPods("pod.imagePullSecrets"),
        doc: "Secrets to pull the agent image with (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentPodAnnotations",
        kind: "map",
        scope: "stack",
        example: '{"sidecar.istio.io/inject":"false"}',
        input: agentPods("pod.annotations"),
        doc: "Annotations on the agent pods (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentPodLabels",
        kind: "map",
        scope: "stack",
        example: '{"team":"security"}',
        input: agentPods("pod.labels"),
        doc: "Extra labels on the agent pods (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentServiceAccountName",
        kind: "string",
        scope: "stack",
        example: "sigsci-agent",
        input: agentPods("serviceAccountName"),
        doc: "The ServiceAccount the agent pods run as (the agent Services: the service layout's, the Gateway's)",
    },
    {
        key: "agentPodMonitor",
        kind: "boolean",
        scope: "stack",
        example: "true",
        input: agentPods("monitoring.podMonitor"),
        doc: "A PodMonitor for the agent Services' agents (needs `agentMetrics`)",
    },
    {
        key: "agentAlerts",
        kind: "boolean",
        scope: "stack",
        example: "true",
        input: agentPods("monitoring.alerts"),
        doc: "A PrometheusRule with the agent Services' alerts: decision errors, agents gone (needs `agentMetrics`)",
    },
    {
        key: "agentServiceAnnotations",
        kind: "map",
        scope: "stack",
        example: '{"service.kubernetes.io/topology-mode":"Auto"}',
        input: agentPods("serviceAnnotations"),
        doc: "Annotations on the agent Service (the agent Services: the service layout's, the Gateway's)",
    },
];

export const keyOf = (key: string): Key | undefined => CONFIG_KEYS.find((k) => k.key === key);

/** The key a misspelt or mistaken one means: a key one of whose aliases it is, else the closest key. */
export function meantKey(key: string): string | undefined {
    const alias = CONFIG_KEYS.find((k) => k.aliases?.some((a) => a.toLowerCase() === key.toLowerCase()));
    return (
        alias?.key ??
        closest(
            key,
            CONFIG_KEYS.map((k) => k.key),
        )
    );
}

/** Keys of the agent Service's scale and of its pods: they need an agent Service (one app) or a fleet (several). */
export const AGENT_SCALING_KEYS = ["agentReplicas", "agentMinReplicas", "agentMaxReplicas", "agentCpuUtilization"];
export const AGENT_POD_KEYS = CONFIG_KEYS.filter((k) => k.input.fleet !== undefined && /^(pod\.|serviceAccountName$|serviceAnnotations$|monitoring\.)/.test(k.input.fleet)).map((k) => k.key);
/** Keys of the shared fleet alone. */
export const MULTI_ONLY = ["agentServiceName", "agentNamespace"];
/** Keys of the GatewayWaf alone (besides `gateway` and `gatewayRoutes`, which make it). */
export const GATEWAY_ONLY = CONFIG_KEYS.filter((k) => k.key.startsWith("gateway") && k.key !== "gateway" && k.key !== "gatewayRoutes").map((k) => k.key);

/** The PodOptions input field each pod key sets (the agent pods' keys: `agent` + the key, capitalized). */
export const POD_KEYS: [keyof PodOptions, string][] = [
    ["nodeSelector", "nodeSelector"],
    ["tolerations", "tolerations"],
    ["affinity", "affinity"],
    ["priorityClassName", "priorityClassName"],
    ["imagePullSecrets", "imagePullSecrets"],
    ["annotations", "podAnnotations"],
    ["labels", "podLabels"],
];
