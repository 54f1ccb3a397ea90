// Envoy's rules as Envoy reads them (issue 25): the test-side validator applies every
// protoc-gen-validate rule kind the protos use, each proven by a violation planted where Envoy
// meets it - most in the very bootstraps the components generate, the rest in the message that
// carries the kind - and the structural checks PGV leaves to Envoy (an extension's @type per
// slot, deprecated enum values, durations Envoy refuses). The inputs that land in such fields
// are refused at input, by the same limits.
import * as assert from "assert";
import { envoyConfigObject } from "../sdk/envoy/config";
import { INSPECTION_TIMEOUT_LIMITS } from "../sdk/vocabulary/envoy";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { guideArgs } from "../tools/fixtures";
import { CATEGORY_OPTION, RULES_OPTION } from "../tools/schemas/envoy";
import { envoyConfigProblems, envoyMessageProblems, envoyProtos, RULE_KINDS, ruleKindsOf } from "./support/envoy-schema";
import * as protobuf from "protobufjs";

const generated = (integration: "ext_authz" | "ext_proc") => JSON.parse(JSON.stringify(envoyConfigObject(resolveAppSettings("helloworld", guideArgs({ inspection: { integration } }) as any)))) as any;
const front = (b: any) => b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const filter = (b: any, name: string) => front(b).http_filters.find((f: any) => f.name === name).typed_config;
const cluster = (b: any, name: string) => b.static_resources.clusters.find((c: any) => c.name === name);
const AGENT_CLUSTER = "sigsci-agent";

interface Plant {
    /** The rule kinds the plant violates (RULE_KINDS names), or a check PGV leaves to Envoy. */
    kinds: string[];
    what: string;
    /** The problems of the planted config: a bootstrap of the components with one change, or one message. */
    problems: () => string[];
    /** Every line expected, exactly. */
    expect: string[];
}

const bootstrap = (integration: "ext_authz" | "ext_proc", change: (b: any) => void) => () => {
    const b = generated(integration);
    change(b);
    return envoyConfigProblems(b);
};
const message = (type: string, json: unknown) => () => envoyMessageProblems(type, json);

const HCM = "$.static_resources.listeners[0].filter_chains[0].filters[0].typed_config";

