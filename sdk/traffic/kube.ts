// What Kubernetes does with plain objects, as far as a request's path depends on it: which
// pods a workload runs, which pods a selector picks, which port a Service forwards to, how
// long each container of a stopping pod lives. Plain functions over plain objects (the shape
// `kubectl get -o yaml` prints); nothing here talks to a cluster or imports Pulumi.

import { ADDRESSES } from "../vocabulary/envoy";

/** A Kubernetes object as plain data. */
export interface KubeObject {
    apiVersion?: string;
    kind: string;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: any;
}

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A selector as the API server reads it: every matchLabels pair and every expression must hold; `{}` selects everything. */
export function selects(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
    if (selector === undefined || selector === null) return false;
    const l = labels ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        if (typeof e !== "object" || e === null) return false; // the API server refuses it
        const has = Object.prototype.hasOwnProperty.call(l, e.key);
        const values = e.values ?? [];
        switch (e.operator) {
            case "In":
                if (!has || !values.includes(l[e.key])) return false;
                break;
            case "NotIn":
                if (has && values.includes(l[e.key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                return false;
        }
    }
    return true;
}

/** A map of labels to match that is absent, null or empty (`{}`): Istio's workloadSelector then picks every workload, a Service's selector no pod. */
export function noLabels(labels: Record<string, string> | undefined | null): boolean {
    return labels === undefined || labels === null || typeof labels !== "object" || Object.keys(labels).length === 0;
}

/** A Service's `spec.selector` (a plain map: every pair must hold; an empty map selects nothing, as for Endpoints). */
export function serviceSelects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    if (!selector || Object.keys(selector).length === 0) return false;
    return selects({ matchLabels: selector }, labels);
}

/** The pods one workload object runs: their namespace, labels and spec. */
export interface Workload {
    /** `Deployment shop/web`: how messages name it. */
    ref: string;
    object: KubeObject;
    namespace: string;
    labels: Record<string, string>;
    pod: any;
    /** Fixed replicas, when the object says (Deployments default to 1; 0 runs no pod). */
    replicas?: number;
}

export function objectRef(o: KubeObject, defaultNamespace: string): string {
    return `${o.kind} ${o.metadata?.namespace ?? defaultNamespace}/${o.metadata?.name ?? "(unnamed)"}`;
}

/** The pod template of a workload object of a known kind. */
export function podTemplateOf(o: KubeObject): { metadata?: any; spec?: any } | undefined {
    return o.kind === "Pod" ? { metadata: o.metadata, spec: o.spec } : o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
}

/** The port number a container port name (or number) stands for in a pod, or undefined. */
export function containerPortNumber(pod: any, port: number | string | undefined, protocol = "TCP"): number | undefined {
    if (typeof port === "number") return port;
    if (typeof port !== "string") return undefined;
    if (/^\d+$/.test(port)) return Number(port);
    // As the endpoints controller looks a name up (FindPort): the pod's containers first, then its native sidecars.
    const containers: any[] = Array.isArray(pod?.containers) ? pod.containers : [];
    for (const c of [...containers, ...allContainers(pod).filter((x) => !containers.includes(x))]) {
        for (const p of Array.isArray(c?.ports) ? c.ports : []) if (p?.name === port && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
    return undefined;
}

/**
 * A native sidecar (an init container with `restartPolicy: Always`, Kubernetes 1.29+): the
 * kubelet starts it before the pod's containers and sends it SIGTERM only once every one of them
 * has exited; its preStop hook runs when termination begins, beside theirs.
 */
export function isNativeSidecar(pod: any, container: any): boolean {
    return container?.restartPolicy === "Always" && (pod?.initContainers ?? []).includes(container) && (pod?.containers ?? []).length > 0;
}

export function allContainers(pod: any): any[] {
    return [...(pod?.initContainers ?? []).filter((c: any) => c.restartPolicy === "Always"), ...(pod?.containers ?? [])];
}

/** `NAME=value` of a container's literal environment; valueFrom entries are absent (not known from the manifest). */
export function literalEnv(container: any): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of container?.env ?? []) if (typeof e?.name === "string" && typeof e.value === "string") env[e.name] = e.value;
    return env;
}

/** How long a container's preStop hook keeps it alive, in seconds: a native sleep, `sleep N`, or a shell script ending in `sleep N`. */
export function preStopSeconds(container: any): number {
    const hook = container?.lifecycle?.preStop;
    if (!hook) return 0;
    if (typeof hook.sleep?.seconds === "number") return hook.sleep.seconds;
    const command: string[] | undefined = hook.exec?.command;
    if (!Array.isArray(command)) return 0;
    if (command[0] === "sleep" || command[0] === "/bin/sleep") return Number(command[1]) || 0;
    const m = /\bsleep\s+(\d+)\s*$/.exec(String(command[command.length - 1] ?? ""));
    return m ? Number(m[1]) : 0;
}

/** The tag of an image reference, or undefined when it has none (a digest is not a tag). */
export function imageTag(image: string): string | undefined {
    const withoutDigest = image.split("@")[0];
    const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    return colon < 0 ? undefined : lastSegment.slice(colon + 1);
}

/** Kubernetes' default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

export function graceSeconds(pod: any): number {
    return typeof pod?.terminationGracePeriodSeconds === "number" ? pod.terminationGracePeriodSeconds : DEFAULT_GRACE_SECONDS;
}

/**
 * The Service a DNS name names from a pod in `clientNamespace`, the way the pod's resolver
 * expands it: `name` (the client's namespace), `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>`.
 */
export function serviceForHost(host: string, clientNamespace: string, clusterDomain: string): { name: string; namespace: string } | undefined {
    const h = host.replace(/\.$/, "");
    const parts = h.split(".");
    if (parts.length === 1) return { name: parts[0], namespace: clientNamespace };
    if (parts.length === 2) return { name: parts[0], namespace: parts[1] };
    if (parts[2] !== "svc") return undefined;
    const rest = parts.slice(3).join(".");
    if (rest !== "" && rest !== clusterDomain) return undefined;
    return { name: parts[0], namespace: parts[1] };
}

/** An address only the pod itself reaches: loopback, in IPv4, IPv6 or IPv4-mapped IPv6 form. */
export function isLoopback(address: string): boolean {
    const a = address.toLowerCase().replace(/^\[|\]$/g, "");
    return a === "localhost" || /^127\./.test(a) || a === ADDRESSES.loopbackV6 || a === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(a);
}

/**
 * Does a connection to `address` stay in the pod? Loopback, and also the unspecified address
 * (`0.0.0.0`, `::`), which Linux connects to the host itself.
 */
export function dialsOwnPod(address: string): boolean {
    const a = address.toLowerCase().replace(/^\[|\]$/g, "");
    return isLoopback(a) || a === ADDRESSES.any || a === ADDRESSES.anyV6 || a === "0:0:0:0:0:0:0:0" || a === `::ffff:${ADDRESSES.any}`;
}
