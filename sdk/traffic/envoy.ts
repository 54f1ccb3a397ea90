// What Envoy does with a bootstrap, as far as a request's path depends on it: where its
// config comes from in the pod, which listeners face the pod's address, which HTTP filters
// run before the router on each route, which clusters the inspection filters and the access
// log call, and where each cluster's endpoints are.
import { CORE_SCHEMA, load } from "js-yaml";
import { allContainers, isLoopback, KubeObject } from "./kube";

const TYPE_PREFIX = "type.googleapis.com/";
export const TYPES = {
    extAuthz: "envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
    extAuthzPerRoute: "envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute",
    extProc: "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
    extProcPerRoute: "envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute",
    router: "envoy.extensions.filters.http.router.v3.Router",
    healthCheck: "envoy.extensions.filters.http.health_check.v3.HealthCheck",
    hcm: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    tcpProxy: "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
    grpcAccessLog: "envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig",
    httpProtocolOptions: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
    upstreamTls: "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
    filterConfig: "envoy.config.route.v3.FilterConfig",
} as const;

function typeOf(typed: any): string | undefined {
    const t = typed?.["@type"];
    return typeof t === "string" && t.startsWith(TYPE_PREFIX) ? t.slice(TYPE_PREFIX.length) : undefined;
}

/** Is this container Envoy? Its image is an Envoy image, or its command runs `envoy`. */
export function isEnvoyContainer(container: any): boolean {
    const image = String(container?.image ?? "").split("@")[0];
    const repo = image.slice(image.lastIndexOf("/") + 1).split(":")[0];
    const command0 = String(container?.command?.[0] ?? "");
    return /envoy/.test(repo) || /(^|\/)envoy$/.test(command0);
}

const DEFAULT_CONFIG_PATH = "/etc/envoy/envoy.yaml";

/** The config path Envoy is started with (`-c`, `--config-path`), or the official image's default. */
export function configPath(container: any): string {
    const argv: string[] = [...(container?.command ?? []), ...(container?.args ?? [])].map(String);
    for (let i = 0; i < argv.length; i++) {
        if ((argv[i] === "-c" || argv[i] === "--config-path") && argv[i + 1]) return argv[i + 1];
        const m = /^--config-path=(.+)$/.exec(argv[i]);
        if (m) return m[1];
    }
    return DEFAULT_CONFIG_PATH;
}

/** A command-line flag's value (`--concurrency 2`, `--concurrency=2`). */
export function flagValue(container: any, flag: string): string | undefined {
    const argv: string[] = [...(container?.command ?? []), ...(container?.args ?? [])].map(String);
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === flag) return argv[i + 1];
        if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
    }
    return undefined;
}

/** The text of the file at `path` in the container, when it comes from a ConfigMap or Secret among `objects`. */
export function mountedFile(objects: KubeObject[], namespace: string, pod: any, container: any, path: string, defaultNamespace: string): string | undefined {
    const mounts: any[] = [...(container?.volumeMounts ?? [])].sort((a, b) => String(b.mountPath).length - String(a.mountPath).length);
    for (const m of mounts) {
        const mountPath = String(m.mountPath).replace(/\/+$/, "");
        let rest: string;
        if (m.subPath) {
            if (path !== mountPath) continue;
            rest = m.subPath;
        } else if (path.startsWith(`${mountPath}/`)) {
            rest = path.slice(mountPath.length + 1);
        } else continue;
        const volume = (pod?.volumes ?? []).find((v: any) => v.name === m.name);
        const sources = volume?.projected ? volume.projected.sources ?? [] : [volume];
        for (const source of sources) {
            const ref = source?.configMap ? { kind: "ConfigMap", name: source.configMap.name, items: source.configMap.items } : source?.secret ? { kind: "Secret", name: source.secret.secretName ?? source.secret.name, items: source.secret.items } : undefined;
            if (!ref) continue;
            const key = ref.items ? ref.items.find((i: any) => i.path === rest)?.key : rest;
            if (key === undefined) continue;
            const obj = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && (o.metadata?.namespace ?? defaultNamespace) === namespace);
            const text = obj?.data?.[key] ?? obj?.stringData?.[key];
            if (typeof text !== "string") continue;
            return ref.kind === "Secret" && obj?.data?.[key] !== undefined ? Buffer.from(text, "base64").toString("utf8") : text;
        }
        return undefined;
    }
    return undefined;
}

