// The objects as the API server would hold them: one object per kind, namespace and name (the
// last one given wins, as a second `kubectl apply` of the same name would), a Secret's
// `stringData` over its `data`, and indexes by namespace, so that each question the model asks
// ("the Services of this namespace", "the autoscaler of this Deployment") costs a lookup, not a
// pass over every object: the verifier stays linear in the number of apps.
import { NAMESPACE_NAME_LABEL, SCALED_KINDS, WORKLOAD_KINDS } from "../vocabulary/kubernetes";
import { KubeObject, objectRef, podTemplateOf, Workload } from "./kube";

/** Kinds without a namespace: their objects are keyed by name alone. */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass", "IngressClass"]);

/** A pod template in an object of a kind the model does not know how to run (an Argo Rollout, a Knative Service, ...). */
export interface UnknownTemplate {
    ref: string;
    object: KubeObject;
    namespace: string;
    labels: Record<string, string>;
    pod: any;
    /** Where the template sits in the object, e.g. `spec.template`. */
    at: string;
}

export class ObjectIndex {
    /** The objects, one per identity: the last one listed. */
    readonly objects: KubeObject[];
    /** `Kind ns/name` of each identity listed more than once. */
    readonly duplicates: string[] = [];
    readonly workloads: Workload[] = [];
    readonly unknownTemplates: UnknownTemplate[] = [];
    private readonly byId = new Map<string, KubeObject>();
    /** Services by cluster IP, for endpoints given as an address. */
    private readonly serviceByIp = new Map<string, KubeObject>();
    private readonly hpaByTarget = new Map<string, KubeObject>();
    /** NetworkPolicies and Services by namespace and one label pair of their selector (`""`: no pair, checked for every pod). */
    private readonly selectorIndex = new Map<string, KubeObject[]>();
    /** Workloads by namespace and each label pair of their pods. */
    private readonly labelIndex = new Map<string, Workload[]>();

    constructor(
        input: KubeObject[],
        readonly defaultNamespace: string,
    ) {
        for (const o of input) {
            if (!o || typeof o !== "object" || typeof o.kind !== "string") continue;
            const id = this.idOf(o.kind, this.namespaceOf(o), o.metadata?.name);
            if (this.byId.has(id) && !this.duplicates.includes(objectRef(o, defaultNamespace))) this.duplicates.push(objectRef(o, defaultNamespace));
            this.byId.delete(id); // the last one wins, in its own place in the order
            this.byId.set(id, o);
        }
        this.objects = [...this.byId.values()];
        // A selector is filed under its rarest pair: under a pair that every app shares
        // (`app.kubernetes.io/component=envoy-app`) each pod's lookup would return every
        // selector of its namespace, and the verifier would grow with the square of the apps.
        const selectorPairs = (o: KubeObject): string[] => {
            const m = o.kind === "Service" ? o.spec?.selector : o.spec?.podSelector?.matchLabels;
            return m && typeof m === "object" ? Object.keys(m).map((k) => `${o.kind}|${this.namespaceOf(o)}|${k}=${m[k]}`) : [];
        };
        const selectors = new Map(this.objects.filter((o) => o.kind === "NetworkPolicy" || o.kind === "Service").map((o) => [o, selectorPairs(o)]));
        const pairCount = new Map<string, number>();
        for (const pairs of selectors.values()) for (const p of pairs) pairCount.set(p, (pairCount.get(p) ?? 0) + 1);
        for (const o of this.objects) {
            if (o.kind === "Service" && typeof o.spec?.clusterIP === "string" && !this.serviceByIp.has(o.spec.clusterIP)) this.serviceByIp.set(o.spec.clusterIP, o);
            const pairs = selectors.get(o);
            if (pairs) {
                const rarest = pairs.reduce<string | undefined>((best, p) => (best === undefined || pairCount.get(p)! < pairCount.get(best)! ? p : best), undefined);
                push(this.selectorIndex, rarest ?? `${o.kind}|${this.namespaceOf(o)}|`, o);
            }
            if (o.kind === "HorizontalPodAutoscaler") {
                const t = o.spec?.scaleTargetRef;
                this.hpaByTarget.set(`${t?.kind}|${this.namespaceOf(o)}|${t?.name}`, o);
            }
        }
        for (const o of this.objects) {
            const ns = this.namespaceOf(o);
            if (WORKLOAD_KINDS.includes(o.kind)) {
                const template = podTemplateOf(o);
                if (!template?.spec) continue;
                const w: Workload = { ref: objectRef(o, defaultNamespace), object: o, namespace: ns, labels: template.metadata?.labels ?? {}, pod: template.spec, replicas: this.replicasOf(o) };
                this.workloads.push(w);
                for (const [k, v] of Object.entries(w.labels)) push(this.labelIndex, `${ns}|${k}=${v}`, w);
            } else if (o.kind !== "PodTemplate" && !o.kind.endsWith("Patch")) {
                for (const at of ["spec.template", "spec.jobTemplate.spec.template", "spec.template.spec.template"]) {
                    const t = at.split(".").reduce((x: any, k) => x?.[k], o);
                    if (Array.isArray(t?.spec?.containers)) {
                        this.unknownTemplates.push({ ref: objectRef(o, defaultNamespace), object: o, namespace: ns, labels: t.metadata?.labels ?? {}, pod: t.spec, at });
                        break;
                    }
                }
            }
        }
    }

