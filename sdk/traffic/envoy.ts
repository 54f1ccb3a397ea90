// What Envoy does with a bootstrap, as far as a request's path depends on it: where its config
// comes from in the pod, which listeners face the pod's address, which HTTP filters run before
// the router on each route (with every per-route, per-virtual-host, per-route-table and
// per-weighted-cluster override, and the runtime values that switch filters), which clusters the
// inspection filters and the access log call, and where each cluster's endpoints are. The model
// is closed: everything it reads goes through the allowlist of envoy-grammar.ts, and whatever
// is not on it is recorded as "cannot verify" with its field path, never taken as harmless.
import { loadEnvoyJson, loadEnvoyYaml } from "../vocabulary/envoy-yaml";
import { ENVOY_EXTENSIONS, ENVOY_TYPES, PEER_ADDRESS, TRUSTED_CLIENT_ADDRESS } from "../vocabulary/envoy";
import { jsonName, MessageName, MESSAGES, TYPE_ROLES, TypeRole, typeName } from "./envoy-grammar";
import { allContainers, isLoopback } from "./kube";
import { ObjectIndex } from "./objects";
import { commandLine, MountedFile, mountedFile, optionValue, programName } from "./process";

/** Envoy's official and common distribution images (repository paths, without registry or tag). */
const ENVOY_IMAGES = [
    /(^|\/)envoyproxy\/envoy(-[a-z0-9-]+)?$/,
    /(^|\/)istio\/proxyv2$/,
    /(^|\/)istio-release\/proxyv2$/,
    /(^|\/)bitnami\/envoy$/,
    /(^|\/)envoy$/,
    /(^|\/)signalsciences\/envoy-frontproxy$/,
    /(^|\/)gateway\/envoy$/,
];

function imageRepository(image: unknown): string {
    const withoutDigest = String(image ?? "").split("@")[0];
    const slash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.lastIndexOf(":");
    return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Does this container run Envoy, by its image or its command line (directly or through a shell)? */
export function runsEnvoy(container: any): boolean {
    const repo = imageRepository(container?.image);
    if (ENVOY_IMAGES.some((re) => re.test(repo)) || /envoy/.test(repo.slice(repo.lastIndexOf("/") + 1))) return true;
    const { argv } = commandLine(container);
    return argv.some((w, i) => (i === 0 || ["exec", ";", "&&", "||", "|", "&"].includes(argv[i - 1])) && /^envoy(-static)?$/.test(programName(w)));
}

/** Kept for callers that judge containers one by one (the policy pack): Envoy by image or command line. */
export const isEnvoyContainer = runsEnvoy;

const DEFAULT_CONFIG_PATH = "/etc/envoy/envoy.yaml";

/** Envoy's command-line options the model follows, and the ones it knows do not change a request's path. */
const ENVOY_FLAGS_WITH_VALUE = [
    "--concurrency",
    "--base-id",
    "--base-id-path",
    "-l",
    "--log-level",
    "--component-log-level",
    "--log-format",
    "--log-path",
    "--service-cluster",
    "--service-node",
    "--service-zone",
    "--drain-time-s",
    "--drain-strategy",
    "--parent-shutdown-time-s",
    "--local-address-ip-version",
    "--file-flush-interval-msec",
    "--restart-epoch",
    "--socket-path",
    "--socket-mode",
    "--stats-tag",
    "--bootstrap-version",
];
const ENVOY_FLAGS_BOOLEAN = [
    "--disable-hot-restart",
    "--use-dynamic-base-id",
    "--cpuset-threads",
    "--enable-core-dump",
    "--enable-fine-grain-logging",
    "--log-format-escaped",
    "--skip-hot-restart-on-no-parent",
    "--skip-deprecated-logs",
    "--reject-unknown-dynamic-fields",
    "--ignore-unknown-dynamic-fields",
    "--disable-extensions",
];

/** How Envoy is started: the config path (`-c`, `--config-path`, the official image's default) and what on its command line the model cannot follow. */
export function envoyCommand(container: any): { configPath: string; unverifiable: string[] } {
    const { argv } = commandLine(container);
    const unverifiable: string[] = [];
    const at = argv.findIndex((w) => /^envoy(-static)?$/.test(programName(w)));
    const words = at >= 0 ? argv.slice(at + 1) : argv;
    for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if ([";", "&&", "||", "|", "&"].includes(w)) break;
        const name = w.split("=")[0];
        if (name === "-c" || name === "--config-path") {
            if (!w.includes("=")) i++;
        } else if (name === "--config-yaml") unverifiable.push("--config-yaml merges YAML given on the command line over the bootstrap");
        else if (name === "--mode") unverifiable.push(`--mode ${w.includes("=") ? w.split("=")[1] : words[i + 1]}: Envoy may only validate its config and serve nothing`);
        else if (name === "--allow-unknown-static-fields") unverifiable.push("--allow-unknown-static-fields: Envoy ignores fields it does not know, so it may not do what the bootstrap says");
        else if (ENVOY_FLAGS_WITH_VALUE.includes(name)) {
            if (!w.includes("=")) i++;
        } else if (!ENVOY_FLAGS_BOOLEAN.includes(name) && name.startsWith("-")) unverifiable.push(`${name}: an Envoy option the model does not know`);
    }
    return { configPath: optionValue(argv, ["-c", "--config-path"]) ?? DEFAULT_CONFIG_PATH, unverifiable };
}

/** The config path Envoy is started with (`-c`, `--config-path`), or the official image's default. */
export function configPath(container: any): string {
    return envoyCommand(container).configPath;
}

export type Bootstrap = { config: any; source: string } | { missing: string } | { unreadable: string };

/**
 * The bootstrap a container runs with: parsed, not among the objects (baked into the image, or on
 * a volume the objects do not show), or there but unreadable (Envoy would not start).
 */
export function envoyBootstrapOf(index: ObjectIndex, namespace: string, pod: any, container: any): Bootstrap {
    const path = configPath(container);
    const file: MountedFile = mountedFile(index, namespace, pod, container, path);
    if ("none" in file) return { missing: `${path}, which no ConfigMap or Secret among the objects provides (it may be baked into the image)` };
    if ("opaque" in file) return { missing: `${path}, on ${file.opaque}` };
    // Envoy picks the parser by the extension, in any case (MessageUtil::loadFromFile): binary
    // or text protobuf, YAML for .yaml and .yml, protobuf JSON for anything else.
    const lower = path.toLowerCase();
    if (lower.endsWith(".pb") || lower.endsWith(".pb_text")) return { unreadable: `${path} (${file.source}) is a protobuf bootstrap (binary or text), which the model does not read` };
    const json = !(lower.endsWith(".yaml") || lower.endsWith(".yml"));
    try {
        // YAML as Envoy reads it (yaml-cpp's scalars: `on` is true, `0100` is 64); JSON with no key given twice.
        const config = json ? loadEnvoyJson(file.text) : loadEnvoyYaml(file.text);
        if (typeof config === "object" && config !== null && !Array.isArray(config)) return { config, source: file.source };
        return { unreadable: `${path} (${file.source}) is not an object` };
    } catch (e) {
        return { unreadable: `${path} (${file.source}) does not parse as ${json ? "JSON" : "YAML"} (${(e as Error).message.split("\n")[0]})` };
    }
}

