// NetworkPolicy, evaluated the way the API server defines it: a pod selected by any policy of
// a direction admits only what some rule of those policies allows; in one peer, podSelector
// and namespaceSelector must both hold; a peer without namespaceSelector means the policy's own
// namespace; a rule without `from`/`to` admits every peer, one without `ports` every port.
import { containerPortNumber, KubeObject, noLabels, objectRef, selects } from "./kube";
import { ObjectIndex } from "./objects";
import { NAMESPACE_NAME_LABEL } from "../vocabulary/kubernetes";

/** One end of a connection: a pod (its namespace, labels and spec). */
export interface PodEnd {
    namespace: string;
    labels: Record<string, string>;
    pod: any;
}

export type Direction = "Ingress" | "Egress";

/** The policies of `direction` that select the pod. */
export function policiesSelecting(index: ObjectIndex, end: PodEnd, direction: Direction): KubeObject[] {
    return index.selecting("NetworkPolicy", end.namespace, end.labels).filter((o) => selects(o.spec?.podSelector ?? {}, end.labels) && policyTypes(o).includes(direction));
}

/** A field as the API server decodes it: `null` is absent. */
const given = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** A policy's types: as given, else (none, or an empty list, as the API server defaults it) Ingress, plus Egress when it has egress rules. */
export function policyTypes(policy: KubeObject): Direction[] {
    if (Array.isArray(policy.spec?.policyTypes) && policy.spec.policyTypes.length > 0) return policy.spec.policyTypes;
    const egress = given(policy.spec?.egress);
    return Array.isArray(egress) && egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/**
 * Whether a namespaceSelector picks `namespace`. The Namespace object, when among the objects,
 * gives its labels; without it only the name label the API server sets is certain, so a selector
 * that turns on any other label cannot be told (undefined).
 */
export function namespaceSelected(index: ObjectIndex, selector: any, namespace: string): boolean | undefined {
    const labels = index.namespaceLabels(namespace);
    if (index.get("Namespace", "", namespace)) return selects(selector, labels);
    const byName = (key: unknown) => key === NAMESPACE_NAME_LABEL;
    const matchLabels: Record<string, string> = given(selector?.matchLabels) ?? {};
    const expressions: any[] = given(selector?.matchExpressions) ?? [];
    // Every requirement must hold: one on the name that fails decides; one on another label is unknown.
    const onName = { matchLabels: Object.fromEntries(Object.entries(matchLabels).filter(([k]) => byName(k))), matchExpressions: expressions.filter((e) => byName(e?.key)) };
    if (!selects(onName, labels)) return false;
    return Object.keys(matchLabels).every(byName) && expressions.every((e) => byName(e?.key)) ? true : undefined;
}

/** Some of `verdicts` holds: true when one does, undefined (cannot be told) when none does but one may. */
function someHolds(verdicts: (boolean | undefined)[]): boolean | undefined {
    if (verdicts.includes(true)) return true;
    return verdicts.includes(undefined) ? undefined : false;
}

/** Whether a peer picks `other`; undefined when that turns on namespace labels the objects do not show. */
function peerMatches(index: ObjectIndex, peer: any, policyNamespace: string, other: PodEnd): boolean | undefined {
    if (typeof peer !== "object" || peer === null) return false; // an empty peer, which the API server refuses
    if (given(peer.ipBlock)) return false; // CIDRs name addresses outside the cluster, not pods
    const namespaceSelector = given(peer.namespaceSelector);
    const podSelector = given(peer.podSelector);
    if (namespaceSelector === undefined && podSelector === undefined) return false;
    if (podSelector !== undefined && !selects(podSelector, other.labels)) return false;
    return namespaceSelector === undefined ? other.namespace === policyNamespace : namespaceSelected(index, namespaceSelector, other.namespace);
}

function portMatches(rulePort: any, port: number, protocol: string, destination: PodEnd): boolean {
    if ((rulePort.protocol ?? "TCP") !== protocol) return false;
    if (given(rulePort.port) === undefined) return true;
    const number = containerPortNumber(destination.pod, rulePort.port, protocol);
    if (number === undefined) return false;
    const endPort = given(rulePort.endPort);
    return endPort !== undefined ? port >= number && port <= endPort : port === number;
}

/** Whether one rule admits `other` on `port` (a destination port of `destination`); undefined: the objects do not tell. */
function ruleAdmits(index: ObjectIndex, rule: any, peersField: "from" | "to", policyNamespace: string, other: PodEnd, port: number, protocol: string, destination: PodEnd): boolean | undefined {
    const ports: any[] | undefined = rule?.ports;
    if (ports && ports.length > 0 && !ports.some((p) => portMatches(p, port, protocol, destination))) return false;
    const peers: any[] | undefined = rule?.[peersField];
    return !peers || peers.length === 0 ? true : someHolds(peers.map((p) => peerMatches(index, p, policyNamespace, other)));
}

export interface Admission {
    admitted: boolean;
    /** The policies that select the pod for this direction (empty: nothing restricts it). */
    policies: string[];
    /**
     * Not admitted as far as the objects show, but these policies may admit it by labels of a
     * namespace that is not among the objects: whether they do cannot be verified.
     */
    undecided?: string[];
}

/** The admission of a connection by the policies of one direction that select the pod. */
function admission(index: ObjectIndex, policies: KubeObject[], field: "ingress" | "egress", admits: (rule: any) => boolean | undefined): Admission {
    const verdicts = policies.map((p) => someHolds((given(p.spec?.[field]) ?? []).map(admits)));
    const admitted = policies.length === 0 || verdicts.includes(true);
    const undecided = admitted ? [] : policies.filter((_, i) => verdicts[i] === undefined).map((p) => objectRef(p, index.defaultNamespace));
    return { admitted, policies: policies.map((p) => objectRef(p, index.defaultNamespace)), ...(undecided.length > 0 ? { undecided } : {}) };
}

/** Whether `destination` admits a connection from `source` on `port`. */
export function ingressAdmits(index: ObjectIndex, source: PodEnd, destination: PodEnd, port: number, protocol = "TCP"): Admission {
    const policies = policiesSelecting(index, destination, "Ingress");
    return admission(index, policies, "ingress", (r) => ruleAdmits(index, r, "from", destination.namespace, source, port, protocol, destination));
}

/** Whether `source` may open a connection to `destination` on `port`. */
export function egressAllows(index: ObjectIndex, source: PodEnd, destination: PodEnd, port: number, protocol = "TCP"): Admission {
    const policies = policiesSelecting(index, source, "Egress");
    return admission(index, policies, "egress", (r) => ruleAdmits(index, r, "to", source.namespace, destination, port, protocol, destination));
}

/** Whether `source` may send DNS queries (port 53) anywhere, as a pod resolving a Service name must. */
export function egressAllowsDns(index: ObjectIndex, source: PodEnd): Admission {
    const policies = policiesSelecting(index, source, "Egress");
    const allowsDns = (r: any) =>
        !r.ports ||
        r.ports.length === 0 ||
        r.ports.some(
            (p: any) =>
                (p.protocol ?? "TCP") === "UDP" &&
                (p.port === undefined || p.port === 53 || p.port === "dns" || (typeof p.port === "number" && p.endPort !== undefined && p.port <= 53 && 53 <= p.endPort)),
        );
    const admitted = policies.length === 0 || policies.some((p) => (p.spec?.egress ?? []).some(allowsDns));
    return { admitted, policies: policies.map((p) => objectRef(p, index.defaultNamespace)) };
}

/**
 * Whether anything outside the pod may reach `port` of it: a peer of any kind on that port
 * (no policy at all admits everything).
 */
export function ingressOpenOnPort(index: ObjectIndex, destination: PodEnd, port: number): Admission {
    const policies = policiesSelecting(index, destination, "Ingress");
    // Any peer counts: even an ipBlock peer is outside the pod.
    const open = (r: any) => !r.ports || r.ports.length === 0 || r.ports.some((p: any) => portMatches(p, port, "TCP", destination));
    const admitted = policies.length === 0 || policies.some((p) => (p.spec?.ingress ?? []).some(open));
    return { admitted, policies: policies.map((p) => objectRef(p, index.defaultNamespace)) };
}

/** `namespace x` or `namespaces x, y`. */
function namespacesText(namespaces: Set<string>): string {
    return `namespace${namespaces.size === 1 ? "" : "s"} ${[...namespaces].join(", ")}`;
}

/** An empty selector (`{}`, no labels, no expressions): it picks every pod. */
function selectsEverything(selector: any): boolean {
    return noLabels(given(selector?.matchLabels)) && (given(selector?.matchExpressions) ?? []).length === 0;
}

/**
 * Whether every peer may reach `port` of the pod: no policy selects it, or one of them has a rule
 * admitting the port with no `from`, an ipBlock peer (addresses the objects cannot tie to pods) or
 * a peer of whole namespaces (no podSelector, or an empty one).
 */
export function ingressOpenToAll(index: ObjectIndex, destination: PodEnd, port: number): Admission {
    const policies = policiesSelecting(index, destination, "Ingress");
    if (policies.length === 0) return { admitted: true, policies: [] };
    const opening = policies.filter((p) =>
        (given(p.spec?.ingress) ?? []).some((r: any) => {
            const ports = given(r?.ports);
            const peers = given(r?.from);
            const wide = (peer: any) =>
                given(peer?.ipBlock) !== undefined || (given(peer?.namespaceSelector) !== undefined && (given(peer?.podSelector) === undefined || selectsEverything(given(peer?.podSelector))));
            return (!ports || ports.length === 0 || ports.some((x: any) => portMatches(x, port, "TCP", destination))) && (!peers || peers.length === 0 || peers.some(wide));
        }),
    );
    return { admitted: opening.length > 0, policies: opening.map((p) => objectRef(p, index.defaultNamespace)) };
}

/**
 * Whether only `sources` may reach `port` of `destination`: every policy rule that admits that
 * port names peers (no rule open to all, no ipBlock), and each peer picks, among the objects'
 * workloads, only pods of `sources`; a peer of whole namespaces (no podSelector, or an empty
 * one), or one that may pick a workload by labels of a namespace not among the objects, cannot
 * be judged by the objects (`unverifiable`).
 */
export function ingressOnlyFrom(index: ObjectIndex, destination: PodEnd, port: number, sources: (PodEnd & { ref: string })[]): { only: boolean; why: string; unverifiable?: boolean; fix?: string } {
    const policies = policiesSelecting(index, destination, "Ingress");
    if (policies.length === 0) return { only: false, why: "no NetworkPolicy restricts ingress to its pods" };
    let undecided: string | undefined;
    for (const p of policies) {
        for (const rule of p.spec?.ingress ?? []) {
            const ports: any[] | undefined = rule?.ports;
            if (ports && ports.length > 0 && !ports.some((x) => portMatches(x, port, "TCP", destination))) continue;
            const peers: any[] | undefined = rule?.from;
            const ref = objectRef(p, index.defaultNamespace);
            if (!peers || peers.length === 0) return { only: false, why: `${ref} admits every peer on port ${port}` };
            for (const peer of peers) {
                if (typeof peer !== "object" || peer === null) continue; // refused by the API server
                if (given(peer.ipBlock)) return { only: false, why: `${ref} admits ${peer.ipBlock.cidr} on port ${port}` };
                // Every pod of the namespaces it picks, now or later, not only those among the objects.
                const podSelector = given(peer.podSelector);
                if (podSelector === undefined || selectsEverything(podSelector))
                    return {
                        only: false,
                        unverifiable: true,
                        why: `${ref} admits every pod of ${given(peer.namespaceSelector) === undefined ? `namespace ${destination.namespace}` : "the namespaces its namespaceSelector picks"} on port ${port}, whichever runs there now or later`,
                    };
                const others = index.workloads.filter((w) => !sources.some((s) => s.pod === w.pod)).map((w) => ({ w, picked: peerMatches(index, peer, destination.namespace, w) }));
                const admitted = others.filter((o) => o.picked === true).map((o) => o.w);
                if (admitted.length > 0) return { only: false, why: `${ref} admits ${admitted.map((w) => w.ref).join(", ")} on port ${port}` };
                const maybe = others.filter((o) => o.picked === undefined).map((o) => o.w);
                if (maybe.length > 0)
                    undecided ??= `${ref} may admit ${maybe.map((w) => w.ref).join(", ")} on port ${port}, by labels of ${namespacesText(new Set(maybe.map((w) => w.namespace)))} not among the objects`;
            }
        }
    }
    return undecided === undefined
        ? { only: true, why: "" }
        : {
              only: false,
              unverifiable: true,
              why: undecided,
              fix: `include those Namespaces (or declare their labels: the policy pack's namespaceLabels), or pick namespaces by name (${NAMESPACE_NAME_LABEL})`,
          };
}
