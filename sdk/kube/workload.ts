// Metadata and the Deployment shape shared by the app and agent workloads.
import * as k8s from "@pulumi/kubernetes";
import { IpFamily, PodSettings } from "../settings/types";
import { restrictedPodSecurity } from "./containers";

type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;
type PodSpec = k8s.types.input.core.v1.PodSpec;

/** What names and labels one component's objects. */
export interface Identity {
    name: string;
    /** Undefined: the provider's namespace (no `metadata.namespace`). */
    namespace?: string;
    labels: Record<string, string>;
    selectorLabels: Record<string, string>;
    terminationGracePeriodSeconds: number;
}

/** Metadata of an object named after the component (Deployment, Service: stable DNS and kubectl names). */
export function namedMeta(s: Identity): ObjectMeta {
    return { name: s.name, ...namespaceOf(s), labels: s.labels };
}

/** `metadata.namespace`, when the component was given one (else the provider's applies). */
function namespaceOf(s: Pick<Identity, "namespace">): ObjectMeta {
    return s.namespace === undefined ? {} : { namespace: s.namespace };
}

/** `meta` with `annotations`, when there are any. */
export function withAnnotations(meta: ObjectMeta, annotations: Record<string, string>): ObjectMeta {
    return Object.keys(annotations).length > 0 ? { ...meta, annotations } : meta;
}

/** Metadata of an object the provider names (`<resource name>-<suffix>`), so a new version gets a new name. */
export function autoNamedMeta(s: Pick<Identity, "namespace" | "labels">): ObjectMeta {
    return { ...namespaceOf(s), labels: s.labels };
}

/**
 * The credentials Secret, without its keys (the component adds them, as secrets). Immutable and
 * provider-named: new keys make a new Secret, and the pods that refer to it roll.
 */
export function credentialsSecretObject(s: Pick<Identity, "namespace" | "labels">) {
    return { metadata: autoNamedMeta(s), ...CREDENTIALS_SECRET };
}

export const CREDENTIALS_SECRET = { immutable: true, type: "Opaque" } as const;

/** At most `maxUnavailable` of the selected pods down at once during voluntary disruptions (node drains). */
export function disruptionBudget(metadata: ObjectMeta, maxUnavailable: number, selectorLabels: Record<string, string>) {
    // A pod that is running but not Ready (crash-looping) may be evicted whatever the budget, so
    // it never blocks a node drain (Kubernetes 1.31 GA; beta and on since 1.27).
    return { metadata, spec: { maxUnavailable, selector: { matchLabels: selectorLabels }, unhealthyPodEvictionPolicy: "AlwaysAllow" } };
}

/** Replicas spread over nodes, then zones, where the cluster allows (never blocking scheduling). */
export function spreadOverNodesAndZones(selectorLabels: Record<string, string>) {
    // matchLabelKeys: each rollout's new pods are spread among themselves, not skewed by the old ones leaving.
    const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selectorLabels }, matchLabelKeys: ["pod-template-hash"] });
    return [spread("kubernetes.io/hostname"), spread("topology.kubernetes.io/zone")];
}

/**
 * A Service's IP families, the ones the pods listen on (`spec.ipFamilies` / `ipFamilyPolicy`):
 * one family, stated so a cluster whose default is the other gives an error instead of a Service
 * whose address no listener answers; or both where the cluster has them.
 */
export function serviceIpFamilies(ipFamily: IpFamily): { ipFamilies?: string[]; ipFamilyPolicy: string } {
    if (ipFamily === "DualStack") return { ipFamilyPolicy: "PreferDualStack" };
    return { ipFamilies: [ipFamily], ipFamilyPolicy: "SingleStack" };
}

/** Metadata of a pod template: the workload's labels plus extra pod labels, and pod annotations. */
function podMeta(s: Identity, options: PodSettings): ObjectMeta {
    const annotations = Object.keys(options.annotations).length > 0 ? { annotations: options.annotations } : {};
    return { labels: Object.keys(options.labels).length > 0 ? { ...options.labels, ...s.labels } : s.labels, ...annotations };
}

/** The user's scheduling and pull settings, where a pod spec holds them (nothing when none is given). */
function podOptionsSpec(options: PodSettings): Partial<PodSpec> {
    return {
        ...(options.nodeSelector !== undefined ? { nodeSelector: options.nodeSelector } : {}),
        ...(options.tolerations !== undefined ? { tolerations: options.tolerations } : {}),
        // Beside the topology spread: both constrain where pods go.
        ...(options.affinity !== undefined ? { affinity: options.affinity } : {}),
        ...(options.priorityClassName !== undefined ? { priorityClassName: options.priorityClassName } : {}),
        ...(options.imagePullSecrets !== undefined ? { imagePullSecrets: options.imagePullSecrets.map((name) => ({ name })) } : {}),
    };
}

/**
 * A Deployment whose pods carry the restricted security defaults and no service-account
 * token, placed as the user's pod options say. `replicas` is left out when an autoscaler owns
 * the count.
 */
export function hardenedDeployment(
    s: Identity,
    replicas: number | undefined,
    options: PodSettings,
    pod: Pick<PodSpec, "initContainers" | "containers" | "volumes" | "topologySpreadConstraints" | "serviceAccountName" | "automountServiceAccountToken">,
) {
    return {
        metadata: namedMeta(s),
        spec: {
            ...(replicas !== undefined ? { replicas } : {}),
            selector: { matchLabels: s.selectorLabels },
            template: {
                metadata: podMeta(s, options),
                spec: {
                    // No API token unless the workload asks for one: neither Envoy nor the agent needs it.
                    automountServiceAccountToken: false,
                    enableServiceLinks: options.enableServiceLinks,
                    securityContext: restrictedPodSecurity,
                    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
                    ...pod,
                    ...podOptionsSpec(options),
                },
            },
        },
    };
}
