// Istio's sidecar, followed as Istio builds its inbound config (istio/istio 1.30.3:
// pilot/pkg/networking/core/listener_inbound.go, envoyfilter/listener_patch.go): for a workload
// that an EnvoyFilter selects, whether its pods get the proxy at all (the injector's labels),
// which inbound ports the proxy captures (the capture annotations), which of them it serves as
// HTTP (the Services' port protocols), and the HTTP filters and clusters the EnvoyFilters'
// patches add. That becomes an Envoy bootstrap - one HTTP connection manager per captured HTTP
// port, the patched filters before its router - read by the same model as any bootstrap, its
// closed-world grammar included, so the same checks follow it to the agent in the pod. A patch
// the model does not follow (other operations, other objects patched, narrower matches) is
// "cannot verify".
import { typeUrl } from "../vocabulary/envoy";
import { ENVOY_EXTENSIONS, ENVOY_TYPES } from "../vocabulary/envoy";
import { ISTIO_CAPTURE_ANNOTATIONS, ISTIO_LABELS, ISTIO_MATCH, ISTIO_PROXY_CONTAINER, ISTIO_ROOT_NAMESPACE } from "../vocabulary/istio";
import { isAgentContainer } from "./agent";
import { envoyModel, EnvoyModel } from "./envoy";
import { allContainers, containerPortNumber, KubeObject, podTemplateOf, serviceSelects, Workload } from "./kube";
import { ObjectIndex } from "./objects";

/** One thing the model found that a check reports. */
export interface MeshNote {
    code: "listener-uninspected" | "app-bypass" | "workload-unverifiable" | "envoy-unverifiable";
    message: string;
}

/** A meshed workload as its sidecar would serve it. */
export interface MeshEnvoy {
    workload: Workload;
    /** `EnvoyFilter shop/web, EnvoyFilter istio-system/x`: the filters that shape it. */
    source: string;
    /** Undefined when the pods get no sidecar (or whether they do cannot be verified). */
    model?: EnvoyModel;
    notes: MeshNote[];
}

const isEnvoyFilter = (o: KubeObject) => o.kind === "EnvoyFilter" && typeof o.apiVersion === "string" && o.apiVersion.startsWith("networking.istio.io/");

/** Service port protocols Istio serves with its HTTP connection manager (pkg/config/protocol), by appProtocol or the port name's prefix. */
const HTTP_PROTOCOLS = ["http", "http2", "grpc", "grpc-web", "http_proxy", "kubernetes.io/h2c", "kubernetes.io/ws"];
/** ... and those it proxies as TCP (no HTTP filter runs). */
const TCP_PROTOCOLS = ["tcp", "https", "tls", "mongo", "mysql", "redis", "kubernetes.io/wss"];

/** Istio's protocol of a Service port: HTTP, TCP or auto (sniffed: HTTP requests still get the HTTP chain). */
function portProtocol(p: any): "http" | "tcp" | "auto" {
    const named = typeof p?.appProtocol === "string" ? p.appProtocol.toLowerCase() : typeof p?.name === "string" ? p.name.toLowerCase().split("-")[0] : "";
    if (HTTP_PROTOCOLS.includes(named)) return "http";
    if (TCP_PROTOCOLS.includes(named)) return "tcp";
    return "auto";
}

/** Does the injector give the pods its proxy? undefined: the objects do not tell. */
function injected(index: ObjectIndex, w: Workload): { yes: boolean | undefined; why: string } {
    if (allContainers(w.pod).some((c) => c?.name === ISTIO_PROXY_CONTAINER)) return { yes: true, why: "its pods hold it" };
    if (w.pod?.hostNetwork === true) return { yes: false, why: "pods in the node's network (hostNetwork) are never injected" };
    const pod = w.labels ?? {};
    if (pod[ISTIO_LABELS.inject] === "false") return { yes: false, why: `its pods are labelled ${ISTIO_LABELS.inject}: "false"` };
    const ns = index.get("Namespace", "", w.namespace);
    const nsLabels = ns?.metadata?.labels ?? {};
    if (nsLabels[ISTIO_LABELS.namespaceInjection] === "disabled") return { yes: false, why: `namespace ${w.namespace} is labelled ${ISTIO_LABELS.namespaceInjection}: disabled` };
    if (nsLabels[ISTIO_LABELS.namespaceInjection] === "enabled" || nsLabels[ISTIO_LABELS.revision] !== undefined) return { yes: true, why: `namespace ${w.namespace} asks for it` };
    if (pod[ISTIO_LABELS.inject] === "true" || pod[ISTIO_LABELS.revision] !== undefined) return { yes: true, why: "its pods ask for it" };
    return { yes: undefined, why: `neither its pods (${ISTIO_LABELS.inject}: "true", or ${ISTIO_LABELS.revision}) nor namespace ${w.namespace}${ns ? "" : " (not among the objects)"} ask for it` };
}

