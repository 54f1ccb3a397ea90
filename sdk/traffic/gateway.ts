// Envoy Gateway, followed as its translator builds Envoy's config from Gateway API objects
// (envoyproxy/gateway v1.9.0: internal/gatewayapi, internal/xds/translator): a Gateway's HTTP
// listeners, the HTTPRoutes and GRPCRoutes its listeners admit, and the EnvoyExtensionPolicy in
// effect for each route rule (the most specific wins, whole: a route's policy replaces the
// Gateway's). That becomes the same Envoy model as a bootstrap's - one HTTP connection manager
// per listener, an ext_proc filter per policy, off by default and on for the routes it covers,
// its cluster the agents' Service - so the same checks follow it to the agents. What the
// translator would do that the model does not follow (other extensions, label-selected targets,
// merged policies, two policies on one target) is "cannot verify".
import { ClientAddressModel, ClusterModel, EnvoyModel, InspectionFilter, ListenerModel, RouteModel } from "./envoy";
import { KubeObject, Workload } from "./kube";
import { ObjectIndex } from "./objects";
import { namespaceSelected } from "./network-policy";
import { EXTERNAL_ADDRESS_HEADER } from "../vocabulary/envoy";
import {
    ENVOY_GATEWAY_CONTROLLER,
    ENVOY_GATEWAY_GROUP,
    ENVOY_GATEWAY_NAMESPACE,
    ENVOY_GATEWAY_PROXY_LABELS,
    GATEWAY_API_GROUP,
    GATEWAY_KINDS,
    HTTP_LISTENER_PROTOCOLS,
    OWNING_GATEWAY_LABELS,
} from "../vocabulary/gateway";

/** Where Envoy Gateway runs the proxies of a Gateway, as the verifier is told (its defaults otherwise). */
export interface EnvoyGatewayOptions {
    /** The proxies' namespace in the default deployment mode (ControllerNamespace). Default `envoy-gateway-system`. */
    namespace?: string;
    /** `GatewayNamespace`: each Gateway's proxies run in the Gateway's own namespace. */
    deployment?: "ControllerNamespace" | "GatewayNamespace";
}

/** How a finding names a policy's target that is not among the objects (`Gateway shop/eg`): the policy pack's `targetsElsewhere` matches it. */
export const targetElsewhere = (target: string) => `${target}, which is not among the objects`;

/** One thing the model found that a check reports: a gap, or what it cannot follow. */
export interface GatewayNote {
    code: "listener-uninspected" | "agent-unresolved" | "envoy-unverifiable" | "app-bypass";
    message: string;
    severity?: "error" | "warning";
}

/** A Gateway as Envoy sees it, with the proxies that run it. */
export interface GatewayEnvoy {
    gateway: KubeObject;
    /** `Gateway shop/eg`. */
    ref: string;
    model: EnvoyModel;
    proxies: Workload;
    notes: GatewayNote[];
    /** Listeners with a route that passes uninspected: never proven. */
    gaps: Set<ListenerModel>;
}

const isKind = (o: KubeObject, group: string, kind: string) => o.kind === kind && typeof o.apiVersion === "string" && o.apiVersion.startsWith(`${group}/`);
const ROUTE_KINDS = [GATEWAY_KINDS.httpRoute, GATEWAY_KINDS.grpcRoute];

/** The extension kinds of a policy the model does not follow: each may answer or alter requests itself. */
const OTHER_EXTENSIONS = ["wasm", "lua", "dynamicModule"];
const POLICY_FIELDS = ["targetRef", "targetRefs", "targetSelectors", "extProc", "mergeType", ...OTHER_EXTENSIONS];
/** The Gateway's fields (Gateway API v1.6.1) that do not change which filters a request passes; `listeners` is modelled. */
const GATEWAY_NEUTRAL_FIELDS = ["gatewayClassName", "addresses", "infrastructure", "tls", "listeners"];
/** A listener's fields, all modelled (protocol, port, the routes it admits) or neutral (hostname, TLS). */
const LISTENER_FIELDS = ["name", "hostname", "port", "protocol", "tls", "allowedRoutes"];
const EXT_PROC_FIELDS = ["backendRefs", "backendRef", "backendSettings", "processingMode", "failOpen", "messageTimeout", "metadata", "shadowMode", "statusOnError", "allowModeOverride"];

