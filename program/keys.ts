// The stack configuration keys of the root program: one typed table, from which the reader,
// the plan, the fix-it commands and docs/reference.md all work. A key sets an input of an app
// (per agent layout) or of the shared agent fleet, or shapes the args itself.
import { ExternalTrafficPolicy, Integration, IpFamily, PodOptions, ServiceType } from "../sdk";
import { closest } from "../sdk/settings/fields";

export type Kind = "string" | "number" | "boolean" | "list" | "map" | "object" | "objects";

/** Where the agent runs: in the app's pod, or in an agent Service. */
export type Layout = "sidecar" | "service";
export const LAYOUTS: readonly Layout[] = ["sidecar", "service"];

// The closed sets of values some keys take: the components' own.
export const INTEGRATION_VALUES: readonly Integration[] = ["ext_authz", "ext_proc"];
export const IP_FAMILY_VALUES: readonly IpFamily[] = Object.values(IpFamily);
export const SERVICE_TYPE_VALUES: readonly ServiceType[] = Object.values(ServiceType);
export const TRAFFIC_POLICY_VALUES: readonly ExternalTrafficPolicy[] = Object.values(ExternalTrafficPolicy);

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
     * What it sets: an EnvoyApp input per agent layout of the app, and an input of the shared
     * agent fleet (several apps); none: it shapes the args itself.
     */
    input: { sidecar?: string; service?: string; fleet?: string };
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

const each = (path: string) => ({ sidecar: path, service: path });
/** A setting of the agent pods: of the app's own agent Service (one app), or of the shared fleet. */
const agentPods = (path: string) => ({ service: `agentService.create.${path}`, fleet: path });