/** The inbound ports the sidecar captures; undefined: all. */
function captured(w: Workload): { all: boolean; only?: Set<number>; except: Set<number>; none?: string } {
    const a = podTemplateOf(w.object)?.metadata?.annotations ?? {};
    if (a[ISTIO_CAPTURE_ANNOTATIONS.interceptionMode] === "NONE") return { all: false, except: new Set(), none: `${ISTIO_CAPTURE_ANNOTATIONS.interceptionMode}: NONE` };
    const ports = (v: unknown) =>
        new Set(
            String(v ?? "")
                .split(",")
                .map((x) => x.trim())
                .filter((x) => /^\d+$/.test(x))
                .map(Number),
        );
    const include = a[ISTIO_CAPTURE_ANNOTATIONS.includeInboundPorts];
    const except = ports(a[ISTIO_CAPTURE_ANNOTATIONS.excludeInboundPorts]);
    if (include === undefined || String(include).trim() === "*") return { all: true, except };
    if (String(include).trim() === "") return { all: false, except, none: `${ISTIO_CAPTURE_ANNOTATIONS.includeInboundPorts}: ""` };
    return { all: false, only: ports(include), except };
}

/** The EnvoyFilters that apply to the sidecar of `w`: its namespace's and the root namespace's whose selector picks it, root first. */
/** Does an EnvoyFilter insert an inspection filter (ext_proc or ext_authz) into the HTTP chain? */
function insertsInspection(f: KubeObject): boolean {
    return (Array.isArray(f.spec?.configPatches) ? f.spec.configPatches : []).some(
        (p: any) => p?.applyTo === "HTTP_FILTER" && [ENVOY_TYPES.extProc, ENVOY_TYPES.extAuthz].some((t) => String(p?.patch?.value?.typed_config?.["@type"] ?? "").endsWith(`/${t}`)),
    );
}

/** Does an EnvoyFilter that inserts an inspection filter apply to the sidecar of `w`'s pods? */
export function meshInspects(index: ObjectIndex, w: Workload): boolean {
    return filtersFor(index, w).some(insertsInspection);
}

function filtersFor(index: ObjectIndex, w: Workload): KubeObject[] {
    return index.objects
        .filter(isEnvoyFilter)
        .filter((f) => {
            const ns = index.namespaceOf(f);
            if (ns !== w.namespace && ns !== ISTIO_ROOT_NAMESPACE) return false;
            // A sidecar ignores an EnvoyFilter that names targets (pilot's ShouldAttachPolicy).
            if (f.spec?.targetRefs !== undefined) return false;
            const selector = f.spec?.workloadSelector?.labels;
            return selector === undefined || serviceSelects(selector, w.labels);
        })
        .sort((a, b) => Number(index.namespaceOf(b) === ISTIO_ROOT_NAMESPACE) - Number(index.namespaceOf(a) === ISTIO_ROOT_NAMESPACE) || Number(a.spec?.priority ?? 0) - Number(b.spec?.priority ?? 0));
}

const CONTEXTS_INBOUND = [ISTIO_MATCH.context, "ANY", undefined];