/**
 * The bootstrap a container runs with: parsed, not among the objects (e.g. baked into the image),
 * or there but unreadable (Envoy would not start).
 */
export function envoyBootstrapOf(objects: KubeObject[], namespace: string, pod: any, container: any, defaultNamespace: string): { config: any } | { missing: true } | { unreadable: string } {
    const path = configPath(container);
    const text = mountedFile(objects, namespace, pod, container, path, defaultNamespace);
    if (text === undefined) return { missing: true };
    // Envoy picks the parser by the extension: `.json` is JSON only; YAML (of which JSON is a part) otherwise.
    const json = path.endsWith(".json");
    try {
        // YAML 1.2 core, as Envoy reads it (yaml-cpp): no YAML 1.1 booleans or timestamps.
        const config = json ? JSON.parse(text) : load(text, { schema: CORE_SCHEMA });
        if (typeof config === "object" && config !== null && !Array.isArray(config)) return { config };
        return { unreadable: "it is not an object" };
    } catch (e) {
        return { unreadable: `it does not parse as ${json ? "JSON" : "YAML"} (${(e as Error).message.split("\n")[0]})` };
    }
}

export interface Endpoint {
    address: string;
    port: number;
}

export interface ClusterModel {
    name: string;
    type: string;
    endpoints: Endpoint[];
    /** HTTP/2 upstream, as gRPC needs. */
    http2: boolean;
    tls: boolean;
    /** Active health checks configured. */
    healthChecked: boolean;
    lbPolicy: string;
    raw: any;
}

export function clusterModel(raw: any): ClusterModel {
    const endpoints: Endpoint[] = [];
    for (const locality of raw?.load_assignment?.endpoints ?? []) {
        for (const lb of locality?.lb_endpoints ?? []) {
            const sa = lb?.endpoint?.address?.socket_address;
            if (sa && typeof sa.address === "string") endpoints.push({ address: sa.address, port: Number(sa.port_value) });
        }
    }
    const opts = raw?.typed_extension_protocol_options?.["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"];
    const http2 = raw?.http2_protocol_options !== undefined || opts?.explicit_http_config?.http2_protocol_options !== undefined;
    return {
        name: raw?.name,
        type: raw?.type ?? "STATIC",
        endpoints,
        http2,
        tls: typeOf(raw?.transport_socket?.typed_config) === TYPES.upstreamTls,
        healthChecked: Array.isArray(raw?.health_checks) && raw.health_checks.length > 0,
        lbPolicy: raw?.lb_policy ?? "ROUND_ROBIN",
        raw,
    };
}

export type Integration = "ext_authz" | "ext_proc";

export interface InspectionFilter {
    /** The filter's name in the chain (what per-route configs refer to). */
    name: string;
    integration: Integration;
    cluster?: string;
    failOpen: boolean;
    /** Why the filter does not see every request, when it does not. */
    partial?: string;
}

export interface RouteModel {
    /** How messages name the route: `<match> (virtual host <name>)`. */
    ref: string;
    match: any;
    /** The upstream clusters the route forwards to (none for direct responses and redirects). */
    clusters: string[];
    /** Filters turned off for this route (by name). */
    disabledFilters: string[];
}