/** Every key the program reads; docs/reference.md lists the same. */
export const CONFIG_KEYS: Key[] = [
    { key: "appName", name: "dns1035", kind: "string", scope: "app", required: true, example: "helloworld", input: {}, doc: "Name of the app: the Deployment, Service and prefix of every object" },
    { key: "namespace", name: "dns1123", kind: "string", scope: "app", example: "default", input: each("namespace"), doc: "Namespace of the app's objects" },
    { key: "appImage", kind: "string", scope: "app", required: true, example: "signalsciences/example-helloworld:latest", input: each("app.image"), doc: "The app's image" },
    { key: "appPort", aliases: ["containerPort", "targetPort"], kind: "number", scope: "app", example: "8080", input: each("app.port"), doc: "Port the app listens on inside the pod" },
    { key: "appArgs", kind: "list", scope: "app", example: '["localhost:8080"]', input: each("app.args"), doc: "The app container's arguments, a list" },
    { key: "replicas", kind: "number", scope: "app", example: "3", input: each("replicas"), doc: "App pod replicas" },
    { key: "port", aliases: ["frontPort", "envoyPort", "listenerPort", "servicePort"], kind: "number", scope: "app", example: "8000", input: each("port"), doc: "Envoy's front port" },
    { key: "envoyImage", kind: "string", scope: "app", example: "envoyproxy/envoy:v1.39.5", input: each("envoy.image"), doc: "Envoy's image" },
    { key: "envoyMetrics", kind: "boolean", scope: "app", example: "true", input: each("envoy.metrics"), doc: "Serve Envoy's Prometheus stats on the readiness port, with scrape annotations" },
    {
        key: "xffTrustedHops",
        kind: "number",
        scope: "app",
        example: "1",
        input: each("envoy.xffTrustedHops"),
        doc: "Proxies in front of Envoy that append to X-Forwarded-For (an ingress: 1); the agent judges the address the last of them saw",
    },
    {
        key: "ipFamily",
        values: IP_FAMILY_VALUES,
        kind: "string",
        scope: "app",
        example: "DualStack",
        input: { ...each("ipFamily"), fleet: "ipFamily" },
        doc: "`IPv4`, `IPv6` or `DualStack`: the addresses the pods answer on and the Services' families; at the top level beside `apps`, also the shared fleet's",
    },
    {
        key: "integration",
        values: INTEGRATION_VALUES,
        kind: "string",
        scope: "app",
        example: "ext_proc",
        input: { ...each("inspection.integration"), fleet: "integration" },
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
        input: { ...each("inspection.expectResponseData"), fleet: "expectResponseData" },
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
        doc: "`sidecar` or `service`: the agent as its own scaled Service (the app's own; beside `apps`, the shared fleet)",
    },
    {
        key: "agentImage",
        aliases: ["sigsciImage"],
        kind: "string",
        scope: "app",
        example: "signalsciences/sigsci-agent:4.70.0",
        input: { sidecar: "agent.image", ...agentPods("agent.image") },
        doc: "The agent's image",
    },
    { key: "agentGrpcPort", kind: "number", scope: "app", example: "9999", input: { sidecar: "agent.grpcPort", ...agentPods("agent.grpcPort") }, doc: "The agent's gRPC port" },
    { key: "agentReplicas", kind: "number", scope: "stack", example: "2", input: agentPods("replicas"), doc: "Fixed agent pods (service layout)" },
    { key: "agentMinReplicas", kind: "number", scope: "stack", example: "2", input: agentPods("autoscaling.minReplicas"), doc: "Fewest agent pods under the autoscaler (service layout)" },
    { key: "agentMaxReplicas", kind: "number", scope: "stack", example: "10", input: agentPods("autoscaling.maxReplicas"), doc: "Most agent pods: turns the autoscaler on (service layout)" },
    { key: "agentCpuUtilization", kind: "number", scope: "stack", example: "70", input: agentPods("autoscaling.cpuUtilization"), doc: "Autoscaler CPU target in percent (service layout)" },
    { key: "accessKeyId", kind: "string", scope: "stack", secret: true, example: "<Agent Access Key>", input: { ...each("credentials"), fleet: "credentials" }, doc: "The Agent Access Key (secret)" },
    {
        key: "secretAccessKey",
        kind: "string",
        scope: "stack",
        secret: true,
        example: "<Agent Secret Key>",
        input: { ...each("credentials"), fleet: "credentials" },
        doc: "The Agent Secret Key (secret)",
    },
    {
        key: "existingSecretName",
        kind: "string",
        scope: "stack",
        example: "sigsci.my-site-name-here",
        input: { ...each("credentials.existingSecretName"), fleet: "credentials.existingSecretName" },
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
        input: { fleet: "namespace" },
        doc: "Namespace of the shared agent fleet (with `apps`; default: the top-level `namespace`)",
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
    { key: "agentNodeSelector", kind: "map", scope: "stack", example: '{"pool":"waf"}', input: agentPods("pod.nodeSelector"), doc: "Node labels the agent pods must run on (service layout)" },
    {
        key: "agentTolerations",
        kind: "objects",
        scope: "stack",
        example: '[{"key":"pool","operator":"Equal","value":"waf","effect":"NoSchedule"}]',
        input: agentPods("pod.tolerations"),
        doc: "Taints the agent pods tolerate (service layout)",
    },
    { key: "agentAffinity", kind: "object", scope: "stack", example: '{"podAntiAffinity":{}}', input: agentPods("pod.affinity"), doc: "A Kubernetes Affinity for the agent pods (service layout)" },
    { key: "agentPriorityClassName", kind: "string", scope: "stack", example: "business-critical", input: agentPods("pod.priorityClassName"), doc: "The agent pods' PriorityClass (service layout)" },
    {
        key: "agentImagePullSecrets",
        kind: "list",
        scope: "stack",
        example: '["registry-creds"]',
        input: agentPods("pod.imagePullSecrets"),
        doc: "Secrets to pull the agent image with (service layout)",
    },
    {
        key: "agentPodAnnotations",
        kind: "map",
        scope: "stack",
        example: '{"sidecar.istio.io/inject":"false"}',
        input: agentPods("pod.annotations"),
        doc: "Annotations on the agent pods (service layout)",
    },
    { key: "agentPodLabels", kind: "map", scope: "stack", example: '{"team":"security"}', input: agentPods("pod.labels"), doc: "Extra labels on the agent pods (service layout)" },
    {
        key: "agentServiceAccountName",
        kind: "string",
        scope: "stack",
        example: "sigsci-agent",
        input: agentPods("serviceAccountName"),
        doc: "The ServiceAccount the agent pods run as (service layout)",
    },
    {
        key: "agentServiceAnnotations",
        kind: "map",
        scope: "stack",
        example: '{"service.kubernetes.io/topology-mode":"Auto"}',
        input: agentPods("serviceAnnotations"),
        doc: "Annotations on the agent Service (service layout)",
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
export const AGENT_POD_KEYS = CONFIG_KEYS.filter((k) => k.input.fleet !== undefined && /^(pod\.|serviceAccountName$|serviceAnnotations$)/.test(k.input.fleet)).map((k) => k.key);
/** Keys of the shared fleet alone. */
export const MULTI_ONLY = ["agentServiceName", "agentNamespace"];

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
