// The custom resources' validator (support/crd-schema.ts), proven: minimal valid objects of each
// kind the package will emit pass the vendored CRDs (tools/schemas/crds/, held to SOURCE.md's
// hashes here), and each planted violation - an unknown field, a wrong enum, type or required
// field, a broken CEL rule the validator implements by hand - is caught with its exact message.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { CRD_DIR, crdSchemaFiles, customObjectProblems, implementedCelRules, uncheckedCelRules, validateCustomObject, vendoredCelRules } from "./support/crd-schema";

const GW = "gateway.networking.k8s.io";

const gateway = (): any => ({
    apiVersion: `${GW}/v1`,
    kind: "Gateway",
    metadata: { name: "front", namespace: "edge" },
    spec: { gatewayClassName: "envoy-gateway", listeners: [{ name: "http", protocol: "HTTP", port: 80 }] },
});
const httpRoute = (): any => ({
    apiVersion: `${GW}/v1`,
    kind: "HTTPRoute",
    metadata: { name: "shop", namespace: "apps" },
    spec: { parentRefs: [{ name: "front", namespace: "edge" }], rules: [{ backendRefs: [{ name: "shop", port: 8080 }] }] },
});
const grpcRoute = (): any => ({
    apiVersion: `${GW}/v1`,
    kind: "GRPCRoute",
    metadata: { name: "shop-grpc", namespace: "apps" },
    spec: { parentRefs: [{ name: "front", namespace: "edge" }], rules: [{ backendRefs: [{ name: "shop-grpc", port: 9000 }] }] },
});
const referenceGrant = (): any => ({
    apiVersion: `${GW}/v1beta1`,
    kind: "ReferenceGrant",
    metadata: { name: "sigsci-agent", namespace: "waf" },
    spec: { from: [{ group: "gateway.envoyproxy.io", kind: "EnvoyExtensionPolicy", namespace: "edge" }], to: [{ group: "", kind: "Service", name: "sigsci-agent" }] },
});
const extensionPolicy = (): any => ({
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "EnvoyExtensionPolicy",
    metadata: { name: "sigsci", namespace: "edge" },
    spec: {
        targetRefs: [{ group: GW, kind: "Gateway", name: "front" }],
        extProc: [{ backendRefs: [{ name: "sigsci-agent", namespace: "waf", port: 9999 }], processingMode: { request: { body: "Buffered" } }, failOpen: true, messageTimeout: "200ms" }],
    },
});
const backendTrafficPolicy = (): any => ({
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "BackendTrafficPolicy",
    metadata: { name: "shop-buffer", namespace: "apps" },
    spec: { targetRefs: [{ group: GW, kind: "HTTPRoute", name: "shop" }], requestBuffer: { limit: "1Mi" } },
});
const envoyFilter = (): any => ({
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    metadata: { name: "sigsci", namespace: "apps" },
    spec: {
        workloadSelector: { labels: { app: "shop" } },
        configPatches: [
            {
                applyTo: "HTTP_FILTER",
                match: {
                    context: "SIDECAR_INBOUND",
                    listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.router" } } } },
                },
                patch: {
                    operation: "INSERT_BEFORE",
                    value: {
                        name: "envoy.filters.http.ext_proc",
                        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor", grpc_service: { envoy_grpc: { cluster_name: "sigsci-agent" } } },
                    },
                },
            },
            {
                applyTo: "CLUSTER",
                match: { context: "SIDECAR_INBOUND" },
                patch: { operation: "ADD", value: { name: "sigsci-agent", type: "STRICT_DNS", connect_timeout: "1s", http2_protocol_options: {} } },
            },
        ],
    },
});