/** Does a container that mounts its config look like Envoy by what it reads (a bootstrap)? */
export function mountsEnvoyBootstrap(index: ObjectIndex, namespace: string, pod: any, container: any): boolean {
    const b = envoyBootstrapOf(index, namespace, pod, container);
    return "config" in b && (b.config.static_resources !== undefined || b.config.staticResources !== undefined || b.config.dynamic_resources !== undefined);
}

/** The Envoy containers of a pod: by image or command line, or by the Envoy bootstrap they are started with. */
export function envoyContainers(pod: any, index?: ObjectIndex, namespace?: string): any[] {
    return allContainers(pod).filter(
        (c) => runsEnvoy(c) || (index !== undefined && namespace !== undefined && (c.args !== undefined || c.command !== undefined) && mountsEnvoyBootstrap(index, namespace, pod, c)),
    );
}

// ---- the closed-world reader ---------------------------------------------------------------

/** A construct the model does not understand: where it is, and why it matters. */
export interface Unverifiable {
    /** Field path in the bootstrap, e.g. `static_resources.listeners[0].filter_chains[0].filters[1]`. */
    at: string;
    why: string;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

class Reader {
    readonly unverifiable: Unverifiable[] = [];

    refuse(at: string, why: string): void {
        if (!this.unverifiable.some((u) => u.at === at && u.why === why)) this.unverifiable.push({ at, why });
    }

    /** The modeled fields of a message, by their proto names; refused and unknown fields reported. */
    read(raw: any, at: string, name: MessageName): Record<string, any> {
        const out: Record<string, any> = {};
        if (raw === undefined || raw === null) return out;
        if (typeof raw !== "object" || Array.isArray(raw)) {
            this.refuse(at, `expected a ${MESSAGES[name].proto} message`);
            return out;
        }
        const g = MESSAGES[name];
        const seen = new Map<string, string>();
        for (const [key, value] of Object.entries(raw)) {
            if (key === "@type") continue;
            // Envoy reads a field by its proto name or its lowerCamelCase JSON name.
            const field = g.modeled.includes(key) || g.neutral.includes(key) || key in g.refused || jsonName(snake(key)) !== key ? key : snake(key);
            // Both spellings: Envoy's JSON parser merges the two (lists appended, messages merged).
            if (seen.has(field)) this.refuse(`${at}.${key}`, `${field} given twice (as ${seen.get(field)} and ${key}): Envoy merges the two, which the model does not follow`);
            seen.set(field, key);
            if (g.modeled.includes(field)) out[field] = value;
            else if (g.neutral.includes(field)) continue;
            else if (field in g.refused) this.refuse(`${at}.${key}`, (g.refused as Record<string, string>)[field]);
            else this.refuse(`${at}.${key}`, `a field the model does not know in ${g.proto}`);
        }
        return out;
    }

    /**
     * An enum field as Envoy's JSON parser reads it: its name in any case, or its number; absent,
     * undefined; anything else is refused, and reads as no value of the enum.
     */
    enumName<E extends readonly string[]>(raw: any, at: string, names: E): E[number] | "(unknown)" | undefined {
        if (raw === undefined || raw === null) return undefined;
        if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw < names.length) return names[raw];
        if (typeof raw === "string" && names.includes(raw.toUpperCase())) return raw.toUpperCase();
        this.refuse(at, `${JSON.stringify(raw)}: not one of ${names.join(", ")} (or their numbers)`);
        return "(unknown)";
    }

    list(raw: any, at: string): any[] {
        if (raw === undefined || raw === null) return [];
        if (!Array.isArray(raw)) {
            this.refuse(at, "expected a list");
            return [];
        }
        return raw;
    }

    /** A typed config: its message name and role; a TypedStruct read as the message it wraps. */
    typed(raw: any, at: string): { type?: string; role?: TypeRole; config: any } {
        if (raw === undefined || raw === null || typeof raw !== "object") return { config: {} };
        const type = typeName(raw["@type"]);
        const role = type === undefined ? undefined : TYPE_ROLES[type];
        if (role === "typed-struct") {
            const ts = this.read(raw, at, "typedStruct");
            delete ts["@type"];
            return this.typed({ ...(ts.value ?? {}), "@type": ts.type_url }, at);
        }
        const { ["@type"]: _, ...config } = raw;
        return { type, role, config };
    }
}

/** Envoy's runtime, from layered_runtime's layers: static values are known, disk and RTDS layers are not. */
class Runtime {
    private readonly layers: ({ values: Map<string, unknown> } | { opaque: string })[] = [];

    constructor(r: Reader, raw: any, at: string) {
        const lr = r.read(raw, at, "layeredRuntime");
        r.list(lr.layers, `${at}.layers`).forEach((l: any, i: number) => {
            const layer = r.read(l, `${at}.layers[${i}]`, "runtimeLayer");
            if (layer.static_layer !== undefined) {
                const values = new Map<string, unknown>();
                const flatten = (o: any, prefix: string) => {
                    for (const [k, v] of Object.entries(o ?? {})) {
                        if (v !== null && typeof v === "object" && !Array.isArray(v) && !("numerator" in v)) flatten(v, `${prefix}${k}.`);
                        else values.set(`${prefix}${k}`, v);
                    }
                };
                flatten(layer.static_layer, "");
                this.layers.push({ values });
            } else if (layer.disk_layer !== undefined) this.layers.push({ opaque: `disk layer ${layer.name ?? i} (${at}.layers[${i}])` });
            else if (layer.rtds_layer !== undefined) this.layers.push({ opaque: `RTDS layer ${layer.name ?? i} (${at}.layers[${i}])` });
            // An admin layer changes values only through the admin interface, which must stay on loopback.
        });
    }

    /** The value of `key`: the last layer that has it; `opaque` when a layer the objects do not show may set it. */
    lookup(key: string): { value?: unknown; opaque?: string } {
        for (let i = this.layers.length - 1; i >= 0; i--) {
            const l = this.layers[i];
            if ("opaque" in l) return { opaque: l.opaque };
            if (l.values.has(key)) return { value: l.values.get(key) };
        }
        return {};
    }
}

// ---- the model -------------------------------------------------------------------------------

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
    /** Constructs of this cluster the model does not follow. */
    unverifiable: Unverifiable[];
    /** Settings that can make every call fail before it reaches a host (a fail-open filter then lets each through), in words. */
    mayFailEveryCall: string[];
}

export type Integration = "ext_authz" | "ext_proc";

export interface InspectionFilter {
    /** The filter's name in the chain (what per-route configs refer to). */
    name: string;
    integration: Integration;
    cluster?: string;
    failOpen: boolean;
    /** Why the filter does not see, or cannot block, every request, when it does not. */
    partial?: string;
    /** `disabled: true` in the chain: it runs only where a route turns it on. */
    offByDefault: boolean;
    /** Request headers a header_mutation filter before it overwrites with the address Envoy trusts: header (lower case) -> that filter's name. */
    clientHeaders: Map<string, string>;
    /** Those of them written from the connection's own peer, which no header of a client's can change. */
    peerHeaders: Set<string>;
    /** What of a request the agent never sees though the filter runs (the body, headers): it judges the rest. */
    blindSpots?: string[];
}

