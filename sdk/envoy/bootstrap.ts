// Builds Envoy's v3 bootstrap configuration from plain values: a front listener that asks the
// agent about every request (ext_authz or ext_proc over gRPC) and then routes to the app, the
// gRPC access log that gives the agent the response, an active health check of the agent that
// the pod's startup probe waits for, and the admin interface on loopback only.
// Field names follow Envoy's v3 API (checked against its protos by the tests).
import { DEFAULTS, NAMES } from "../settings/defaults";
import { InspectionSettings, IpFamily } from "../settings/types";
import { AGENT_NAME, CLIENT_IP_HEADER } from "../vocabulary/agent";
import { ADDRESSES, ENVOY_ADMIN_PATHS, ENVOY_EXTENSIONS, ENVOY_TYPES, TRUSTED_CLIENT_ADDRESS, typeUrl } from "../vocabulary/envoy";

const LOOPBACK = NAMES.loopback;
const ANY_ADDRESS = NAMES.anyAddress;

/** Where Envoy finds the agent's gRPC listener. */
export interface AgentEndpoint {
    host: string;
    port: number;
    /** An IP address is used as is; a host name is resolved by DNS (STRICT_DNS). */
    resolveByDns: boolean;
    /** Talk TLS and verify the agent's certificate for `host` against this CA file. */
    tlsCaFile?: string;
}

export interface BootstrapInput {
    /** Envoy's node id and cluster (the component's name). */
    name: string;
    frontPort: number;
    adminPort: number;
    readinessPort: number;
    /** Also forward Envoy's Prometheus stats path on the readiness listener. */
    metrics: boolean;
    appPort: number;
    agent: AgentEndpoint;
    inspection: InspectionSettings;
    /** The families the pod-facing listeners bind: `0.0.0.0`, `::`, or both. */
    ipFamily: IpFamily;
    /** Proxies in front of Envoy that append to X-Forwarded-For (`xff_num_trusted_hops`). */
    xffTrustedHops: number;
}

/**
 * Request and response headers the agent needs in the access log. Fastly's manifests call the
 * two `x-sigsci-*` request headers "required for correct processing"; the agent pairs the log
 * entry with the request through `x-sigsci-request-id`.
 */
export const ACCESS_LOG_REQUEST_HEADERS = ["x-sigsci-request-id", "x-sigsci-waf-response", "accept", "content-type", "content-length"];
export const ACCESS_LOG_RESPONSE_HEADERS = ["date", "server", "content-type", "content-length"];

function socketAddress(address: string, port: number) {
    return { socket_address: { address, port_value: port } };
}

function staticCluster(name: string, host: string, port: number, resolveByDns: boolean, extra: Record<string, unknown> = {}) {
    // STRICT_DNS balances over every address the name resolves to: one for a ClusterIP Service,
    // every ready agent pod for a headless one (re-resolved every 5 s, Envoy's default).
    return {
        name,
        type: resolveByDns ? "STRICT_DNS" : "STATIC",
        connect_timeout: DEFAULTS.connectTimeout,
        ...extra,
        load_assignment: {
            cluster_name: name,
            endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(host, port) } }] }],
        },
    };
}

function upstreamTls(host: string, caFile: string) {
    return {
        name: ENVOY_EXTENSIONS.tls,
        typed_config: {
            "@type": typeUrl(ENVOY_TYPES.upstreamTls),
            sni: host,
            common_tls_context: {
                alpn_protocols: ["h2"],
                validation_context: {
                    trusted_ca: { filename: caFile },
                    match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: host } }],
                },
            },
        },
    };
}

/**
 * Envoy checks the agent itself: a gRPC health check where the agent serves one (ext_proc mode,
 * as Fastly's own readiness probe assumes), a TCP connect otherwise. The pod's startup probe
 * waits for it, and a stopped agent pod leaves rotation before DNS drops it.
 */
function agentHealthCheck(integration: InspectionSettings["integration"]) {
    const h = DEFAULTS.agentHealthCheck;
    return {
        timeout: h.timeout,
        interval: h.interval,
        // Without traffic Envoy would check only once a minute, and the startup probe would wait for it.
        no_traffic_interval: h.interval,
        unhealthy_threshold: h.unhealthyThreshold,
        healthy_threshold: h.healthyThreshold,
        ...(integration === "ext_proc" ? { grpc_health_check: {} } : { tcp_health_check: {} }),
    };
}