interface Target {
    kind: string;
    name: string;
    namespace: string;
    sectionName?: string;
}

interface Policy {
    object: KubeObject;
    ref: string;
    namespace: string;
    targets: Target[];
}

/** The policies of the objects, by the targets they name; what the model cannot read in one is noted. */
function policiesOf(index: ObjectIndex, note: (object: string, n: GatewayNote) => void): Policy[] {
    const out: Policy[] = [];
    for (const o of index.objects.filter((x) => isKind(x, ENVOY_GATEWAY_GROUP, GATEWAY_KINDS.extensionPolicy))) {
        const namespace = index.namespaceOf(o);
        const ref = `EnvoyExtensionPolicy ${namespace}/${o.metadata?.name}`;
        const spec = o.spec ?? {};
        for (const field of Object.keys(spec)) {
            if (!POLICY_FIELDS.includes(field))
                note(ref, { code: "envoy-unverifiable", message: `${ref} has spec.${field}, which the model does not know: whether the requests of its targets are inspected cannot be verified` });
        }
        for (const field of OTHER_EXTENSIONS) {
            if (spec[field] !== undefined)
                note(ref, {
                    code: "envoy-unverifiable",
                    message: `${ref} has ${field} extensions, which may answer or rewrite requests themselves: whether its targets are inspected cannot be verified`,
                });
        }
        if (spec.targetSelectors !== undefined)
            note(ref, { code: "envoy-unverifiable", message: `${ref} chooses its targets by labels (targetSelectors): which routes it covers cannot be verified; name them in targetRefs` });
        if (spec.mergeType !== undefined) note(ref, { code: "envoy-unverifiable", message: `${ref} merges into its parent's policy (mergeType): the merged extProc list cannot be verified` });
        const refs = [...(Array.isArray(spec.targetRefs) ? spec.targetRefs : []), ...(spec.targetRef ? [spec.targetRef] : [])];
        const targets = refs
            .filter((t: any) => (t?.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP)
            .map((t: any) => ({ kind: String(t.kind), name: String(t.name), namespace, sectionName: t.sectionName }));
        out.push({ object: o, ref, namespace, targets });
    }
    return out;
}

/** The Gateway (and listener) a route's parentRef names, if it is this one. */
function parentListeners(route: KubeObject, routeNs: string, gateway: KubeObject, gatewayNs: string): { sectionName?: string; port?: number }[] {
    const refs = Array.isArray(route.spec?.parentRefs) ? route.spec.parentRefs : [];
    return refs
        .filter(
            (p: any) =>
                (p?.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP &&
                (p?.kind ?? GATEWAY_KINDS.gateway) === GATEWAY_KINDS.gateway &&
                p?.name === gateway.metadata?.name &&
                (p?.namespace ?? routeNs) === gatewayNs,
        )
        .map((p: any) => ({ sectionName: p.sectionName, port: p.port }));
}

/** Does listener `l` of a Gateway in `gatewayNs` admit a route of `kind` from `routeNs`? Undefined: it cannot be told from the objects. */
function admits(index: ObjectIndex, l: any, gatewayNs: string, kind: string, routeNs: string): boolean | undefined {
    const kinds = l?.allowedRoutes?.kinds;
    if (Array.isArray(kinds) && kinds.length > 0 && !kinds.some((k: any) => (k?.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && k?.kind === kind)) return false;
    const from = l?.allowedRoutes?.namespaces?.from ?? "Same";
    if (from === "All") return true;
    if (from === "Same") return routeNs === gatewayNs;
    // Labels of a namespace not among the objects are unknown, but for its name.
    if (from === "Selector") return namespaceSelected(index, l.allowedRoutes.namespaces.selector ?? {}, routeNs);
    return undefined;
}

/** The cluster of one extProc entry: the agents' Service, by its DNS name, as Envoy Gateway resolves it. */
function extProcCluster(name: string, policy: Policy, entry: any, index: ObjectIndex, note: (n: GatewayNote) => void): ClusterModel {
    const endpoints = [];
    const refs = Array.isArray(entry?.backendRefs) ? entry.backendRefs : [];
    if (entry?.backendRef !== undefined)
        note({ code: "envoy-unverifiable", message: `${policy.ref} sets extProc backendRef, which Envoy Gateway refuses ("BackendRefs must be used"): the policy is not accepted` });
    for (const b of refs) {
        const kind = b?.kind ?? "Service";
        const group = b?.group ?? "";
        const ns = b?.namespace ?? policy.namespace;
        if (kind !== "Service" || group !== "") {
            note({
                code: "envoy-unverifiable",
                message: `${policy.ref} sends its requests to a ${kind} (${group || "core"} group), whose endpoints are not among the objects: the agents behind it cannot be verified`,
            });
            continue;
        }
        if (ns !== policy.namespace && !grants(index, policy.namespace, ns, b.name)) {
            const failOpen = entry?.failOpen === true;
            note({
                code: "agent-unresolved",
                message: `${policy.ref} sends its requests to Service ${ns}/${b.name}, which no ReferenceGrant in namespace ${ns} lets an EnvoyExtensionPolicy of namespace ${policy.namespace} reach: Envoy Gateway ${failOpen ? "drops the agent and lets the requests through uninspected (failOpen)" : "answers every request of its targets with 500"}; add a ReferenceGrant`,
            });
        }
        endpoints.push({ address: `${b.name}.${ns}.svc.cluster.local`, port: Number(b.port) });
    }
    return { name, type: "STRICT_DNS", endpoints, http2: true, tls: false, healthChecked: false, unverifiable: [], mayFailEveryCall: [] };
}

/** Does a ReferenceGrant in `to` let EnvoyExtensionPolicies of `from` refer to Service `name`? */
function grants(index: ObjectIndex, from: string, to: string, name: string): boolean {
    return index.objects
        .filter((o) => isKind(o, GATEWAY_API_GROUP, GATEWAY_KINDS.referenceGrant) && index.namespaceOf(o) === to)
        .some(
            (g) =>
                (g.spec?.from ?? []).some((f: any) => f?.group === ENVOY_GATEWAY_GROUP && f?.kind === GATEWAY_KINDS.extensionPolicy && f?.namespace === from) &&
                (g.spec?.to ?? []).some((t: any) => (t?.group ?? "") === "" && t?.kind === "Service" && (t?.name === undefined || t.name === name)),
        );
}

/** The inspection filter of one extProc entry of a policy, named as Envoy Gateway names it. */
function extProcFilter(policy: Policy, i: number, entry: any, note: (n: GatewayNote) => void): InspectionFilter {
    const id = `envoyextensionpolicy/${policy.namespace}/${policy.object.metadata?.name}/extproc/${i}`;
    for (const field of Object.keys(entry ?? {})) {
        if (!EXT_PROC_FIELDS.includes(field))
            note({ code: "envoy-unverifiable", message: `${policy.ref} has extProc[${i}].${field}, which the model does not know: whether its requests are inspected cannot be verified` });
    }
    // null is absent, as the API server decodes it (`request:` with no value).
    const mode = entry?.processingMode ?? undefined;
    const partial =
        mode === undefined
            ? "processingMode is left out, so Envoy Gateway sends the agent nothing"
            : (mode.request ?? undefined) === undefined
              ? "processingMode.request is left out, so the requests are not sent to the agent"
              : entry.shadowMode === true
                ? "shadowMode: the agent only observes, and its verdicts are never applied"
                : undefined;
    return {
        name: `envoy.filters.http.ext_proc/${id}`,
        integration: "ext_proc",
        cluster: id,
        failOpen: entry?.failOpen === true,
        partial,
        offByDefault: true,
        clientHeaders: new Map([[EXTERNAL_ADDRESS_HEADER, "(the connection manager)"]]),
        peerHeaders: new Set(),
        blindSpots:
            mode?.request !== undefined && mode?.request !== null && (mode.request.body ?? undefined) === undefined
                ? ["processingMode.request.body is left out: the agent never sees a request's body"]
                : [],
    };
}

/**
 * The EnvoyProxy fields that only size and place the proxies, log and report (v1alpha1
 * EnvoyProxySpec); any other (bootstrap, filterOrder, mergeGateways, extraArgs...) changes
 * what the proxy runs or how its pods are labelled.
 */
const ENVOY_PROXY_NEUTRAL_FIELDS = ["provider", "logging", "telemetry", "shutdown", "ipFamily", "concurrency"];

/**
 * Why the EnvoyProxy `parametersRef` names cannot be followed, or undefined when it is among the
 * objects and sets only neutral fields (a provider without patches or extra arguments).
 */
function envoyProxyUnfollowed(index: ObjectIndex, parametersRef: any, namespace: string): string | undefined {
    const proxy = index.objects.find((o) => isKind(o, ENVOY_GATEWAY_GROUP, "EnvoyProxy") && o.metadata?.name === parametersRef?.name && index.namespaceOf(o) === namespace);
    if (!proxy) return `${namespace}/${parametersRef?.name}, which is not among the objects (its bootstrap and filter order may change what the proxies run)`;
    const others = Object.keys(proxy.spec ?? {}).filter((k) => !ENVOY_PROXY_NEUTRAL_FIELDS.includes(k));
    const hasPatch = (v: unknown): boolean => v !== null && typeof v === "object" && Object.entries(v as object).some(([k, x]) => k === "patch" || k === "extraArgs" || hasPatch(x));
    if (others.length > 0) return `${namespace}/${parametersRef?.name} that sets ${others.join(", ")}, which the model does not follow`;
    if (hasPatch(proxy.spec?.provider)) return `${namespace}/${parametersRef?.name} that patches the proxies' Deployment or passes Envoy arguments of its own`;
    return undefined;
}

/** The proxies Envoy Gateway runs for a Gateway, as NetworkPolicies see them. */
function proxiesOf(gateway: KubeObject, gatewayNs: string, options: EnvoyGatewayOptions): Workload {
    const own = options.deployment === "GatewayNamespace";
    const namespace = own ? gatewayNs : (options.namespace ?? ENVOY_GATEWAY_NAMESPACE);
    const labels = { ...ENVOY_GATEWAY_PROXY_LABELS, [OWNING_GATEWAY_LABELS.name]: String(gateway.metadata?.name), [OWNING_GATEWAY_LABELS.namespace]: gatewayNs };
    const ref = `Gateway ${gatewayNs}/${gateway.metadata?.name}`;
    return { ref, object: gateway, namespace, labels, pod: { metadata: { labels } }, replicas: undefined };
}

/** Every Gateway of the objects, as Envoy Gateway's proxies would run it; and what the policies alone show (each with the policy it is about). */
export function gatewayEnvoys(index: ObjectIndex, options: EnvoyGatewayOptions = {}): { envoys: GatewayEnvoy[]; policyNotes: (GatewayNote & { object: string })[] } {
    const policyNotes: (GatewayNote & { object: string })[] = [];
    const policies = policiesOf(index, (object, n) => policyNotes.push({ ...n, object }));
    // A policy whose target is not among the objects: what it covers cannot be followed.
    for (const p of policies) {
        for (const t of p.targets) {
            if (!index.objects.some((o) => o.kind === t.kind && index.namespaceOf(o) === t.namespace && o.metadata?.name === t.name && String(o.apiVersion).startsWith(`${GATEWAY_API_GROUP}/`))) {
                policyNotes.push({
                    code: "envoy-unverifiable",
                    object: p.ref,
                    message: `${p.ref} attaches to ${targetElsewhere(`${t.kind} ${t.namespace}/${t.name}`)}: whether its requests are inspected cannot be verified; verify the policy together with the Gateway and its routes (sigsci-envoy verify)`,
                });
            }
        }
    }
    const routes = index.objects.filter((o) => ROUTE_KINDS.some((k) => isKind(o, GATEWAY_API_GROUP, k)));
    const out: GatewayEnvoy[] = [];
    for (const gateway of index.objects.filter((o) => isKind(o, GATEWAY_API_GROUP, GATEWAY_KINDS.gateway))) {
        const gatewayNs = index.namespaceOf(gateway);
        const ref = `Gateway ${gatewayNs}/${gateway.metadata?.name}`;
        const notes: GatewayNote[] = [];
        const note = (n: GatewayNote) => notes.push(n);
        const clusters = new Map<string, ClusterModel>();
        const listeners: ListenerModel[] = [];
        const gaps = new Set<ListenerModel>();
        /** The policies naming `kind`/`name` (with `sectionName`, or none), of its namespace. */
        const naming = (kind: string, name: unknown, namespace: string, sectionName?: string) =>
            policies.filter((p) => p.namespace === namespace && p.targets.some((t) => t.kind === kind && t.name === String(name) && t.sectionName === sectionName));
        const clientAddress: ClientAddressModel = { useRemoteAddress: true, xffTrustedHops: 0, detection: false };
        // Closed world: a field the model does not know may add listeners (ListenerSets) or change the chain.
        for (const field of Object.keys(gateway.spec ?? {}).filter((f) => !GATEWAY_NEUTRAL_FIELDS.includes(f))) {
            note({
                code: "envoy-unverifiable",
                message:
                    field === "allowedListeners"
                        ? `${ref} admits ListenerSets (spec.allowedListeners): their listeners, routes and the policies on them are not followed, so whether their requests are inspected cannot be verified`
                        : `${ref} has spec.${field}, which the model does not know: whether its requests are inspected cannot be verified`,
            });
        }
        // An EnvoyProxy through the Gateway or its class: Envoy Gateway builds the proxy from it.
        const infraRef = gateway.spec?.infrastructure?.parametersRef;
        const infraWhy = infraRef === undefined ? undefined : envoyProxyUnfollowed(index, infraRef, gatewayNs);
        if (infraWhy !== undefined)
            note({
                code: "envoy-unverifiable",
                message: `${ref} has spec.infrastructure.parametersRef, an EnvoyProxy ${infraWhy}: whether its requests are inspected cannot be verified`,
            });
        const gatewayClass = index.objects.find((o) => isKind(o, GATEWAY_API_GROUP, GATEWAY_KINDS.gatewayClass) && o.metadata?.name === gateway.spec?.gatewayClassName);
        // Another controller's class: Envoy Gateway does not run this Gateway, and no policy of its applies.
        if (gatewayClass !== undefined && gatewayClass.spec?.controllerName !== ENVOY_GATEWAY_CONTROLLER)
            note({
                code: "envoy-unverifiable",
                message: `GatewayClass ${gatewayClass.metadata?.name} of ${ref} belongs to controller ${gatewayClass.spec?.controllerName}, not Envoy Gateway's (${ENVOY_GATEWAY_CONTROLLER}): its EnvoyExtensionPolicies do not apply, so whether its requests are inspected cannot be verified`,
            });
        const classRef = gatewayClass?.spec?.parametersRef;
        const classWhy = classRef === undefined ? undefined : envoyProxyUnfollowed(index, classRef, String(classRef?.namespace ?? ""));
        if (classWhy !== undefined)
            note({
                code: "envoy-unverifiable",
                message: `GatewayClass ${gatewayClass!.metadata?.name} of ${ref} has spec.parametersRef, an EnvoyProxy ${classWhy}: whether its requests are inspected cannot be verified`,
            });
        // An EnvoyPatchPolicy rewrites the xDS Envoy Gateway generates: anything may follow.
        for (const p of index.objects.filter((o) => isKind(o, ENVOY_GATEWAY_GROUP, GATEWAY_KINDS.patchPolicy))) {
            const targets = [p.spec?.targetRef, ...(Array.isArray(p.spec?.targetRefs) ? p.spec.targetRefs : [])].filter((t) => t !== undefined && t !== null);
            const mine = targets.some(
                (t: any) =>
                    (t?.kind === GATEWAY_KINDS.gateway && t?.name === gateway.metadata?.name && index.namespaceOf(p) === gatewayNs) ||
                    (t?.kind === GATEWAY_KINDS.gatewayClass && t?.name === gateway.spec?.gatewayClassName),
            );
            if (mine || targets.length === 0)
                note({
                    code: "envoy-unverifiable",
                    message: `EnvoyPatchPolicy ${index.namespaceOf(p)}/${p.metadata?.name} patches the Envoy config Envoy Gateway generates for ${ref}: whether its requests are inspected cannot be verified`,
                });
        }
        for (const [li, l] of (Array.isArray(gateway.spec?.listeners) ? gateway.spec.listeners : []).entries()) {
            const port = Number(l?.port ?? 0);
            const model: ListenerModel = {
                name: String(l?.name ?? `(listener ${li})`),
                address: "0.0.0.0",
                port,
                addresses: [{ address: "0.0.0.0", port }],
                exposed: true,
                hcms: [],
                tcpProxyClusters: [],
            };
            listeners.push(model);
            for (const field of Object.keys(l ?? {}).filter((f) => !LISTENER_FIELDS.includes(f)))
                note({ code: "envoy-unverifiable", message: `listener ${model.name} of ${ref} has ${field}, which the model does not know: whether its requests are inspected cannot be verified` });
            const tlsPassthrough = l?.protocol === "TLS" && (l?.tls?.mode ?? "Terminate") === "Passthrough";
            if (!HTTP_LISTENER_PROTOCOLS.includes(l?.protocol) || tlsPassthrough) {
                // ext_proc is an HTTP filter: a TCP, TLS or UDP listener's traffic passes no HTTP filter.
                model.tcpProxyClusters.push(`${l?.protocol ?? "(no protocol)"} routes`);
                continue;
            }
            const filters = new Map<string, InspectionFilter>();
            const routeModels: RouteModel[] = [];
            for (const route of routes) {
                const routeNs = index.namespaceOf(route);
                const parents = parentListeners(route, routeNs, gateway, gatewayNs).filter(
                    (p) => (p.sectionName === undefined || p.sectionName === l?.name) && (p.port === undefined || Number(p.port) === port),
                );
                if (parents.length === 0) continue;
                const admitted = admits(index, l, gatewayNs, route.kind, routeNs);
                if (admitted === false) continue;
                const routeRef = `${route.kind} ${routeNs}/${route.metadata?.name}`;
                if (admitted === undefined)
                    note({
                        code: "envoy-unverifiable",
                        message: `listener ${model.name} of ${ref} admits routes of namespaces chosen by labels, and namespace ${routeNs} is not among the objects: whether ${routeRef} attaches cannot be verified`,
                    });
                const rules = Array.isArray(route.spec?.rules) ? route.spec.rules : [{}];
                rules.forEach((rule: any, ri: number) => {
                    // An ExtensionRef filter hands the route to an extension (Envoy Gateway's extension server may rewrite it): not in the objects.
                    const routeFilters = [
                        ...(Array.isArray(rule?.filters) ? rule.filters : []),
                        ...(Array.isArray(rule?.backendRefs) ? rule.backendRefs.flatMap((b: any) => (Array.isArray(b?.filters) ? b.filters : [])) : []),
                    ];
                    for (const f of routeFilters.filter((x: any) => x?.type === "ExtensionRef"))
                        note({
                            code: "envoy-unverifiable",
                            message: `${routeRef} rule ${ri} has an ExtensionRef filter (${f.extensionRef?.kind ?? "?"} ${f.extensionRef?.name ?? "?"}), which an extension of Envoy Gateway's resolves: what it does to the route cannot be verified`,
                        });
                    // The most specific policy wins, whole: rule, route, listener, Gateway.
                    const levels = [
                        ...(rule?.name !== undefined ? [naming(route.kind, route.metadata?.name, routeNs, rule.name)] : []),
                        naming(route.kind, route.metadata?.name, routeNs),
                        naming(GATEWAY_KINDS.gateway, gateway.metadata?.name, gatewayNs, l?.name),
                        naming(GATEWAY_KINDS.gateway, gateway.metadata?.name, gatewayNs),
                    ];
                    const at = levels.findIndex((x) => x.length > 0);
                    const level = at < 0 ? [] : levels[at];
                    // A policy on the route (or its rule) replaces the Gateway's whole; one on the Gateway is its own.
                    const onRoute = at >= 0 && at < levels.length - 2;
                    if (level.length > 1)
                        note({
                            code: "envoy-unverifiable",
                            message: `${level.map((p) => p.ref).join(" and ")} attach to the same target of ${routeRef}: Envoy Gateway accepts the oldest, which the objects do not show`,
                        });
                    const policy = level[0];
                    const ruleRef = `${routeRef} rule ${rule?.name ?? ri}`;
                    const entries = Array.isArray(policy?.object.spec?.extProc) ? policy!.object.spec.extProc : [];
                    if (!policy || entries.length === 0) {
                        note({
                            code: "listener-uninspected",
                            message: `listener ${model.name} (0.0.0.0:${port}) of ${ref} forwards ${ruleRef} uninspected: ${policy ? `${policy.ref}, the most specific policy for it, has no extProc${onRoute ? " (it replaces any the Gateway has)" : ""}` : "no EnvoyExtensionPolicy with extProc covers it"}`,
                        });
                        gaps.add(model);
                        return;
                    }
                    const effects = new Map<string, { enabled: true }>();
                    entries.forEach((entry: any, ei: number) => {
                        const f = extProcFilter(policy, ei, entry, note);
                        if (!filters.has(f.name)) filters.set(f.name, f);
                        if (!clusters.has(f.cluster!)) clusters.set(f.cluster!, extProcCluster(f.cluster!, policy, entry, index, note));
                        effects.set(f.name, { enabled: true });
                    });
                    const targets = (Array.isArray(rule?.backendRefs) ? rule.backendRefs : []).map((b: any, bi: number) => {
                        const cluster = `${route.kind.toLowerCase()}/${routeNs}/${route.metadata?.name}/rule/${ri}/backend/${bi}`;
                        const ns = b?.namespace ?? routeNs;
                        clusters.set(cluster, {
                            name: cluster,
                            type: "STRICT_DNS",
                            endpoints: [{ address: `${b?.name}.${ns}.svc.cluster.local`, port: Number(b?.port ?? 0) }],
                            http2: false,
                            tls: false,
                            healthChecked: false,
                            unverifiable: [],
                            mayFailEveryCall: [],
                        });
                        return { cluster, effects };
                    });
                    routeModels.push({ ref: ruleRef, match: rule?.matches, targets, mirrors: [], rewrites: false, upgrades: new Map() });
                });
            }
            model.hcms.push({
                statPrefix: model.name,
                clientAddress,
                chains: [{ label: "", inspection: [...filters.values()], afterRouter: [] }],
                accessLogClusters: [],
                routes: routeModels,
                healthChecks: [],
            });
        }
        const model: EnvoyModel = { listeners, cluster: (name) => clusters.get(name), unverifiable: [] };
        out.push({ gateway, ref, model, proxies: proxiesOf(gateway, gatewayNs, options), notes, gaps });
    }
    return { envoys: out, policyNotes };
}
