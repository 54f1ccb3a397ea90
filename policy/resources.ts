// The Kubernetes objects of a stack as the policy SDK hands them over, turned into plain
// objects (the shape `kubectl get -o yaml` prints) for the plain checks of sigsci-envoy.
//
// During a preview some values are not known yet. The one that matters most is a name a
// provider picks at creation (an auto-named ConfigMap or Secret, a Namespace), which the objects
// that refer to it see as unknown too: the Envoy config a Deployment mounts, the Secret its
// agent reads. Pulumi records which resources each property depends on, so such a reference is
// resolved to the one ConfigMap, Secret or Namespace of that kind it depends on, and the checks
// can follow it. Anything else still unknown in an object the checks read makes the stack
// policy say it cannot run in this preview (advisory), rather than pass or fail on a guess.
import { PolicyResource, UnknownValueError } from "@pulumi/policy";
import type { KubeObject } from "sigsci-envoy/traffic";

/** Stands for a value known only after `pulumi up`. */
const UNKNOWN = "\u0000(known after pulumi up)";

type Path = (string | number)[];

/** `kubernetes:apps/v1:Deployment` -> apps/v1 Deployment; `core/v1` is `v1`. Undefined for other types. */
export function kubernetesKind(type: string): { apiVersion: string; kind: string } | undefined {
    const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
    // The yaml, helm and kustomize components hold objects; their children are the objects.
    if (!m || /^(yaml|helm|kustomize)([/.]|$)/.test(m[1])) return undefined;
    return { apiVersion: m[1].replace(/^core\//, ""), kind: m[2] };
}

/** A plain copy of policy props: unknown values become {@link UNKNOWN}, their paths recorded. */
function plainCopy(value: any, path: Path, unknowns: { path: Path; error: UnknownValueError }[]): any {
    if (value === null || typeof value !== "object") return value;
    const out: any = Array.isArray(value) ? [] : {};
    for (const key of Object.keys(value)) {
        const at = [...path, Array.isArray(value) ? Number(key) : key];
        let v: any;
        try {
            v = value[key];
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            unknowns.push({ path: at, error: e });
            out[key] = UNKNOWN;
            continue;
        }
        out[key] = plainCopy(v, at, unknowns);
    }
    return out;
}

/** One resource's Kubernetes object (props as given, unknown values marked), or undefined for other resources. */
export function kubeObjectOf(r: { type: string; props: Record<string, any>; provider?: { props: Record<string, any> } }): { object: KubeObject; unknowns: { path: Path; error: UnknownValueError }[] } | undefined {
    const kind = kubernetesKind(r.type);
    if (!kind) return undefined;
    const unknowns: { path: Path; error: UnknownValueError }[] = [];
    const object = { ...kind, ...plainCopy(r.props, [], unknowns) } as KubeObject;
    object.metadata ??= {};
    // No namespace: the provider's (its `namespace` setting; its kubeconfig context's is not
    // visible to a policy, so `default` when the provider names none).
    if (object.metadata.namespace === undefined && !CLUSTER_SCOPED.includes(kind.kind)) object.metadata.namespace = providerNamespace(r.provider) ?? "default";
    return { object, unknowns };
}

const CLUSTER_SCOPED = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass"];

function providerNamespace(provider: { props: Record<string, any> } | undefined): string | undefined {
    try {
        const ns = provider?.props?.namespace;
        return typeof ns === "string" && ns !== "" ? ns : undefined;
    } catch {
        return undefined; // unknown in this preview: the provider's default applies
    }
}

/** Which kind of object an unknown value at `path` names, if it is a reference by name. */
export function referencedKind(path: Path): string | undefined {
    const p = path.join(".");
    if (p === "metadata.namespace") return "Namespace";
    if (/(^|\.)(configMap\.name|configMapKeyRef\.name|configMapRef\.name)$/.test(p)) return "ConfigMap";
    if (/(^|\.)(secret\.secretName|secretKeyRef\.name|secretRef\.name)$/.test(p)) return "Secret";
    return undefined;
}

function setAt(object: any, path: Path, value: unknown): void {
    let o = object;
    for (const key of path.slice(0, -1)) o = o[key];
    o[path[path.length - 1]] = value;
}

/** The kinds the traffic and guide checks read: an unknown left in one of them could change a verdict. */
const READ_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod", "Service", "NetworkPolicy", "ConfigMap", "Namespace"];

export interface StackObjects {
    objects: KubeObject[];
    /** The first value still unknown in an object the checks read, if any: the stack cannot be judged in this preview. */
    unresolved?: UnknownValueError;
}

/** Every Kubernetes object of a stack, with references to names picked at creation resolved through Pulumi's dependencies. */
export function stackObjects(resources: PolicyResource[]): StackObjects {
    const converted = new Map<PolicyResource, { object: KubeObject; unknowns: { path: Path; error: UnknownValueError }[] }>();
    for (const r of resources) {
        const c = kubeObjectOf(r);
        if (c) converted.set(r, c);
    }
    // A name the provider picks at creation: stands as the resource's own name until then, which every reference to it shares.
    const pending = (path: Path) => path.join(".") === "metadata.name";
    for (const [r, c] of converted) {
        if (c.unknowns.some((u) => pending(u.path))) {
            c.object.metadata!.name = `${r.name}-(named at creation)`;
            c.unknowns = c.unknowns.filter((u) => !pending(u.path));
        }
    }
    const resolve = (r: PolicyResource, path: Path, kind: string, namespace: string | undefined): string | undefined => {
        const candidates = (r.propertyDependencies[String(path[0])] ?? r.dependencies).filter((d) => {
            const o = converted.get(d)?.object;
            return o?.kind === kind && (kind === "Namespace" || (o.metadata?.namespace ?? "") === (namespace ?? ""));
        });
        const name = candidates.length === 1 ? converted.get(candidates[0])!.object.metadata?.name : undefined;
        return typeof name === "string" && name !== UNKNOWN ? name : undefined;
    };
    // Namespaces first: a namespaced reference is looked up in the object's namespace.
    for (const pass of ["Namespace", "other"]) {
        for (const [r, c] of converted) {
            c.unknowns = c.unknowns.filter((u) => {
                const kind = referencedKind(u.path);
                if (kind === undefined || (pass === "Namespace") !== (kind === "Namespace")) return true;
                const name = resolve(r, u.path, kind, c.object.metadata?.namespace);
                if (name === undefined) return true;
                setAt(c.object, u.path, name);
                return false;
            });
        }
    }
    const left = [...converted.values()].filter((c) => READ_KINDS.includes(c.object.kind)).flatMap((c) => c.unknowns);
    return { objects: [...converted.values()].map((c) => c.object), unresolved: left[0]?.error };
}