export interface HcmModel {
    statPrefix: string;
    /** Inspection filters that run before the router. */
    inspection: InspectionFilter[];
    /** Inspection filters placed after the router: they never run. */
    afterRouter: string[];
    accessLogClusters: string[];
    routes: RouteModel[];
    /** A route config from RDS: routes not known from the bootstrap. */
    dynamicRoutes: boolean;
    /** health_check filters answering without forwarding. */
    healthChecks: { paths: string[]; clusterMinHealthy: Record<string, number> }[];
}

export interface ListenerModel {
    name: string;
    address: string;
    port: number;
    /** Reachable from outside the pod (not bound to loopback). */
    exposed: boolean;
    hcms: HcmModel[];
    /** Clusters of raw TCP proxies: no HTTP filter sees that traffic. */
    tcpProxyClusters: string[];
}

export interface EnvoyModel {
    admin?: Endpoint;
    listeners: ListenerModel[];
    clusters: Map<string, ClusterModel>;
    /** Listeners or clusters the bootstrap leaves to xDS: not known here. */
    dynamic: boolean;
}

function grpcCluster(grpcService: any): string | undefined {
    const name = grpcService?.envoy_grpc?.cluster_name;
    return typeof name === "string" ? name : undefined;
}

function fractionPercent(f: any): number {
    const numerator = Number(f?.numerator ?? 0);
    const denominators: Record<string, number> = { HUNDRED: 100, TEN_THOUSAND: 10000, MILLION: 1000000 };
    return (numerator / (denominators[f?.denominator ?? "HUNDRED"] ?? 100)) * 100;
}

function inspectionFilter(f: any): InspectionFilter | undefined {
    const t = typeOf(f?.typed_config);
    const c = f?.typed_config;
    if (t === TYPES.extAuthz) {
        const enabled = c.filter_enabled?.default_value;
        const partial = f.disabled
            ? "the filter is disabled by default"
            : c.http_service
              ? "it calls an HTTP service, not the agent's gRPC listener"
              : enabled !== undefined && fractionPercent(enabled) < 100
                ? `filter_enabled lets only ${fractionPercent(enabled)}% of requests through it`
                : undefined;
        return { name: f.name, integration: "ext_authz", cluster: grpcCluster(c.grpc_service), failOpen: c.failure_mode_allow === true, partial };
    }
    if (t === TYPES.extProc) {
        const mode = c.processing_mode ?? {};
        const partial = f.disabled ? "the filter is disabled by default" : mode.request_header_mode === "SKIP" ? "processing_mode skips the request headers" : undefined;
        return { name: f.name, integration: "ext_proc", cluster: grpcCluster(c.grpc_service), failOpen: c.failure_mode_allow === true, partial };
    }
    return undefined;
}

/** Names of filters a per-route (or per-virtual-host) config turns off. */
function disabledIn(typedPerFilterConfig: any): string[] {
    const out: string[] = [];
    for (const [name, cfg] of Object.entries<any>(typedPerFilterConfig ?? {})) {
        const t = typeOf(cfg);
        if ((t === TYPES.extAuthzPerRoute || t === TYPES.extProcPerRoute || t === TYPES.filterConfig) && cfg.disabled === true) out.push(name);
    }
    return out;
}

function routeClusters(route: any): string[] {
    const action = route?.route;
    if (!action) return [];
    if (typeof action.cluster === "string") return [action.cluster];
    if (action.weighted_clusters) return (action.weighted_clusters.clusters ?? []).map((c: any) => c.name);
    return ["(cluster from a request header)"];
}

function matchText(match: any): string {
    if (!match) return "(no match)";
    for (const k of ["path", "prefix", "path_separated_prefix"]) if (typeof match[k] === "string") return `${k} ${match[k]}`;
    if (match.safe_regex) return `regex ${match.safe_regex.regex}`;
    return JSON.stringify(match);
}

function headerPaths(headers: any[]): string[] {
    const paths: string[] = [];
    for (const h of headers ?? []) {
        if (h?.name !== ":path") continue;
        const exact = h.string_match?.exact ?? h.exact_match;
        if (typeof exact === "string") paths.push(exact);
    }
    return paths;
}

