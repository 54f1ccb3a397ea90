// The fields of every input object, held to the public types by the compiler (none missing, none
// extra): a key that is not one of them is refused with the closest known one, never ignored
// (a misspelt `failopen` would otherwise leave the default in place, silently).
import * as args from "../args";
import { refuseAs } from "./errors";
import { isPending } from "./pending";
import { closest } from "../vocabulary/names";

export { closest, distance } from "../vocabulary/names";

type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/** The fields of `T`, listed: the compiler refuses a list that misses one or names one `T` lacks. */
function fieldsOf<T>() {
    return <const K extends readonly (keyof T & string)[]>(keys: K & ([Missing<T, K>] extends [never] ? unknown : { missing: Missing<T, K> })): readonly string[] => keys;
}

export const FIELDS = {
    EnvoyAppArgs: fieldsOf<args.EnvoyAppArgs>()([
        "app",
        "credentials",
        "namespace",
        "replicas",
        "port",
        "labels",
        "maxUnavailable",
        "networkPolicy",
        "serviceAccountName",
        "automountServiceAccountToken",
        "terminationGracePeriodSeconds",
        "envoy",
        "inspection",
        "agent",
        "agentService",
        "service",
        "pod",
        "ipFamily",
        "monitoring",
    ]),
    AgentServiceArgs: fieldsOf<args.AgentServiceArgs>()([
        "credentials",
        "namespace",
        "labels",
        "expectResponseData",
        "integration",
        "agent",
        "replicas",
        "autoscaling",
        "maxUnavailable",
        "tls",
        "clientNamespaces",
        "terminationGracePeriodSeconds",
        "pod",
        "serviceAccountName",
        "serviceAnnotations",
        "ipFamily",
        "monitoring",
    ]),
    AgentServiceSettings: fieldsOf<args.AgentServiceSettings>()([
        "agent",
        "replicas",
        "autoscaling",
        "maxUnavailable",
        "tls",
        "clientNamespaces",
        "terminationGracePeriodSeconds",
        "pod",
        "serviceAccountName",
        "serviceAnnotations",
        "ipFamily",
        "monitoring",
    ]),
    AgentServiceLink: fieldsOf<args.AgentServiceLink>()(["create", "endpoint", "clientLabels", "expectResponseData", "integration", "clientNamespaces", "tlsCaSecretName"]),
    AppContainer: fieldsOf<args.AppContainer>()([
        "image",
        "port",
        "args",
        "command",
        "env",
        "resources",
        "imagePullPolicy",
        "runAsUser",
        "readOnlyRootFilesystem",
        "tmpVolume",
        "readinessProbePath",
        "containerName",
        "preStopSleepSeconds",
    ]),
    EnvVar: fieldsOf<args.EnvVar>()(["name", "value", "secretName", "secretKey"]),
    EnvoyProxy: fieldsOf<args.EnvoyProxy>()([
        "image",
        "imagePullPolicy",
        "logLevel",
        "adminPort",
        "readinessPort",
        "metrics",
        "preStopSleepSeconds",
        "gracefulDrain",
        "concurrency",
        "resources",
        "xffTrustedHops",
        "extraConfig",
        "configOverride",
        "acknowledgeVerifierFindings",
    ]),
    WafInspection: fieldsOf<args.WafInspection>()(["integration", "failOpen", "timeout", "maxRequestBytes", "allowPartialMessage", "expectResponseData"]),
    AgentContainer: fieldsOf<args.AgentContainer>()([
        "image",
        "imagePullPolicy",
        "grpcPort",
        "tmpMountPath",
        "preStopSleepSeconds",
        "nativeSidecar",
        "metrics",
        "startupProbe",
        "startupProbePort",
        "resources",
        "options",
    ]),
    ContainerResources: fieldsOf<args.ContainerResources>()(["requests", "limits"]),
    ResourceQuantities: fieldsOf<args.ResourceQuantities>()(["cpu", "memory"]),
    FrontService: fieldsOf<args.FrontService>()(["type", "port", "annotations", "loadBalancerSourceRanges", "externalTrafficPolicy"]),
    PodOptions: fieldsOf<args.PodOptions>()(["nodeSelector", "tolerations", "affinity", "priorityClassName", "imagePullSecrets", "annotations", "labels", "enableServiceLinks"]),
    Toleration: fieldsOf<args.Toleration>()(["key", "operator", "value", "effect", "tolerationSeconds"]),
    AgentMonitoring: fieldsOf<args.AgentMonitoring>()(["podMonitor", "alerts", "prometheusLabels"]),
    EnvoyMonitoring: fieldsOf<args.EnvoyMonitoring>()(["podMonitor", "alerts", "prometheusLabels", "dashboard", "dashboardLabels"]),
    AgentAutoscaling: fieldsOf<args.AgentAutoscaling>()(["minReplicas", "maxReplicas", "cpuUtilization", "memoryUtilization", "scaleDownStabilizationSeconds", "scaleDownPercentPerMinute"]),
    AgentTls: fieldsOf<args.AgentTls>()(["secretName"]),
    AgentCredentials: fieldsOf<args.AgentCredentials>()(["accessKeyId", "secretAccessKey", "existingSecretName"]),
    GatewayWafArgs: fieldsOf<args.GatewayWafArgs>()(["namespace", "gateway", "routes", "inspection", "credentials", "agents", "agentNamespace", "existingAgentService", "proxies", "labels"]),
    GatewayRoute: fieldsOf<args.GatewayRoute>()(["kind", "name"]),
    GatewayInspection: fieldsOf<args.GatewayInspection>()(["failOpen", "timeout", "body", "maxRequestBytes"]),
    GatewayProxies: fieldsOf<args.GatewayProxies>()(["namespace", "labels"]),
    ExistingAgentService: fieldsOf<args.ExistingAgentService>()(["name", "namespace", "port"]),
    IstioAppArgs: fieldsOf<args.IstioAppArgs>()([
        "app",
        "credentials",
        "namespace",
        "replicas",
        "labels",
        "maxUnavailable",
        "serviceAccountName",
        "terminationGracePeriodSeconds",
        "inspection",
        "agent",
        "service",
        "pod",
        "istio",
    ]),
    IstioInspection: fieldsOf<args.IstioInspection>()(["failOpen", "timeout", "maxRequestBytes"]),
    IstioInjection: fieldsOf<args.IstioInjection>()(["revision"]),
};

/** Every field name of the input types: the schema's own words, not a user's. */
export const FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(FIELDS).flat());

/** ` did you mean X?` for the closest known name, or nothing. */
export function didYouMean(meant: string | undefined): string {
    return meant === undefined ? "" : `: did you mean ${meant}?`;
}

/**
 * Refuses any key of the object at `at` that is not among `known`, naming the closest known one.
 * The value is never shown: a misplaced key may well hold a credential.
 */
export function onlyFields(at: string, value: unknown, known: readonly string[]): void {
    if (isPending(value) || typeof value !== "object" || value === null || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
        if (known.includes(key)) continue;
        const path = at === "" ? key : `${at}.${key}`;
        const where = at === "" ? "the args" : at;
        // An agent key beside the credentials instead of in them.
        const credential = at === "" ? FIELDS.AgentCredentials.find((f) => f.toLowerCase() === key.toLowerCase()) : undefined;
        const near = closest(key, known);
        const meant = credential !== undefined && known.includes("credentials") ? `credentials.${credential}` : near === undefined ? undefined : `${at === "" ? "" : `${at}.`}${near}`;
        refuseAs(path, "a value", `no such setting${didYouMean(meant)} (${where} has ${known.join(", ")})`);
    }
}
