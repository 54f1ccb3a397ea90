// The Kubernetes objects of a stack as the policy SDK hands them over, turned into plain
// objects (the shape `kubectl get -o yaml` prints) for the plain checks of sigsci-envoy.
//
// During a preview some values are not known yet. The one that matters most is a name a
// provider picks at creation (an auto-named ConfigMap or Secret, a Namespace), which the objects
// that refer to it see as unknown too: the Envoy config a Deployment mounts, the Secret its
// agent reads. Pulumi records which resources each property depends on, so such a reference is
// resolved to the one ConfigMap, Secret or Namespace of that kind it depends on, and the checks
// can follow it. A value still unknown in an object on an inspection path (an Envoy or agent
// workload, the Services, NetworkPolicies and Namespaces around them, the ConfigMaps they mount)
// makes the stack policies say they cannot judge this preview (advisory), naming the object,
// rather than pass or fail on a guess; unknowns elsewhere do not hold them up.
import { PolicyResource, UnknownValueError } from "@pulumi/policy";
import { isAgentContainer, isEnvoyContainer, KubeObject, objectRef, workloads } from "sigsci-envoy/traffic";

/** Stands for a value known only after `pulumi up`: it matches nothing the checks look for. */
export const UNKNOWN = "(known after pulumi up)";

type Path = (string | number)[];
interface Unknown {
    path: Path;
    error: UnknownValueError;
}

