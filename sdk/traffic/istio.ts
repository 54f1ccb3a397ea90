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
import {
    ISTIO_CAPTURE_ANNOTATIONS,
    ISTIO_CAPTURE_INIT_CONTAINERS,
    ISTIO_IGNORED_NAMESPACES,
    ISTIO_LABELS,
    ISTIO_MATCH,
    ISTIO_PROXY_CONTAINER,
    ISTIO_ROOT_NAMESPACE,
    ISTIO_SIDECAR_STATUS,
    ISTIO_WELL_KNOWN_TCP_PORTS,
} from "../vocabulary/istio";
import { loadEnvoyYaml } from "../vocabulary/envoy-yaml";
import { isAgentContainer } from "./agent";
import { envoyModel, EnvoyModel } from "./envoy";
import { allContainers, containerPortNumber, KubeObject, noLabels, podTemplateOf, serviceSelects, Workload } from "./kube";
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
    if (named === "" && ISTIO_WELL_KNOWN_TCP_PORTS.includes(Number(p?.port))) return "tcp";
    return "auto";
}

/** Does the injector give the pods its proxy? undefined: the objects do not tell. */
function injected(index: ObjectIndex, w: Workload): { yes: boolean | undefined; why: string; fix?: string } {
    // An already-injected template (kube-inject's output, carrying the injector's status): the proxy
    // captures traffic only with the init container that sets it up. Without the status, an
    // istio-proxy container is a customisation the injector merges: the labels below decide.
    if (podTemplateOf(w.object)?.metadata?.annotations?.[ISTIO_SIDECAR_STATUS] !== undefined && allContainers(w.pod).some((c) => c?.name === ISTIO_PROXY_CONTAINER)) {
        if ((w.pod?.initContainers ?? []).some((c: any) => ISTIO_CAPTURE_INIT_CONTAINERS.includes(c?.name))) return { yes: true, why: "its pods hold it" };
        return {
            yes: undefined,
            why: `its pods hold a container named ${ISTIO_PROXY_CONTAINER}, but no ${ISTIO_CAPTURE_INIT_CONTAINERS.join(" or ")} init container that would capture their traffic`,
        };
    }
    if (w.pod?.hostNetwork === true) return { yes: false, why: "pods in the node's network (hostNetwork) are never injected" };
    if (ISTIO_IGNORED_NAMESPACES.includes(w.namespace)) return { yes: false, why: `Istio never injects into namespace ${w.namespace}` };
    const pod = w.labels ?? {};
    if (pod[ISTIO_LABELS.inject] === "false") return { yes: false, why: `its pods are labelled ${ISTIO_LABELS.inject}: "false"` };
    // Without the label, the annotation is the injector's object selector.
    const annotation = podTemplateOf(w.object)?.metadata?.annotations?.[ISTIO_LABELS.inject];
    if (pod[ISTIO_LABELS.inject] === undefined && annotation === "false") return { yes: false, why: `its pods are annotated ${ISTIO_LABELS.inject}: "false"` };
    const ns = index.get("Namespace", "", w.namespace);
    const nsLabels = ns?.metadata?.labels ?? {};
    const nsInjection = nsLabels[ISTIO_LABELS.namespaceInjection];
    if (nsInjection === "enabled") return { yes: true, why: `namespace ${w.namespace} asks for it` };
    // Every other webhook of the injector wants the label absent (mutatingwebhook.yaml): any other value injects nothing.
    if (nsInjection === "disabled") return { yes: false, why: `namespace ${w.namespace} is labelled ${ISTIO_LABELS.namespaceInjection}: disabled` };
    if (nsInjection !== undefined)
        return { yes: false, why: `namespace ${w.namespace} is labelled ${ISTIO_LABELS.namespaceInjection}: ${nsInjection}, which only "enabled" turns on and which turns every other selector off` };
    if (nsLabels[ISTIO_LABELS.revision] !== undefined) return { yes: true, why: `namespace ${w.namespace} asks for it` };
    if (pod[ISTIO_LABELS.inject] === "true" || pod[ISTIO_LABELS.revision] !== undefined) {
        // The pods' own request counts only where the namespace has neither label: without its object, that is unknown.
        if (!ns)
            return {
                yes: undefined,
                why: `its pods ask for it, but namespace ${w.namespace} is not among the objects, and labelled ${ISTIO_LABELS.namespaceInjection} with any value but "enabled" it turns injection off`,
                fix: "include the Namespace (or declare its labels: the policy pack's namespaceLabels)",
            };
        return { yes: true, why: "its pods ask for it" };
    }
    return { yes: undefined, why: `neither its pods (${ISTIO_LABELS.inject}: "true", or ${ISTIO_LABELS.revision}) nor namespace ${w.namespace}${ns ? "" : " (not among the objects)"} ask for it` };
}

