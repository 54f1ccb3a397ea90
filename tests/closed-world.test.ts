// The traffic model is closed: each planted fault below is a configuration Envoy or the API
// server would accept (each Envoy config is checked against Envoy's protos, each object against
// the Kubernetes schema, unless the fault says why not), and each must end in an error with its
// code - proven not inspected, or cannot verify - never in "no findings". Beside them, correct
// hand-written variants of the package's own objects must stay at zero findings.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp } from "../sdk";
import { ACKNOWLEDGED_FINDINGS_ANNOTATION } from "../sdk/kube/plan";
import { kubernetesObjects, runProgram, valueOf } from "./support/pulumi-mocks";
import { analyzeTraffic, CANNOT_VERIFY, Finding, verdictOf } from "../sdk/traffic";
import { MESSAGES } from "../sdk/traffic/envoy-grammar";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { trafficVerdict } from "../tools/render";
import { Spec } from "../tools/scenarios";
import { envoyConfigProblems, parseConfigText } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { objectsOf } from "./support/objects";
import { clusterOf, container, copy, editEnvoyConfig, find, hcmOf, listener } from "./support/traffic-fixtures";
import * as fs from "fs";
import { dump } from "js-yaml";
import * as protobuf from "protobufjs";
import { ENVOY_PROTOS_FILE } from "../tools/schemas/envoy";

const BASES: Record<string, Spec> = {
    /** Fastly's guide: a sidecar agent, ext_authz with response data. */
    sidecar: [{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }],
    /** A sidecar agent with ext_proc. */
    extproc: [{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ inspection: { integration: "ext_proc" } }) }],
    /** A shared agent fleet in `waf`, and the app `shop`. */
    shared: [
        { component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, namespace: "waf", clientNamespaces: ["shop"], replicas: 2 } },
        { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: { image: "registry.example.com/shop:1.0" } }, linkTo: "agents" },
    ],
};
const baseObjects = Object.fromEntries(Object.entries(BASES).map(([k, spec]) => [k, objectsOf(spec)]));

const EXT_AUTHZ = "envoy.filters.http.ext_authz";
const EXT_PROC = "envoy.filters.http.ext_proc";
const AUTHZ_OFF = { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute", disabled: true };
const front = (c: any) => hcmOf(c, "front");
const frontRoute = (c: any) => front(c).route_config.virtual_hosts[0].routes[0];
const agentOf = (o: any[]) => container(find(o, "Deployment", "helloworld"), "sigsci-agent");
const envoyOf = (o: any[]) => container(find(o, "Deployment", "helloworld"), "envoy");
const setEnv = (c: any, name: string, value: string | undefined) => {
    c.env = c.env.filter((e: any) => e.name !== name);
    if (value !== undefined) c.env.push({ name, value });
};
const filterNamed = (c: any, name: string) => front(c).http_filters.find((f: any) => f.name === name);
/** The front listener without its ext_authz filter: nothing inspects its requests. */
const withoutExtAuthz = (c: any) => (front(c).http_filters = front(c).http_filters.filter((f: any) => f.name !== EXT_AUTHZ));
const typedStruct = (type: string, value: object) => ({ "@type": "type.googleapis.com/xds.type.v3.TypedStruct", type_url: `type.googleapis.com/${type}`, value });
/** ext_authz switched by a runtime key, under the runtime `layers`. */
const runtimeSwitched = (layers: object[]) => (o: any[]) =>
    editEnvoyConfig(o, undefined, (c) => {
        filterNamed(c, EXT_AUTHZ).typed_config.filter_enabled = { default_value: { numerator: 100 }, runtime_key: "waf.enabled" };
        c.layered_runtime = { layers };
    });
/** A loopback-only copy of the front listener, forwarding uninspected to the app. */
const uninspectedListener = (c: any, address: string) => {
    const l = copy(listener(c, "front"));
    l.name = "side";
    l.address.socket_address = { address, port_value: 8001 };
    const hcm = l.filter_chains[0].filters[0].typed_config;
    hcm.http_filters = hcm.http_filters.filter((f: any) => f.name === "envoy.filters.http.router");
    hcm.access_log = [];
    return l;
};

/**
 * The sidecar's bootstrap as YAML (envoy.yaml, Envoy started with it), edited as JSON and then
 * rewritten as text by `rewrite`: for scalars only Envoy's YAML reader (yaml-cpp) takes as meant.
 */
const asYaml = (o: any[], edit: (c: any) => void, rewrite: (text: string) => string) => {
    const cm = find(o, "ConfigMap", "helloworld-envoy-config");
    const config = JSON.parse(cm.data["envoy.json"]);
    edit(config);
    const before = dump(config);
    const text = rewrite(before);
    assert.notStrictEqual(text, before, "the rewrite changed nothing");
    cm.data = { "envoy.yaml": text };
    const args = envoyOf(o).args;
    args[args.indexOf("/etc/envoy/envoy.json")] = "/etc/envoy/envoy.yaml";
};
/** A copy of the app's Envoy config ConfigMap, named `name`, whose bootstrap has no ext_authz. */
const uninspectedConfigMap = (o: any[], name: string) => {
    const cm = copy(find(o, "ConfigMap", "helloworld-envoy-config"));
    cm.metadata.name = name;
    const c = JSON.parse(cm.data["envoy.json"]);
    withoutExtAuthz(c);
    cm.data["envoy.json"] = JSON.stringify(c);
    return cm;
};
const routerOf = (c: any) => front(c).http_filters.find((f: any) => f.name === "envoy.filters.http.router");
/** Envoy's app cluster dialling `address`:8080 by DNS: the app in pods of its own. */
const appClusterAt = (o: any[], address: string) =>
    editEnvoyConfig(o, undefined, (c) =>
        Object.assign(clusterOf(c, "app"), {
            type: "STRICT_DNS",
            load_assignment: { cluster_name: "app", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: 8080 } } } }] }] },
        }),
    );
/** The app in pods of its own: Envoy's app cluster dials backend.default:8080; `extra` (copied) are the objects behind that name. */
const remoteBackend = (o: any[], ...extra: any[]) => {
    appClusterAt(o, "backend.default.svc.cluster.local");
    o.push(...extra.map(copy));
};
const backendDeployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "backend", namespace: "default" },
    spec: {
        selector: { matchLabels: { app: "backend" } },
        template: { metadata: { labels: { app: "backend" } }, spec: { containers: [{ name: "app", image: "registry.example.com/backend:1.0", ports: [{ name: "http", containerPort: 8080 }] }] } },
    },
};
const backendService = { apiVersion: "v1", kind: "Service", metadata: { name: "backend", namespace: "default" }, spec: { selector: { app: "backend" }, ports: [{ port: 8080, targetPort: "http" }] } };
/** The shared base's agents' NetworkPolicy peer that admits Envoy's pods (in namespace shop). */
const agentPolicyPeer = (o: any[]) => o.find((x) => x.kind === "NetworkPolicy" && x.metadata.namespace === "waf").spec.ingress[0].from[0];
/** The backend's NetworkPolicy: Envoy's pods admitted to port 8080, and `rule` beside them. */
const backendPolicyAdmittingEnvoy = (o: any[], rule: object) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "backend", namespace: "default" },
    spec: {
        podSelector: { matchLabels: { app: "backend" } },
        ingress: [{ from: [{ podSelector: { matchLabels: find(o, "Deployment", "helloworld").spec.template.metadata.labels } }], ports: [{ port: 8080 }] }, rule],
    },
});
/** A ConfigMap `name` in `namespace` with `data`. */
const configMap = (name: string, data: Record<string, string>, namespace = "default") => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data });

interface Fault {
    name: string;
    base: keyof typeof BASES;
    plant: (o: any[]) => void;
    /** The error codes it must end in, exactly. */
    codes: Finding["code"][];
    /** Why the planted objects are not checked against the protos or the Kubernetes schema, when they are not. */
    unchecked?: string;
}