/** What a per-route config does to one inspection filter. */
export interface PerRouteEffect {
    disabled?: boolean;
    /** Turned on (a FilterConfig with `disabled: false`, or a per-route config of the filter's own). */
    enabled?: boolean;
    partial?: string;
    failOpen?: boolean;
    /** ext_proc: this level's processing_mode skips the request headers (set only where the level gives a processing_mode). */
    skipsHeaders?: boolean;
    /** ext_proc: this level's async_mode (set only where the level gives one). */
    asyncMode?: boolean;
}

export interface RouteTarget {
    cluster: string;
    /** The effect on each inspection filter (by name) of the most specific per-filter config. */
    effects: Map<string, PerRouteEffect>;
}

export interface RouteModel {
    /** How messages name the route: `<match> (virtual host <name>)`. */
    ref: string;
    match: any;
    /** Where the route forwards (none for direct responses and redirects). */
    targets: RouteTarget[];
    /** Clusters that get copies of its requests. */
    mirrors: string[];
    /** The route rewrites the path. */
    rewrites: boolean;
    /** Upgrade types the route turns on or off (its RouteAction's upgrade_configs), in lower case. */
    upgrades: Map<string, boolean>;
}

/** The HTTP filters one kind of request runs through: the default chain, or an upgrade's own. */
export interface ChainModel {
    /** `""` for the default chain, else `upgrade <type>`. */
    label: string;
    inspection: InspectionFilter[];
    /** Inspection filters placed after the router: they never run. */
    afterRouter: string[];
    /** An upgrade's own chain: its type (lower case), and whether it runs where a route does not say (the connection manager's `enabled`). */
    upgrade?: { type: string; onByDefault: boolean };
}

/** Does `chain` run for requests of `route`? An upgrade's chain: where the route turns it on, or by default where it says nothing (createUpgradeFilterChain). */
export function chainRuns(chain: ChainModel, route: RouteModel): boolean {
    return chain.upgrade === undefined || (route.upgrades.get(chain.upgrade.type) ?? chain.upgrade.onByDefault);
}

/** Which address the connection manager trusts as the client's (Envoy's X-Forwarded-For rules). */
export interface ClientAddressModel {
    /** `use_remote_address`: the peer (or the trusted hops' entry), not what X-Forwarded-For says. */
    useRemoteAddress: boolean;
    xffTrustedHops: number;
    /** `original_ip_detection_extensions` decide it: the model does not follow them. */
    detection: boolean;
    /** The PROXY protocol (a listener filter, or the chain's use_proxy_proto) sets the connection's remote address from what the client sends. */
    proxyProtocol?: boolean;
}

export interface HcmModel {
    statPrefix: string;
    clientAddress: ClientAddressModel;
    chains: ChainModel[];
    accessLogClusters: string[];
    routes: RouteModel[];
    /** health_check filters answering without forwarding. */
    healthChecks: { paths: string[]; clusterMinHealthy: Record<string, number> }[];
}

export interface ListenerModel {
    name: string;
    address: string;
    port: number;
    /** Every address it binds (`additional_addresses` too). */
    addresses: Endpoint[];
    /** Reachable from outside the pod (one of its addresses is not loopback). */
    exposed: boolean;
    hcms: HcmModel[];
    /** Clusters of raw TCP proxies: no HTTP filter sees that traffic. */
    tcpProxyClusters: string[];
}

export interface EnvoyModel {
    admin?: Endpoint;
    listeners: ListenerModel[];
    /** A cluster by name, read when first asked for. */
    cluster(name: string): ClusterModel | undefined;
    /** Constructs on a request's path the model does not follow. */
    unverifiable: Unverifiable[];
}

// A bool (or BoolValue) as Envoy's JSON parser takes one: a JSON boolean, or text absl::SimpleAtob
// reads (true, t, yes, y, 1; false, f, no, n, 0; in any case), as its legacy mode does.
const boolText = (v: any, words: string[]) => typeof v === "string" && words.includes(v.toLowerCase());
const isTrue = (v: any) => v === true || boolText(v, ["true", "t", "yes", "y", "1"]);
const isFalse = (v: any) => v === false || boolText(v, ["false", "f", "no", "n", "0"]);
const TRUE_VALUE = (v: any) => isTrue(v) || isTrue(v?.value);
const FALSE_VALUE = (v: any) => isFalse(v) || isFalse(v?.value);

/** The enums the model reads, their names in the order of their numbers (Envoy's v3 protos). */
const ENUMS = {
    /** envoy.type.v3.FractionalPercent.DenominatorType */
    denominator: ["HUNDRED", "TEN_THOUSAND", "MILLION"],
    /** envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode */
    headerSendMode: ["DEFAULT", "SEND", "SKIP"],
    /** envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode */
    bodySendMode: ["NONE", "STREAMED", "BUFFERED", "BUFFERED_PARTIAL", "FULL_DUPLEX_STREAMED"],
    /** envoy.config.core.v3.ApiVersion */
    apiVersion: ["AUTO", "V2", "V3"],
    /** envoy.config.core.v3.SocketAddress.Protocol */
    protocol: ["TCP", "UDP"],
    /** envoy.config.cluster.v3.Cluster.DiscoveryType */
    discoveryType: ["STATIC", "STRICT_DNS", "LOGICAL_DNS", "EDS", "ORIGINAL_DST"],
    /** envoy.config.core.v3.RoutingPriority */
    routingPriority: ["DEFAULT", "HIGH"],
    /** envoy.config.core.v3.HealthStatus */
    healthStatus: ["UNKNOWN", "HEALTHY", "UNHEALTHY", "DRAINING", "TIMEOUT", "DEGRADED"],
    /** envoy.config.core.v3.HeaderValueOption.HeaderAppendAction */
    appendAction: ["APPEND_IF_EXISTS_OR_ADD", "ADD_IF_ABSENT", "OVERWRITE_IF_EXISTS_OR_ADD", "OVERWRITE_IF_EXISTS"],
} as const;

/** A FractionalPercent in percent; a denominator the model cannot read counts as the smallest share. */
function fractionPercent(r: Reader, f: any, at: string): number {
    const numerator = Number(f?.numerator ?? 0);
    const denominators: Record<string, number> = { HUNDRED: 100, TEN_THOUSAND: 10000, MILLION: 1000000 };
    const denominator = r.enumName(f?.denominator, `${at}.denominator`, ENUMS.denominator) ?? "HUNDRED";
    return (numerator / (denominators[denominator] ?? 1000000)) * 100;
}

function matchText(match: any): string {
    if (!match) return "(no match)";
    for (const k of ["path", "prefix", "path_separated_prefix"]) if (typeof match[k] === "string") return `${k} ${match[k]}`;
    if (match.safe_regex) return `regex ${match.safe_regex.regex}`;
    return JSON.stringify(match);
}

function headerPaths(headers: any[]): string[] {
    const paths: string[] = [];
    for (const h of Array.isArray(headers) ? headers : []) {
        if (h?.name !== ":path") continue;
        const exact = h.string_match?.exact ?? h.stringMatch?.exact ?? h.exact_match;
        if (typeof exact === "string") paths.push(exact);
    }
    return paths;
}

function grpcCluster(r: Reader, raw: any, at: string): string | undefined {
    const g = r.read(raw, at, "grpcService");
    const e = r.read(g.envoy_grpc, `${at}.envoy_grpc`, "envoyGrpc");
    return typeof e.cluster_name === "string" ? e.cluster_name : undefined;
}