/** The HTTP filters (before and after the router) and the clusters the patches add to the inbound chain of `port`. */
function patched(filters: KubeObject[], port: number, note: (n: MeshNote) => void, refOf: (f: KubeObject) => string): { before: unknown[]; after: unknown[]; clusters: unknown[] } {
    const before: unknown[] = [];
    const after: unknown[] = [];
    const clusters: unknown[] = [];
    for (const f of filters) {
        const ref = refOf(f);
        (Array.isArray(f.spec?.configPatches) ? f.spec.configPatches : []).forEach((p: any, i: number) => {
            const at = `${ref} configPatches[${i}]`;
            const context = p?.match?.context;
            const op = p?.patch?.operation;
            if (p?.match?.proxy !== undefined)
                return note({ code: "envoy-unverifiable", message: `${at} applies only to proxies of some versions (match.proxy): whether it patches these pods' sidecar cannot be verified` });
            if (p?.applyTo === "CLUSTER") {
                if (op === "ADD" && (CONTEXTS_INBOUND.includes(context) || context === "SIDECAR_OUTBOUND")) clusters.push(p.patch.value);
                else if (op !== "ADD" && CONTEXTS_INBOUND.includes(context))
                    note({ code: "envoy-unverifiable", message: `${at} ${op ?? "(no operation)"}s a cluster, which the model does not follow` });
                return;
            }
            if (!CONTEXTS_INBOUND.includes(context)) return; // outbound or gateway traffic: not the requests into these pods
            if (p?.applyTo !== "HTTP_FILTER")
                return note({
                    code: "envoy-unverifiable",
                    message: `${at} patches the inbound ${p?.applyTo ?? "(nothing)"}, which the model does not follow: whether requests into these pods are inspected cannot be verified`,
                });
            const listener = p?.match?.listener ?? {};
            const chain = listener.filterChain ?? {};
            const narrower = ["name", "listenerFilter"]
                .filter((k) => listener[k] !== undefined)
                .concat(["name", "sni", "transportProtocol", "applicationProtocols"].filter((k) => chain[k] !== undefined).map((k) => `filterChain.${k}`));
            if (narrower.length > 0)
                return note({
                    code: "envoy-unverifiable",
                    message: `${at} matches on ${narrower.map((k) => `listener.${k}`).join(", ")}, names of Istio's making: which chains it patches cannot be verified`,
                });
            if ((chain.filter?.name ?? ISTIO_MATCH.hcm) !== ISTIO_MATCH.hcm)
                return note({ code: "envoy-unverifiable", message: `${at} matches network filter ${chain.filter.name}, which holds no HTTP filters the model follows` });
            const only = listener.portNumber ?? chain.destinationPort;
            if (only !== undefined && Number(only) !== port) return;
            const sub = chain.filter?.subFilter?.name;
            const value = p?.patch?.value;
            // Before the router, in patch order; at the front without a subFilter or with INSERT_FIRST; an ADD of a filter class among Istio's own, before the router, else after it.
            const classed = p?.patch?.filterClass !== undefined && p.patch.filterClass !== "UNSPECIFIED";
            if ((op === "INSERT_BEFORE" && sub === undefined) || op === "INSERT_FIRST") before.unshift(value);
            else if ((op === "INSERT_BEFORE" && sub === ISTIO_MATCH.router) || (op === "ADD" && classed)) before.push(value);
            else if (op === "ADD") after.push(value);
            else
                note({
                    code: "envoy-unverifiable",
                    message: `${at} ${op ?? "(no operation)"}${sub ? ` ${sub}` : ""}, which the model does not follow among Istio's own HTTP filters: whether requests into these pods are inspected cannot be verified`,
                });
        });
    }
    return { before, after, clusters };
}

/** An EnvoyFilter that inserts an inspection filter but selects no workload among the objects: nothing it inserts inspects anything. */
export function idleMeshFilters(index: ObjectIndex): { ref: string; message: string }[] {
    return index.objects
        .filter((f) => isEnvoyFilter(f) && f.spec?.targetRefs === undefined && insertsInspection(f))
        .filter((f) => !index.workloads.some((w) => filtersFor(index, w).includes(f)))
        .map((f) => {
            const ref = `EnvoyFilter ${index.namespaceOf(f)}/${f.metadata?.name}`;
            return {
                ref,
                message: `${ref} inserts an inspection filter, but its workloadSelector ${JSON.stringify(f.spec?.workloadSelector?.labels ?? {})} picks no pods among the objects of namespace ${index.namespaceOf(f)}: the workload it was meant for is not inspected; select its pods' labels`,
            };
        });
}