const FAULTS: Fault[] = [
    // ---- the pod's Envoy gone: its agent on loopback, that only Envoy called, idles
    {
        name: "the Envoy container removed from the app's pod",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => {
            const pod = find(o, "Deployment", "helloworld").spec.template.spec;
            pod.containers = pod.containers.filter((c: any) => c.name !== "envoy");
        },
    },
    // ---- ext_authz switched off in forms the model must read
    {
        name: "ext_authz off in the route table's typed_per_filter_config",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (front(c).route_config.typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF })),
    },
    {
        name: "ext_authz off for a virtual host",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (front(c).route_config.virtual_hosts[0].typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF })),
    },
    {
        name: "ext_authz off for one weighted cluster",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                frontRoute(c).route = {
                    weighted_clusters: {
                        clusters: [
                            { name: "app", weight: 99 },
                            { name: "app", weight: 1, typed_per_filter_config: { [EXT_AUTHZ]: AUTHZ_OFF } },
                        ],
                    },
                };
            }),
    },
    {
        name: "ext_authz off through a FilterConfig wrapper",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: { "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", disabled: true } })),
    },
    {
        name: "ext_authz off inside a FilterConfig's config",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: { "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", config: AUTHZ_OFF } })),
    },
    {
        name: "ext_authz off through a TypedStruct",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: typedStruct("envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute", { disabled: true }) }),
            ),
    },
    {
        name: "ext_authz switched by dynamic metadata (filter_enabled_metadata)",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_AUTHZ).typed_config.filter_enabled_metadata = { filter: "x", path: [{ key: "skip" }], value: { bool_match: true } })),
    },
    {
        name: "ext_authz filter_enabled at 0%",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_AUTHZ).typed_config.filter_enabled = { default_value: { numerator: 0 } })),
    },
    {
        name: "ext_authz filter_enabled set to 0 by a static runtime layer",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: runtimeSwitched([{ name: "static", static_layer: { waf: { enabled: 0 } } }]),
    },
    {
        name: "ext_authz filter_enabled under an RTDS runtime layer",
        base: "sidecar",
        codes: ["envoy-unverifiable", "agent-unverifiable"],
        plant: runtimeSwitched([{ name: "rtds", rtds_layer: { name: "waf", rtds_config: { ads: {} } } }]),
    },
    {
        name: "ext_authz filter_enabled under a disk runtime layer",
        base: "sidecar",
        codes: ["envoy-unverifiable", "agent-unverifiable"],
        plant: runtimeSwitched([{ name: "disk", disk_layer: { symlink_root: "/srv/runtime" } }]),
    },
    {
        name: "ext_authz disabled in the chain (HttpFilter.disabled)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_AUTHZ).disabled = true)),
    },
    {
        name: "ext_authz calling an HTTP service",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                const t = filterNamed(c, EXT_AUTHZ).typed_config;
                delete t.grpc_service;
                t.http_service = { server_uri: { uri: "http://127.0.0.1:9999", cluster: "sigsci-agent", timeout: "0.2s" } };
            }),
    },
    {
        name: "an ExtProcPerRoute on an ext_authz filter",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", disabled: true } }),
            ),
    },
    {
        name: "a websocket upgrade with its own filter list",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (front(c).upgrade_configs = [
                        {
                            upgrade_type: "websocket",
                            filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
                        },
                    ]),
            ),
    },
    {
        name: "scoped routes",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                const h = front(c);
                delete h.route_config;
                h.scoped_routes = {
                    name: "scopes",
                    scope_key_builder: { fragments: [{ header_value_extractor: { name: "x-scope", index: 0 } }] },
                    rds_config_source: { ads: {} },
                    scoped_rds: { scoped_rds_config_source: { ads: {} } },
                };
            }),
    },
    {
        name: "routes from RDS",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                const h = front(c);
                delete h.route_config;
                h.rds = { route_config_name: "front", config_source: { ads: {} } };
            }),
    },
    {
        name: "listeners from LDS (dynamic_resources)",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (c.dynamic_resources = {
                        lds_config: { ads: {} },
                        ads_config: { api_type: "GRPC", transport_api_version: "V3", grpc_services: [{ envoy_grpc: { cluster_name: "sigsci-agent" } }] },
                    }),
            ),
    },
    {
        name: "a Lua filter before ext_authz that answers by itself",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) =>
                front(c).http_filters.unshift({
                    name: "envoy.filters.http.lua",
                    typed_config: {
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
                        default_source_code: {
                            inline_string:
                                'function envoy_on_request(h) local hd, body = h:httpCall("app", {[":method"]="GET",[":path"]="/",[":authority"]="app"}, "", 1000) h:respond({[":status"]="200"}, body) end',
                        },
                    },
                }),
            ),
    },
    {
        name: "an HTTP filter of a type the model does not know",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => front(c).http_filters.unshift({ name: "custom", typed_config: typedStruct("example.com.CustomFilter", { forward_to: "app" }) })),
    },
    {
        name: "an HTTP filter from ECDS",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) =>
                front(c).http_filters.unshift({ name: "ecds", config_discovery: { config_source: { ads: {} }, type_urls: ["type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua"] } }),
            ),
    },
    {
        name: "a field the model does not know (a typo Envoy would refuse)",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        unchecked: "Envoy refuses the unknown field: the pod crash-loops, which is also a finding",
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_AUTHZ).typed_config.failure_mode_alow = false)),
    },
    // ---- ext_proc that can no longer block
    {
        name: "ext_proc skipping the request headers",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_PROC).typed_config.processing_mode = { request_header_mode: "SKIP" })),
    },
    {
        name: "ext_proc in observability_mode",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_PROC).typed_config.observability_mode = true)),
    },
    {
        name: "ext_proc with disable_immediate_response",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_PROC).typed_config.disable_immediate_response = true)),
    },
    {
        name: "a per-route ext_proc mode that skips the request headers",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (frontRoute(c).typed_per_filter_config = {
                        [EXT_PROC]: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", overrides: { processing_mode: { request_header_mode: "SKIP" } } },
                    }),
            ),
    },
    {
        name: "a per-route ext_proc async_mode",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (frontRoute(c).typed_per_filter_config = {
                        [EXT_PROC]: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", overrides: { async_mode: true } },
                    }),
            ),
    },
    {
        name: "a per-route ext_proc processor of its own",
        base: "extproc",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (frontRoute(c).typed_per_filter_config = {
                        [EXT_PROC]: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", overrides: { grpc_service: { envoy_grpc: { cluster_name: "app" } } } },
                    }),
            ),
    },
    {
        name: "ext_proc disabled for the route",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) => (frontRoute(c).typed_per_filter_config = { [EXT_PROC]: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", disabled: true } }),
            ),
    },
    // ---- ways into the pod the model must see
    {
        name: "a loopback listener with an additional address on the pod's",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                const l = uninspectedListener(c, "127.0.0.1");
                l.additional_addresses = [{ address: { socket_address: { address: "0.0.0.0", port_value: 8001 } } }];
                c.static_resources.listeners.push(l);
            }),
    },
    {
        name: "a listener on an IPv6 address",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => c.static_resources.listeners.push(uninspectedListener(c, "::"))),
    },
    {
        name: "a network filter the model does not know before the HTTP connection manager",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) =>
                listener(c, "front").filter_chains[0].filters.unshift({
                    name: "custom",
                    typed_config: typedStruct("envoy.extensions.filters.network.redis_proxy.v3.RedisProxy", { stat_prefix: "r" }),
                }),
            ),
    },
    {
        name: "a raw TCP proxy on the pod's address",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                const l = uninspectedListener(c, "0.0.0.0");
                l.filter_chains[0].filters = [
                    { name: "tcp", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "tcp", cluster: "app" } },
                ];
                c.static_resources.listeners.push(l);
            }),
    },
    {
        name: "an original-destination listener filter",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) => (listener(c, "front").listener_filters = [{ name: "odst", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst" } }]),
            ),
    },
    {
        name: "use_original_dst handing connections to other listeners",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (listener(c, "front").use_original_dst = true)),
    },
    {
        name: "a downstream transport socket the model does not know",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) => (listener(c, "front").filter_chains[0].transport_socket = { name: "alts", typed_config: typedStruct("envoy.extensions.transport_sockets.alts.v3.Alts", {}) }),
            ),
    },
    {
        name: "an access logger the model does not know",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => front(c).access_log.push({ name: "custom", typed_config: typedStruct("example.com.Logger", {}) })),
    },
    {
        name: "admin reached through a front route",
        base: "sidecar",
        codes: ["admin-exposed"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => front(c).route_config.virtual_hosts[0].routes.unshift({ match: { prefix: "/admin/" }, route: { cluster: "envoy-admin", prefix_rewrite: "/" } })),
    },
    {
        name: "a rewrite to admin on the readiness listener",
        base: "sidecar",
        codes: ["admin-exposed"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (hcmOf(c, "readiness").route_config.virtual_hosts[0].routes[0].route.prefix_rewrite = "/quitquitquit")),
    },
    {
        name: "requests mirrored to admin",
        base: "sidecar",
        codes: ["admin-exposed"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (frontRoute(c).route.request_mirror_policies = [{ cluster: "envoy-admin" }])),
    },
    {
        name: "a client picking the cluster by header",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (frontRoute(c).route = { cluster_header: "x-cluster" })),
    },
    {
        name: "an app cluster at 0.0.0.0 with the app's port open",
        base: "sidecar",
        codes: ["app-bypass"],
        plant: (o) => {
            editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "app").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = "0.0.0.0"));
            delete find(o, "NetworkPolicy", "helloworld").spec.ingress[0].ports;
        },
    },
    {
        name: "an app cluster at an IPv4-mapped loopback address with the app's port open",
        base: "sidecar",
        codes: ["app-bypass"],
        plant: (o) => {
            editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "app").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = "::ffff:127.0.0.1"));
            delete find(o, "NetworkPolicy", "helloworld").spec.ingress[0].ports;
        },
    },
    {
        name: "an agent cluster from EDS",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => Object.assign(clusterOf(c, "sigsci-agent"), { type: "EDS", eds_cluster_config: { eds_config: { ads: {} } } })),
    },
    {
        name: "an agent cluster whose hosts pick their own transport",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (clusterOf(c, "sigsci-agent").transport_socket_matches = [
                        { name: "plain", match: {}, transport_socket: { name: "raw", typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer" } } },
                    ]),
            ),
    },
    // ---- Envoy found by what runs
    {
        name: "a mirrored Envoy image running a bootstrap without inspection",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => {
            envoyOf(o).image = "registry.example.com/edge/front-proxy:1.0";
            editEnvoyConfig(o, undefined, withoutExtAuthz);
        },
    },
    {
        name: "Envoy started through a shell, from an image without envoy in its name",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => {
            const e = envoyOf(o);
            e.image = "registry.example.com/edge/proxy:1.0";
            e.command = ["/bin/sh", "-c", `exec /usr/local/bin/envoy ${e.args.join(" ")}`];
            delete e.args;
            editEnvoyConfig(o, undefined, withoutExtAuthz);
        },
    },
    {
        name: "Istio's proxy image, configured by its control plane",
        base: "sidecar",
        codes: ["envoy-config-unreadable"],
        plant: (o) => {
            const e = envoyOf(o);
            e.image = "docker.io/istio/proxyv2:1.24.0";
            e.args = ["proxy", "sidecar"];
        },
    },
    { name: "Envoy with --config-yaml over its bootstrap", base: "sidecar", codes: ["envoy-unverifiable"], plant: (o) => envoyOf(o).args.push("--config-yaml", "static_resources: {listeners: []}") },
    { name: "Envoy in --mode validate", base: "sidecar", codes: ["envoy-unverifiable"], plant: (o) => envoyOf(o).args.push("--mode", "validate") },
    // ---- agents that are not there, or not where they seem
    { name: "an agent fleet scaled to zero", base: "shared", codes: ["agent-no-pods"], plant: (o) => (find(o, "Deployment", "agents").spec.replicas = 0) },
    {
        name: "an agent fleet at zero under an autoscaler",
        base: "shared",
        codes: ["agent-no-pods"],
        plant: (o) => {
            find(o, "Deployment", "agents").spec.replicas = 0;
            o.push({
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: { name: "agents", namespace: "waf" },
                spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "agents" }, minReplicas: 1, maxReplicas: 1 },
            });
        },
    },
    { name: "an agent flag over its environment", base: "sidecar", codes: ["agent-not-listening"], plant: (o) => (agentOf(o).args = ["--envoy-grpc-address=127.0.0.1:9998"]) },
    {
        name: "agent settings from a ConfigMap that is not among the objects",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => {
            const a = agentOf(o);
            setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", undefined);
            a.envFrom = [{ configMapRef: { name: "agent-settings" } }];
        },
    },
    {
        name: "the agent's address from a ConfigMap key that names another port",
        base: "sidecar",
        codes: ["agent-not-listening"],
        plant: (o) => {
            const a = agentOf(o);
            setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", undefined);
            a.env.push({ name: "SIGSCI_ENVOY_GRPC_ADDRESS", valueFrom: { configMapKeyRef: { name: "agent-settings", key: "address" } } });
            o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "agent-settings" }, data: { address: "127.0.0.1:9998" } });
        },
    },
    {
        name: "the agent's address from a ConfigMap key that is not among the objects",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => {
            const a = agentOf(o);
            setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", undefined);
            a.env.push({ name: "SIGSCI_ENVOY_GRPC_ADDRESS", valueFrom: { configMapKeyRef: { name: "agent-settings", key: "address" } } });
        },
    },
    {
        name: "the agent's address set by the downward API",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => {
            const a = agentOf(o);
            setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", "$(POD_IP):9999");
            a.env.unshift({ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } });
        },
    },
    {
        name: "the agent's address in its agent.conf, naming another port",
        base: "sidecar",
        codes: ["agent-not-listening"],
        plant: (o) => {
            const d = find(o, "Deployment", "helloworld");
            const a = agentOf(o);
            setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", undefined);
            a.volumeMounts.push({ name: "agent-conf", mountPath: "/etc/sigsci" });
            d.spec.template.spec.volumes.push({ name: "agent-conf", configMap: { name: "agent-conf" } });
            o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "agent-conf" }, data: { "agent.conf": 'envoy-grpc-address = "127.0.0.1:9998"\n' } });
        },
    },
    {
        name: "a Secret's stringData over its data",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => {
            const cm = find(o, "ConfigMap", "helloworld-envoy-config");
            const [key] = Object.keys(cm.data);
            const broken = parseConfigText(cm.data[key]) as any;
            withoutExtAuthz(broken);
            o.splice(o.indexOf(cm), 1, {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: cm.metadata.name, labels: cm.metadata.labels },
                data: { [key]: Buffer.from(cm.data[key]).toString("base64") },
                stringData: { [key]: JSON.stringify(broken) },
            });
            const volume = find(o, "Deployment", "helloworld").spec.template.spec.volumes.find((v: any) => v.configMap?.name === cm.metadata.name);
            volume.secret = { secretName: cm.metadata.name };
            delete volume.configMap;
        },
    },
    {
        name: "the same NetworkPolicy listed twice, the last admitting every port",
        base: "sidecar",
        codes: ["duplicate-object", "app-bypass"],
        plant: (o) => {
            const np = copy(find(o, "NetworkPolicy", "helloworld"));
            delete np.spec.ingress[0].ports;
            o.push(np);
        },
    },
    {
        name: "Envoy's pod on the node's network",
        base: "sidecar",
        codes: ["app-bypass"],
        plant: (o) => Object.assign(find(o, "Deployment", "helloworld").spec.template.spec, { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }),
    },
    { name: "the app's port mapped to a host port", base: "sidecar", codes: ["app-bypass"], plant: (o) => (container(find(o, "Deployment", "helloworld"), "app").ports[0].hostPort = 8080) },
    { name: "an agent Service publishing unready agents", base: "shared", codes: ["agent-unready-endpoints"], plant: (o) => (find(o, "Service", "agents").spec.publishNotReadyAddresses = true) },
    {
        name: "hostAliases sending the agent's name elsewhere",
        base: "shared",
        codes: ["dns-unverifiable"],
        plant: (o) => (find(o, "Deployment", "shop").spec.template.spec.hostAliases = [{ ip: "10.0.0.9", hostnames: ["agents.waf.svc.cluster.local"] }]),
    },
    {
        name: "resolvers of the pod's own (dnsPolicy None)",
        base: "shared",
        codes: ["dns-unverifiable"],
        plant: (o) => Object.assign(find(o, "Deployment", "shop").spec.template.spec, { dnsPolicy: "None", dnsConfig: { nameservers: ["10.0.0.53"] } }),
    },
    {
        name: "the agent fleet as an Argo Rollout",
        base: "shared",
        codes: ["workload-unverifiable"],
        unchecked: "a custom resource: no Kubernetes schema here",
        plant: (o) => Object.assign(find(o, "Deployment", "agents"), { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout" }),
    },
    {
        name: "the app in pods of its own behind a Service, open to every pod",
        base: "sidecar",
        codes: ["app-bypass"],
        plant: (o) => remoteBackend(o, backendDeployment, backendService),
    },
    {
        name: "a DeploymentPatch rewriting the judged Deployment",
        base: "sidecar",
        codes: ["patch-unverifiable"],
        unchecked: "a Pulumi patch resource, not a Kubernetes kind",
        plant: (o) =>
            o.push({
                apiVersion: "apps/v1",
                kind: "DeploymentPatch",
                metadata: { name: "helloworld", namespace: "default" },
                spec: { template: { spec: { containers: [{ name: "envoy", image: "envoyproxy/envoy:v1.39.5" }] } } },
            }),
    },
    {
        name: "a ConfigMapPatch rewriting Envoy's bootstrap",
        base: "sidecar",
        codes: ["patch-unverifiable"],
        unchecked: "a Pulumi patch resource, not a Kubernetes kind",
        plant: (o) => o.push({ apiVersion: "v1", kind: "ConfigMapPatch", metadata: { name: find(o, "ConfigMap", "helloworld-envoy-config").metadata.name }, data: { "envoy.json": "{}" } }),
    },
    // ---- read as Envoy reads: yaml-cpp's scalars, enums by number or in any case, per-route configs by extension name
    {
        name: "ext_authz off per route with a YAML 1.1 boolean (disabled: on, which Envoy reads as true)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            asYaml(
                o,
                (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF }),
                (t) => t.replace("disabled: true", "disabled: on"),
            ),
    },
    {
        name: "ext_authz off by default in the chain with a YAML 1.1 boolean (disabled: Yes)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            asYaml(
                o,
                (c) => (filterNamed(c, EXT_AUTHZ).disabled = true),
                (t) => t.replace("disabled: true", "disabled: Yes"),
            ),
    },
    {
        name: "ext_authz's filter_enabled with an octal numerator (0100: 64 in 100)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            asYaml(
                o,
                (c) => (filterNamed(c, EXT_AUTHZ).typed_config.filter_enabled = { default_value: { numerator: 100, denominator: "HUNDRED" } }),
                (t) => t.replace("numerator: 100", "numerator: 0100"),
            ),
    },
    {
        name: "ext_authz's filter_enabled with its denominator by number (1: TEN_THOUSAND, so 1%)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_AUTHZ).typed_config.filter_enabled = { default_value: { numerator: 100, denominator: 1 } })),
    },
    {
        name: "ext_proc skipping the request headers by the enum's number (2: SKIP)",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_PROC).typed_config.processing_mode = { request_header_mode: 2 })),
    },
    {
        name: "ext_proc skipping the request headers in lower case (skip)",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (filterNamed(c, EXT_PROC).typed_config.processing_mode = { request_header_mode: "skip" })),
    },
    {
        name: "ext_proc skipping the request headers on the virtual host, under a route's own per-route config that gives no mode (Envoy merges the levels)",
        base: "extproc",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                const perRoute = (overrides: object) => ({ "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", overrides });
                front(c).route_config.virtual_hosts[0].typed_per_filter_config = { [EXT_PROC]: perRoute({ processing_mode: { request_header_mode: "SKIP" } }) };
                frontRoute(c).typed_per_filter_config = { [EXT_PROC]: perRoute({ grpc_initial_metadata: [{ key: "x-team", value: "shop" }] }) };
            }),
    },
    {
        name: "ext_authz renamed, and off per route under its extension's name (Envoy's fallback)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                filterNamed(c, EXT_AUTHZ).name = "waf";
                frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF };
            }),
    },
    {
        name: "a WebSocket chain without ext_authz, off in the connection manager but turned on by a route",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                front(c).upgrade_configs = [{ upgrade_type: "websocket", enabled: false, filters: [copy(routerOf(c))] }];
                frontRoute(c).route.upgrade_configs = [{ upgrade_type: "WebSocket", enabled: true }];
            }),
    },
    {
        name: 'ext_authz off per route with a bool given as text ("yes", which Envoy\'s JSON parser reads as true)',
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: { ...AUTHZ_OFF, disabled: "yes" } })),
    },
    {
        name: "ext_authz renamed and off in the chain, a per-route config under its extension's name (which never turns it on)",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                Object.assign(filterNamed(c, EXT_AUTHZ), { name: "waf", disabled: true });
                frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: { "@type": AUTHZ_OFF["@type"], check_settings: {} } };
            }),
    },
    {
        name: "a YAML bootstrap with a %TAG directive, whose tags yaml-cpp resolves its own way",
        base: "sidecar",
        codes: ["envoy-config-unreadable"],
        unchecked: "a YAML form the reader refuses",
        plant: (o) =>
            asYaml(
                o,
                (c) => (filterNamed(c, EXT_AUTHZ).disabled = true),
                (t) => `%TAG ! tag:example.com,2000:\n---\n${t.replace("disabled: true", "!ignore disabled: true")}`,
            ),
    },
    {
        name: "a JSON bootstrap with a key given twice (Envoy merges the two)",
        base: "sidecar",
        codes: ["envoy-config-unreadable"],
        unchecked: "duplicate keys: JSON.parse keeps one",
        plant: (o) => {
            const cm = find(o, "ConfigMap", "helloworld-envoy-config");
            cm.data["envoy.json"] = cm.data["envoy.json"].replace(/^\{/, `{"layered_runtime":{"layers":[]},`).replace(/\}\s*$/, `,"layered_runtime":{"layers":[]}}`);
        },
    },
    {
        name: "a field given in both spellings (typed_per_filter_config and typedPerFilterConfig)",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        unchecked: "both spellings: the proto check reads them as one",
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF };
                frontRoute(c).typedPerFilterConfig = {};
            }),
    },
    {
        name: "CONNECT terminated to the app: the tunnel's requests pass no HTTP filter",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => {
                front(c).upgrade_configs = [{ upgrade_type: "CONNECT" }];
                front(c).route_config.virtual_hosts[0].routes.unshift({
                    match: { connect_matcher: {} },
                    route: { cluster: "app", upgrade_configs: [{ upgrade_type: "CONNECT", connect_config: {} }] },
                });
            }),
    },
    // ---- the Kubernetes side as the kubelet, the API server and kube-proxy read it
    {
        name: "a worker Deployment without Envoy behind the app's Service, which targets a port by number the worker does not declare",
        base: "sidecar",
        codes: ["workload-unverifiable"],
        plant: (o) => {
            find(o, "Service", "helloworld").spec.ports[0].targetPort = 8000;
            const labels = find(o, "Deployment", "helloworld").spec.template.metadata.labels;
            o.push({
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "helloworld-worker", namespace: "default" },
                spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "worker", image: "registry.example.com/helloworld:1.0" }] } } },
            });
        },
    },
    { name: "the agent's shell script that never runs the agent", base: "sidecar", codes: ["agent-unverifiable"], plant: (o) => (agentOf(o).command = ["/bin/sh", "-c", "sleep infinity"]) },
    { name: "the agent's image running another command", base: "sidecar", codes: ["agent-unverifiable"], plant: (o) => (agentOf(o).command = ["sleep", "infinity"]) },
    {
        name: "the agent through sh -ec setting its own listen address",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => (agentOf(o).command = ["/bin/sh", "-ec", "SIGSCI_ENVOY_GRPC_ADDRESS=127.0.0.1:1 exec sigsci-agent"]),
    },
    {
        name: "the agent cluster load-balancing over subsets no call matches",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").lb_subset_config = { subset_selectors: [{ keys: ["x"] }] })),
    },
    {
        name: "the app in pods of its own, reached by a private IP the objects do not tie to a Service",
        base: "sidecar",
        codes: ["workload-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "app").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = "10.96.0.50")),
    },
    {
        name: "the app in pods of its own, reached by a StatefulSet pod's DNS name",
        base: "sidecar",
        codes: ["workload-unverifiable"],
        plant: (o) => appClusterAt(o, "backend-0.backend.default.svc.cluster.local"),
    },
    {
        name: "the agent's mode from a ConfigMap's binaryData, which the kubelet never puts in the environment",
        base: "extproc",
        codes: ["agent-mode-mismatch"],
        plant: (o) => {
            const a = agentOf(o);
            setEnv(a, "SIGSCI_ENVOY_EXTPROC_ENABLED", undefined);
            a.envFrom = [{ configMapRef: { name: "agent-mode" } }];
            o.push({
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "agent-mode", namespace: "default" },
                binaryData: { SIGSCI_ENVOY_EXTPROC_ENABLED: Buffer.from("true").toString("base64") },
            });
        },
    },
    {
        name: "an optional env key that is not there, after envFrom set the variable (the kubelet keeps the earlier value)",
        base: "sidecar",
        codes: ["agent-mode-mismatch"],
        plant: (o) => {
            const a = agentOf(o);
            a.envFrom = [{ configMapRef: { name: "agent-mode" } }];
            a.env.push({ name: "SIGSCI_ENVOY_EXTPROC_ENABLED", valueFrom: { configMapKeyRef: { name: "other", key: "mode", optional: true } } });
            o.push(configMap("agent-mode", { SIGSCI_ENVOY_EXTPROC_ENABLED: "true" }), configMap("other", { unrelated: "1" }));
        },
    },
    {
        name: "the agent started through a shell that sets its own listen address",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => {
            const a = agentOf(o);
            a.command = ["/bin/sh", "-c", "export SIGSCI_ENVOY_GRPC_ADDRESS=127.0.0.1:7777; exec sigsci-agent"];
        },
    },
    {
        name: "the app's Service also selecting the pods of an unknown kind, which run no Envoy",
        base: "sidecar",
        codes: ["app-bypass"],
        unchecked: "a custom resource: no Kubernetes schema here",
        plant: (o) => {
            const labels = find(o, "Deployment", "helloworld").spec.template.metadata.labels;
            o.push({
                apiVersion: "argoproj.io/v1alpha1",
                kind: "Rollout",
                metadata: { name: "helloworld-canary", namespace: "default" },
                spec: {
                    selector: { matchLabels: labels },
                    template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "registry.example.com/helloworld:2.0", ports: [{ name: "http", containerPort: 8000 }] }] } },
                },
            });
        },
    },
    {
        name: "a NetworkPolicy port given as null, which the API server reads as every port",
        base: "sidecar",
        codes: ["app-bypass"],
        unchecked: "null, which the API server decodes as absent and the schema check refuses",
        plant: (o) => find(o, "NetworkPolicy", "helloworld").spec.ingress[0].ports.push({ protocol: "TCP", port: null }),
    },
    {
        name: "the agents' policy with an empty policyTypes and no rules, which the API server defaults to Ingress (deny all)",
        base: "shared",
        codes: ["agent-policy-blocks"],
        plant: (o) => {
            const policy = o.find((x) => x.kind === "NetworkPolicy" && x.metadata.namespace === "waf");
            policy.spec.policyTypes = [];
            delete policy.spec.ingress;
        },
    },
    {
        name: "the agents' policy admitting Envoy's namespace by a label of its Namespace, which is not among the objects",
        base: "shared",
        codes: ["agent-unverifiable"],
        plant: (o) => (agentPolicyPeer(o).namespaceSelector = { matchLabels: { team: "shop" } }),
    },
    {
        name: "the agents' policy admitting namespaces without a label (DoesNotExist), which Envoy's Namespace, not among the objects, may have",
        base: "shared",
        codes: ["agent-unverifiable"],
        plant: (o) => (agentPolicyPeer(o).namespaceSelector = { matchExpressions: [{ key: "quarantine", operator: "DoesNotExist" }] }),
    },
    {
        name: "the agents' policy admitting namespaces by a label Envoy's Namespace, among the objects, does not have",
        base: "shared",
        codes: ["agent-policy-blocks"],
        unchecked: "a Namespace (the cluster's): no Namespace schema is vendored",
        plant: (o) => {
            agentPolicyPeer(o).namespaceSelector = { matchLabels: { team: "shop" } };
            o.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "blog" } } });
        },
    },
    {
        name: "Envoy's egress to the agents' namespace by a label of its Namespace, which is not among the objects",
        base: "shared",
        codes: ["agent-unverifiable"],
        plant: (o) => {
            const policy = o.find((x) => x.kind === "NetworkPolicy" && x.metadata.namespace === "shop");
            policy.spec.policyTypes = ["Ingress", "Egress"];
            policy.spec.egress = [{ to: [{ namespaceSelector: { matchLabels: { role: "waf" } } }], ports: [{ protocol: "TCP", port: 9999 }] }, { ports: [{ protocol: "UDP", port: 53 }] }];
        },
    },
    {
        name: "the app in pods of its own, admitting pods of namespaces picked by a label, one of whose workloads is in a Namespace not among the objects",
        base: "sidecar",
        codes: ["workload-unverifiable"],
        plant: (o) =>
            remoteBackend(
                o,
                backendDeployment,
                backendService,
                backendPolicyAdmittingEnvoy(o, { from: [{ namespaceSelector: { matchLabels: { team: "web" } }, podSelector: { matchLabels: { role: "frontend" } } }], ports: [{ port: 8080 }] }),
                // A frontend's pods in namespace tools, whose Namespace (and so its labels) is not among the objects.
                {
                    ...backendDeployment,
                    metadata: { name: "scraper", namespace: "tools" },
                    spec: { selector: { matchLabels: { role: "frontend" } }, template: { metadata: { labels: { role: "frontend" } }, spec: backendDeployment.spec.template.spec } },
                },
            ),
    },
    {
        name: "an EndpointSlice adding a host of its own to the agent Service",
        base: "shared",
        codes: ["workload-unverifiable"],
        unchecked: "no EndpointSlice schema here",
        plant: (o) =>
            o.push({
                apiVersion: "discovery.k8s.io/v1",
                kind: "EndpointSlice",
                metadata: { name: "agents-extra", namespace: "waf", labels: { "kubernetes.io/service-name": "agents" } },
                addressType: "IPv4",
                endpoints: [{ addresses: ["10.1.2.3"] }],
                ports: [{ port: 9999, protocol: "TCP" }],
            }),
    },
    {
        name: "the agents run as a Job, whose pods run to completion",
        base: "shared",
        codes: ["agent-unverifiable"],
        unchecked: "no Job schema here",
        plant: (o) => {
            const d = find(o, "Deployment", "agents");
            const template = { ...d.spec.template, spec: { ...d.spec.template.spec, restartPolicy: "Never" } };
            o.splice(o.indexOf(d), 1, { apiVersion: "batch/v1", kind: "Job", metadata: d.metadata, spec: { template } });
        },
    },
    {
        name: "the agent Service with internalTrafficPolicy Local (only agents on Envoy's node answer)",
        base: "shared",
        codes: ["agent-unverifiable"],
        plant: (o) => (find(o, "Service", "agents").spec.internalTrafficPolicy = "Local"),
    },
    {
        name: "the app in pods of its own behind a Service without a selector (endpoints the objects do not show)",
        base: "sidecar",
        codes: ["workload-unverifiable"],
        plant: (o) => remoteBackend(o, { apiVersion: "v1", kind: "Service", metadata: { name: "backend", namespace: "default" }, spec: { ports: [{ port: 8080 }] } }),
    },
    {
        name: "the app in pods of its own, admitting every pod of an ingress controller's namespace",
        base: "sidecar",
        codes: ["workload-unverifiable"],
        plant: (o) =>
            remoteBackend(
                o,
                backendDeployment,
                backendService,
                backendPolicyAdmittingEnvoy(o, { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ port: 8080 }] }),
            ),
    },
    {
        name: "the agent cluster with a circuit breaker limit of 0 (every call overflows; fail-open lets it through)",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").circuit_breakers = { thresholds: [{ max_requests: 0 }] })),
    },
    {
        name: "the agent cluster's circuit breaker set to 0 through a static runtime layer",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) =>
            editEnvoyConfig(o, undefined, (c) => (c.layered_runtime = { layers: [{ name: "static", static_layer: { circuit_breakers: { "sigsci-agent": { default: { max_requests: 0 } } } } }] })),
    },
    {
        name: "the agent cluster with a per-host connection limit of 0 (camelCase, as Envoy also reads it)",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").circuitBreakers = { perHostThresholds: [{ maxConnections: 0 }] })),
    },
    {
        name: "the agent cluster's endpoint marked UNHEALTHY by its number",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].health_status = 2)),
    },
    {
        name: "the agent cluster's circuit breaker set to 0.5 through the runtime (Envoy floors it to 0)",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (c.layered_runtime = { layers: [{ name: "static", static_layer: { "circuit_breakers.sigsci-agent.default.max_pending_requests": 0.5 } }] })),
    },
    {
        name: "the agent cluster with a per-host limit other than max_connections (Envoy refuses the cluster)",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").circuit_breakers = { per_host_thresholds: [{ max_requests: 0 }] })),
    },
    {
        name: "the agent cluster with panic mode off (healthy_panic_threshold 0)",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").common_lb_config = { healthy_panic_threshold: {} })),
    },
    {
        name: "the agent cluster bound to a source address of its own",
        base: "sidecar",
        codes: ["agent-unverifiable"],
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").upstream_bind_config = { source_address: { address: "192.0.2.1", port_value: 0 } })),
    },
    {
        name: "DNS servers of its own for every cluster (the bootstrap's dns_resolution_config)",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        unchecked: "a deprecated field, which Envoy still takes, with a warning",
        plant: (o) => editEnvoyConfig(o, undefined, (c) => (c.dns_resolution_config = { resolvers: [{ socket_address: { address: "203.0.113.53", port_value: 53 } }] })),
    },
    {
        name: "upstream HTTP filters on the app cluster, wrapped in a TypedStruct",
        base: "sidecar",
        codes: ["envoy-unverifiable"],
        unchecked: "a TypedStruct the proto check does not unwrap",
        plant: (o) =>
            editEnvoyConfig(
                o,
                undefined,
                (c) =>
                    (clusterOf(c, "app").typed_extension_protocol_options = {
                        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": typedStruct("envoy.extensions.upstreams.http.v3.HttpProtocolOptions", {
                            explicit_http_config: { http_protocol_options: {} },
                            http_filters: [{ name: "lua", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua" } }],
                        }),
                    }),
            ),
    },
    // ---- the file Envoy reads, as the kubelet and the kernel lay it out
    {
        name: "a projected volume of two ConfigMaps with the same key, the last without ext_authz",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => {
            o.push(uninspectedConfigMap(o, "helloworld-envoy-override"));
            const volume = find(o, "Deployment", "helloworld").spec.template.spec.volumes.find((v: any) => v.name === "envoy-config");
            volume.projected = { sources: [{ configMap: volume.configMap }, { configMap: { name: "helloworld-envoy-override" } }] };
            delete volume.configMap;
        },
    },
    {
        name: "Envoy's config under a deeper directory mount with a subPath, from a ConfigMap without ext_authz",
        base: "sidecar",
        codes: ["listener-uninspected"],
        plant: (o) => {
            o.push(uninspectedConfigMap(o, "helloworld-envoy-override"));
            const pod = find(o, "Deployment", "helloworld").spec.template.spec;
            pod.volumes.find((v: any) => v.name === "envoy-config").configMap.items = [{ key: "envoy.json", path: "conf/envoy.json" }];
            pod.volumes.push({ name: "override", configMap: { name: "helloworld-envoy-override", items: [{ key: "envoy.json", path: "x/envoy.json" }] } });
            const e = envoyOf(o);
            e.args[e.args.indexOf("/etc/envoy/envoy.json")] = "/etc/envoy/conf/envoy.json";
            e.volumeMounts.push({ name: "override", mountPath: "/etc/envoy/conf", subPath: "x", readOnly: true });
        },
    },
    {
        name: "Envoy's config mounted with a subPathExpr",
        base: "sidecar",
        codes: ["envoy-config-unreadable"],
        plant: (o) => {
            const e = envoyOf(o);
            e.args[e.args.indexOf("/etc/envoy/envoy.json")] = "/etc/envoy/conf/envoy.json";
            e.volumeMounts[0] = { name: "envoy-config", mountPath: "/etc/envoy/conf", subPathExpr: "$(POD_NAME)", readOnly: true };
        },
    },
    // ---- the app reached on a port Envoy does not forward to, or in pods without Envoy
    {
        name: "pods without Envoy behind the app's Service (a canary of the bare app)",
        base: "sidecar",
        codes: ["app-bypass"],
        plant: (o) => {
            const d = find(o, "Deployment", "helloworld");
            const labels = d.spec.template.metadata.labels;
            o.push({
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "helloworld-canary", namespace: "default" },
                spec: {
                    selector: { matchLabels: { ...labels, track: "canary" } },
                    template: {
                        metadata: { labels: { ...labels, track: "canary" } },
                        spec: { containers: [{ name: "app", image: "registry.example.com/helloworld:2.0", ports: [{ name: "http", containerPort: 8000, protocol: "TCP" }] }] },
                    },
                },
            });
        },
    },
];

