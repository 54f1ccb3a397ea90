// The Envoy constructs the traffic model understands: an allowlist, not a denylist. For every
// message on a request's path, each field of Envoy's v3 proto is either *modeled* (the model
// reads it and follows what Envoy does with it), *neutral* (it cannot change whether a request
// reaches an inspection filter, an agent or the app: timeouts, stats, header limits, ...) or
// *refused* (it can, in ways the objects do not show: xDS, extensions, matchers). A refused
// field, and any field the table does not name (a newer Envoy's, a typo Envoy would reject), is
// reported as "cannot verify", never skipped. The tests hold every table against the protos:
// each name exists there, and each proto field of each message is classified.

import { ENVOY_TYPES } from "../vocabulary/envoy";

export interface MessageGrammar {
    /** The proto message, e.g. `envoy.config.listener.v3.Listener`. */
    proto: string;
    modeled: string[];
    neutral: string[];
    /** Fields that put the request's path out of the objects' sight, with why. */
    refused: Record<string, string>;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const message = (proto: string, modeled: string, neutral: string, refused: Record<string, string> = {}): MessageGrammar => ({ proto, modeled: words(modeled), neutral: words(neutral), refused });

const XDS = "it takes configuration from a management server (xDS), which the objects do not hold";
const EXTENSION = "an extension the model does not follow decides it";

export const MESSAGES = {
    bootstrap: message(
        "envoy.config.bootstrap.v3.Bootstrap",
        "admin static_resources dynamic_resources layered_runtime",
        "node node_context_params cluster_manager stats_sinks deferred_stat_options stats_config stats_flush_interval stats_flush_on_admin watchdog watchdogs tracing overload_manager enable_dispatcher_stats header_prefix stats_server_version_override use_tcp_for_dns_lookups fatal_actions config_sources default_config_source default_socket_interface certificate_provider_instances inline_headers perf_tracing_file_path default_regex_engine xds_delegate_extension xds_config_tracker_extension application_log_config grpc_async_client_manager_config memory_allocator_manager flags_path",
        {
            hds_config: "a health discovery server decides which hosts Envoy health-checks",
            bootstrap_extensions: EXTENSION,
            listener_manager: EXTENSION,
            typed_dns_resolver_config: "a DNS resolver of its own decides where Service names resolve",
            dns_resolution_config: "DNS servers of its own decide where every cluster's names resolve",
        },
    ),
    admin: message("envoy.config.bootstrap.v3.Admin", "address", "access_log access_log_path profile_path socket_options ignore_global_conn_limit"),
    staticResources: message("envoy.config.bootstrap.v3.Bootstrap.StaticResources", "listeners clusters", "secrets"),
    listener: message(
        "envoy.config.listener.v3.Listener",
        "name address additional_addresses filter_chains default_filter_chain listener_filters bind_to_port",
        "stat_prefix filter_chain_matcher per_connection_buffer_limit_bytes metadata deprecated_v1 drain_type listener_filters_timeout continue_on_listener_filters_timeout transparent freebind socket_options tcp_fast_open_queue_length traffic_direction connection_balance_config reuse_port enable_reuse_port access_log tcp_backlog_size max_connections_to_accept_per_socket_event enable_mptcp ignore_global_conn_limit bypass_overload_manager",
        {
            use_original_dst: "connections are handed to the listener of their original destination, which may be one that inspects nothing",
            udp_listener_config: "a UDP (QUIC) listener",
            api_listener: "an API listener",
            internal_listener: "an internal listener, reached from clusters rather than from the pod's address",
        },
    ),
    additionalAddress: message("envoy.config.listener.v3.AdditionalAddress", "address", "socket_options"),
    filterChain: message("envoy.config.listener.v3.FilterChain", "filters transport_socket use_proxy_proto", "filter_chain_match metadata transport_socket_connect_timeout name", {
        on_demand_configuration: XDS,
    }),
    networkFilter: message("envoy.config.listener.v3.Filter", "name typed_config", "", { config_discovery: XDS }),
    listenerFilter: message("envoy.config.listener.v3.ListenerFilter", "name typed_config", "filter_disabled", { config_discovery: XDS }),
    address: message("envoy.config.core.v3.Address", "socket_address pipe envoy_internal_address", ""),
    socketAddress: message("envoy.config.core.v3.SocketAddress", "protocol address port_value", "ipv4_compat", {
        named_port: "a named port, resolved by a resolver the model does not follow",
        resolver_name: "a custom address resolver",
    }),
    hcm: message(
        ENVOY_TYPES.hcm,
        "stat_prefix route_config http_filters access_log upgrade_configs use_remote_address xff_num_trusted_hops original_ip_detection_extensions",
        "codec_type add_user_agent tracing common_http_protocol_options http_protocol_options http2_protocol_options http3_protocol_options server_name server_header_transformation scheme_header_transformation max_request_headers_kb stream_idle_timeout request_timeout request_headers_timeout drain_timeout delayed_close_timeout access_log_flush_interval flush_access_log_on_new_request access_log_options internal_address_config skip_xff_append via generate_request_id preserve_external_request_id always_set_request_id_in_response forward_client_cert_details set_current_client_cert_details proxy_100_continue represent_ipv4_remote_address_as_ipv4_mapped_ipv6 normalize_path merge_slashes path_with_escaped_slashes_action request_id_extension local_reply_config strip_matching_host_port strip_any_host_port stream_error_on_invalid_http_message path_normalization_options strip_trailing_host_dot proxy_status_config typed_header_validation_config append_x_forwarded_port append_local_overload add_proxy_protocol_connection_state",
        {
            rds: "its routes come from RDS (xDS), which the objects do not hold",
            scoped_routes: "its routes come from scoped route configurations, chosen per request by a key the model does not follow",
            early_header_mutation_extensions: "extensions rewrite each request's headers before routing",
        },
    ),
    httpFilter: message("envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter", "name typed_config disabled", "is_optional", {
        config_discovery: "its configuration comes from ECDS (xDS), which the objects do not hold",
    }),
    upgradeConfig: message("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig", "upgrade_type filters enabled", ""),
    routeUpgradeConfig: message("envoy.config.route.v3.RouteAction.UpgradeConfig", "upgrade_type enabled", "", {
        connect_config: "CONNECT terminated here: after the CONNECT request, the tunnel's bytes reach the cluster with no HTTP filter inspecting what they carry",
    }),
    routeConfiguration: message(
        "envoy.config.route.v3.RouteConfiguration",
        "name virtual_hosts typed_per_filter_config request_mirror_policies",
        "internal_only_headers response_headers_to_add response_headers_to_remove request_headers_to_add request_headers_to_remove most_specific_header_mutations_wins validate_clusters max_direct_response_body_size_bytes ignore_port_in_host_matching ignore_path_parameters_in_path_matching metadata",
        { vhds: "its virtual hosts come from VHDS (xDS)", cluster_specifier_plugins: "plugins pick each request's cluster" },
    ),
    virtualHost: message(
        "envoy.config.route.v3.VirtualHost",
        "name routes typed_per_filter_config request_mirror_policies",
        "domains require_tls virtual_clusters rate_limits request_headers_to_add request_headers_to_remove response_headers_to_add response_headers_to_remove cors include_request_attempt_count include_attempt_count_in_response retry_policy retry_policy_typed_config hedge_policy include_is_timeout_retry_header per_request_buffer_limit_bytes metadata",
        { matcher: "a matcher tree picks each request's route" },
    ),
    route: message(
        "envoy.config.route.v3.Route",
        "name match route redirect direct_response non_forwarding_action typed_per_filter_config",
        "metadata decorator request_headers_to_add request_headers_to_remove response_headers_to_add response_headers_to_remove tracing per_request_buffer_limit_bytes stat_prefix",
        { filter_action: "a filter decides what the route does" },
    ),
    routeAction: message(
        "envoy.config.route.v3.RouteAction",
        "cluster weighted_clusters prefix_rewrite regex_rewrite path_rewrite_policy request_mirror_policies upgrade_configs",
        "cluster_not_found_response_code metadata_match host_rewrite_literal auto_host_rewrite host_rewrite_header host_rewrite_path_regex append_x_forwarded_host timeout idle_timeout early_data_policy retry_policy retry_policy_typed_config priority rate_limits include_vh_rate_limits hash_policy cors max_grpc_timeout grpc_timeout_offset internal_redirect_policy internal_redirect_action max_internal_redirects hedge_policy max_stream_duration",
        {
            cluster_header: "a request header names the cluster, so a client picks where its request goes",
            cluster_specifier_plugin: "a plugin picks each request's cluster",
            inline_cluster_specifier_plugin: "a plugin picks each request's cluster",
        },
    ),
    weightedCluster: message("envoy.config.route.v3.WeightedCluster", "clusters", "total_weight runtime_key_prefix header_name"),
    clusterWeight: message(
        "envoy.config.route.v3.WeightedCluster.ClusterWeight",
        "name typed_per_filter_config",
        "weight metadata_match request_headers_to_add request_headers_to_remove response_headers_to_add response_headers_to_remove host_rewrite_literal",
        { cluster_header: "a request header names the cluster, so a client picks where its request goes" },
    ),
    mirrorPolicy: message("envoy.config.route.v3.RouteAction.RequestMirrorPolicy", "cluster", "runtime_fraction trace_sampled disable_shadow_host_suffix_append", {
        cluster_header: "a request header names the cluster the copy goes to",
    }),
    filterConfig: message(ENVOY_TYPES.filterConfig, "config disabled", "is_optional"),
    extAuthz: message(
        ENVOY_TYPES.extAuthz,
        "grpc_service http_service transport_api_version failure_mode_allow filter_enabled deny_at_disable with_request_body allowed_headers disallowed_headers",
        "failure_mode_allow_header_add clear_route_cache status_on_error validate_mutations metadata_context_namespaces typed_metadata_context_namespaces route_metadata_context_namespaces route_typed_metadata_context_namespaces include_peer_certificate stat_prefix bootstrap_metadata_labels_key include_tls_session charge_cluster_response_stats encode_raw_headers decoder_header_mutation_rules enable_dynamic_metadata_ingestion",
        { filter_enabled_metadata: "each request's dynamic metadata decides whether the filter runs" },
    ),
    extAuthzPerRoute: message(ENVOY_TYPES.extAuthzPerRoute, "disabled check_settings", ""),
    checkSettings: message("envoy.extensions.filters.http.ext_authz.v3.CheckSettings", "", "context_extensions disable_request_body_buffering with_request_body"),
    extProc: message(
        ENVOY_TYPES.extProc,
        "grpc_service failure_mode_allow processing_mode disable_immediate_response observability_mode forward_rules",
        "request_attributes response_attributes message_timeout stat_prefix mutation_rules max_message_timeout filter_metadata allow_mode_override metadata_options disable_clear_route_cache route_cache_action deferred_close_timeout",
    ),
    extProcPerRoute: message(ENVOY_TYPES.extProcPerRoute, "disabled overrides", ""),
    extProcOverrides: message(
        "envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides",
        // failure_mode_allow: Envoy 1.32+; modeled, though the protos vendored here predate it.
        "processing_mode async_mode failure_mode_allow",
        "request_attributes response_attributes metadata_options grpc_initial_metadata",
        { grpc_service: "the route sends its requests to a processor of its own" },
    ),
    processingMode: message(
        "envoy.extensions.filters.http.ext_proc.v3.ProcessingMode",
        "request_header_mode request_body_mode",
        "response_header_mode response_body_mode request_trailer_mode response_trailer_mode",
    ),
    grpcService: message("envoy.config.core.v3.GrpcService", "envoy_grpc", "timeout initial_metadata retry_policy", {
        google_grpc: "the Google gRPC client dials a target of its own, outside Envoy's clusters",
    }),
    envoyGrpc: message("envoy.config.core.v3.GrpcService.EnvoyGrpc", "cluster_name", "authority retry_policy max_receive_message_length skip_envoy_headers"),
    // The header filter that writes the client's address for the agent: which headers it sets, from what.
    headerMutationFilter: message(ENVOY_TYPES.headerMutation, "mutations", "most_specific_header_mutations_wins"),
    headerMutations: message("envoy.extensions.filters.http.header_mutation.v3.Mutations", "request_mutations", "response_mutations"),
    headerMutationRule: message("envoy.config.common.mutation_rules.v3.HeaderMutation", "remove append", ""),
    headerValueOption: message("envoy.config.core.v3.HeaderValueOption", "header append append_action", "keep_empty_value"),
    headerValue: message("envoy.config.core.v3.HeaderValue", "key value raw_value", ""),
    healthCheckFilter: message(ENVOY_TYPES.healthCheck, "pass_through_mode cluster_min_healthy_percentages headers", "cache_time"),
    router: message(
        ENVOY_TYPES.router,
        "",
        "dynamic_stats start_child_span upstream_log upstream_log_options suppress_envoy_headers strict_check_headers respect_expected_rq_timeout suppress_grpc_request_failure_code_stats",
        { upstream_http_filters: "upstream HTTP filters run on each forwarded request" },
    ),
    accessLog: message("envoy.config.accesslog.v3.AccessLog", "name typed_config", "filter"),
    httpGrpcAccessLog: message(ENVOY_TYPES.grpcAccessLog, "common_config", "additional_request_headers_to_log additional_response_headers_to_log additional_response_trailers_to_log"),
    commonGrpcAccessLog: message(
        "envoy.extensions.access_loggers.grpc.v3.CommonGrpcAccessLogConfig",
        "grpc_service",
        "log_name transport_api_version buffer_flush_interval buffer_size_bytes filter_state_objects_to_log grpc_stream_retry_policy custom_tags",
    ),
    cluster: message(
        "envoy.config.cluster.v3.Cluster",
        "name type load_assignment typed_extension_protocol_options http2_protocol_options transport_socket health_checks circuit_breakers upstream_bind_config lb_subset_config common_lb_config",
        "alt_stat_name connect_timeout per_connection_buffer_limit_bytes lb_policy max_requests_per_connection upstream_http_protocol_options common_http_protocol_options http_protocol_options dns_refresh_rate dns_failure_refresh_rate respect_dns_ttl dns_lookup_family use_tcp_for_dns_lookups wait_for_warm_on_init outlier_detection cleanup_interval ring_hash_lb_config maglev_lb_config least_request_lb_config round_robin_lb_config metadata protocol_selection upstream_connection_options close_connections_on_host_health_failure ignore_health_on_host_removal load_balancing_policy lrs_server lrs_report_endpoint_metrics track_timeout_budgets upstream_config track_cluster_stats preconnect_policy connection_pool_per_downstream_connection",
        {
            cluster_type: "a custom cluster type decides its hosts",
            eds_cluster_config: "its hosts come from EDS (xDS)",
            original_dst_lb_config: "each connection goes to its original destination",
            transport_socket_matches: "each host's metadata picks its transport (TLS or not)",
            dns_resolvers: "DNS servers of its own decide where names resolve",
            dns_resolution_config: "DNS servers of its own decide where names resolve",
            typed_dns_resolver_config: "a DNS resolver of its own decides where names resolve",
            filters: "upstream network filters run on each connection",
        },
    ),
    // Settings that can fail every call before it reaches a host: read, so that the model can say so.
    circuitBreakers: message("envoy.config.cluster.v3.CircuitBreakers", "thresholds per_host_thresholds", ""),
    thresholds: message(
        "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
        "priority max_connections max_pending_requests max_requests max_connection_pools",
        "max_retries retry_budget track_remaining",
    ),
    commonLbConfig: message(
        "envoy.config.cluster.v3.Cluster.CommonLbConfig",
        "healthy_panic_threshold",
        "zone_aware_lb_config locality_weighted_lb_config update_merge_window ignore_new_hosts_until_first_hc close_connections_on_host_set_change consistent_hashing_lb_config override_host_status",
    ),
    loadAssignment: message("envoy.config.endpoint.v3.ClusterLoadAssignment", "endpoints", "cluster_name policy", { named_endpoints: "endpoints named elsewhere" }),
    localityEndpoints: message("envoy.config.endpoint.v3.LocalityLbEndpoints", "lb_endpoints", "locality metadata load_balancing_weight priority proximity", {
        load_balancer_endpoints: "endpoints from LEDS (xDS)",
        leds_cluster_locality_config: "endpoints from LEDS (xDS)",
    }),
    lbEndpoint: message("envoy.config.endpoint.v3.LbEndpoint", "endpoint health_status", "metadata load_balancing_weight", { endpoint_name: "an endpoint named elsewhere" }),
    endpoint: message("envoy.config.endpoint.v3.Endpoint", "address additional_addresses", "health_check_config hostname"),
    httpProtocolOptions: message(
        ENVOY_TYPES.httpProtocolOptions,
        "explicit_http_config auto_config use_downstream_protocol_config",
        "common_http_protocol_options upstream_http_protocol_options header_validation_config",
        { http_filters: "upstream HTTP filters run on each forwarded request" },
    ),
    layeredRuntime: message("envoy.config.bootstrap.v3.LayeredRuntime", "layers", ""),
    runtimeLayer: message("envoy.config.bootstrap.v3.RuntimeLayer", "name static_layer disk_layer admin_layer rtds_layer", ""),
    runtimeFraction: message("envoy.config.core.v3.RuntimeFractionalPercent", "default_value runtime_key", ""),
    runtimeFlag: message("envoy.config.core.v3.RuntimeFeatureFlag", "default_value runtime_key", ""),
    typedStruct: message("xds.type.v3.TypedStruct", "type_url value", ""),
} satisfies Record<string, MessageGrammar>;

export type MessageName = keyof typeof MESSAGES;

/** What a typed config (`@type`) is to the model, by its proto message. */
export type TypeRole =
    | "hcm"
    | "tcp_proxy"
    | "network-neutral"
    | "listener-neutral"
    | "ext_authz"
    | "ext_proc"
    | "router"
    | "health_check"
    | "http-neutral"
    | "grpc-access-log"
    | "access-log-neutral"
    | "downstream-tls"
    | "upstream-tls"
    | "raw-buffer"
    | "ext_authz-per-route"
    | "ext_proc-per-route"
    | "filter-config"
    | "typed-struct";

/**
 * Typed configs the model understands. HTTP filters are here only if they cannot answer a
 * request with the app's data or forward it by themselves (Lua, Wasm, a dynamic forward proxy
 * can, so they are absent); network filters only if they pass the connection on to the HTTP
 * connection manager or close it.
 */
export const TYPE_ROLES: Record<string, TypeRole> = {
    [ENVOY_TYPES.hcm]: "hcm",
    [ENVOY_TYPES.tcpProxy]: "tcp_proxy",
    "envoy.extensions.filters.network.rbac.v3.RBAC": "network-neutral",
    "envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit": "network-neutral",
    "envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit": "network-neutral",
    "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector": "listener-neutral",
    "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector": "listener-neutral",
    "envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol": "listener-neutral",
    [ENVOY_TYPES.extAuthz]: "ext_authz",
    [ENVOY_TYPES.extProc]: "ext_proc",
    [ENVOY_TYPES.router]: "router",
    [ENVOY_TYPES.healthCheck]: "health_check",
    [ENVOY_TYPES.buffer]: "http-neutral",
    // It writes headers (the client address the agent reads); it never answers or forwards.
    [ENVOY_TYPES.headerMutation]: "http-neutral",
    "envoy.extensions.filters.http.cors.v3.Cors": "http-neutral",
    "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit": "http-neutral",
    "envoy.extensions.filters.http.rbac.v3.RBAC": "http-neutral",
    "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig": "http-neutral",
    "envoy.extensions.filters.http.grpc_web.v3.GrpcWeb": "http-neutral",
    "envoy.extensions.filters.http.compressor.v3.Compressor": "http-neutral",
    "envoy.extensions.filters.http.decompressor.v3.Decompressor": "http-neutral",
    "envoy.extensions.filters.http.fault.v3.HTTPFault": "http-neutral",
    [ENVOY_TYPES.grpcAccessLog]: "grpc-access-log",
    "envoy.extensions.access_loggers.file.v3.FileAccessLog": "access-log-neutral",
    "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog": "access-log-neutral",
    "envoy.extensions.access_loggers.stream.v3.StderrAccessLog": "access-log-neutral",
    "envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig": "access-log-neutral",
    "envoy.extensions.access_loggers.open_telemetry.v3.OpenTelemetryAccessLogConfig": "access-log-neutral",
    [ENVOY_TYPES.downstreamTls]: "downstream-tls",
    [ENVOY_TYPES.upstreamTls]: "upstream-tls",
    [ENVOY_TYPES.rawBuffer]: "raw-buffer",
    [ENVOY_TYPES.extAuthzPerRoute]: "ext_authz-per-route",
    [ENVOY_TYPES.extProcPerRoute]: "ext_proc-per-route",
    [ENVOY_TYPES.filterConfig]: "filter-config",
    [ENVOY_TYPES.typedStruct]: "typed-struct",
    [ENVOY_TYPES.udpaTypedStruct]: "typed-struct",
};

/** The message name of a type URL (`type.googleapis.com/envoy.x.v3.Y` -> `envoy.x.v3.Y`); Envoy reads whatever precedes the last `/` as the host. */
export function typeName(typeUrl: unknown): string | undefined {
    if (typeof typeUrl !== "string" || !typeUrl.includes("/")) return undefined;
    return typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
}

/** Envoy's YAML and JSON loaders take proto field names and their lowerCamelCase JSON names alike. */
export const jsonName = (snake: string) => snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