function hcmModel(c: any): HcmModel {
    const filters: any[] = c?.http_filters ?? [];
    const routerAt = filters.findIndex((f) => typeOf(f?.typed_config) === TYPES.router);
    const inspection: InspectionFilter[] = [];
    const afterRouter: string[] = [];
    const healthChecks: HcmModel["healthChecks"] = [];
    filters.forEach((f, i) => {
        const ins = inspectionFilter(f);
        if (ins) (routerAt >= 0 && i > routerAt ? afterRouter.push(f.name) : inspection.push(ins));
        if (typeOf(f?.typed_config) === TYPES.healthCheck && f.typed_config.pass_through_mode === false && (routerAt < 0 || i < routerAt)) {
            const min: Record<string, number> = {};
            for (const [cluster, pct] of Object.entries<any>(f.typed_config.cluster_min_healthy_percentages ?? {})) min[cluster] = Number(pct?.value ?? 0);
            healthChecks.push({ paths: headerPaths(f.typed_config.headers), clusterMinHealthy: min });
        }
    });
    const accessLogClusters: string[] = [];
    for (const log of c?.access_log ?? []) {
        if (typeOf(log?.typed_config) === TYPES.grpcAccessLog) {
            const cluster = grpcCluster(log.typed_config.common_config?.grpc_service);
            if (cluster) accessLogClusters.push(cluster);
        }
    }
    const routes: RouteModel[] = [];
    for (const vh of c?.route_config?.virtual_hosts ?? []) {
        const vhDisabled = disabledIn(vh?.typed_per_filter_config);
        for (const r of vh?.routes ?? []) {
            routes.push({ ref: `${matchText(r.match)} (virtual host ${vh.name})`, match: r.match, clusters: routeClusters(r), disabledFilters: [...vhDisabled, ...disabledIn(r?.typed_per_filter_config)] });
        }
    }
    return { statPrefix: c?.stat_prefix ?? "", inspection, afterRouter, accessLogClusters, routes, dynamicRoutes: c?.rds !== undefined, healthChecks };
}

/** The parts of a bootstrap that decide a request's path. */
export function envoyModel(bootstrap: any): EnvoyModel {
    const sa = bootstrap?.admin?.address?.socket_address;
    const clusters = new Map<string, ClusterModel>();
    for (const raw of bootstrap?.static_resources?.clusters ?? []) clusters.set(raw?.name, clusterModel(raw));
    const listeners: ListenerModel[] = [];
    for (const l of bootstrap?.static_resources?.listeners ?? []) {
        const lsa = l?.address?.socket_address ?? {};
        const hcms: HcmModel[] = [];
        const tcpProxyClusters: string[] = [];
        for (const chain of [...(l?.filter_chains ?? []), ...(l?.default_filter_chain ? [l.default_filter_chain] : [])]) {
            for (const f of chain?.filters ?? []) {
                const t = typeOf(f?.typed_config);
                if (t === TYPES.hcm) hcms.push(hcmModel(f.typed_config));
                if (t === TYPES.tcpProxy) tcpProxyClusters.push(f.typed_config.cluster ?? "(weighted clusters)");
            }
        }
        listeners.push({ name: l?.name ?? "(unnamed)", address: String(lsa.address ?? ""), port: Number(lsa.port_value), exposed: !isLoopback(String(lsa.address ?? "")), hcms, tcpProxyClusters });
    }
    return {
        admin: sa ? { address: String(sa.address), port: Number(sa.port_value) } : undefined,
        listeners,
        clusters,
        dynamic: bootstrap?.dynamic_resources !== undefined,
    };
}

/** The Envoy containers of a pod. */
export function envoyContainers(pod: any): any[] {
    return allContainers(pod).filter(isEnvoyContainer);
}