    namespaceOf(o: KubeObject): string {
        return CLUSTER_SCOPED.has(o.kind) ? "" : (o.metadata?.namespace ?? this.defaultNamespace);
    }

    private idOf(kind: string, namespace: string, name: unknown): string {
        return `${kind}|${CLUSTER_SCOPED.has(kind) ? "" : namespace}|${String(name)}`;
    }

    get(kind: string, namespace: string, name: unknown): KubeObject | undefined {
        return this.byId.get(this.idOf(kind, namespace, name));
    }

    /** The Service with this cluster IP (the first one listed, as a pass over the objects would find). */
    serviceAt(clusterIP: string): KubeObject | undefined {
        return this.serviceByIp.get(clusterIP);
    }

    /** NetworkPolicies (or Services) of `namespace` whose selector may pick pods labelled `labels`: a superset, to be checked with the selector. */
    selecting(kind: "NetworkPolicy" | "Service", namespace: string, labels: Record<string, string>): KubeObject[] {
        const out = [...(this.selectorIndex.get(`${kind}|${namespace}|`) ?? [])];
        for (const [k, v] of Object.entries(labels ?? {})) out.push(...(this.selectorIndex.get(`${kind}|${namespace}|${k}=${v}`) ?? []));
        // In the objects' order, as a pass over them would give.
        return out.length > 1 ? [...new Set(out)].sort((a, b) => this.order(a) - this.order(b)) : out;
    }

    /** Workloads of `namespace` that carry every pair of a Service selector (a superset of none). */
    selectedBy(namespace: string, selector: Record<string, string> | undefined): Workload[] {
        if (!selector || typeof selector !== "object") return [];
        // The smallest of the pairs' lists: every selected workload is in each of them.
        let out: Workload[] | undefined;
        for (const [k, v] of Object.entries(selector)) {
            const list = this.labelIndex.get(`${namespace}|${k}=${v}`) ?? [];
            if (out === undefined || list.length < out.length) out = list;
        }
        return out ?? [];
    }

    private orderOf?: Map<KubeObject, number>;
    private order(o: KubeObject): number {
        this.orderOf ??= new Map(this.objects.map((x, i) => [x, i]));
        return this.orderOf.get(o) ?? 0;
    }

    autoscalerOf(w: { object: KubeObject; namespace: string }): KubeObject | undefined {
        return this.hpaByTarget.get(`${w.object.kind}|${w.namespace}|${w.object.metadata?.name}`);
    }

    /** Labels of a namespace: those of its Namespace object when given, always with its name label. */
    namespaceLabels(namespace: string): Record<string, string> {
        const ns = this.get("Namespace", "", namespace);
        return { ...(ns?.metadata?.labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
    }

    /**
     * How many pods a workload runs: at most this many (an autoscaler's maximum), none when it is
     * scaled to zero (an autoscaler does not scale a target that is at zero), undefined when the
     * object does not say (DaemonSets, Jobs).
     */
    private replicasOf(o: KubeObject): number | undefined {
        if (o.kind === "Pod") return 1;
        if (!SCALED_KINDS.includes(o.kind)) return undefined;
        const r = o.spec?.replicas;
        return r === undefined || r === null ? 1 : Number(r);
    }

    /**
     * The text of `key` in a ConfigMap or Secret, as a mounted file sees it (`asFile`: a
     * ConfigMap's `binaryData` too) or an environment variable does (the kubelet reads only a
     * ConfigMap's `data` for env): a Secret's `stringData` over its `data` (base64).
     */
    valueOf(kind: "ConfigMap" | "Secret", namespace: string, name: unknown, key: string, asFile = true): string | undefined {
        const o = this.get(kind, namespace, name);
        if (!o) return undefined;
        return entryText(o, key, asFile);
    }

    /** Every key of a ConfigMap or Secret with its text, as the environment (envFrom) sees them. */
    entriesOf(kind: "ConfigMap" | "Secret", namespace: string, name: unknown): Record<string, string> | undefined {
        const o = this.get(kind, namespace, name);
        if (!o) return undefined;
        const keys = new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})]);
        const out: Record<string, string> = {};
        for (const k of keys) {
            const v = entryText(o, k, false);
            if (v !== undefined) out[k] = v;
        }
        return out;
    }
}

function push<T>(m: Map<string, T[]>, key: string, value: T): void {
    const list = m.get(key);
    if (list) list.push(value);
    else m.set(key, [value]);
}

function entryText(o: KubeObject, key: string, asFile: boolean): string | undefined {
    const decode = (v: unknown) => (typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined);
    if (o.kind === "Secret") return typeof o.stringData?.[key] === "string" ? o.stringData[key] : decode(o.data?.[key]);
    return typeof o.data?.[key] === "string" ? o.data[key] : asFile ? decode(o.binaryData?.[key]) : undefined;
}

/** Indexes `objects` once; an index given back is used as it is. */
export function indexOf(objects: KubeObject[] | ObjectIndex, defaultNamespace: string): ObjectIndex {
    return objects instanceof ObjectIndex ? objects : new ObjectIndex(objects, defaultNamespace);
}

/** Every workload among `objects`, with its pod template (one per identity: the last one listed). */
export function workloads(objects: KubeObject[], defaultNamespace: string): Workload[] {
    return new ObjectIndex(objects, defaultNamespace).workloads;
}