/** The agent speaks gRPC, so its cluster uses HTTP/2, declared the v3 way. */
function agentCluster(agent: AgentEndpoint, integration: InspectionSettings["integration"]) {
    return staticCluster(NAMES.agentCluster, agent.host, agent.port, agent.resolveByDns, {
        ...(agent.tlsCaFile ? { transport_socket: upstreamTls(agent.host, agent.tlsCaFile) } : {}),
        health_checks: [agentHealthCheck(integration)],
        typed_extension_protocol_options: {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": typeUrl(ENVOY_TYPES.httpProtocolOptions),
                explicit_http_config: { http2_protocol_options: {} },
            },
        },
    });
}

function agentGrpcService(timeout: string) {
    return { envoy_grpc: { cluster_name: NAMES.agentCluster }, timeout };
}

function extAuthzFilter(inspection: InspectionSettings) {
    return {
        name: ENVOY_EXTENSIONS.extAuthz,
        typed_config: {
            "@type": typeUrl(ENVOY_TYPES.extAuthz),
            transport_api_version: "V3",
            grpc_service: agentGrpcService(inspection.timeout),
            failure_mode_allow: inspection.failOpen,
            // Fail closed answers 503 when the agent is unreachable, so an outage is not mistaken for the agent's block (406).
            ...(inspection.failOpen ? {} : { status_on_error: { code: "ServiceUnavailable" } }),
            with_request_body: {
                max_request_bytes: inspection.maxRequestBytes,
                allow_partial_message: inspection.allowPartialMessage,
            },
        },
    };
}

/**
 * ext_proc: the buffer filter first, so the agent sees whole request bodies (larger ones get
 * 413), then one processing stream per request with request headers and body and response
 * headers. The response travels on the same stream, so no access log is needed.
 */
function extProcFilters(inspection: InspectionSettings) {
    return [
        {
            name: ENVOY_EXTENSIONS.buffer,
            typed_config: { "@type": typeUrl(ENVOY_TYPES.buffer), max_request_bytes: inspection.maxRequestBytes },
        },
        {
            name: ENVOY_EXTENSIONS.extProc,
            typed_config: {
                "@type": typeUrl(ENVOY_TYPES.extProc),
                grpc_service: { envoy_grpc: { cluster_name: NAMES.agentCluster } },
                failure_mode_allow: inspection.failOpen,
                message_timeout: inspection.timeout,
                processing_mode: {
                    request_header_mode: "SEND",
                    response_header_mode: "SEND",
                    request_body_mode: "BUFFERED",
                    response_body_mode: "NONE",
                    request_trailer_mode: "SKIP",
                    response_trailer_mode: "SKIP",
                },
            },
        },
    ];
}

/** The HTTP filters (before the router) and access loggers of the chosen integration. */
function inspectionChain(inspection: InspectionSettings): { filters: unknown[]; accessLog: unknown[] } {
    if (inspection.integration === "ext_proc") return { filters: extProcFilters(inspection), accessLog: [] };
    return {
        filters: [extAuthzFilter(inspection)],
        accessLog: inspection.expectResponseData ? [agentAccessLog(inspection.timeout)] : [],
    };
}

function agentAccessLog(timeout: string) {
    return {
        name: ENVOY_EXTENSIONS.grpcAccessLog,
        typed_config: {
            "@type": typeUrl(ENVOY_TYPES.grpcAccessLog),
            common_config: {
                log_name: AGENT_NAME,
                transport_api_version: "V3",
                grpc_service: agentGrpcService(timeout),
            },
            additional_request_headers_to_log: ACCESS_LOG_REQUEST_HEADERS,
            additional_response_headers_to_log: ACCESS_LOG_RESPONSE_HEADERS,
        },
    };
}

/**
 * The client address as Envoy trusts it, written over whatever a client sent into the header the
 * agent reads it from, before any inspection filter: a forged X-Forwarded-For (or a forged copy of
 * this header) cannot choose the address the WAF judges.
 */
