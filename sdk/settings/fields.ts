// The fields of every input object, held to the public types by the compiler (none missing, none
// extra): a key that is not one of them is refused with the closest known one, never ignored
// (a misspelt `failopen` would otherwise leave the default in place, silently).
import * as args from "../args";
import { refuseAs } from "./errors";
import { isPending } from "./pending";

type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/** The fields of `T`, listed: the compiler refuses a list that misses one or names one `T` lacks. */
function fieldsOf<T>() {
    return <const K extends readonly (keyof T & string)[]>(keys: K & ([Missing<T, K>] extends [never] ? unknown : { missing: Missing<T, K> })): readonly string[] => keys;
}

export const FIELDS = {
    EnvoyAppArgs: fieldsOf<args.EnvoyAppArgs>()(["app", "credentials", "namespace", "replicas", "port", "labels", "maxUnavailable", "networkPolicy", "serviceAccountName", "automountServiceAccountToken", "terminationGracePeriodSeconds", "envoy", "inspection", "agent", "agentService", "service", "pod"]),
    AgentServiceArgs: fieldsOf<args.AgentServiceArgs>()(["credentials", "namespace", "labels", "expectResponseData", "integration", "agent", "replicas", "autoscaling", "maxUnavailable", "tls", "clientNamespaces", "terminationGracePeriodSeconds", "pod", "serviceAccountName", "serviceAnnotations"]),
    AgentServiceSettings: fieldsOf<args.AgentServiceSettings>()(["agent", "replicas", "autoscaling", "maxUnavailable", "tls", "clientNamespaces", "terminationGracePeriodSeconds", "pod", "serviceAccountName", "serviceAnnotations"]),
    AgentServiceLink: fieldsOf<args.AgentServiceLink>()(["create", "endpoint", "clientLabels", "expectResponseData", "integration", "clientNamespaces", "tlsCaSecretName"]),
    AppContainer: fieldsOf<args.AppContainer>()(["image", "port", "args", "command", "env", "resources", "imagePullPolicy", "runAsUser", "readOnlyRootFilesystem", "tmpVolume", "readinessProbePath", "containerName", "preStopSleepSeconds"]),
    EnvVar: fieldsOf<args.EnvVar>()(["name", "value", "secretName", "secretKey"]),
    EnvoyProxy: fieldsOf<args.EnvoyProxy>()(["image", "imagePullPolicy", "logLevel", "adminPort", "readinessPort", "metrics", "preStopSleepSeconds", "gracefulDrain", "concurrency", "resources", "extraConfig", "configOverride", "acknowledgeVerifierFindings"]),
    WafInspection: fieldsOf<args.WafInspection>()(["integration", "failOpen", "timeout", "maxRequestBytes", "allowPartialMessage", "expectResponseData"]),
    AgentContainer: fieldsOf<args.AgentContainer>()(["image", "imagePullPolicy", "grpcPort", "tmpMountPath", "preStopSleepSeconds", "startupProbe", "startupProbePort", "resources", "options"]),
    ContainerResources: fieldsOf<args.ContainerResources>()(["requests", "limits"]),
    ResourceQuantities: fieldsOf<args.ResourceQuantities>()(["cpu", "memory"]),
    FrontService: fieldsOf<args.FrontService>()(["type", "port", "annotations", "loadBalancerSourceRanges", "externalTrafficPolicy"]),
    PodOptions: fieldsOf<args.PodOptions>()(["nodeSelector", "tolerations", "affinity", "priorityClassName", "imagePullSecrets", "annotations", "labels"]),
    Toleration: fieldsOf<args.Toleration>()(["key", "operator", "value", "effect", "tolerationSeconds"]),
    AgentAutoscaling: fieldsOf<args.AgentAutoscaling>()(["minReplicas", "maxReplicas", "cpuUtilization", "memoryUtilization"]),
    AgentTls: fieldsOf<args.AgentTls>()(["secretName"]),
    AgentCredentials: fieldsOf<args.AgentCredentials>()(["accessKeyId", "secretAccessKey", "existingSecretName"]),
};

/** Levenshtein distance, case-insensitive: how far a misspelt name is from a known one. */
export function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let row = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const next = [i];
        for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        row = next;
    }
    return row[y.length];
}

/** The known name closest to `name` (the first of equals, in the order given). */
export function closest(name: string, known: readonly string[]): string {
    return known.reduce((best, k) => (distance(name, k) < distance(name, best) ? k : best), known[0]);
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
        const meant = credential !== undefined && known.includes("credentials") ? `credentials.${credential}` : `${at === "" ? "" : `${at}.`}${closest(key, known)}`;
        refuseAs(path, "a value", `no such setting: did you mean ${meant}? (${where} has ${known.join(", ")})`);
    }
}
