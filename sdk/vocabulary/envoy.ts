// Envoy's names and limits: the messages, filters, admin paths and addresses that the bootstrap
// builder writes and the traffic model reads, one home each; and the limits Envoy sets on the
// fields the inputs land in, per integration (its protos' validate rules, and where the protos say
// nothing, what Envoy's code does with the value), so that inputs are refused beyond them, naming
// the input (tests/envoy-rules.test.ts holds the proto-stated ones to the protos).
import { Integration } from "../args";

/** The Envoy messages the package writes or reads by role (proto full names). */
export const ENVOY_TYPES = {
    hcm: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    tcpProxy: "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
    extAuthz: "envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
    extAuthzPerRoute: "envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute",
    extProc: "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
    extProcPerRoute: "envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute",
    buffer: "envoy.extensions.filters.http.buffer.v3.Buffer",
    router: "envoy.extensions.filters.http.router.v3.Router",
    healthCheck: "envoy.extensions.filters.http.health_check.v3.HealthCheck",
    headerMutation: "envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
    grpcAccessLog: "envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig",
    httpProtocolOptions: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
    proxyProtocol: "envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol",
    upstreamTls: "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
    downstreamTls: "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
    rawBuffer: "envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer",
    filterConfig: "envoy.config.route.v3.FilterConfig",
    typedStruct: "xds.type.v3.TypedStruct",
    udpaTypedStruct: "udpa.type.v1.TypedStruct",
} as const;

/** The prefix of a type URL, as Envoy's docs write them. */
export const TYPE_URL_PREFIX = "type.googleapis.com/";
/** The `@type` of a message: `type.googleapis.com/<full name>`. */
export const typeUrl = (fullName: string) => `${TYPE_URL_PREFIX}${fullName}`;

/** The names Envoy's docs give the extensions the package writes (a filter's `name`). */
export const ENVOY_EXTENSIONS = {
    hcm: "envoy.filters.network.http_connection_manager",
    extAuthz: "envoy.filters.http.ext_authz",
    extProc: "envoy.filters.http.ext_proc",
    buffer: "envoy.filters.http.buffer",
    router: "envoy.filters.http.router",
    healthCheck: "envoy.filters.http.health_check",
    headerMutation: "envoy.filters.http.header_mutation",
    grpcAccessLog: "envoy.access_loggers.http_grpc",
    tls: "envoy.transport_sockets.tls",
} as const;

/** Admin interface paths the package uses: the two read-only ones a pod-facing route may forward, and the drain. */
export const ENVOY_ADMIN_PATHS = {
    ready: "/ready",
    prometheus: "/stats/prometheus",
    healthcheckFail: "/healthcheck/fail",
    drainListeners: "/drain_listeners",
} as const;

/** Admin paths a pod-facing listener may forward, by exact match: they only read. */
export const READ_ONLY_ADMIN_PATHS: readonly string[] = [ENVOY_ADMIN_PATHS.ready, ENVOY_ADMIN_PATHS.prometheus];

/** The addresses that matter: loopback (what only the pod reaches) and every address, each family. */
export const ADDRESSES = { loopback: "127.0.0.1", any: "0.0.0.0", loopbackV6: "::1", anyV6: "::" } as const;

/** Envoy's substitution for the client address it trusts (after X-Forwarded-For and the trusted hops), without the port. */
export const TRUSTED_CLIENT_ADDRESS = "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%";

/** The connection's own peer, whatever X-Forwarded-For says: no client can choose it. */
export const PEER_ADDRESS = "%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT%";

/**
 * The header Envoy's connection manager itself sets to the client address it trusts, over any a
 * client sent, when it trusts the peer (`use_remote_address`) and, since Envoy 1.33, counts no
 * address as internal (Envoy Gateway's proxies, which set no internal_address_config).
 */
export const EXTERNAL_ADDRESS_HEADER = "x-envoy-external-address";

/** The most proxies in front of Envoy the package lets it trust (`envoy.xffTrustedHops`): more is no topology anyone runs. */
export const MAX_XFF_TRUSTED_HOPS = 8;

/** A field an input lands in: the proto field, and the most Envoy takes there. */
export interface EnvoyLimit {
    /** `<message>.<field>` of Envoy's v3 API. */
    field: string;
    max: number;
    /** Where the limit comes from, for messages. */
    why: string;
}

/** `inspection.timeout`, in seconds: ext_authz's gRPC timeout, or ext_proc's timeout per message. */
export const INSPECTION_TIMEOUT_LIMITS: Record<Integration, EnvoyLimit> = {
    // ext_authz reads the gRPC timeout into 32-bit milliseconds (PROTOBUF_GET_MS_OR_DEFAULT into a
    // uint32_t, source/extensions/filters/http/ext_authz/config.cc): more would wrap around.
    ext_authz: { field: "envoy.config.core.v3.GrpcService.timeout", max: 4294967.295, why: "Envoy reads the check's gRPC timeout as 32-bit milliseconds" },
    ext_proc: { field: "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor.message_timeout", max: 3600, why: "Envoy allows a message_timeout of at most an hour" },
};