const PLANTS: Plant[] = [
    // In the generated bootstraps (the issue's own cases first).
    {
        kinds: ["duration.lte"],
        what: "an ext_proc message_timeout over an hour",
        problems: bootstrap("ext_proc", (b) => (filter(b, "envoy.filters.http.ext_proc").message_timeout = "7200s")),
        expect: [`${HCM}.http_filters[2].typed_config.message_timeout: must be at most 3600s, got 7200s`],
    },
    {
        kinds: ["duration.gt"],
        what: "a connect_timeout of zero",
        problems: bootstrap("ext_authz", (b) => (cluster(b, AGENT_CLUSTER).connect_timeout = "0s")),
        expect: ["$.static_resources.clusters[1].connect_timeout: must be greater than 0s, got 0s"],
    },
    {
        kinds: ["envoy.duration"],
        what: "a negative connect_timeout",
        problems: bootstrap("ext_authz", (b) => (cluster(b, AGENT_CLUSTER).connect_timeout = "-1s")),
        expect: ["$.static_resources.clusters[1].connect_timeout: a negative duration (Envoy refuses it)", "$.static_resources.clusters[1].connect_timeout: must be greater than 0s, got -1s"],
    },
    {
        kinds: ["duration.required", "duration.gt"],
        what: "a health check timeout of zero, and one left out",
        problems: bootstrap("ext_authz", (b) => {
            cluster(b, AGENT_CLUSTER).health_checks[0].timeout = "0s";
            delete cluster(b, AGENT_CLUSTER).health_checks[0].interval;
        }),
        expect: ["$.static_resources.clusters[1].health_checks[0].interval: required", "$.static_resources.clusters[1].health_checks[0].timeout: must be greater than 0s, got 0s"],
    },
    {
        kinds: ["uint32.gt"],
        what: "max_request_headers_kb of 0 (a wrapper's rule)",
        problems: bootstrap("ext_authz", (b) => (front(b).max_request_headers_kb = 0)),
        expect: [`${HCM}.max_request_headers_kb: must be greater than 0, got 0`],
    },
    {
        kinds: ["uint32.lte"],
        what: "max_request_headers_kb of 9000",
        problems: bootstrap("ext_authz", (b) => (front(b).max_request_headers_kb = 9000)),
        expect: [`${HCM}.max_request_headers_kb: must be at most 8192, got 9000`],
    },
    {
        kinds: ["string.min_len"],
        what: "stat_prefix and an envoy_grpc cluster_name left out",
        problems: bootstrap("ext_authz", (b) => {
            delete front(b).stat_prefix;
            delete filter(b, "envoy.filters.http.ext_authz").grpc_service.envoy_grpc.cluster_name;
        }),
        expect: [
            `${HCM}.stat_prefix: at least 1 characters (the field is required)`,
            `${HCM}.http_filters[1].typed_config.grpc_service.envoy_grpc.cluster_name: at least 1 characters (the field is required)`,
        ],
    },
    {
        kinds: ["message.required"],
        what: "a buffer filter without its limit",
        problems: bootstrap("ext_proc", (b) => delete filter(b, "envoy.filters.http.buffer").max_request_bytes),
        expect: [`${HCM}.http_filters[1].typed_config.max_request_bytes: required`],
    },
    {
        kinds: ["slot"],
        what: "an HTTP connection manager given as an HTTP filter",
        problems: bootstrap("ext_authz", (b) =>
            front(b).http_filters.unshift({
                name: "hcm",
                typed_config: { ...front(b), "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", http_filters: [] },
            }),
        ),
        expect: [
            `${HCM}.http_filters[0].typed_config: @type envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager is not an extension of envoy.filters.http, which this field takes: Envoy finds no factory for it`,
        ],
    },
    {
        kinds: ["enum.deprecated"],
        what: "transport_api_version V2",
        problems: bootstrap("ext_authz", (b) => (filter(b, "envoy.filters.http.ext_authz").transport_api_version = "V2")),
        expect: [`${HCM}.http_filters[1].typed_config.transport_api_version: ApiVersion value V2 is deprecated (Envoy refuses it)`],
    },
    {
        kinds: ["protocol-options-key"],
        what: "protocol options under another name than what they configure",
        problems: bootstrap("ext_authz", (b) => {
            const c = cluster(b, AGENT_CLUSTER);
            c.typed_extension_protocol_options = { "envoy.upstreams.http.tcp": c.typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] };
        }),
        expect: [
            "$.static_resources.clusters[1].typed_extension_protocol_options.envoy.upstreams.http.tcp: keyed envoy.upstreams.http.tcp, but it configures envoy.extensions.upstreams.http.v3.HttpProtocolOptions: Envoy finds its options by that name",
        ],
    },
    {
        kinds: ["oneof.required"],
        what: "an HTTP connection manager without routes",
        problems: bootstrap("ext_authz", (b) => delete front(b).route_config),
        expect: [`${HCM}: one of rds, route_config, scoped_routes is required`],
    },
    {
        kinds: ["repeated.min_items"],
        what: "a virtual host for no domain",
        problems: bootstrap("ext_authz", (b) => (front(b).route_config.virtual_hosts[0].domains = [])),
        expect: [`${HCM}.route_config.virtual_hosts[0].domains: at least 1 items`],
    },
    {
        kinds: ["enum.defined_only"],
        what: "a load-balancing policy by a number Envoy does not define",
        problems: bootstrap("ext_authz", (b) => (cluster(b, AGENT_CLUSTER).lb_policy = 99)),
        expect: ["$.static_resources.clusters[1].lb_policy: undefined LbPolicy value 99"],
    },
    {
        kinds: ["uint32.lte"],
        what: "a port beyond 65535",
        problems: bootstrap("ext_authz", (b) => (b.static_resources.listeners[0].address.socket_address.port_value = 70000)),
        expect: ["$.static_resources.listeners[0].address.socket_address.port_value: must be at most 65535, got 70000"],
    },
    {
        kinds: ["string.well_known_regex", "repeated.items"],
        what: "a header to remove that is no header name",
        problems: bootstrap("ext_authz", (b) => (front(b).route_config.request_headers_to_remove = ["bad\nheader"])),
        expect: [`${HCM}.route_config.request_headers_to_remove[0]: not a valid http header name`],
    },
    { kinds: ["bool.const"], what: "stats_flush_on_admin false", problems: bootstrap("ext_authz", (b) => (b.stats_flush_on_admin = false)), expect: ["$.stats_flush_on_admin: must be true"] },
    {
        kinds: ["duration.gte", "duration.lt"],
        what: "a stats flush interval under 1 ms, and one of 5 minutes",
        problems: () => [...bootstrap("ext_authz", (b) => (b.stats_flush_interval = "0.0001s"))(), ...bootstrap("ext_authz", (b) => (b.stats_flush_interval = "300s"))()],
        expect: ["$.stats_flush_interval: must be at least 0.001s, got 0.0001s", "$.stats_flush_interval: must be less than 300s, got 300s"],
    },
    // In the message that carries the kind.
    {
        kinds: ["any.required"],
        what: "a typed extension config without its config",
        problems: message("envoy.config.core.v3.TypedExtensionConfig", { name: "envoy.x" }),
        expect: ["$.typed_config: required"],
    },
    {
        kinds: ["bytes.max_len"],
        what: "a raw header value over 16 KiB",
        problems: message("envoy.config.core.v3.HeaderValue", { key: "x-a", raw_value: Buffer.alloc(16385, 1).toString("base64") }),
        expect: ["$.raw_value: at most 16384 bytes"],
    },
    {
        kinds: ["double.gt"],
        what: "a rate limit fill rate of 0",
        problems: message("envoy.config.core.v3.RateLimitSettings", { fill_rate: 0 }),
        expect: ["$.fill_rate: must be greater than 0, got 0"],
    },
    {
        kinds: ["double.gte", "double.lte"],
        what: "preconnect ratios out of range",
        problems: message("envoy.config.cluster.v3.Cluster.PreconnectPolicy", { per_upstream_preconnect_ratio: 0.5, predictive_preconnect_ratio: 4 }),
        expect: ["$.per_upstream_preconnect_ratio: must be at least 1, got 0.5", "$.predictive_preconnect_ratio: must be at most 3, got 4"],
    },
    {
        kinds: ["duration.lte"],
        what: "a keepalive interval inside the gap a reversed range leaves (lte 0, gte 1s)",
        problems: message("envoy.config.core.v3.QuicKeepAliveSettings", { max_interval: "0.5s" }),
        expect: ["$.max_interval: must be at most 0s or at least 1s, got 0.5s"],
    },
    {
        kinds: ["enum.not_in"],
        what: "a CONNECT health check",
        problems: message("envoy.config.core.v3.HealthCheck.HttpHealthCheck", { path: "/h", method: "CONNECT" }),
        expect: ['$.method: RequestMethod value "CONNECT" is not allowed here'],
    },
    {
        kinds: ["map.keys"],
        what: "filter metadata under an empty name",
        problems: message("envoy.config.core.v3.Metadata", { filter_metadata: { "": {} } }),
        expect: ['$.filter_metadata key "": at least 1 characters'],
    },
    { kinds: ["map.min_pairs"], what: "a matcher map with no entry", problems: message("xds.type.matcher.v3.Matcher.MatcherTree.MatchMap", { map: {} }), expect: ["$.map: at least 1 entries"] },
    {
        kinds: ["repeated.items", "uint32.lt"],
        what: "a PROXY protocol TLV type over 255",
        problems: message("envoy.config.core.v3.ProxyProtocolPassThroughTLVs", { tlv_type: [256] }),
        expect: ["$.tlv_type[0]: must be less than 256, got 256"],
    },
    {
        kinds: ["repeated.max_items"],
        what: "over 1000 health check headers",
        problems: message("envoy.config.core.v3.HealthCheck.HttpHealthCheck", { path: "/h", request_headers_to_add: Array.from({ length: 1001 }, () => ({ header: { key: "x-a", value: "1" } })) }),
        expect: ["$.request_headers_to_add: at most 1000 items"],
    },
    {
        kinds: ["repeated.unique"],
        what: "a header copied twice on redirects",
        problems: message("envoy.config.route.v3.InternalRedirectPolicy", { response_headers_to_copy: ["x-a", "x-a"] }),
        expect: ["$.response_headers_to_copy: items must be unique"],
    },
    {
        kinds: ["string.ignore_empty"],
        what: "an empty SNI header is left alone, a bad one refused",
        problems: () => [
            ...envoyMessageProblems("envoy.config.core.v3.UpstreamHttpProtocolOptions", { override_auto_sni_header: "" }),
            ...envoyMessageProblems("envoy.config.core.v3.UpstreamHttpProtocolOptions", { override_auto_sni_header: "bad header" }),
        ],
        expect: ["$.override_auto_sni_header: not a valid http header name (strict)"],
    },
    {
        kinds: ["string.in"],
        what: "a scheme Envoy does not write",
        problems: message("envoy.config.core.v3.SchemeHeaderTransformation", { scheme_to_overwrite: "ftp" }),
        expect: ['$.scheme_to_overwrite: one of ["http","https"]'],
    },
    { kinds: ["string.max_bytes"], what: "a key over 16 KiB", problems: message("envoy.config.core.v3.KeyValue", { key: "k".repeat(16385) }), expect: ["$.key: at most 16384 bytes"] },
    {
        kinds: ["string.pattern"],
        what: "a path-separated prefix ending with a slash",
        problems: message("envoy.config.route.v3.RouteMatch", { path_separated_prefix: "/api/" }),
        expect: ["$.path_separated_prefix: must match ^[^?#]+[^?#/]$"],
    },
    {
        kinds: ["string.strict"],
        what: "a loose header name takes a space, never a line break",
        problems: () => [
            ...envoyMessageProblems("envoy.config.core.v3.HeaderValue", { key: "x a", value: "1" }),
            ...envoyMessageProblems("envoy.config.core.v3.HeaderValue", { key: "x\na", value: "1" }),
        ],
        expect: ["$.key: not a valid http header name"],
    },
    {
        kinds: ["uint32.gte"],
        what: "a QUIC stream limit of 0",
        problems: message("envoy.config.core.v3.QuicProtocolOptions", { max_concurrent_streams: 0 }),
        expect: ["$.max_concurrent_streams: must be at least 1, got 0"],
    },
    {
        kinds: ["uint64.gt", "uint64.lt"],
        what: "UDP datagram sizes of 0 and 65536",
        problems: () => [
            ...envoyMessageProblems("envoy.config.core.v3.UdpSocketConfig", { max_rx_datagram_size: 0 }),
            ...envoyMessageProblems("envoy.config.core.v3.UdpSocketConfig", { max_rx_datagram_size: "65536" }),
        ],
        expect: ["$.max_rx_datagram_size: must be greater than 0, got 0", "$.max_rx_datagram_size: must be less than 65536, got 65536"],
    },
    {
        kinds: ["uint64.lte"],
        what: "a ring over 8M entries",
        problems: message("envoy.config.cluster.v3.Cluster.RingHashLbConfig", { minimum_ring_size: 8388609 }),
        expect: ["$.minimum_ring_size: must be at most 8388608, got 8388609"],
    },
];