/** Every Envoy bootstrap among the objects (ConfigMap data, Secret data or stringData). */
function bootstraps(objects: any[]): string[] {
    const out: string[] = [];
    for (const o of objects) {
        if (o.kind === "ConfigMap") for (const v of Object.values<string>(o.data ?? {})) if (/static_resources/.test(v)) out.push(v);
        if (o.kind === "Secret") {
            for (const v of Object.values<string>(o.stringData ?? {})) if (/static_resources/.test(v)) out.push(v);
            for (const v of Object.values<string>(o.data ?? {})) if (/static_resources/.test(Buffer.from(v, "base64").toString())) out.push(Buffer.from(v, "base64").toString());
        }
    }
    return out;
}

const errorCodes = (findings: Finding[]) => [...new Set(findings.filter((f) => f.severity === "error").map((f) => f.code))].sort();

describe("closed world: planted faults", () => {
    it("starts from objects with no findings", () => {
        for (const [name, objects] of Object.entries(baseObjects)) assert.deepStrictEqual(analyzeTraffic(objects).findings, [], name);
    });

    it(`plants at least 50 faults, in every family`, () => {
        assert.ok(FAULTS.length >= 50, `${FAULTS.length} faults`);
        for (const code of CANNOT_VERIFY)
            assert.ok(
                FAULTS.some((f) => f.codes.includes(code)),
                `no fault ends in ${code}`,
            );
    });

    for (const fault of FAULTS) {
        it(`${fault.name}: ${fault.codes.join(", ")}`, () => {
            const objects = copy(baseObjects[fault.base]);
            fault.plant(objects);
            if (!fault.unchecked) {
                for (const text of bootstraps(objects)) assert.deepStrictEqual(envoyConfigProblems(text), [], "Envoy would refuse the planted config: the fault proves nothing");
                for (const o of objects) validateKubernetesObject(o);
            }
            const report = analyzeTraffic(objects);
            assert.deepStrictEqual(errorCodes(report.findings), [...new Set(fault.codes)].sort(), JSON.stringify(report.findings, null, 1));
            assert.notStrictEqual(report.verdict, "inspected");
            for (const f of report.findings.filter((x) => x.code === "envoy-unverifiable")) assert.match(f.path ?? "", /: |command line/, "a cannot-verify finding names its place");
            // The verdict: not inspected as soon as one request provably passes; else cannot verify.
            assert.strictEqual(report.verdict, report.findings.some((f) => f.severity === "error" && verdictOf(f) === "not-inspected") ? "not-inspected" : "cannot-verify");
        });
    }

    it("gives the render's verdict line: what was proven, and what was not", () => {
        const line = (plant: (o: any[]) => void) => {
            const objects = copy(baseObjects.sidecar);
            plant(objects);
            return trafficVerdict(analyzeTraffic(objects));
        };
        assert.strictEqual(
            line(() => undefined),
            "  traffic paths: 1 inspected listener verified, no findings",
        );
        assert.strictEqual(
            line((o) => editEnvoyConfig(o, undefined, (c) => (listener(c, "front").use_original_dst = true))),
            "  traffic paths: 1 inspected listener verified; not every path can be verified: 1 finding (1 cannot verify)",
        );
        assert.strictEqual(
            line((o) => editEnvoyConfig(o, undefined, (c) => (frontRoute(c).typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF }))),
            "  traffic paths: 0 inspected listeners verified; some requests pass uninspected: 1 finding",
        );
    });

    it("warns, leaving the verdict alone, where the filter runs but the agent never sees the body or every header", () => {
        const warnings = (base: keyof typeof BASES, edit: (c: any) => void) => {
            const objects = copy(baseObjects[base]);
            editEnvoyConfig(objects, undefined, edit);
            for (const text of bootstraps(objects)) assert.deepStrictEqual(envoyConfigProblems(text), []);
            const report = analyzeTraffic(objects);
            assert.strictEqual(report.verdict, "inspected");
            return report.findings.map((f) => [f.code, f.severity, f.message]);
        };
        const at = "listener front (0.0.0.0:8000): ";
        assert.deepStrictEqual(
            warnings("sidecar", (c) => delete filterNamed(c, EXT_AUTHZ).typed_config.with_request_body),
            [["inspection-partial", "warning", `${at}${EXT_AUTHZ} inspects its requests, but no with_request_body: the agent never sees a request's body`]],
        );
        assert.deepStrictEqual(
            warnings("sidecar", (c) => (filterNamed(c, EXT_AUTHZ).typed_config.allowed_headers = { patterns: [{ exact: "host" }] })),
            [["inspection-partial", "warning", `${at}${EXT_AUTHZ} inspects its requests, but allowed_headers: the agent sees only the request headers it names`]],
        );
        assert.deepStrictEqual(
            warnings("sidecar", (c) => (filterNamed(c, EXT_AUTHZ).typed_config.disallowed_headers = { patterns: [{ prefix: "x-" }] })),
            [["inspection-partial", "warning", `${at}${EXT_AUTHZ} inspects its requests, but disallowed_headers: the agent never sees the request headers it names`]],
        );
        assert.deepStrictEqual(
            warnings("extproc", (c) => delete filterNamed(c, EXT_PROC).typed_config.processing_mode.request_body_mode),
            [["inspection-partial", "warning", `${at}${EXT_PROC} inspects its requests, but processing_mode.request_body_mode NONE: the agent never sees a request's body`]],
        );
        // Another port of the app's own, open to peers (a metrics or debug port): a warning, not a bypass of the inspected path.
        {
            const objects = copy(baseObjects.sidecar);
            container(find(objects, "Deployment", "helloworld"), "app").ports.push({ name: "debug", containerPort: 8081, protocol: "TCP" });
            find(objects, "NetworkPolicy", "helloworld").spec.ingress[0].ports.push({ protocol: "TCP", port: 8081 });
            for (const o of objects) validateKubernetesObject(o);
            const report = analyzeTraffic(objects);
            assert.strictEqual(report.verdict, "inspected");
            assert.deepStrictEqual(
                report.findings.map((f) => [f.code, f.severity, f.message]),
                [
                    [
                        "app-bypass",
                        "warning",
                        "NetworkPolicy default/helloworld admits the app's own port 8081 (one Envoy does not forward to), around Envoy: requests there are not inspected; admit it only to the peers that need it (Prometheus), or not at all",
                    ],
                ],
            );
        }
        assert.deepStrictEqual(
            warnings("extproc", (c) => (filterNamed(c, EXT_PROC).typed_config.forward_rules = { allowed_headers: { patterns: [{ exact: ":method" }] } })),
            [["inspection-partial", "warning", `${at}${EXT_PROC} inspects its requests, but forward_rules: the agent sees only the request headers they let through`]],
        );
        // The PROXY protocol sets the address the header is written from from what the client sends
        // (its listener filter is not among the protos vendored here: not proto-checked).
        {
            const objects = copy(baseObjects.sidecar);
            editEnvoyConfig(objects, undefined, (c) => {
                listener(c, "front").listener_filters = [
                    { name: "envoy.filters.listener.proxy_protocol", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol" } },
                ];
            });
            const report = analyzeTraffic(objects);
            assert.strictEqual(report.verdict, "inspected");
            assert.deepStrictEqual(
                report.findings.map((f) => [f.code, f.severity]),
                [["client-address-unproven", "warning"]],
            );
            assert.match(report.findings[0].message, /written from the address the PROXY protocol header gives, which any client that reaches the listener sends/);
        }
        // An admin port of the app's admitted to any address (ipBlock 0.0.0.0/0): open to every peer.
        {
            const objects = copy(baseObjects.sidecar);
            container(find(objects, "Deployment", "helloworld"), "app").ports.push({ name: "admin", containerPort: 8081, protocol: "TCP" });
            find(objects, "NetworkPolicy", "helloworld").spec.ingress.push({ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 8081 }] });
            assert.deepStrictEqual(
                analyzeTraffic(objects).findings.map((f) => [f.code, f.severity]),
                [["app-bypass", "warning"]],
            );
        }
        // By number, BUFFERED (2) is a body sent.
        assert.deepStrictEqual(
            warnings("extproc", (c) => (filterNamed(c, EXT_PROC).typed_config.processing_mode.request_body_mode = 2)),
            [],
        );
    });

    it("reports an unverifiable construct as a warning only when asked to", () => {
        const objects = copy(baseObjects.sidecar);
        editEnvoyConfig(objects, undefined, (c) => (listener(c, "front").use_original_dst = true));
        const f = analyzeTraffic(objects, { unverifiable: "warning" }).findings;
        assert.deepStrictEqual(
            f.map((x) => [x.code, x.severity, x.path]),
            [
                [
                    "envoy-unverifiable",
                    "warning",
                    `ConfigMap default/${find(objects, "ConfigMap", "helloworld-envoy-config").metadata.name} key envoy.json: static_resources.listeners[0].use_original_dst`,
                ],
            ],
        );
        assert.strictEqual(analyzeTraffic(objects, { unverifiable: "warning" }).verdict, "inspected");
    });

    it("follows a per-route fail mode of ext_proc into the path's fail mode", () => {
        const objects = copy(baseObjects.extproc);
        editEnvoyConfig(objects, undefined, (c) => {
            filterNamed(c, EXT_PROC).typed_config.failure_mode_allow = false;
            // Envoy 1.32+; newer than the protos vendored here, so not proto-checked.
            frontRoute(c).typed_per_filter_config = {
                [EXT_PROC]: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", overrides: { failure_mode_allow: true } },
            };
        });
        const report = analyzeTraffic(objects);
        assert.deepStrictEqual(report.findings, []);
        assert.deepStrictEqual(
            report.paths.map((p) => [p.listener, p.failOpen]),
            [["front 0.0.0.0:8000", true]],
        );
    });
});