function clientAddressFilter(address = TRUSTED_CLIENT_ADDRESS) {
    return {
        name: ENVOY_EXTENSIONS.headerMutation,
        typed_config: {
            "@type": typeUrl(ENVOY_TYPES.headerMutation),
            mutations: {
                request_mutations: [{ append: { header: { key: CLIENT_IP_HEADER, value: address }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" } }],
            },
        },
    };
}

/**
 * What an Envoy the package does not configure itself (Istio's sidecar, through an EnvoyFilter)
 * needs to consult the agent: the HTTP filters to insert before its router - the client address
 * (`address`, as that Envoy can trust it) first, then the inspection - and the agent's cluster.
 */
export function inspectionParts(inspection: InspectionSettings, agent: AgentEndpoint, address: string): { httpFilters: unknown[]; cluster: unknown } {
    return { httpFilters: [clientAddressFilter(address), ...inspectionChain(inspection).filters], cluster: agentCluster(agent, inspection.integration) };
}

/** The pod-facing address of a listener, by family; with both, IPv6 as an additional address. */
function podAddresses(ipFamily: IpFamily, port: number) {
    if (ipFamily === "IPv6") return { address: socketAddress(ADDRESSES.anyV6, port) };
    const v4 = { address: socketAddress(ANY_ADDRESS, port) };
    return ipFamily === "DualStack" ? { ...v4, additional_addresses: [{ address: socketAddress(ADDRESSES.anyV6, port) }] } : v4;
}

function httpConnectionManager(statPrefix: string, routeConfig: unknown, httpFilters: unknown[], accessLog: unknown[], clientAddress?: { xffTrustedHops: number }) {
    return {
        name: ENVOY_EXTENSIONS.hcm,
        typed_config: {
            "@type": typeUrl(ENVOY_TYPES.hcm),
            stat_prefix: statPrefix,
            // Envoy is the edge of the pod: the client is the connection's peer, or the address
            // the trusted proxies in front of it appended to X-Forwarded-For, never what a client wrote there.
            ...(clientAddress ? { use_remote_address: true, ...(clientAddress.xffTrustedHops > 0 ? { xff_num_trusted_hops: clientAddress.xffTrustedHops } : {}) } : {}),
            ...(accessLog.length > 0 ? { access_log: accessLog } : {}),
            route_config: routeConfig,
            http_filters: [
                ...httpFilters,
                // The router must be last: it sends the request upstream.
                { name: ENVOY_EXTENSIONS.router, typed_config: { "@type": typeUrl(ENVOY_TYPES.router) } },
            ],
        },
    };
}

function routeConfig(name: string, matches: ({ prefix: string } | { path: string })[], cluster: string) {
    return { name, virtual_hosts: [{ name, domains: ["*"], routes: matches.map((match) => ({ match, route: { cluster } })) }] };
}

/**
 * Answers the startup probe's path itself: 200 once the agent cluster has a host that passes the
 * active health check (and Envoy is not draining), 503 before. The pod cannot turn Ready before
 * its inspection path can answer.
 */
function inspectionReadyFilter() {
    return {
        name: ENVOY_EXTENSIONS.healthCheck,
        typed_config: {
            "@type": typeUrl(ENVOY_TYPES.healthCheck),
            pass_through_mode: false,
            headers: [{ name: ":path", string_match: { exact: NAMES.inspectionReadyPath } }],
            cluster_min_healthy_percentages: { [NAMES.agentCluster]: { value: DEFAULTS.agentMinHealthyPercent } },
        },
    };
}

/** The generated bootstrap, as a plain object ready to serialise to YAML. */
export function envoyBootstrap(input: BootstrapInput) {
    const chain = inspectionChain(input.inspection);
    const front = {
        name: "front",
        ...podAddresses(input.ipFamily, input.frontPort),
        filter_chains: [
            {
                filters: [
                    httpConnectionManager("front", routeConfig("app", [{ prefix: "/" }], NAMES.appCluster), [clientAddressFilter(), ...chain.filters], chain.accessLog, {
                        xffTrustedHops: input.xffTrustedHops,
                    }),
                ],
            },
        ],
    };
    // The kubelet cannot reach the loopback admin port, so this listener exposes only its
    // /ready path (503 while Envoy starts or drains) for the readiness probe, and answers the
    // startup probe's path from the agent cluster's health; with metrics, also the read-only
    // stats path for Prometheus. Exact paths: nothing else of the admin API is reachable.
    const adminPaths = [{ path: ENVOY_ADMIN_PATHS.ready }, ...(input.metrics ? [{ path: ENVOY_ADMIN_PATHS.prometheus }] : [])];
    const readiness = {
        name: "readiness",
        ...podAddresses(input.ipFamily, input.readinessPort),
        filter_chains: [{ filters: [httpConnectionManager("readiness", routeConfig("readiness", adminPaths, NAMES.adminCluster), [inspectionReadyFilter()], [])] }],
    };
    return {
        node: { id: input.name, cluster: input.name },
        admin: { address: socketAddress(LOOPBACK, input.adminPort) },
        static_resources: {
            listeners: [front, readiness],
            clusters: [
                staticCluster(NAMES.appCluster, LOOPBACK, input.appPort, false),
                agentCluster(input.agent, input.inspection.integration),
                staticCluster(NAMES.adminCluster, LOOPBACK, input.adminPort, false),
            ],
        },
    };
}

/** Merges extra settings over a generated config: objects key by key, anything else replaces. */
export function mergeConfig(base: unknown, extra: unknown): unknown {
    if (!isObject(base) || !isObject(extra)) return extra;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(extra)) out[k] = k in out ? mergeConfig(out[k], v) : v;
    return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