/** Every workload an EnvoyFilter selects, as its sidecar would serve it. */
export function meshEnvoys(index: ObjectIndex): MeshEnvoy[] {
    const out: MeshEnvoy[] = [];
    if (!index.objects.some(isEnvoyFilter)) return out;
    const refOf = (f: KubeObject) => `EnvoyFilter ${index.namespaceOf(f)}/${f.metadata?.name}`;
    for (const w of index.workloads) {
        const filters = filtersFor(index, w);
        if (filters.length === 0) continue;
        const source = filters.map(refOf).join(", ");
        const notes: MeshNote[] = [];
        const note = (n: MeshNote) => notes.push(n);
        const proxy = injected(index, w);
        if (proxy.yes !== true) {
            note(
                proxy.yes === false
                    ? {
                          code: "listener-uninspected",
                          message: `${source} select${filters.length === 1 ? "s" : ""} ${w.ref}, but its pods get no istio-proxy (${proxy.why}): nothing inspects their requests`,
                      }
                    : {
                          code: "workload-unverifiable",
                          message: `whether Istio injects its proxy into the pods of ${w.ref}, which ${source} patch${filters.length === 1 ? "es" : ""}, cannot be verified: ${proxy.why}; label the pods ${ISTIO_LABELS.inject}: "true" or include the Namespace`,
                      },
            );
            out.push({ workload: w, source, notes });
            continue;
        }
        // The ports requests come in on: the Services' target ports (with their protocols), and the app's other container ports (sniffed).
        const ports = new Map<number, { protocol: "http" | "tcp" | "auto"; via: string }>();
        for (const svc of index.selecting("Service", w.namespace, w.labels).filter((s) => serviceSelects(s.spec?.selector, w.labels))) {
            for (const sp of svc.spec?.ports ?? []) {
                const target = containerPortNumber(w.pod, sp.targetPort ?? sp.port, sp.protocol ?? "TCP");
                if (target === undefined || (sp.protocol ?? "TCP") !== "TCP") continue;
                const protocol = portProtocol(sp);
                if (!ports.has(target) || protocol === "tcp") ports.set(target, { protocol, via: `Service ${index.namespaceOf(svc)}/${svc.metadata?.name} port ${sp.name ?? sp.port}` });
            }
        }
        for (const c of allContainers(w.pod).filter((x) => !isAgentContainer(x))) {
            for (const p of Array.isArray(c.ports) ? c.ports : [])
                if ((p?.protocol ?? "TCP") === "TCP" && !ports.has(Number(p.containerPort)))
                    ports.set(Number(p.containerPort), { protocol: "auto", via: `container ${c.name} port ${p.name ?? p.containerPort}` });
        }
        const capture = captured(w);
        const listeners: unknown[] = [];
        const clusters: unknown[] = [];
        for (const [port, p] of [...ports].sort((a, b) => a[0] - b[0])) {
            const isCaptured = capture.all ? !capture.except.has(port) : capture.only?.has(port) === true && !capture.except.has(port);
            if (!isCaptured) {
                note({
                    code: "app-bypass",
                    message: `${p.via} of ${w.ref} (${port}) is not captured by the sidecar (${capture.none ?? `${capture.all ? ISTIO_CAPTURE_ANNOTATIONS.excludeInboundPorts : ISTIO_CAPTURE_ANNOTATIONS.includeInboundPorts}`}): its requests reach the app around the proxy, uninspected`,
                });
                continue;
            }
            if (p.protocol === "tcp") {
                note({
                    code: "listener-uninspected",
                    message: `${p.via} of ${w.ref} (${port}) is a TCP port to Istio (by its name or appProtocol): the sidecar proxies it without HTTP filters, so nothing inspects its requests; name it http`,
                });
                continue;
            }
            const parts = patched(filters, port, note, refOf);
            clusters.push(...parts.clusters);
            const name = `inbound|${port}`;
            listeners.push({
                name,
                address: { socket_address: { address: "0.0.0.0", port_value: port } },
                filter_chains: [
                    {
                        filters: [
                            {
                                name: ISTIO_MATCH.hcm,
                                typed_config: {
                                    "@type": typeUrl(ENVOY_TYPES.hcm),
                                    stat_prefix: `inbound_${port}`,
                                    route_config: { name, virtual_hosts: [{ name: "inbound", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: `${name}||` } }] }] },
                                    http_filters: [...parts.before, { name: ENVOY_EXTENSIONS.router, typed_config: { "@type": typeUrl(ENVOY_TYPES.router) } }, ...parts.after],
                                },
                            },
                        ],
                    },
                ],
            });
            // Istio forwards to the app in its own pod.
            clusters.push({
                name: `${name}||`,
                type: "STATIC",
                load_assignment: { cluster_name: `${name}||`, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] }] },
            });
        }
        // One bootstrap per workload: a cluster added by several ports' patches is one cluster.
        const byName = new Map<string, unknown>();
        for (const c of clusters) byName.set(String((c as any)?.name), c);
        const model = envoyModel({ static_resources: { listeners, clusters: [...byName.values()] } });
        out.push({ workload: w, source, model, notes });
    }
    return out;
}