/** Each valid object, and the CEL rules on the nodes it sets that the validator leaves unchecked (`path: message`). */
const VALID: { what: string; obj: () => any; unchecked: string[] }[] = [
    {
        what: "a Gateway (gateway.networking.k8s.io/v1)",
        obj: gateway,
        unchecked: [
            "spec.listeners: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
            "spec.listeners: tls mode must be Terminate for protocol HTTPS",
            "spec.listeners: tls mode must be set for protocol TLS",
            "spec.listeners: hostname must not be specified for protocols ['TCP', 'UDP']",
            "spec.listeners: Listener name must be unique within the Gateway",
            "spec.listeners: Combination of port, protocol and hostname must be unique for each listener",
        ],
    },
    {
        what: "an HTTPRoute (v1) with a parentRef and a backendRef",
        obj: httpRoute,
        // The rule's default match (PathPrefix "/") brings the path rules in.
        unchecked: [
            "spec.parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent",
            "spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent",
            "spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
            "spec.rules[0]: RequestRedirect filter must not be used together with backendRefs",
            "spec.rules[0]: When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            "spec.rules[0]: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            "spec.rules[0]: Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            "spec.rules[0]: Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
            "spec.rules[0].matches[0].path: value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not contain '//' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not contain '/./' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not contain '/../' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not contain '%2f' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not contain '%2F' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not contain '#' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not end with '/..' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: must not end with '/.' when type one of ['Exact', 'PathPrefix']",
            "spec.rules[0].matches[0].path: type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
            "spec.rules[0].matches[0].path: must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
        ],
    },
    {
        what: "a GRPCRoute (v1)",
        obj: grpcRoute,
        unchecked: [
            "spec.parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent",
            "spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent",
            "spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
        ],
    },
    { what: "a ReferenceGrant (v1beta1, the version Envoy Gateway lists)", obj: referenceGrant, unchecked: [] },
    { what: "an EnvoyExtensionPolicy with one extProc to a Service port, Buffered request bodies, failOpen", obj: extensionPolicy, unchecked: [] },
    { what: 'a BackendTrafficPolicy buffering "1Mi" requests of an HTTPRoute', obj: backendTrafficPolicy, unchecked: [] },
    { what: "an EnvoyFilter (v1alpha3) inserting an HTTP filter before the router and adding a cluster", obj: envoyFilter, unchecked: [] },
];

interface Plant {
    what: string;
    obj: () => any;
    /** Every problem expected, exactly. */
    expect: string[];
}

const change =
    (make: () => any, edit: (o: any) => void): (() => any) =>
    () => {
        const o = make();
        edit(o);
        return o;
    };
const extProc0 = (o: any) => o.spec.extProc[0];