describe("closed world: correct hand-written variants stay at zero findings", () => {
    const VARIANTS: [string, keyof typeof BASES, (o: any[]) => void][] = [
        ["the agent started through sh -c exec, the script setting nothing", "sidecar", (o) => (agentOf(o).command = ["/bin/sh", "-c", "exec /usr/local/bin/sigsci-agent"])],
        [
            "a cluster dump with the controller's own EndpointSlice of the agent Service",
            "shared",
            (o) =>
                o.push({
                    apiVersion: "discovery.k8s.io/v1",
                    kind: "EndpointSlice",
                    metadata: {
                        name: "agents-x7k2p",
                        namespace: "waf",
                        labels: { "kubernetes.io/service-name": "agents", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" },
                    },
                    addressType: "IPv4",
                    endpoints: [{ addresses: ["10.1.2.3"] }],
                    ports: [{ port: 9999, protocol: "TCP" }],
                }),
        ],
        [
            "the bare app's old Deployment kept at zero replicas behind the app's Service",
            "sidecar",
            (o) => {
                const labels = find(o, "Deployment", "helloworld").spec.template.metadata.labels;
                o.push({
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata: { name: "helloworld-old", namespace: "default" },
                    spec: {
                        replicas: 0,
                        selector: { matchLabels: labels },
                        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "registry.example.com/helloworld:1.0", ports: [{ name: "http", containerPort: 8000 }] }] } },
                    },
                });
            },
        ],
        [
            "a migration Job with the app's labels and no port the Service targets",
            "sidecar",
            (o) => {
                const labels = find(o, "Deployment", "helloworld").spec.template.metadata.labels;
                o.push({
                    apiVersion: "batch/v1",
                    kind: "Job",
                    metadata: { name: "migrate", namespace: "default" },
                    spec: { template: { metadata: { labels }, spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "registry.example.com/helloworld:1.0" }] } } },
                });
            },
        ],
        [
            "the app's NetworkPolicy with an empty egress list and no policyTypes (Ingress only)",
            "shared",
            (o) => {
                const policy = o.find((x) => x.kind === "NetworkPolicy" && x.metadata.namespace === "shop");
                delete policy.spec.policyTypes;
                policy.spec.egress = [];
            },
        ],
        ["a null entry among the app's ports", "sidecar", (o) => container(find(o, "Deployment", "helloworld"), "app").ports.push(null)],
        [
            "the agents' policy admitting Envoy's namespace by a label its Namespace, among the objects, has",
            "shared",
            (o) => {
                agentPolicyPeer(o).namespaceSelector = { matchLabels: { team: "shop" }, matchExpressions: [{ key: "quarantine", operator: "DoesNotExist" }] };
                o.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "shop" } } });
            },
        ],
        [
            "runtime values Envoy reads as no limit, and a second DEFAULT circuit breaker Envoy never takes",
            "sidecar",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    c.layered_runtime = {
                        layers: [{ name: "static", static_layer: { "circuit_breakers.sigsci-agent.default.max_requests": false, "circuit_breakers.sigsci-agent.default.max_connections": "" } }],
                    };
                    clusterOf(c, "sigsci-agent").circuit_breakers = { thresholds: [{ max_requests: 2048 }, { max_requests: 0 }] };
                    clusterOf(c, "sigsci-agent").common_lb_config = { healthy_panic_threshold: { value: 30 } };
                }),
        ],
        [
            "a circuit breaker limit of 0 at HIGH priority only, which the inspection calls do not use",
            "sidecar",
            (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").circuit_breakers = { thresholds: [{ priority: "high", max_requests: 0 }] })),
        ],
        [
            "the agent cluster allowing no retries (a circuit breaker's max_retries of 0)",
            "sidecar",
            (o) => editEnvoyConfig(o, undefined, (c) => (clusterOf(c, "sigsci-agent").circuit_breakers = { thresholds: [{ max_retries: 0 }] })),
        ],
        ["the agent started through a shell that runs a command first", "sidecar", (o) => (agentOf(o).command = ["/bin/sh", "-c", "mkdir -p /sigsci/tmp && exec /usr/local/bin/sigsci-agent 2>&1"])],
        [
            "a metrics port of the app's, admitted to Prometheus only",
            "sidecar",
            (o) => {
                container(find(o, "Deployment", "helloworld"), "app").ports.push({ name: "metrics", containerPort: 9090, protocol: "TCP" });
                find(o, "NetworkPolicy", "helloworld").spec.ingress.push({
                    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
                    ports: [{ protocol: "TCP", port: 9090 }],
                });
            },
        ],
        [
            "a Helm test Pod with the app's labels and no port (the Service's numeric target port)",
            "sidecar",
            (o) => {
                find(o, "Service", "helloworld").spec.ports[0].targetPort = 8000;
                const labels = find(o, "Deployment", "helloworld").spec.template.metadata.labels;
                o.push({
                    apiVersion: "v1",
                    kind: "Pod",
                    metadata: { name: "helloworld-test", namespace: "default", labels, annotations: { "helm.sh/hook": "test" } },
                    spec: { restartPolicy: "Never", containers: [{ name: "wget", image: "busybox:1.37", command: ["wget", "helloworld:8000"] }] },
                });
            },
        ],
        [
            "a YAML bootstrap with Envoy's own idioms: YAML 1.1 booleans, hexadecimal ports, an !ignore'd anchor",
            "sidecar",
            (o) =>
                asYaml(
                    o,
                    (c) => (filterNamed(c, EXT_AUTHZ).typed_config.failure_mode_allow = false),
                    (t) => `!ignore defaults: &agent_port 0x270F\n${t.replace("failure_mode_allow: false", "failure_mode_allow: Off").replace(/port_value: 9999/g, "port_value: *agent_port")}`,
                ),
        ],
        [
            "ext_proc skipping on the virtual host, and sending again on the route (the route's mode wins)",
            "extproc",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    const perRoute = (mode: string) => ({
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute",
                        overrides: { processing_mode: { request_header_mode: mode } },
                    });
                    front(c).route_config.virtual_hosts[0].typed_per_filter_config = { [EXT_PROC]: perRoute("SKIP") };
                    frontRoute(c).typed_per_filter_config = { [EXT_PROC]: perRoute("SEND") };
                }),
        ],
        [
            "ext_authz under its own name, with a per-route config under its extension's name that Envoy does not fall back to",
            "sidecar",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    filterNamed(c, EXT_AUTHZ).name = "waf";
                    frontRoute(c).typed_per_filter_config = {
                        waf: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute", check_settings: {} },
                        [EXT_AUTHZ]: AUTHZ_OFF,
                    };
                }),
        ],
        [
            "agent settings through envFrom from a ConfigMap among the objects",
            "sidecar",
            (o) => {
                const a = agentOf(o);
                setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", undefined);
                setEnv(a, "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA", undefined);
                a.envFrom = [{ configMapRef: { name: "agent-settings" } }];
                o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "agent-settings" }, data: { SIGSCI_ENVOY_GRPC_ADDRESS: "127.0.0.1:9999", SIGSCI_ENVOY_EXPECT_RESPONSE_DATA: "1" } });
            },
        ],
        [
            "agent settings as flags",
            "sidecar",
            (o) => {
                const a = agentOf(o);
                setEnv(a, "SIGSCI_ENVOY_GRPC_ADDRESS", undefined);
                a.args = ["--envoy-grpc-address", "127.0.0.1:9999"];
            },
        ],
        [
            "the bootstrap in a Secret",
            "sidecar",
            (o) => {
                const cm = find(o, "ConfigMap", "helloworld-envoy-config");
                o.splice(o.indexOf(cm), 1, {
                    apiVersion: "v1",
                    kind: "Secret",
                    metadata: { name: cm.metadata.name },
                    data: Object.fromEntries(Object.entries<string>(cm.data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
                });
                const volume = find(o, "Deployment", "helloworld").spec.template.spec.volumes.find((v: any) => v.configMap?.name === cm.metadata.name);
                volume.secret = { secretName: cm.metadata.name };
                delete volume.configMap;
            },
        ],
        ["a mirrored Envoy image running the package's config", "sidecar", (o) => (envoyOf(o).image = "registry.example.com/edge/front-proxy:1.39.5")],
        ["a mirrored Envoy image, ext_proc", "extproc", (o) => (envoyOf(o).image = "registry.example.com/mirror/envoyproxy-envoy:v1.39.5")],
        [
            "the bootstrap in YAML with lowerCamelCase field names",
            "sidecar",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    const t = filterNamed(c, EXT_AUTHZ).typed_config;
                    t.failureModeAllow = t.failure_mode_allow;
                    delete t.failure_mode_allow;
                }),
        ],
        [
            "ext_authz filter_enabled at 100% from a static runtime layer",
            "sidecar",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    filterNamed(c, EXT_AUTHZ).typed_config.filter_enabled = { default_value: { numerator: 0 }, runtime_key: "waf.enabled" };
                    c.layered_runtime = {
                        layers: [
                            { name: "static", static_layer: { "waf.enabled": 100 } },
                            { name: "admin", admin_layer: {} },
                        ],
                    };
                }),
        ],
        ["a websocket upgrade that runs the default chain", "sidecar", (o) => editEnvoyConfig(o, undefined, (c) => (front(c).upgrade_configs = [{ upgrade_type: "websocket" }]))],
        [
            "a file access log beside the gRPC one",
            "sidecar",
            (o) =>
                editEnvoyConfig(o, undefined, (c) =>
                    front(c).access_log.push({ name: "stdout", typed_config: { "@type": "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog" } }),
                ),
        ],
        ["the same objects listed in another order", "shared", (o) => o.reverse()],
    ];
    for (const [name, base, plant] of VARIANTS) {
        it(name, () => {
            const objects = copy(baseObjects[base]);
            plant(objects);
            for (const text of bootstraps(objects)) assert.deepStrictEqual(envoyConfigProblems(text), []);
            const report = analyzeTraffic(objects);
            assert.deepStrictEqual(report.findings, []);
            assert.strictEqual(report.verdict, "inspected");
            assert.ok(report.paths.length >= 1);
        });
    }
});