/** The parts of a bootstrap that decide a request's path, with every construct the model cannot follow. */
export function envoyModel(bootstrap: any): EnvoyModel {
    const r = new Reader();
    const b = r.read(bootstrap, "", "bootstrap");
    const at = (p: string) => p.replace(/^\./, "");
    if (b.dynamic_resources !== undefined && b.dynamic_resources !== null && Object.keys(b.dynamic_resources).length > 0) {
        r.refuse("dynamic_resources", "listeners or clusters come from a management server (LDS, CDS or ADS), which the objects do not hold");
    }
    const runtime = new Runtime(r, b.layered_runtime, "layered_runtime");
    const adminRaw = r.read(b.admin, "admin", "admin");
    const adminAddress = adminRaw.address ? socketAddressOf(r, adminRaw.address, "admin.address") : undefined;
    const statics = r.read(b.static_resources, "static_resources", "staticResources");

    // Clusters: read when a path uses one, so that an unused cluster's details never matter.
    const rawClusters = new Map<string, { raw: any; at: string }>();
    r.list(statics.clusters, "static_resources.clusters").forEach((c: any, i: number) => {
        const name = c?.name;
        if (typeof name === "string") rawClusters.set(name, { raw: c, at: `static_resources.clusters[${i}]` });
    });
    const clusters = new Map<string, ClusterModel>();
    const cluster = (name: string): ClusterModel | undefined => {
        if (clusters.has(name)) return clusters.get(name);
        const found = rawClusters.get(name);
        if (!found) return undefined;
        const cr = new Reader();
        const m = clusterModel(cr, runtime, found.raw, found.at);
        m.unverifiable = cr.unverifiable;
        clusters.set(name, m);
        return m;
    };

    const listeners: ListenerModel[] = [];
    r.list(statics.listeners, "static_resources.listeners").forEach((raw: any, i: number) => {
        const lat = `static_resources.listeners[${i}]`;
        const l = r.read(raw, lat, "listener");
        const addresses: (Endpoint & { network: boolean })[] = [];
        const addressOf = (a: any, aat: string) => {
            const ad = r.read(a, aat, "address");
            if (ad.socket_address !== undefined) {
                const sa = socketAddressOf(r, a, aat);
                if (sa) addresses.push({ ...sa, network: true });
            } else if (ad.pipe !== undefined) addresses.push({ address: `unix:${ad.pipe?.path}`, port: 0, network: false });
            else if (ad.envoy_internal_address !== undefined) addresses.push({ address: "internal", port: 0, network: false });
        };
        // Envoy refuses a listener with no address (only an internal listener goes without one).
        if (l.address === undefined && l.internal_listener === undefined && l.api_listener === undefined) r.refuse(lat, "a listener with no address: Envoy refuses the bootstrap");
        else addressOf(l.address, `${lat}.address`);
        r.list(l.additional_addresses, `${lat}.additional_addresses`).forEach((x: any, k: number) =>
            addressOf(r.read(x, `${lat}.additional_addresses[${k}]`, "additionalAddress").address, `${lat}.additional_addresses[${k}].address`),
        );
        const binds = !FALSE_VALUE(l.bind_to_port);
        const exposed = binds && addresses.some((a) => a.network && !isLoopback(a.address));
        const first = addresses[0] ?? { address: "", port: 0 };
        const model: ListenerModel = { name: typeof l.name === "string" ? l.name : `(listener ${i})`, address: first.address, port: first.port, addresses, exposed, hcms: [], tcpProxyClusters: [] };
        listeners.push(model);
        // A listener only the pod itself reaches is no way in: its contents do not matter.
        if (!exposed) return;
        let proxyProtocol = false;
        r.list(l.listener_filters, `${lat}.listener_filters`).forEach((f: any, k: number) => {
            const fat = `${lat}.listener_filters[${k}]`;
            const lf = r.read(f, fat, "listenerFilter");
            const t = r.typed(lf.typed_config, `${fat}.typed_config`);
            if (t.role !== "listener-neutral") r.refuse(fat, `a listener filter the model does not know (${t.type ?? "no typed_config"})`);
            if (t.type === ENVOY_TYPES.proxyProtocol) proxyProtocol = true;
        });
        const chains: [any, string][] = r.list(l.filter_chains, `${lat}.filter_chains`).map((c: any, k: number) => [c, `${lat}.filter_chains[${k}]`]);
        if (l.default_filter_chain !== undefined) chains.push([l.default_filter_chain, `${lat}.default_filter_chain`]);
        for (const [rawChain, cat] of chains) {
            const chain = r.read(rawChain, cat, "filterChain");
            if (chain.transport_socket !== undefined) {
                const ts = r.typed(chain.transport_socket?.typed_config, `${cat}.transport_socket.typed_config`);
                if (ts.role !== "downstream-tls" && ts.role !== "raw-buffer") r.refuse(`${cat}.transport_socket`, `a transport socket the model does not know (${ts.type ?? "no typed_config"})`);
            }
            const filters = r.list(chain.filters, `${cat}.filters`);
            filters.forEach((f: any, k: number) => {
                const fat = `${cat}.filters[${k}]`;
                const nf = r.read(f, fat, "networkFilter");
                const t = r.typed(nf.typed_config, `${fat}.typed_config`);
                if (t.role === "hcm") {
                    if (k !== filters.length - 1) r.refuse(fat, "the HTTP connection manager is not the last network filter: Envoy refuses the chain");
                    const hcm = hcmModel(r, runtime, t.config, `${fat}.typed_config`);
                    if (proxyProtocol || TRUE_VALUE(chain.use_proxy_proto)) hcm.clientAddress.proxyProtocol = true;
                    model.hcms.push(hcm);
                } else if (t.role === "tcp_proxy") {
                    model.tcpProxyClusters.push(typeof t.config.cluster === "string" ? t.config.cluster : "(weighted clusters)");
                } else if (t.role !== "network-neutral") {
                    r.refuse(fat, `a network filter the model does not know (${t.type ?? "no typed_config"}): it may answer or forward connections without HTTP inspection`);
                }
            });
        }
    });
    return { admin: adminAddress, listeners, cluster, unverifiable: r.unverifiable.map((u) => ({ ...u, at: at(u.at) })) };
}

function socketAddressOf(r: Reader, raw: any, at: string): Endpoint | undefined {
    const a = r.read(raw, at, "address");
    if (a.socket_address === undefined) return undefined;
    const sa = r.read(a.socket_address, `${at}.socket_address`, "socketAddress");
    const protocol = r.enumName(sa.protocol, `${at}.socket_address.protocol`, ENUMS.protocol);
    if (protocol !== undefined && protocol !== "TCP") r.refuse(`${at}.socket_address.protocol`, `${sa.protocol}: only TCP listeners and endpoints are modeled`);
    return { address: String(sa.address ?? ""), port: Number(sa.port_value ?? 0) };
}

/** The circuit breaker limits every first attempt counts against (not max_retries). */
const CALL_LIMITS = ["max_connections", "max_pending_requests", "max_requests", "max_connection_pools"];

/**
 * A runtime value as the integer Envoy reads from it: every value is parsed as text, `true` and
 * `false` (any case) are no integer, and a number of 0 or more is floored (`0.5` is 0).
 */