const PLANTS: Plant[] = [
    {
        what: "an unknown field in spec",
        obj: change(extensionPolicy, (o) => (o.spec.extproc = [])),
        expect: ['unknown field "spec.extproc"'],
    },
    {
        what: "an unknown field deep inside",
        obj: change(extensionPolicy, (o) => (extProc0(o).processingMode.request.bodyy = "Buffered")),
        expect: ['unknown field "spec.extProc[0].processingMode.request.bodyy"'],
    },
    {
        what: "an unknown field in an object the schema declares empty (a marker)",
        obj: () => ({
            apiVersion: "gateway.envoyproxy.io/v1alpha1",
            kind: "ClientTrafficPolicy",
            metadata: { name: "front" },
            spec: { targetRefs: [{ group: GW, kind: "Gateway", name: "front" }], http3: { enabled: true } },
        }),
        expect: ['unknown field "spec.http3.enabled"'],
    },
    {
        what: "a misspelt enum value",
        obj: change(extensionPolicy, (o) => (extProc0(o).processingMode.request.body = "Bufferd")),
        expect: ['spec.extProc[0].processingMode.request.body: Unsupported value: "Bufferd": supported values: "Streamed", "Buffered", "BufferedPartial", "FullDuplexStreamed"'],
    },
    {
        what: "a string where an integer goes",
        obj: change(extensionPolicy, (o) => (extProc0(o).backendRefs[0].port = "9999")),
        expect: ['spec.extProc[0].backendRefs[0].port: Invalid value: "9999": must be of type integer'],
    },
    {
        what: "a missing required field",
        obj: change(extensionPolicy, (o) => delete o.spec.targetRefs[0].name),
        expect: ["spec.targetRefs[0].name: Required value"],
    },
    {
        what: "a missing required field of a Gateway",
        obj: change(gateway, (o) => delete o.spec.gatewayClassName),
        expect: ["spec.gatewayClassName: Required value"],
    },
    {
        what: "a duration the pattern refuses",
        obj: change(extensionPolicy, (o) => (extProc0(o).messageTimeout = "200")),
        expect: ['spec.extProc[0].messageTimeout: Invalid value: "200": must match pattern "^([0-9]{1,5}(h|m|s|ms)){1,4}$"'],
    },
    {
        what: "null where the schema is not nullable",
        obj: change(extensionPolicy, (o) => (extProc0(o).failOpen = null)),
        expect: ["spec.extProc[0].failOpen: Invalid value: null: must be of type boolean"],
    },
    {
        what: "an int-or-string quantity that is neither",
        obj: change(backendTrafficPolicy, (o) => (o.spec.requestBuffer.limit = "1 MiB")),
        expect: [
            'spec.requestBuffer.limit: Invalid value: "1 MiB": must match pattern "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$"',
            'spec.requestBuffer.limit: Invalid value: "1 MiB": must match pattern "^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$"',
        ],
    },
    {
        what: "an int32 out of range",
        obj: change(envoyFilter, (o) => (o.spec.priority = 2 ** 31)),
        expect: ['spec.priority: Invalid value: 2147483648: must match format "int32"'],
    },
    {
        what: "a duplicate key in a list-map (listener names)",
        obj: change(gateway, (o) => o.spec.listeners.push({ name: "http", protocol: "HTTP", port: 8080 })),
        expect: ['spec.listeners[1]: Duplicate value: {"name":"http"}'],
    },
    {
        what: "metadata: an invalid name and an unknown field",
        obj: change(httpRoute, (o) => {
            o.metadata.name = "Shop_Route";
            o.metadata.label = { app: "shop" };
        }),
        expect: ['unknown field "metadata.label"', 'metadata.name: Invalid value: "Shop_Route": must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"'],
    },
    {
        what: "a status (the controller's)",
        obj: change(httpRoute, (o) => (o.status = { parents: [] })),
        expect: ["status: Forbidden: the status subresource is the controller's; the API server ignores status on create and update"],
    },
    // The CEL rules implemented by hand.
    {
        what: "an EnvoyFilter with both targetRefs and workloadSelector",
        obj: change(envoyFilter, (o) => (o.spec.targetRefs = [{ group: GW, kind: "Gateway", name: "front" }])),
        expect: ['spec: Invalid value: "object": only one of targetRefs or workloadSelector can be set'],
    },
    {
        what: "an EnvoyFilter selecting workloads with a wildcard",
        obj: change(envoyFilter, (o) => (o.spec.workloadSelector.labels.app = "shop-*")),
        expect: ['spec.workloadSelector.labels.app: Invalid value: "string": wildcard is not supported in selector'],
    },
    {
        what: "an EnvoyFilter match on a listener and a cluster at once (the schema's oneOf)",
        obj: change(envoyFilter, (o) => (o.spec.configPatches[0].match.cluster = { name: "sigsci-agent" })),
        expect: [
            'spec.configPatches[0].match: Invalid value: "object": must match exactly one of [{"not":{"anyOf":[{"required":["listener"]},{"required":["routeConfiguration"]},{"required":["cluster"]},{"required":["waypoint"]}]}},{"required":["listener"]},{"required":["routeConfiguration"]},{"required":["cluster"]},{"required":["waypoint"]}], matches {"required":["listener"]}, {"required":["cluster"]}',
        ],
    },
    {
        what: "an extProc with backendRef instead of backendRefs",
        obj: change(extensionPolicy, (o) => {
            extProc0(o).backendRef = extProc0(o).backendRefs[0];
            delete extProc0(o).backendRefs;
        }),
        expect: ['spec.extProc[0]: Invalid value: "object": BackendRefs must be used, backendRef is not supported.'],
    },
    {
        what: "an extProc backend of a kind Envoy Gateway does not take",
        obj: change(extensionPolicy, (o) => (extProc0(o).backendRefs[0].kind = "Pod")),
        expect: ['spec.extProc[0]: Invalid value: "object": BackendRefs only supports Service, ServiceImport, and Backend kind.'],
    },
    {
        what: "an extProc backend in another group",
        obj: change(extensionPolicy, (o) => (extProc0(o).backendRefs[0].group = "apps")),
        expect: ['spec.extProc[0]: Invalid value: "object": BackendRefs only supports Core, multicluster.x-k8s.io, and gateway.envoyproxy.io groups.'],
    },
    {
        what: "an extProc Service backend without a port",
        obj: change(extensionPolicy, (o) => delete extProc0(o).backendRefs[0].port),
        expect: ['spec.extProc[0].backendRefs[0]: Invalid value: "object": Must have port for Service reference'],
    },
    {
        what: "an EnvoyExtensionPolicy targeting a Service",
        obj: change(extensionPolicy, (o) => (o.spec.targetRefs[0].kind = "Service")),
        expect: ['spec: Invalid value: "object": this policy can only have a targetRefs[*].kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute'],
    },
    {
        what: "an EnvoyExtensionPolicy targeting the core group",
        obj: change(extensionPolicy, (o) => (o.spec.targetRefs[0].group = "")),
        expect: ['spec: Invalid value: "object": this policy can only have a targetRefs[*].group of gateway.networking.k8s.io'],
    },
    {
        what: "an EnvoyExtensionPolicy without a target",
        obj: change(extensionPolicy, (o) => delete o.spec.targetRefs),
        expect: ['spec: Invalid value: "object": either targetRef or targetRefs must be used'],
    },
    {
        what: "FullDuplexStreamed request bodies with failOpen true",
        obj: change(extensionPolicy, (o) => (extProc0(o).processingMode.request.body = "FullDuplexStreamed")),
        expect: ['spec.extProc[0]: Invalid value: "object": If FullDuplexStreamed body processing mode is used, FailOpen must be false.'],
    },
];