/** Every rule kind the loaded protos use, with whether all its uses are vacuous (`min_len: 0`, an unsigned `gte: 0`: nothing can break them). */
function kindsInProtos(): Map<string, boolean> {
    const kinds = new Map<string, boolean>();
    const visit = (ns: protobuf.NamespaceBase) => {
        for (const o of ns.nestedArray) {
            if (o instanceof protobuf.Type) {
                for (const f of o.fieldsArray) {
                    const rules = f.options?.[RULES_OPTION] as Record<string, any> | undefined;
                    if (!rules) continue;
                    for (const kind of ruleKindsOf(rules)) {
                        const [type, k] = kind.split(".");
                        const value = rules[type]?.[k] ?? rules.repeated?.items?.[type]?.[k];
                        const vacuous = (k === "min_len" || (k === "gte" && /^(u|fixed)/.test(type))) && Number(value) === 0;
                        kinds.set(kind, (kinds.get(kind) ?? true) && vacuous);
                    }
                }
            }
            if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) visit(o);
        }
    };
    visit(envoyProtos());
    return kinds;
}

describe("Envoy's limits, refused at input", () => {
    it("each proto-stated limit of a field an input lands in is the protos' own", () => {
        const root = envoyProtos();
        const ext = INSPECTION_TIMEOUT_LIMITS.ext_proc;
        const [type, field] = [ext.field.slice(0, ext.field.lastIndexOf(".")), ext.field.slice(ext.field.lastIndexOf(".") + 1)];
        const rules = root.lookupType(type).fields[field].options?.[RULES_OPTION] as any;
        assert.strictEqual(Number(rules.duration.lte.seconds), ext.max);
        // ext_authz's gRPC timeout has no proto rule: its limit is what Envoy's code reads (limits.ts says where).
        assert.strictEqual(root.lookupType("envoy.config.core.v3.GrpcService").fields.timeout.options?.[RULES_OPTION], undefined);
    });

    it("the largest timeout each integration takes renders a bootstrap Envoy accepts; one more millisecond is refused", () => {
        for (const integration of ["ext_authz", "ext_proc"] as const) {
            const max = `${INSPECTION_TIMEOUT_LIMITS[integration].max}s`;
            assert.deepStrictEqual(envoyConfigProblems(envoyConfigObject(resolveAppSettings("helloworld", guideArgs({ inspection: { integration, timeout: max } }) as any)) as object), []);
            const over = `${(INSPECTION_TIMEOUT_LIMITS[integration].max + 0.001).toFixed(3)}s`;
            assert.throws(() => resolveAppSettings("helloworld", guideArgs({ inspection: { integration, timeout: over } }) as any), {
                message: new RegExp(`^sigsci-envoy: invalid "inspection.timeout": got "${over.replace(".", "\\.")}"`),
            });
        }
    });
});