/** The pod's ProxyConfig overrides (its `proxy.istio.io/config` annotation, YAML or JSON): null without one, undefined when it does not parse. */
function proxyConfigOf(w: Workload): any {
    const text = podTemplateOf(w.object)?.metadata?.annotations?.[ISTIO_CAPTURE_ANNOTATIONS.proxyConfig];
    if (text === undefined) return null;
    try {
        return loadEnvoyYaml(String(text)) ?? null;
    } catch {
        return undefined;
    }
}

/**
 * A ProxyConfig field by its JSON name or its proto name, as Istio's parser takes both. Given both
 * ways: maps merged, and two differing values read as neither (no mode the model knows).
 */
function proxyConfigField(config: any, jsonName: string): unknown {
    if (typeof config !== "object" || config === null) return undefined;
    const [a, b] = [config[jsonName], config[jsonName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]];
    if (a === undefined || b === undefined) return a ?? b;
    if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) return { ...b, ...a };
    return JSON.stringify(a) === JSON.stringify(b) ? a : `${JSON.stringify(b)} and ${JSON.stringify(a)}`;
}

/** The inbound ports the sidecar captures; undefined: all. */
function captured(w: Workload): { all: boolean; only?: Set<number>; except: Set<number>; none?: string; unknown?: string } {
    const a = podTemplateOf(w.object)?.metadata?.annotations ?? {};
    const nothing = (none: string) => ({ all: false, except: new Set<number>(), none });
    // The mode: the annotation, else the pod's ProxyConfig (the injector's template reads them in that order).
    if (a[ISTIO_CAPTURE_ANNOTATIONS.interceptionMode] === "NONE") return nothing(`${ISTIO_CAPTURE_ANNOTATIONS.interceptionMode}: NONE`);
    if (a[ISTIO_CAPTURE_ANNOTATIONS.interceptionMode] === undefined && a[ISTIO_CAPTURE_ANNOTATIONS.proxyConfig] !== undefined) {
        const config = proxyConfigOf(w);
        if (config === undefined) return { all: false, except: new Set(), unknown: `its ${ISTIO_CAPTURE_ANNOTATIONS.proxyConfig} annotation does not parse` };
        const mode: unknown = proxyConfigField(config, "interceptionMode");
        if (mode === "NONE") return nothing(`${ISTIO_CAPTURE_ANNOTATIONS.proxyConfig} interceptionMode: NONE`);
        if (mode !== undefined && mode !== "REDIRECT" && mode !== "TPROXY")
            return { all: false, except: new Set(), unknown: `its ${ISTIO_CAPTURE_ANNOTATIONS.proxyConfig} interceptionMode ${JSON.stringify(mode)} is no mode the model knows` };
    }
    // Inbound traffic on an excluded interface returns before any redirect (istio-iptables): the pod's own (eth0) leaves it all uncaptured.
    const interfaces = String(a[ISTIO_CAPTURE_ANNOTATIONS.excludeInterfaces] ?? "")
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
    if (interfaces.includes("eth0")) return nothing(`${ISTIO_CAPTURE_ANNOTATIONS.excludeInterfaces}: ${a[ISTIO_CAPTURE_ANNOTATIONS.excludeInterfaces]}`);
    if (interfaces.length > 0)
        return {
            all: false,
            except: new Set(),
            unknown: `${ISTIO_CAPTURE_ANNOTATIONS.excludeInterfaces} names ${interfaces.join(", ")}, and which interface the Service's traffic arrives on is not in the objects`,
        };
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
            // No labels, or none given: every workload of its namespace (pilot's SubsetOf).
            return noLabels(selector) || serviceSelects(selector, w.labels);
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
            // Both, when both are given: on the inbound listener each is matched against the chain's port.
            if ([listener.portNumber, chain.destinationPort].some((x) => x !== undefined && x !== null && Number(x) !== port)) return;
            const sub = chain.filter?.subFilter?.name;
            const value = p?.patch?.value;
            // Before the router, in patch order; at the front without a subFilter or with INSERT_FIRST; an ADD of a filter class among Istio's own, before the router, else after it.
            // A filterClass is not read by the Istio of these objects' time (an ADD with one appends,
            // after the router); where it was, it placed the filter by class: which, cannot be verified.
            const classed = p?.patch?.filterClass !== undefined && p.patch.filterClass !== "UNSPECIFIED";
            if (op === "ADD" && classed)
                note({
                    code: "envoy-unverifiable",
                    message: `${at} ADDs with filterClass ${p.patch.filterClass}: where that puts the filter depends on the Istio version (recent ones append it after the router); insert it before the router instead`,
                });
            else if ((op === "INSERT_BEFORE" && sub === undefined) || op === "INSERT_FIRST") before.unshift(value);
            else if (op === "INSERT_BEFORE" && sub === ISTIO_MATCH.router) before.push(value);
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
                          message: `whether Istio injects its proxy into the pods of ${w.ref}, which ${source} patch${filters.length === 1 ? "es" : ""}, cannot be verified: ${proxy.why}; ${proxy.fix ?? `label the pods ${ISTIO_LABELS.inject}: "true" or include the Namespace`}`,
                      },
            );
            out.push({ workload: w, source, notes });
            continue;
        }
        // A Sidecar resource with ingress listeners builds the inbound chains from them (their protocol, their endpoint), not from the Services.
        for (const s of index.objects.filter((o) => o.kind === "Sidecar" && String(o.apiVersion).startsWith("networking.istio.io/"))) {
            const ns = index.namespaceOf(s);
            const selector = s.spec?.workloadSelector?.labels;
            const applies = noLabels(selector) ? ns === w.namespace || ns === ISTIO_ROOT_NAMESPACE : ns === w.namespace && serviceSelects(selector, w.labels);
            if (applies && Array.isArray(s.spec?.ingress) && s.spec.ingress.length > 0)
                note({
                    code: "envoy-unverifiable",
                    message: `Sidecar ${ns}/${s.metadata?.name} gives ${w.ref}'s sidecar ingress listeners of its own (their protocols, endpoints and TLS), which the model does not follow: whether requests into these pods are inspected cannot be verified`,
                });
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
        if (capture.unknown !== undefined) {
            note({ code: "workload-unverifiable", message: `whether the sidecar of ${w.ref} captures its inbound traffic cannot be verified: ${capture.unknown}` });
            out.push({ workload: w, source, notes });
            continue;
        }
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
        // The pod's ProxyConfig sets Envoy's runtime at bootstrap (runtimeValues): circuit breakers of the agent's cluster too.
        const runtimeValues = proxyConfigField(proxyConfigOf(w), "runtimeValues");
        const layered_runtime = typeof runtimeValues === "object" && runtimeValues !== null ? { layers: [{ name: ISTIO_CAPTURE_ANNOTATIONS.proxyConfig, static_layer: runtimeValues }] } : undefined;
        const model = envoyModel({ ...(layered_runtime ? { layered_runtime } : {}), static_resources: { listeners, clusters: [...byName.values()] } });
        out.push({ workload: w, source, model, notes });
    }
    return out;
}
