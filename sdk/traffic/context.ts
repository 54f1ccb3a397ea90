// What every check of the traffic-path verifier shares: the objects (indexed), the options, the
// findings made so far (each reported once), the paths proven, and what one check leaves for
// another; and for each Envoy followed, its scope: the workload, the container, its model.
import { AgentListener } from "./agent";
import { EnvoyModel, Unverifiable } from "./envoy";
import { CANNOT_VERIFY, Finding, FindingCode, InspectionPath, VerifyOptions } from "./findings";
import { KubeObject, objectRef, serviceSelects, Workload } from "./kube";
import { PodEnd } from "./network-policy";
import { indexOf, ObjectIndex } from "./objects";

export class TrafficContext {
    /** The namespace of objects without one (the Kubernetes provider's). */
    readonly ns0: string;
    /** The cluster's DNS domain. */
    readonly domain: string;
    readonly index: ObjectIndex;
    readonly findings: Finding[] = [];
    /** Listeners proven to have every request inspected. */
    readonly paths: InspectionPath[] = [];
    /** Envoy pods reaching each paired (affinity) agent Service, for the fleet warning. */
    readonly pairedFleets = new Map<KubeObject, { pods: Workload[]; envoyReplicas: number | undefined }>();
    /** Agent workloads whose own checks ran (once each, however many Envoys reach them). */
    readonly agentWorkloadsChecked = new Set<Workload>();
    private readonly seen = new Set<string>();

    constructor(
        objects: KubeObject[] | ObjectIndex,
        readonly options: VerifyOptions,
    ) {
        this.ns0 = options.defaultNamespace ?? "default";
        this.domain = options.clusterDomain ?? "cluster.local";
        this.index = indexOf(objects, this.ns0);
    }

    /** Reports a finding once (a "cannot verify" one as the options say). */
    add(code: FindingCode, object: string, message: string, severity: Finding["severity"] = "error", path?: string): void {
        const key = `${code}\u0000${object}\u0000${message}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        const s = CANNOT_VERIFY.includes(code) && severity === "error" ? (this.options.unverifiable ?? "error") : severity;
        const f: Finding = path === undefined ? { code, severity: s, object, message } : { code, severity: s, object, message, path };
        this.findings.push(f);
        this.options.tracer?.found(f);
    }

    /** `namespace/name` of an object. */
    refOf(o: KubeObject): string {
        return objectRef(o, this.ns0).replace(/^\w+ /, "");
    }

    /** The pods of the workloads a Service selector picks, and templates of unknown kinds it picks. */
    selected(namespace: string, selector: Record<string, string> | undefined) {
        return {
            pods: this.index.selectedBy(namespace, selector).filter((p) => serviceSelects(selector, p.labels)),
            unknown: this.index.unknownTemplates.filter((t) => t.namespace === namespace && serviceSelects(selector, t.labels)),
        };
    }

    /** The most pods an autoscaler may run for `p`, if one scales it. */
    autoscalerMax(p: Workload): number | undefined {
        const hpa = this.index.autoscalerOf(p);
        return hpa ? Number(hpa.spec?.maxReplicas) : undefined;
    }
}

/** One Envoy container being followed: its workload, its model, where its bootstrap came from. */
export class EnvoyScope {
    /** The object findings are about. */
    readonly at: string;
    /** The Envoy pods, as NetworkPolicies see them. */
    readonly end: PodEnd;

    constructor(
        private readonly ctx: TrafficContext,
        readonly w: Workload,
        readonly envoy: any,
        /** Every Envoy container of the pod. */
        readonly envoysHere: any[],
        readonly model: EnvoyModel,
        /** Where the bootstrap came from, for "cannot verify" paths. */
        readonly source: string,
    ) {
        this.at = w.ref;
        this.end = { namespace: w.namespace, labels: w.labels, pod: w.pod };
        model.unverifiable.forEach((u) => this.unverifiable(u));
    }

    /** A construct of the bootstrap the model does not follow: "cannot verify", with its place. */
    unverifiable(u: Unverifiable): void {
        this.ctx.add(
            "envoy-unverifiable",
            this.at,
            `Envoy (container ${this.envoy.name}) has ${u.at || "its bootstrap"}: ${u.why}; whether requests there are inspected cannot be verified`,
            "error",
            `${this.source}: ${u.at}`,
        );
    }

    /** A cluster the requests use: what the model does not follow in it is reported. */
    usedCluster(name: string): ReturnType<EnvoyModel["cluster"]> {
        const c = this.model.cluster(name);
        c?.unverifiable.forEach((u) => this.unverifiable(u));
        return c;
    }
}

/** What one inspection cluster reaches. */
export interface ResolvedCluster {
    hops: { via: string; workload: string; container: string; listen: string }[];
    /** The agent listeners reached, for the mode checks. */
    agents: { workload: Workload; listener: AgentListener }[];
    /** Services passed through, with whether the cluster sees one address for them. */
    services: { object: KubeObject; ref: string; headless: boolean; pods: Workload[] }[];
    loopbackOnly: boolean;
}

export const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Labels in key order: the same text however the object was built (the engine sorts keys, a plain object keeps insertion order). */
export const labelsText = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