describe("Envoy's rules, as Envoy reads them: the validator", () => {
    it("applies every rule kind the protos use", () => {
        const missing = [...kindsInProtos().keys()].filter((k) => !RULE_KINDS.includes(k));
        assert.deepStrictEqual(missing, []);
    });

    it("has a planted violation of every rule kind the protos use that can be broken", () => {
        const planted = new Set(PLANTS.flatMap((p) => p.kinds));
        const unplanted = [...kindsInProtos()].filter(([k, vacuous]) => !vacuous && !planted.has(k)).map(([k]) => k);
        assert.deepStrictEqual(unplanted, []);
    });

    it("knows the extension category of every typed_config slot the components fill", () => {
        const root = envoyProtos();
        const category = (type: string, field: string) => root.lookupType(type).fields[field].options?.[CATEGORY_OPTION];
        assert.strictEqual(category("envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter", "typed_config"), "envoy.filters.http");
        assert.strictEqual(category("envoy.config.listener.v3.Filter", "typed_config"), "envoy.filters.network");
        assert.strictEqual(category("envoy.config.accesslog.v3.AccessLog", "typed_config"), "envoy.access_loggers");
    });

    it("accepts the generated bootstraps of both integrations", () => {
        assert.deepStrictEqual(envoyConfigProblems(generated("ext_authz")), []);
        assert.deepStrictEqual(envoyConfigProblems(generated("ext_proc")), []);
    });

    for (const p of PLANTS) {
        it(`catches ${p.what} (${p.kinds.join(", ")})`, () => assert.deepStrictEqual(p.problems().sort(), [...p.expect].sort()));
    }
});