describe("custom resources against their projects' CRDs (tests/support/crd-schema.ts)", () => {
    describe("passes", () => {
        for (const v of VALID) {
            it(v.what, () => {
                validateCustomObject(v.obj());
                assert.deepStrictEqual(uncheckedCelRules(v.obj()), v.unchecked);
            });
        }
        it("FullDuplexStreamed request bodies with failOpen false", () => {
            validateCustomObject(
                change(extensionPolicy, (o) => {
                    extProc0(o).processingMode.request.body = "FullDuplexStreamed";
                    extProc0(o).failOpen = false;
                })(),
            );
        });
        it("a request buffer limit given as an integer (int-or-string)", () => validateCustomObject(change(backendTrafficPolicy, (o) => (o.spec.requestBuffer.limit = 1048576))()));
    });

    describe("catches", () => {
        for (const p of PLANTS) {
            it(p.what, () => {
                const obj = p.obj();
                assert.deepStrictEqual(customObjectProblems(obj), p.expect);
                assert.throws(
                    () => validateCustomObject(obj),
                    (e: Error) => p.expect.every((line) => e.message.includes(`\n  ${line}`)) && e.message.startsWith(`${obj.apiVersion}/${obj.kind} ${obj.metadata.name} does not match the CRD `),
                );
            });
        }
        it("an apiVersion no vendored CRD serves", () => {
            assert.throws(() => validateCustomObject(change(extensionPolicy, (o) => (o.apiVersion = "gateway.envoyproxy.io/v1"))()), {
                message: "no CRD schema for gateway.envoyproxy.io/v1/EnvoyExtensionPolicy",
            });
            assert.throws(() => validateCustomObject(change(grpcRoute, (o) => (o.apiVersion = `${GW}/v1beta1`))()), { message: `no CRD schema for ${GW}/v1beta1/GRPCRoute` });
            assert.throws(() => validateCustomObject({ apiVersion: "v1", kind: "Service", metadata: { name: "x" } }), { message: "no CRD schema for v1/Service" });
        });
    });

    describe("the vendored CRDs", () => {
        it("are the files SOURCE.md lists, with its sha256", () => {
            const listed = [...fs.readFileSync(path.join(CRD_DIR, "SOURCE.md"), "utf8").matchAll(/^ {4}([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => [m[2], m[1]]);
            const actual = crdSchemaFiles().map((f) => [path.basename(f), crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex")]);
            assert.deepStrictEqual(Object.fromEntries(actual), Object.fromEntries(listed));
            assert.strictEqual(listed.length, 12);
        });
        it("each compile, every served version, and want a spec (except EnvoyFilter's)", () => {
            for (const file of crdSchemaFiles()) {
                const crd = yaml.load(fs.readFileSync(file, "utf8")) as any;
                for (const v of crd.spec.versions.filter((x: any) => x.served)) {
                    const problems = customObjectProblems({ apiVersion: `${crd.spec.group}/${v.name}`, kind: crd.spec.names.kind, metadata: { name: "x" } });
                    assert.deepStrictEqual(problems, crd.spec.names.kind === "EnvoyFilter" ? [] : ["spec: Required value"], `${crd.spec.names.kind} ${v.name}`);
                }
            }
        });
        it("still have every CEL rule implemented by hand, word for word", () => {
            const vendored = vendoredCelRules();
            assert.deepStrictEqual(
                implementedCelRules().filter((r) => !vendored.has(r)),
                [],
            );
        });
    });
});