function runtimeInteger(v: unknown): number | undefined {
    if (typeof v === "boolean" || v === null || v === undefined || (typeof v === "object" && !("value" in v))) return undefined;
    const text = String(typeof v === "object" ? (v as { value: unknown }).value : v).trim();
    if (text === "" || /^(true|false)$/i.test(text)) return undefined;
    const n = Number(text);
    return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

/**
 * A cluster's settings that can fail every call before it reaches a host: a circuit breaker limit
 * of 0 at the priority the inspection calls use (DEFAULT; the first thresholds of that priority,
 * as Envoy takes them), per host, or through the runtime (`circuit_breakers.<cluster>.default.
 * <limit>`), a source address of its own, subset load balancing, no panic mode, endpoints marked
 * other than healthy.
 */
function callFailures(r: Reader, runtime: Runtime, c: Record<string, any>, name: string, at: string, statuses: (string | undefined)[]): string[] {
    const out: string[] = [];
    if (c.upstream_bind_config !== undefined) out.push("binds its connections to a source address of its own (upstream_bind_config)");
    const cb = r.read(c.circuit_breakers, `${at}.circuit_breakers`, "circuitBreakers");
    const zero = (v: any) => v !== undefined && v !== null && Number(v?.value ?? v) === 0;
    const thresholds = (field: string) =>
        r.list(cb[field], `${at}.circuit_breakers.${field}`).map((raw: any, i: number) => {
            const tat = `${at}.circuit_breakers.${field}[${i}]`;
            const t = r.read(raw, tat, "thresholds");
            return { t, i, priority: r.enumName(t.priority, `${tat}.priority`, ENUMS.routingPriority) ?? "DEFAULT" };
        });
    const first = thresholds("thresholds").find((x) => x.priority === "DEFAULT");
    if (first && CALL_LIMITS.some((k) => zero(first.t[k]))) out.push(`has a circuit breaker limit of 0 (thresholds[${first.i}]), over which every call overflows`);
    // Per host, Envoy takes max_connections only (and refuses the cluster with any other limit).
    for (const x of thresholds("per_host_thresholds").filter((x) => x.priority === "DEFAULT")) {
        if (zero(x.t.max_connections)) out.push(`has a per-host connection limit of 0 (per_host_thresholds[${x.i}]), over which every call overflows`);
        if (CALL_LIMITS.some((k) => k !== "max_connections" && x.t[k] !== undefined))
            out.push(`sets per-host limits other than max_connections (per_host_thresholds[${x.i}]), for which Envoy refuses the cluster`);
    }
    const opaque = new Set<string>();
    for (const k of CALL_LIMITS) {
        const key = `circuit_breakers.${name}.default.${k}`;
        const v = runtime.lookup(key);
        if (v.opaque) opaque.add(v.opaque);
        else if (runtimeInteger(v.value) === 0) out.push(`has a circuit breaker limit of 0 through the runtime (${key}: ${JSON.stringify(v.value)}), over which every call overflows`);
    }
    for (const layer of opaque) out.push(`may have its circuit breaker limits set to 0 by the ${layer} (runtime keys circuit_breakers.${name}.default.*)`);
    if (c.lb_subset_config !== undefined) out.push("load-balances over subsets (lb_subset_config), which calls without matching metadata may find empty");
    // Below the threshold Envoy balances over every host (panic mode); at 0 it never does, and picks no host once all fail their health checks.
    const panic = r.read(c.common_lb_config, `${at}.common_lb_config`, "commonLbConfig").healthy_panic_threshold;
    // A Percent: {value: 0}, or {} (its value left at 0).
    if (panic !== undefined && panic !== null && Number(typeof panic === "object" ? (panic.value ?? 0) : panic) === 0)
        out.push("turns panic mode off (healthy_panic_threshold 0): once every host fails its health check, no host is picked");
    if (statuses.some((s) => s !== undefined && s !== "HEALTHY" && s !== "UNKNOWN")) out.push("marks endpoints of its own unhealthy (health_status), which its load balancer may then skip");
    return out;
}

function clusterModel(r: Reader, runtime: Runtime, raw: any, at: string): ClusterModel {
    const c = r.read(raw, at, "cluster");
    const statuses: (string | undefined)[] = [];
    const type = r.enumName(c.type, `${at}.type`, ENUMS.discoveryType) ?? "STATIC";
    if (!["STATIC", "STRICT_DNS", "LOGICAL_DNS"].includes(type)) r.refuse(`${at}.type`, `${type}: its hosts are not in the bootstrap`);
    const endpoints: Endpoint[] = [];
    const la = r.read(c.load_assignment, `${at}.load_assignment`, "loadAssignment");
    r.list(la.endpoints, `${at}.load_assignment.endpoints`).forEach((loc: any, i: number) => {
        const lat = `${at}.load_assignment.endpoints[${i}]`;
        const l = r.read(loc, lat, "localityEndpoints");
        r.list(l.lb_endpoints, `${lat}.lb_endpoints`).forEach((lb: any, k: number) => {
            const eat = `${lat}.lb_endpoints[${k}]`;
            const lbe = r.read(lb, eat, "lbEndpoint");
            statuses.push(r.enumName(lbe.health_status, `${eat}.health_status`, ENUMS.healthStatus));
            const e = r.read(lbe.endpoint, `${eat}.endpoint`, "endpoint");
            const push = (a: any, aat: string) => {
                const ad = r.read(a, aat, "address");
                if (ad.socket_address !== undefined) {
                    const sa = socketAddressOf(r, a, aat);
                    if (sa) endpoints.push(sa);
                } else if (ad.pipe !== undefined || ad.envoy_internal_address !== undefined) r.refuse(aat, "an endpoint that is not a TCP address");
            };
            push(e.address, `${eat}.endpoint.address`);
            r.list(e.additional_addresses, `${eat}.endpoint.additional_addresses`).forEach((x: any, j: number) => push(x?.address, `${eat}.endpoint.additional_addresses[${j}].address`));
        });
    });
    let http2 = c.http2_protocol_options !== undefined;
    for (const [key, options] of Object.entries<any>(c.typed_extension_protocol_options ?? {})) {
        // Envoy finds the factory by the key and unwraps a TypedStruct: read it the same way.
        const oat = `${at}.typed_extension_protocol_options["${key}"]`;
        const t = r.typed(options, oat);
        if (key !== ENVOY_TYPES.httpProtocolOptions && t.type !== ENVOY_TYPES.httpProtocolOptions) {
            r.refuse(oat, `protocol options the model does not know (${t.type ?? key})`);
            continue;
        }
        const o = r.read(t.config, oat, "httpProtocolOptions");
        const explicit = o.explicit_http_config ?? o.explicitHttpConfig;
        if (explicit?.http2_protocol_options !== undefined || explicit?.http2ProtocolOptions !== undefined) http2 = true;
    }
    let tls = false;
    if (c.transport_socket !== undefined) {
        const ts = new Reader().typed(c.transport_socket?.typed_config, `${at}.transport_socket.typed_config`);
        if (ts.role === "upstream-tls") tls = true;
        else if (ts.role !== "raw-buffer") r.refuse(`${at}.transport_socket`, `a transport socket the model does not know (${ts.type ?? "no typed_config"})`);
    }
    const mayFailEveryCall = callFailures(r, runtime, c, String(c.name), at, statuses);
    return { name: String(c.name), type, endpoints, http2, tls, healthChecked: Array.isArray(c.health_checks) && c.health_checks.length > 0, unverifiable: [], mayFailEveryCall };
}

function chainModel(r: Reader, runtime: Runtime, raw: any, at: string, label: string, healthChecks: HcmModel["healthChecks"]): ChainModel {
    const filters = r.list(raw, at);
    const inspection: InspectionFilter[] = [];
    const afterRouter: string[] = [];
    let routerSeen = false;
    /** Headers proven written with the trusted client address so far: header -> writing filter. */
    const written = new Map<string, string>();
    const peer = new Set<string>();
    filters.forEach((f: any, i: number) => {
        const fat = `${at}[${i}]`;
        const hf = r.read(f, fat, "httpFilter");
        const name = String(hf.name ?? "");
        if (hf.typed_config === undefined) {
            r.refuse(fat, `HTTP filter ${name || i} has no typed_config the model can read`);
            return;
        }
        const t = r.typed(hf.typed_config, `${fat}.typed_config`);
        const off = TRUE_VALUE(hf.disabled);
        const cat = `${fat}.typed_config`;
        switch (t.role) {
            case "ext_authz":
            case "ext_proc": {
                const ins = t.role === "ext_authz" ? extAuthzFilter(r, runtime, t.config, cat, name) : extProcFilter(r, t.config, cat, name);
                ins.offByDefault = off;
                ins.clientHeaders = new Map(written);
                ins.peerHeaders = new Set(peer);
                if (routerSeen) afterRouter.push(name);
                else inspection.push(ins);
                return;
            }
            case "router":
                r.read(t.config, cat, "router");
                routerSeen = true;
                return;
            case "health_check": {
                const hc = r.read(t.config, cat, "healthCheckFilter");
                if (FALSE_VALUE(hc.pass_through_mode) && !routerSeen && !off) {
                    const min: Record<string, number> = {};
                    for (const [cluster, pct] of Object.entries<any>(hc.cluster_min_healthy_percentages ?? {})) min[cluster] = Number(pct?.value ?? pct ?? 0);
                    healthChecks.push({ paths: headerPaths(hc.headers), clusterMinHealthy: min });
                }
                return;
            }
            case "http-neutral":
                if (t.type === ENVOY_TYPES.headerMutation && !routerSeen) headerWrites(r, t.config, cat, name, off, written, peer);
                return;
            default:
                if (!routerSeen) r.refuse(fat, `an HTTP filter the model does not know (${t.type ?? "no @type"}): it may answer requests or send them elsewhere by itself`);
        }
    });
    return { label, inspection, afterRouter };
}

/**
 * What a header_mutation filter does to the request headers the agent may read: a header set to
 * the trusted client address, over any value a client sent, is proven written; any other change
 * to a header (another value, an append, a removal, or the filter off by default) unproves it.
 */
function headerWrites(r: Reader, raw: any, at: string, name: string, off: boolean, written: Map<string, string>, peer: Set<string>): void {
    const c = r.read(raw, at, "headerMutationFilter");
    const m = r.read(c.mutations, `${at}.mutations`, "headerMutations");
    r.list(m.request_mutations, `${at}.mutations.request_mutations`).forEach((x: any, i: number) => {
        const mat = `${at}.mutations.request_mutations[${i}]`;
        const rule = r.read(x, mat, "headerMutationRule");
        if (typeof rule.remove === "string") {
            written.delete(rule.remove.toLowerCase());
            peer.delete(rule.remove.toLowerCase());
            return;
        }
        const option = r.read(rule.append, `${mat}.append`, "headerValueOption");
        const header = r.read(option.header, `${mat}.append.header`, "headerValue");
        if (typeof header.key !== "string") return;
        const key = header.key.toLowerCase();
        const overwrites = r.enumName(option.append_action, `${mat}.append.append_action`, ENUMS.appendAction) === "OVERWRITE_IF_EXISTS_OR_ADD" && option.append === undefined;
        const trusted = header.value === TRUSTED_CLIENT_ADDRESS || header.value === PEER_ADDRESS;
        if (!off && overwrites && trusted && header.raw_value === undefined) written.set(key, name);
        else written.delete(key);
        if (!off && overwrites && header.value === PEER_ADDRESS && header.raw_value === undefined) peer.add(key);
        else peer.delete(key);
    });
}

function extAuthzFilter(r: Reader, runtime: Runtime, raw: any, at: string, name: string): InspectionFilter {
    const c = r.read(raw, at, "extAuthz");
    let partial: string | undefined;
    const api = r.enumName(c.transport_api_version, `${at}.transport_api_version`, ENUMS.apiVersion);
    if (api !== undefined && api !== "V3") r.refuse(`${at}.transport_api_version`, `${c.transport_api_version}: Envoy speaks only the V3 ext_authz API and refuses the filter`);
    if (c.http_service !== undefined) partial = "it calls an HTTP service, not the agent's gRPC listener";
    const cluster = c.grpc_service !== undefined ? grpcCluster(r, c.grpc_service, `${at}.grpc_service`) : undefined;
    if (c.filter_enabled !== undefined) {
        const fe = r.read(c.filter_enabled, `${at}.filter_enabled`, "runtimeFraction");
        let pct = fe.default_value === undefined ? 100 : fractionPercent(r, fe.default_value, `${at}.filter_enabled.default_value`);
        if (typeof fe.runtime_key === "string") {
            const v = runtime.lookup(fe.runtime_key);
            if (v.opaque) r.refuse(`${at}.filter_enabled.runtime_key`, `runtime key ${fe.runtime_key} may be set by the ${v.opaque}, which the objects do not show`);
            else if (v.value !== undefined)
                pct =
                    typeof v.value === "number"
                        ? fractionPercent(r, { numerator: v.value, denominator: fe.default_value?.denominator }, `${at}.filter_enabled.default_value`)
                        : fractionPercent(r, v.value, `runtime key ${fe.runtime_key}`);
        }
        let deny = false;
        if (c.deny_at_disable !== undefined) {
            const d = r.read(c.deny_at_disable, `${at}.deny_at_disable`, "runtimeFlag");
            deny = TRUE_VALUE(d.default_value);
            if (typeof d.runtime_key === "string") {
                const v = runtime.lookup(d.runtime_key);
                if (v.opaque) r.refuse(`${at}.deny_at_disable.runtime_key`, `runtime key ${d.runtime_key} may be set by the ${v.opaque}, which the objects do not show`);
                else if (v.value !== undefined) deny = v.value === true;
            }
        }
        if (pct < 100 && !deny) partial ??= `filter_enabled lets only ${pct}% of requests through it${typeof fe.runtime_key === "string" ? ` (runtime key ${fe.runtime_key})` : ""}`;
    }
    const blindSpots = [
        ...(c.with_request_body === undefined ? ["no with_request_body: the agent never sees a request's body"] : []),
        ...(c.allowed_headers !== undefined ? ["allowed_headers: the agent sees only the request headers it names"] : []),
        ...(c.disallowed_headers !== undefined ? ["disallowed_headers: the agent never sees the request headers it names"] : []),
    ];
    return { name, integration: "ext_authz", cluster, failOpen: TRUE_VALUE(c.failure_mode_allow), partial, offByDefault: false, clientHeaders: new Map(), peerHeaders: new Set(), blindSpots };
}

function extProcFilter(r: Reader, raw: any, at: string, name: string): InspectionFilter {
    const c = r.read(raw, at, "extProc");
    const mode = r.read(c.processing_mode, `${at}.processing_mode`, "processingMode");
    const partial = TRUE_VALUE(c.observability_mode)
        ? "observability_mode: the agent only observes, and its verdicts are never applied"
        : TRUE_VALUE(c.disable_immediate_response)
          ? "disable_immediate_response: the agent cannot block a request"
          : r.enumName(mode.request_header_mode, `${at}.processing_mode.request_header_mode`, ENUMS.headerSendMode) === "SKIP"
            ? "processing_mode skips the request headers"
            : undefined;
    const cluster = c.grpc_service !== undefined ? grpcCluster(r, c.grpc_service, `${at}.grpc_service`) : undefined;
    const bodyMode = r.enumName(mode.request_body_mode, `${at}.processing_mode.request_body_mode`, ENUMS.bodySendMode) ?? "NONE";
    const blindSpots = [
        ...(bodyMode === "NONE" ? ["processing_mode.request_body_mode NONE: the agent never sees a request's body"] : []),
        ...(c.forward_rules !== undefined ? ["forward_rules: the agent sees only the request headers they let through"] : []),
    ];
    return { name, integration: "ext_proc", cluster, failOpen: TRUE_VALUE(c.failure_mode_allow), partial, offByDefault: false, clientHeaders: new Map(), peerHeaders: new Set(), blindSpots };
}

/** The name Envoy registers an inspection filter's extension under. */
const extensionName = (f: InspectionFilter) => (f.integration === "ext_authz" ? ENVOY_EXTENSIONS.extAuthz : ENVOY_EXTENSIONS.extProc);

/**
 * What a per-filter config (at any level) does to the inspection filter `filter`. `byExtension`:
 * the config is keyed by the filter's extension name, not its own: Envoy falls back to it for the
 * filter's own per-route config, but a FilterConfig's `disabled` counts only under the filter's own name.
 */
function perRouteEffect(r: Reader, raw: any, at: string, filter: InspectionFilter, byExtension = false): PerRouteEffect {
    // Under the extension's name a config never turns on a filter that is off in the chain
    // (FilterChainUtility asks filterDisabled by the filter's own name only).
    if (byExtension) {
        const wrapper = r.typed(raw, at);
        if (wrapper.role === "filter-config") {
            // A FilterConfig's `disabled` too counts only under the filter's own name; its config falls back.
            const fc = r.read(wrapper.config, at, "filterConfig");
            return fc.config !== undefined ? perRouteEffect(r, fc.config, `${at}.config`, filter, true) : {};
        }
        const { enabled: _, ...effect } = perRouteEffect(r, raw, at, filter);
        return effect;
    }
    const t = r.typed(raw, at);
    switch (t.role) {
        case "filter-config": {
            const fc = r.read(t.config, at, "filterConfig");
            if (TRUE_VALUE(fc.disabled)) return { disabled: true };
            return fc.config !== undefined ? { ...perRouteEffect(r, fc.config, `${at}.config`, filter), enabled: true } : { enabled: true };
        }
        case "ext_authz-per-route": {
            if (filter.integration !== "ext_authz") break;
            const c = r.read(t.config, at, "extAuthzPerRoute");
            if (TRUE_VALUE(c.disabled)) return { disabled: true };
            r.read(c.check_settings, `${at}.check_settings`, "checkSettings");
            return { enabled: true };
        }
        case "ext_proc-per-route": {
            if (filter.integration !== "ext_proc") break;
            const c = r.read(t.config, at, "extProcPerRoute");
            if (TRUE_VALUE(c.disabled)) return { disabled: true };
            const o = r.read(c.overrides, `${at}.overrides`, "extProcOverrides");
            const mode = r.read(o.processing_mode, `${at}.overrides.processing_mode`, "processingMode");
            const effect: PerRouteEffect = { enabled: true };
            if (o.processing_mode !== undefined) effect.skipsHeaders = r.enumName(mode.request_header_mode, `${at}.overrides.processing_mode.request_header_mode`, ENUMS.headerSendMode) === "SKIP";
            if (o.async_mode !== undefined) effect.asyncMode = TRUE_VALUE(o.async_mode);
            if (o.failure_mode_allow !== undefined) effect.failOpen = TRUE_VALUE(o.failure_mode_allow);
            return withExtProcPartial(effect);
        }
    }
    r.refuse(at, `a per-route config for ${filter.name} the model does not know (${t.type ?? "no @type"})`);
    return {};
}

/** What an ext_proc per-route effect leaves of inspection, from its processing mode and async mode. */
function withExtProcPartial(e: PerRouteEffect): PerRouteEffect {
    const { partial: _, ...rest } = e;
    if (e.asyncMode) return { ...rest, partial: "a per-route async_mode: the agent's verdicts are not awaited" };
    if (e.skipsHeaders) return { ...rest, partial: "a per-route processing_mode skips the request headers" };
    return rest;
}

/**
 * ext_proc's per-route configs merged level by level, least specific first, as Envoy merges them
 * (ext_proc's FilterConfigPerRoute(less_specific, more_specific)): `disabled` is the most
 * specific's, a processing mode, async mode or fail mode the most specific level that gives one.
 */
function mergedExtProcEffect(effects: PerRouteEffect[]): PerRouteEffect {
    const merged: PerRouteEffect = { ...effects[effects.length - 1] };
    for (const key of ["skipsHeaders", "asyncMode", "failOpen"] as const) {
        const given = effects.filter((e) => e[key] !== undefined);
        if (given.length > 0) merged[key] = given[given.length - 1][key];
    }
    return merged.disabled ? merged : withExtProcPartial(merged);
}

function hcmModel(r: Reader, runtime: Runtime, raw: any, at: string): HcmModel {
    const c = r.read(raw, at, "hcm");
    const healthChecks: HcmModel["healthChecks"] = [];
    const chains = [chainModel(r, runtime, c.http_filters, `${at}.http_filters`, "", healthChecks)];
    r.list(c.upgrade_configs, `${at}.upgrade_configs`).forEach((u: any, i: number) => {
        const uc = r.read(u, `${at}.upgrade_configs[${i}]`, "upgradeConfig");
        if (String(uc.upgrade_type ?? "").toLowerCase() === "connect" && !FALSE_VALUE(uc.enabled))
            r.refuse(
                `${at}.upgrade_configs[${i}]`,
                "CONNECT tunnels: after the CONNECT request the inspection filters see, the tunnel's bytes (any request inside it) pass with no HTTP filter inspecting them",
            );
        if (uc.filters === undefined) return; // without its own filters, an upgrade runs the default chain
        // Kept also when off by default: a route may turn it on, and its requests then run these filters.
        const chain = chainModel(r, runtime, uc.filters, `${at}.upgrade_configs[${i}].filters`, `upgrade ${uc.upgrade_type ?? "(unnamed)"}`, []);
        chains.push({ ...chain, upgrade: { type: String(uc.upgrade_type ?? "").toLowerCase(), onByDefault: !FALSE_VALUE(uc.enabled) } });
    });
    const inspection = chains.flatMap((ch) => ch.inspection);
    const accessLogClusters: string[] = [];
    r.list(c.access_log, `${at}.access_log`).forEach((log: any, i: number) => {
        const lat = `${at}.access_log[${i}]`;
        const al = r.read(log, lat, "accessLog");
        const t = r.typed(al.typed_config, `${lat}.typed_config`);
        if (t.role === "grpc-access-log") {
            const h = r.read(t.config, `${lat}.typed_config`, "httpGrpcAccessLog");
            const common = r.read(h.common_config, `${lat}.typed_config.common_config`, "commonGrpcAccessLog");
            const cluster = grpcCluster(r, common.grpc_service, `${lat}.typed_config.common_config.grpc_service`);
            if (cluster) accessLogClusters.push(cluster);
        } else if (t.role !== "access-log-neutral") r.refuse(lat, `an access logger the model does not know (${t.type ?? "no typed_config"})`);
    });

    const routes: RouteModel[] = [];
    const rat = `${at}.route_config`;
    const rc = r.read(c.route_config, rat, "routeConfiguration");
    /** Filters a route configures: a header writer configured per route may write something else there. */
    const configuredPerRoute = new Set<string>();
    /** Per-filter configs for inspection filters only: others cannot turn inspection off. */
    const perFilter = (raw: any, pat: string): Map<string, { raw: any; at: string }> => {
        const m = new Map<string, { raw: any; at: string }>();
        for (const [name, cfg] of Object.entries<any>(raw ?? {})) {
            configuredPerRoute.add(name);
            if (inspection.some((f) => f.name === name || extensionName(f) === name)) m.set(name, { raw: cfg, at: `${pat}["${name}"]` });
        }
        return m;
    };
    const effects = (...levels: Map<string, { raw: any; at: string }>[]) => {
        const out = new Map<string, PerRouteEffect>();
        for (const f of inspection) {
            // The most specific level wins: weighted cluster, route, virtual host, route table. With
            // none under the filter's own name at any level, Envoy takes one under its extension's
            // name (ActiveStreamFilterBase::mostSpecificPerFilterConfig: "Fallback to use filter name").
            const mostSpecific = (name: string) =>
                [...levels]
                    .reverse()
                    .find((l) => l.has(name))
                    ?.get(name);
            const own = mostSpecific(f.name);
            const key = own !== undefined ? f.name : extensionName(f) !== f.name ? extensionName(f) : undefined;
            const cfg = own ?? (key !== undefined ? mostSpecific(key) : undefined);
            if (cfg === undefined || key === undefined) continue;
            const byExtension = own === undefined;
            if (f.integration === "ext_proc") {
                // ext_proc merges every level's config (traversePerFilterConfig), not only the most specific.
                const all = levels.filter((l) => l.has(key)).map((l) => l.get(key)!);
                out.set(f.name, mergedExtProcEffect(all.map((c) => perRouteEffect(r, c.raw, c.at, f, byExtension))));
            } else out.set(f.name, perRouteEffect(r, cfg.raw, cfg.at, f, byExtension));
        }
        return out;
    };
    const mirrorsOf = (raw: any, mat: string) =>
        r.list(raw, mat).flatMap((m: any, i: number) => {
            const mp = r.read(m, `${mat}[${i}]`, "mirrorPolicy");
            return typeof mp.cluster === "string" ? [mp.cluster] : [];
        });
    const tableLevel = perFilter(rc.typed_per_filter_config, `${rat}.typed_per_filter_config`);
    const tableMirrors = mirrorsOf(rc.request_mirror_policies, `${rat}.request_mirror_policies`);
    r.list(rc.virtual_hosts, `${rat}.virtual_hosts`).forEach((rawVh: any, v: number) => {
        const vat = `${rat}.virtual_hosts[${v}]`;
        const vh = r.read(rawVh, vat, "virtualHost");
        const vhLevel = perFilter(vh.typed_per_filter_config, `${vat}.typed_per_filter_config`);
        const vhMirrors = mirrorsOf(vh.request_mirror_policies, `${vat}.request_mirror_policies`);
        r.list(vh.routes, `${vat}.routes`).forEach((rawRoute: any, k: number) => {
            const ratk = `${vat}.routes[${k}]`;
            const route = r.read(rawRoute, ratk, "route");
            const routeLevel = perFilter(route.typed_per_filter_config, `${ratk}.typed_per_filter_config`);
            const model: RouteModel = {
                ref: `${matchText(route.match)} (virtual host ${vh.name})`,
                match: route.match,
                targets: [],
                mirrors: [...tableMirrors, ...vhMirrors],
                rewrites: false,
                upgrades: new Map(),
            };
            routes.push(model);
            if (route.route === undefined) {
                if (route.redirect === undefined && route.direct_response === undefined && route.non_forwarding_action === undefined) r.refuse(ratk, "a route without an action the model knows");
                return;
            }
            if (route.match?.connect_matcher !== undefined || route.match?.connectMatcher !== undefined)
                r.refuse(`${ratk}.match.connect_matcher`, "a route for CONNECT requests: the tunnel's bytes after them pass with no HTTP filter inspecting them");
            const a = r.read(route.route, `${ratk}.route`, "routeAction");
            r.list(a.upgrade_configs, `${ratk}.route.upgrade_configs`).forEach((u: any, i: number) => {
                const ru = r.read(u, `${ratk}.route.upgrade_configs[${i}]`, "routeUpgradeConfig");
                if (typeof ru.upgrade_type === "string") model.upgrades.set(ru.upgrade_type.toLowerCase(), !FALSE_VALUE(ru.enabled));
            });
            model.rewrites = a.prefix_rewrite !== undefined || a.regex_rewrite !== undefined || a.path_rewrite_policy !== undefined;
            model.mirrors.push(...mirrorsOf(a.request_mirror_policies, `${ratk}.route.request_mirror_policies`));
            if (typeof a.cluster === "string") model.targets.push({ cluster: a.cluster, effects: effects(tableLevel, vhLevel, routeLevel) });
            else if (a.weighted_clusters !== undefined) {
                const wat = `${ratk}.route.weighted_clusters`;
                const wc = r.read(a.weighted_clusters, wat, "weightedCluster");
                r.list(wc.clusters, `${wat}.clusters`).forEach((cw: any, j: number) => {
                    const cwat = `${wat}.clusters[${j}]`;
                    const w = r.read(cw, cwat, "clusterWeight");
                    if (typeof w.name === "string")
                        model.targets.push({ cluster: w.name, effects: effects(tableLevel, vhLevel, routeLevel, perFilter(w.typed_per_filter_config, `${cwat}.typed_per_filter_config`)) });
                });
            }
        });
    });
    for (const f of inspection) {
        for (const [header, writer] of [...f.clientHeaders]) {
            if (configuredPerRoute.has(writer)) {
                f.clientHeaders.delete(header);
                f.peerHeaders.delete(header);
            }
        }
    }
    const clientAddress: ClientAddressModel = {
        useRemoteAddress: TRUE_VALUE(c.use_remote_address),
        xffTrustedHops: Number(c.xff_num_trusted_hops ?? 0),
        detection: r.list(c.original_ip_detection_extensions, `${at}.original_ip_detection_extensions`).length > 0,
    };
    return { statPrefix: String(c.stat_prefix ?? ""), clientAddress, chains, accessLogClusters, routes, healthChecks };
}