describe("closed world: the allowlist, held against Envoy's protos", () => {
    const root = protobuf.Root.fromJSON(JSON.parse(fs.readFileSync(ENVOY_PROTOS_FILE, "utf8")).root);
    // Fields the model knows from newer Envoy releases than the vendored protos.
    const NEWER: Record<string, string[]> = { "envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides": ["failure_mode_allow"] };
    for (const [name, g] of Object.entries(MESSAGES)) {
        it(`${name}: every field of ${g.proto} is modeled, neutral or refused, and nothing else is named`, () => {
            const type = root.lookupType(g.proto);
            const proto = type.fieldsArray.map((f) => f.name).sort();
            const named = [...g.modeled, ...g.neutral, ...Object.keys(g.refused)];
            assert.strictEqual(new Set(named).size, named.length, "a field is classified twice");
            assert.deepStrictEqual(named.filter((f) => !(NEWER[g.proto] ?? []).includes(f)).sort(), proto);
        });
    }
});

describe("closed world: the component refuses to build what the verifier rejects", () => {
    const XDS = { dynamic_resources: { lds_config: { ads: {} } } };
    const FINDING = /^envoy-unverifiable Deployment default\/helloworld: Envoy \(container envoy\) has dynamic_resources: listeners or clusters come from a management server/;

    it("refuses extraConfig that takes listeners from xDS, naming the input, before anything is registered", () => {
        // Known inputs are judged in the constructor, before the component itself is registered.
        assert.throws(
            () => new EnvoyApp("helloworld", guideArgs({ envoy: { extraConfig: XDS } })),
            /^InputError: sigsci-envoy: invalid "envoy\.extraConfig": got a bootstrap the traffic-path verifier rejects \(envoy-unverifiable Deployment default\/helloworld: Envoy \(container envoy\) has dynamic_resources: .*\); expected one in which every request is proven inspected; or set envoy\.acknowledgeVerifierFindings: true/,
        );
    });

    it("refuses a configOverride without inspection, also when it arrives as an output", async () => {
        const own = objectsOf(BASES.sidecar).find((o) => o.kind === "ConfigMap").data["envoy.json"];
        const broken = JSON.parse(own);
        withoutExtAuthz(broken);
        const run = await runProgram(() => new EnvoyApp("helloworld", guideArgs({ envoy: { configOverride: pulumi.output(JSON.stringify(broken)) } })));
        assert.strictEqual(run.errors.length, 1);
        assert.match(
            run.errors[0].message,
            /^sigsci-envoy: invalid "envoy\.configOverride": got a bootstrap the traffic-path verifier rejects \(listener-uninspected Deployment default\/helloworld: listener front \(0\.0\.0\.0:8000\) forwards prefix \/ \(virtual host app\) to cluster app uninspected: no ext_authz or ext_proc filter runs before the router/,
        );
        assert.deepStrictEqual(
            run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Secret"),
            [],
        );
    });

    it("refuses a YAML configOverride whose ext_authz a YAML 1.1 boolean turns off (disabled: on, as Envoy reads it)", () => {
        const own = JSON.parse(objectsOf(BASES.sidecar).find((o) => o.kind === "ConfigMap").data["envoy.json"]);
        frontRoute(own).typed_per_filter_config = { [EXT_AUTHZ]: AUTHZ_OFF };
        const yaml = dump(own).replace("disabled: true", "disabled: on");
        assert.ok(yaml.includes("disabled: on"));
        // A name of its own: judged in the constructor, outside any program run.
        assert.throws(
            () => new EnvoyApp("yaml-override", guideArgs({ envoy: { configOverride: yaml } })),
            /^InputError: sigsci-envoy: invalid "envoy\.configOverride": got a bootstrap the traffic-path verifier rejects \(listener-uninspected Deployment default\/yaml-override: listener front \(0\.0\.0\.0:8000\) forwards prefix \/ \(virtual host app\) to cluster app uninspected: envoy\.filters\.http\.ext_authz is turned off for this route\)/,
        );
    });

    it("accepts the generated bootstrap given back as a configOverride", async () => {
        const own = objectsOf(BASES.sidecar).find((o) => o.kind === "ConfigMap").data["envoy.json"];
        const run = await runProgram(() => new EnvoyApp("helloworld", guideArgs({ envoy: { configOverride: own } })));
        assert.deepStrictEqual(run.errors, []);
        assert.deepStrictEqual(await valueOf(run.result.acknowledgedFindings), []);
    });

    it("builds it when acknowledged, and says so on the Deployment and in an output", async () => {
        const run = await runProgram(() => new EnvoyApp("helloworld", guideArgs({ envoy: { extraConfig: XDS, acknowledgeVerifierFindings: true } })));
        assert.deepStrictEqual(run.errors, []);
        const findings = await valueOf(run.result.acknowledgedFindings);
        assert.strictEqual(findings.length, 1);
        assert.match(findings[0], FINDING);
        const deployment = kubernetesObjects(run).find((o) => o.kind === "Deployment");
        assert.deepStrictEqual(deployment.metadata.annotations, { [ACKNOWLEDGED_FINDINGS_ANNOTATION]: "envoy-unverifiable" });
        // The verifier itself still reports it: acknowledging is the component's, not the policy pack's.
        assert.deepStrictEqual(
            analyzeTraffic(kubernetesObjects(run)).findings.map((f) => [f.code, f.severity]),
            [["envoy-unverifiable", "error"]],
        );
    });

    it("refuses an agent fleet of zero pods", () => {
        assert.throws(() => new AgentService("agents", { credentials: GUIDE_KEYS, replicas: 0 }), /^InputError: sigsci-envoy: invalid "replicas": got 0; expected a whole number from 1 to 1000$/);
    });
});