/** `kubernetes:apps/v1:Deployment` -> apps/v1 Deployment; `core/v1` is `v1`. Undefined for other types. */
export function kubernetesKind(type: string): { apiVersion: string; kind: string } | undefined {
    const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
    // The yaml, helm and kustomize components hold objects; their children are the objects.
    if (!m || /^(yaml|helm|kustomize)([/.]|$)/.test(m[1])) return undefined;
    return { apiVersion: m[1].replace(/^core\//, ""), kind: m[2] };
}

/** A plain copy of policy props: unknown values become {@link UNKNOWN}, their paths recorded. */
function plainCopy(value: any, path: Path, unknowns: Unknown[]): any {
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

const CLUSTER_SCOPED = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass"];

function providerNamespace(provider: { props: Record<string, any> } | undefined): string | undefined {
    try {
        const ns = provider?.props?.namespace;
        return typeof ns === "string" && ns !== "" ? ns : undefined;
    } catch {
        return undefined; // unknown in this preview: the provider's default applies
    }
}

export interface Converted {
    object: KubeObject;
    /** Values unknown in this preview, other than a name the provider picks at creation. */
    unknowns: Unknown[];
}

/** One resource's Kubernetes object (unknown values marked), or undefined for other resources. */
export function kubeObjectOf(r: { type: string; name: string; props: Record<string, any>; provider?: { props: Record<string, any> } }): Converted | undefined {
    const kind = kubernetesKind(r.type);
    if (!kind) return undefined;
    let unknowns: Unknown[] = [];
    const object = { ...kind, ...plainCopy(r.props, [], unknowns) } as KubeObject;
    object.metadata ??= {};
    // A name the provider picks at creation: the resource's own name stands for it until then, in messages and references alike.
    if (unknowns.some((u) => u.path.join(".") === "metadata.name")) {
        object.metadata.name = `${r.name}-(named at creation)`;
        unknowns = unknowns.filter((u) => u.path.join(".") !== "metadata.name");
    }
    // No namespace: the provider's (its `namespace` setting; its kubeconfig context's is not
    // visible to a policy, so `default` when the provider names none).
    if (object.metadata.namespace === undefined && !CLUSTER_SCOPED.includes(kind.kind)) object.metadata.namespace = providerNamespace(r.provider) ?? "default";
    return { object, unknowns };
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

/** The same error, saying which object holds the unknown value. */
function naming(u: Unknown, object: KubeObject): UnknownValueError {
    u.error.message = `${objectRef(object, "default")}: ${u.error.message}`;
    return u.error;
}

/** Every container of a pod spec, init containers included: a value unknown in any of them may matter. */
function podContainers(pod: any): any[] {
    return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

/**
 * The objects on an inspection path: Envoy and agent workloads, the ConfigMaps they mount, and
 * the Services, NetworkPolicies and Namespace objects of their namespaces.
 */
function onInspectionPaths(objects: KubeObject[]): Set<KubeObject> {
    const relevant = new Set<KubeObject>();
    const namespaces = new Set<string>();
    const mounted = new Set<string>();
    for (const w of workloads(objects, "default")) {
        if (!podContainers(w.pod).some((c: any) => isEnvoyContainer(c) || isAgentContainer(c))) continue;
        relevant.add(w.object);
        namespaces.add(w.namespace);
        for (const v of w.pod.volumes ?? []) if (typeof v?.configMap?.name === "string") mounted.add(`${w.namespace}/${v.configMap.name}`);
    }
    for (const o of objects) {
        const ns = o.metadata?.namespace ?? "default";
        if ((o.kind === "Service" || o.kind === "NetworkPolicy") && namespaces.has(ns)) relevant.add(o);
        if (o.kind === "ConfigMap" && mounted.has(`${ns}/${o.metadata?.name}`)) relevant.add(o);
        if (o.kind === "Namespace" && namespaces.has(String(o.metadata?.name))) relevant.add(o);
    }
    return relevant;
}

export interface StackObjects {
    objects: KubeObject[];
    /** The first value still unknown on an inspection path, if any: the stack cannot be judged in this preview. */
    unresolved?: UnknownValueError;
}

/** Every Kubernetes object of a stack, with references to names picked at creation resolved through Pulumi's dependencies. */
export function stackObjects(resources: PolicyResource[]): StackObjects {
    const converted = new Map<PolicyResource, Converted>();
    for (const r of resources) {
        const c = kubeObjectOf(r);
        if (c) converted.set(r, c);
    }
    const resolve = (r: PolicyResource, path: Path, kind: string, namespace: string | undefined): string | undefined => {
        const candidates = (r.propertyDependencies[String(path[0])] ?? r.dependencies).filter((d) => {
            const o = converted.get(d)?.object;
            return o?.kind === kind && (kind === "Namespace" || o.metadata?.namespace === namespace);
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
    const objects = [...converted.values()].map((c) => c.object);
    const relevant = onInspectionPaths(objects);
    const left = [...converted.values()].find((c) => relevant.has(c.object) && c.unknowns.length > 0);
    return { objects, unresolved: left ? naming(left.unknowns[0], left.object) : undefined };
}

function getAt(object: any, path: Path): any {
    return path.reduce((o, key) => (o === undefined || o === null ? undefined : o[key]), object);
}

/**
 * For a check of one object: the first unknown value it reads, naming the object. The agent
 * checks read the agent containers of a workload and its pod's grace period and volumes (a
 * container whose image is unknown and which sets no SIGSCI_ variable is not taken for an
 * agent); the ConfigMap check reads data. References by name and metadata are never read.
 */
export function unknownForResourceCheck(c: Converted): UnknownValueError | undefined {
    const read = c.unknowns.find((u) => {
        if (u.path[0] === "metadata" || referencedKind(u.path) !== undefined) return false;
        if (c.object.kind === "ConfigMap") return u.path[0] === "data" || u.path[0] === "binaryData";
        const at = u.path.findIndex((k) => k === "containers" || k === "initContainers");
        const podPath = at >= 0 ? u.path.slice(0, at) : u.path.slice(0, u.path.lastIndexOf("spec") + 1);
        const pod = getAt(c.object, podPath);
        const agents = podContainers(pod).filter(isAgentContainer);
        if (at >= 0) return agents.includes(getAt(c.object, u.path.slice(0, at + 2)));
        return agents.length > 0 && ["terminationGracePeriodSeconds", "volumes"].includes(String(u.path[podPath.length]));
    });
    return read ? naming(read, c.object) : undefined;
}
