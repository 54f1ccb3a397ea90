// NetworkPolicy, evaluated the way the API server defines it: a pod selected by any policy of
// a direction admits only what some rule of those policies allows; in one peer, podSelector
// and namespaceSelector must both hold; a peer without namespaceSelector means the policy's own
// namespace; a rule without `from`/`to` admits every peer, one without `ports` every port.
import { containerPortNumber, KubeObject, noLabels, objectRef, selects } from "./kube";
import { ObjectIndex } from "./objects";

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

function peerMatches(index: ObjectIndex, peer: any, policyNamespace: string, other: PodEnd): boolean {
    if (given(peer.ipBlock)) return false; // CIDRs name addresses outside the cluster, not pods
    const namespaceSelector = given(peer.namespaceSelector);
    const podSelector = given(peer.podSelector);
    if (namespaceSelector === undefined && podSelector === undefined) return false;
    const nsOk = namespaceSelector === undefined ? other.namespace === policyNamespace : selects(namespaceSelector, index.namespaceLabels(other.namespace));
    const podOk = podSelector === undefined ? true : selects(podSelector, other.labels);
    return nsOk && podOk;
}

function portMatches(rulePort: any, port: number, protocol: string, destination: PodEnd): boolean {
    if ((rulePort.protocol ?? "TCP") !== protocol) return false;
    if (given(rulePort.port) === undefined) return true;
    const number = containerPortNumber(destination.pod, rulePort.port, protocol);
    if (number === undefined) return false;
    const endPort = given(rulePort.endPort);
    return endPort !== undefined ? port >= number && port <= endPort : port === number;
}

/** Whether one rule admits `other` on `port` (a destination port of `destination`). */
function ruleAdmits(index: ObjectIndex, rule: any, peersField: "from" | "to", policyNamespace: string, other: PodEnd, port: number, protocol: string, destination: PodEnd): boolean {
    const peers: any[] | undefined = rule?.[peersField];
    const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(index, p, policyNamespace, other));
    const ports: any[] | undefined = rule?.ports;
    const portOk = !ports || ports.length === 0 || ports.some((p) => portMatches(p, port, protocol, destination));
    return peerOk && portOk;
}

export interface Admission {
    admitted: boolean;
    /** The policies that select the pod for this direction (empty: nothing restricts it). */
    policies: string[];
}

/** Whether `destination` admits a connection from `source` on `port`. */
export function ingressAdmits(index: ObjectIndex, source: PodEnd, destination: PodEnd, port: number, protocol = "TCP"): Admission {
    const policies = policiesSelecting(index, destination, "Ingress");
    const admitted = policies.length === 0 || policies.some((p) => (p.spec?.ingress ?? []).some((r: any) => ruleAdmits(index, r, "from", destination.namespace, source, port, protocol, destination)));
    return { admitted, policies: policies.map((p) => objectRef(p, index.defaultNamespace)) };
}

/** Whether `source` may open a connection to `destination` on `port`. */
export function egressAllows(index: ObjectIndex, source: PodEnd, destination: PodEnd, port: number, protocol = "TCP"): Admission {
    const policies = policiesSelecting(index, source, "Egress");
    const admitted = policies.length === 0 || policies.some((p) => (p.spec?.egress ?? []).some((r: any) => ruleAdmits(index, r, "to", source.namespace, destination, port, protocol, destination)));
    return { admitted, policies: policies.map((p) => objectRef(p, index.defaultNamespace)) };
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
 * one) cannot be judged by the objects (`unverifiable`).
 */
export function ingressOnlyFrom(index: ObjectIndex, destination: PodEnd, port: number, sources: (PodEnd & { ref: string })[]): { only: boolean; why: string; unverifiable?: boolean } {
    const policies = policiesSelecting(index, destination, "Ingress");
    if (policies.length === 0) return { only: false, why: "no NetworkPolicy restricts ingress to its pods" };
    for (const p of policies) {
        for (const rule of p.spec?.ingress ?? []) {
            const ports: any[] | undefined = rule?.ports;
            if (ports && ports.length > 0 && !ports.some((x) => portMatches(x, port, "TCP", destination))) continue;
            const peers: any[] | undefined = rule?.from;
            const ref = objectRef(p, index.defaultNamespace);
            if (!peers || peers.length === 0) return { only: false, why: `${ref} admits every peer on port ${port}` };
            for (const peer of peers) {
                if (given(peer.ipBlock)) return { only: false, why: `${ref} admits ${peer.ipBlock.cidr} on port ${port}` };
                // Every pod of the namespaces it picks, now or later, not only those among the objects.
                const podSelector = given(peer.podSelector);
                if (podSelector === undefined || selectsEverything(podSelector))
                    return {
                        only: false,
                        unverifiable: true,
                        why: `${ref} admits every pod of ${given(peer.namespaceSelector) === undefined ? `namespace ${destination.namespace}` : "the namespaces its namespaceSelector picks"} on port ${port}, whichever runs there now or later`,
                    };
                const namespaces = given(peer.namespaceSelector) === undefined ? [destination.namespace] : undefined;
                const others = index.workloads.filter(
                    (w) => (namespaces ? namespaces.includes(w.namespace) : true) && peerMatches(index, peer, destination.namespace, w) && !sources.some((s) => s.pod === w.pod),
                );
                if (others.length > 0) return { only: false, why: `${ref} admits ${others.map((w) => w.ref).join(", ")} on port ${port}` };
            }
        }
    }
    return { only: true, why: "" };
}
