// The Kubernetes objects of a stack as the policy SDK hands them over, turned into plain
// objects (the shape `kubectl get -o yaml` prints) for the plain checks of sigsci-envoy.
//
// During a preview some values are not known yet. The one that matters most is a name a
// provider picks at creation (an auto-named ConfigMap or Secret, a Namespace), which the objects
// that refer to it see as unknown too: the Envoy config a Deployment mounts, the Secret its
// agent reads. Pulumi records which resources each property depends on, so such a reference is
// resolved to the one ConfigMap, Secret or Namespace of that kind it depends on, and the checks
// can follow it. Every other unknown value stays in the objects as a value that records when it
// is read: a check is held back only for what it actually read unknown (the Envoy workload the
// traffic model was following when it read it), and judges everything else.
import { createHash } from "crypto";
import { PolicyResource, UnknownValueError } from "@pulumi/policy";
import { analyzeTraffic, Finding, isAgentContainer, KubeObject, objectRef, TrafficReport } from "sigsci-envoy/traffic";
import { declaredNamespaces } from "sigsci-envoy/pack";

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

/**
 * Which unknown values a check read, by the scope it was in (the Envoy workload the traffic
 * model was following; `undefined` for the objects as a whole). Only reads while active count.
 */
export class UnknownReads {
    active = false;
    scope: string | undefined;
    readonly byScope = new Map<string | undefined, { unknown: Unknown; object: KubeObject }>();

    read(unknown: Unknown, object: KubeObject | undefined): void {
        if (!this.active || !object || this.byScope.has(this.scope)) return;
        this.byScope.set(this.scope, { unknown, object });
    }
}

/**
 * A plain copy of policy props: an unknown value becomes {@link UNKNOWN}, its path recorded, and
 * reading it is told to `reads` (for the object `owner.object`, set once the copy is done).
 */
function plainCopy(value: any, path: Path, unknowns: Unknown[], reads: UnknownReads, owner: { object?: KubeObject }): any {
    if (value === null || typeof value !== "object") return value;
    const out: any = Array.isArray(value) ? [] : {};
    for (const key of Object.keys(value)) {
        const at = [...path, Array.isArray(value) ? Number(key) : key];
        let v: any;
        try {
            v = value[key];
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            const u = { path: at, error: e };
            unknowns.push(u);
            Object.defineProperty(out, key, {
                enumerable: true,
                configurable: true,
                get: () => (reads.read(u, owner.object), UNKNOWN),
                // A resolved reference replaces the unknown value.
                set: (resolved: unknown) => Object.defineProperty(out, key, { value: resolved, enumerable: true, writable: true, configurable: true }),
            });
            continue;
        }
        out[key] = plainCopy(v, at, unknowns, reads, owner);
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
export function kubeObjectOf(r: { type: string; name: string; props: Record<string, any>; provider?: { props: Record<string, any> } }, reads = new UnknownReads()): Converted | undefined {
    const kind = kubernetesKind(r.type);
    if (!kind) return undefined;
    let unknowns: Unknown[] = [];
    const owner: { object?: KubeObject } = {};
    const object = plainCopy(r.props, [], unknowns, reads, owner) as KubeObject;
    object.apiVersion = kind.apiVersion;
    object.kind = kind.kind;
    owner.object = object;
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
    const e = Object.create(Object.getPrototypeOf(u.error)) as UnknownValueError;
    Object.assign(e, u.error);
    e.message = `${objectRef(object, "default")}: ${u.error.message}`;
    e.stack = u.error.stack;
    return e;
}

/** Every container of a pod spec, init containers included: a value unknown in any of them may matter. */
function podContainers(pod: any): any[] {
    return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

/** The stack's objects judged by the traffic model once, with which findings rest on values read unknown. */
export interface StackJudgement {
    objects: KubeObject[];
    report: TrafficReport;
    /** The scope each finding was made in: the Envoy workload followed, or undefined. */
    scopeOf: Map<Finding, string | undefined>;
    /** Scopes in which an unknown value was read, with the first such value, naming its object. */
    held: Map<string | undefined, UnknownValueError>;
}

/** Every Kubernetes object of a stack, with references to names picked at creation resolved through Pulumi's dependencies. */
export function stackObjects(resources: PolicyResource[], reads = new UnknownReads()): KubeObject[] {
    const converted = new Map<PolicyResource, Converted>();
    for (const r of resources) {
        const c = kubeObjectOf(r, reads);
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
    return [...converted.values()].map((c) => c.object);
}

/**
 * One judgement per preview: every stack policy reads the same objects. The policy SDK hands each
 * policy its own copy of the resources, so the judgement is kept by their content (the objects as
 * converted, unknown values marked, and the declared namespaces), not by identity; the last one is
 * kept, as the engine runs the stack policies one after another over one set of resources.
 */
let lastJudgement: { resources: PolicyResource[]; declared: string; digest: string; judgement: StackJudgement } | undefined;

/** Forgets the last judgement: the next one starts afresh (for measurements of the pack). */
export function forgetJudgement(): void {
    lastJudgement = undefined;
}

export function judgeStack(resources: PolicyResource[], namespaceLabels?: unknown): StackJudgement {
    const declared = JSON.stringify(namespaceLabels ?? {});
    const last = lastJudgement?.declared === declared ? lastJudgement : undefined;
    // The same resources (a caller that hands every policy the same ones): no need to convert them again.
    if (last && last.resources.length === resources.length && last.resources.every((r, i) => r === resources[i])) return last.judgement;
    const reads = new UnknownReads();
    const own = stackObjects(resources, reads);
    // Unknown values read as UNKNOWN here (reads count only while active).
    const digest = createHash("sha256").update(JSON.stringify(own)).digest("hex");
    if (last?.digest === digest) {
        last.resources = [...resources];
        return last.judgement;
    }
    const objects = [...own, ...declaredNamespaces(own, namespaceLabels)];
    const scopeOf = new Map<Finding, string | undefined>();
    reads.active = true;
    let report: TrafficReport;
    try {
        report = analyzeTraffic(objects, {
            tracer: {
                enter: (scope) => (reads.scope = scope),
                found: (f) => scopeOf.set(f, reads.scope),
            },
        });
    } finally {
        reads.active = false;
    }
    const held = new Map<string | undefined, UnknownValueError>();
    for (const [scope, { unknown, object }] of reads.byScope) held.set(scope, naming(unknown, object));
    const judgement = { objects, report, scopeOf, held };
    lastJudgement = { resources: [...resources], declared, digest, judgement };
    return judgement;
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
