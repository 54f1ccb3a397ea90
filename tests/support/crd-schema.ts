// Strict validation of the custom resources the package emits (Envoy Gateway's policies, the
// Gateway API's routes and gateways, Istio's EnvoyFilter) against the projects' own CRDs, vendored
// unchanged in tools/schemas/crds/ (their versions, commits and hashes in SOURCE.md there).
//
// Each served version's openAPIV3Schema is compiled by ajv after a transform that makes it as
// strict as the API server would be for us: an object schema without `additionalProperties` or
// `x-kubernetes-preserve-unknown-fields: true` refuses unknown fields (the API server prunes them
// silently, which for us is a bug), `x-kubernetes-int-or-string` takes an integer or a string,
// `nullable` admits null, the root's apiVersion and kind must be the CRD's and its metadata is
// checked as the API server checks a custom resource's. The validation runs on a copy of the
// object with the schema's defaults applied, as the API server applies them before validating.
//
// CEL rules (`x-kubernetes-validations`) cannot be run here: the ones the package relies on are
// implemented by hand below (CEL_RULES), each keyed by the rule's exact text, so an implementation
// applies wherever a CRD places that rule, with that place's message, and stops applying - the
// rule then shows among uncheckedCelRules() - as soon as an upgraded CRD changes the rule.
// The `x-kubernetes-list-type` uniqueness (set, map keys) is checked too.
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as net from "net";
import * as path from "path";
import { REPO } from "../../tools/paths";

export const CRD_DIR = path.join(REPO, "tools/schemas/crds");

/** The vendored CRD files (absolute paths, sorted). */
export function crdSchemaFiles(): string[] {
    return fs
        .readdirSync(CRD_DIR)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => path.join(CRD_DIR, f));
}

interface Served {
    file: string;
    crd: string;
    group: string;
    version: string;
    kind: string;
    /** The CRD's schema, as vendored (the CEL rules and list types are read from it). */
    schema: any;
    validate?: ValidateFunction;
}

/**
 * A CRD's `pattern` as the API server reads it: Go's RE2, whose leading inline flags (`(?i)` in
 * the Prometheus Operator's CRDs) JavaScript has no syntax for; they become the RegExp's flags.
 */
function re2Pattern(pattern: string, flags: string): RegExp {
    const inline = /^\^?\(\?([imsU]+)\)/.exec(pattern);
    if (!inline) return new RegExp(pattern, flags);
    if (/[^ims]/.test(inline[1])) throw new Error(`pattern ${pattern}: inline flag ${inline[1]} has no JavaScript equivalent`);
    const rest = pattern.startsWith("^") ? `^${pattern.slice(inline[0].length)}` : pattern.slice(inline[0].length);
    return new RegExp(rest, flags + inline[1]);
}
re2Pattern.code = 'require("./crd-schema").re2Pattern';

let index: Map<string, Served> | undefined;

/** Every served version of every vendored CRD, by `group/version/kind`. */
function servedVersions(): Map<string, Served> {
    if (index) return index;
    index = new Map();
    for (const file of crdSchemaFiles()) {
        const docs = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d);
        if (docs.length !== 1) throw new Error(`${file}: expected one CRD document, got ${docs.length}`);
        const crd = docs[0] as any;
        if (crd.kind !== "CustomResourceDefinition") throw new Error(`${file}: not a CustomResourceDefinition`);
        for (const v of crd.spec.versions) {
            if (!v.served) continue;
            const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
            if (index.has(key)) throw new Error(`${key} served by both ${index.get(key)!.file} and ${file}`);
            index.set(key, { file: path.basename(file), crd: crd.metadata.name, group: crd.spec.group, version: v.name, kind: crd.spec.names.kind, schema: v.schema.openAPIV3Schema });
        }
    }
    return index;
}

// ---------------------------------------------------------------------------------------------
// The schema transform.

const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const STRING_MAP = { type: "object", additionalProperties: { type: "string" } };

/**
 * ObjectMeta as the API server checks a custom resource's: a name that is a DNS-1123 subdomain
 * (generateName is not for declared objects), a namespace that is a DNS-1123 label, string labels
 * and annotations; the other ObjectMeta fields are allowed, an unknown one is not.
 */
const OBJECT_META = {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
        name: { type: "string", maxLength: 253, pattern: DNS1123_SUBDOMAIN },
        namespace: { type: "string", maxLength: 63, pattern: DNS1123_LABEL },
        labels: STRING_MAP,
        annotations: STRING_MAP,
        generateName: { type: "string" },
        uid: { type: "string" },
        resourceVersion: { type: "string" },
        generation: { type: "integer" },
        selfLink: { type: "string" },
        creationTimestamp: { type: ["string", "null"] },
        deletionTimestamp: { type: ["string", "null"] },
        deletionGracePeriodSeconds: { type: "integer" },
        ownerReferences: { type: "array", items: { type: "object" } },
        finalizers: { type: "array", items: { type: "string" } },
        managedFields: { type: "array", items: { type: "object" } },
    },
};

const KNOWN_FORMATS = ["int32", "int64", "byte", "date-time", "ipv4", "ipv6", "duration"];

/** The structural part of a schema made strict (see the file's comment); returns the same node. */
function strict(s: any, file: string): any {
    if (s.format !== undefined && !KNOWN_FORMATS.includes(s.format)) throw new Error(`${file}: format "${s.format}" has no checker in crd-schema.ts`);
    if (s["x-kubernetes-int-or-string"] === true) {
        // The generated `anyOf: [{type: integer}, {type: string}]` is the same thing, with worse errors.
        if (Array.isArray(s.anyOf) && s.anyOf.every((b: any) => Object.keys(b).length === 1 && (b.type === "integer" || b.type === "string"))) delete s.anyOf;
        s.type = ["integer", "string"];
    }
    if (s.nullable === true) {
        if (s.type !== undefined) s.type = [...(Array.isArray(s.type) ? s.type : [s.type]), "null"];
        if (Array.isArray(s.enum)) s.enum = [...s.enum, null];
    }
    delete s.nullable;
    if ((s.type === "object" || s.properties) && s.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) s.additionalProperties = false;
    for (const child of Object.values(s.properties ?? {})) strict(child, file);
    if (s.items && typeof s.items === "object") strict(s.items, file);
    if (s.additionalProperties && typeof s.additionalProperties === "object") strict(s.additionalProperties, file);
    // allOf/anyOf/oneOf/not only add value checks to the structure above (a structural schema's
    // rule): left as they are, an `additionalProperties: false` there would refuse the fields
    // the structure declares.
    return s;
}

/** The schema ajv compiles for a served version. */
function strictSchema(v: Served): any {
    const s = strict(JSON.parse(JSON.stringify(v.schema)), v.file);
    s.type = "object";
    s.properties = {
        ...s.properties,
        apiVersion: { type: "string", const: `${v.group}/${v.version}` },
        kind: { type: "string", const: v.kind },
        metadata: OBJECT_META,
    };
    // The controller's (see check()): not validated, nor defaulted.
    delete s.properties.status;
    s.required = [...new Set([...(s.required ?? []), "apiVersion", "kind", "metadata"])];
    s.additionalProperties = false;
    return s;
}

let ajv: Ajv | undefined;

function compiler(): Ajv {
    if (ajv) return ajv;
    ajv = new Ajv({ strict: false, allErrors: true, verbose: true, useDefaults: true, allowUnionTypes: true, code: { regExp: re2Pattern } });
    ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
    ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
    ajv.addFormat("ipv4", (s: string) => net.isIPv4(s));
    ajv.addFormat("ipv6", (s: string) => net.isIPv6(s));
    // Go's time.ParseDuration.
    ajv.addFormat("duration", /^[-+]?(0|(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/);
    return ajv;
}

function validatorOf(v: Served): ValidateFunction {
    return (v.validate ??= compiler().compile(strictSchema(v)));
}

// ---------------------------------------------------------------------------------------------
// The CEL rules, by hand. `self` is the node the rule sits on, with the schema's defaults applied.

const has = (o: any, field: string): boolean => o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, field) && o[field] !== undefined;
const POLICY_TARGET_KINDS = ["Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "UDPRoute", "TCPRoute", "TLSRoute"];
const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "UDPRoute", "TCPRoute", "TLSRoute"];
const FRONT_KINDS = ["Gateway", "ListenerSet"];
const ADMISSION_KINDS = ["Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute"];

interface CelRule {
    /** The rule's text as the CRDs have it (whitespace runs read as one space). */
    rule: string;
    check: (self: any) => boolean;
}

const CEL_RULES: CelRule[] = [
    // Envoy Gateway's policies (EnvoyExtensionPolicy, BackendTrafficPolicy, ClientTrafficPolicy), on spec:
    // "either targetRef or targetRefs must be used"
    {
        rule: "(has(self.targetRef) && !has(self.targetRefs)) || (!has(self.targetRef) && has(self.targetRefs)) || (has(self.targetSelectors) && self.targetSelectors.size() > 0)",
        check: (s) => (has(s, "targetRef") && !has(s, "targetRefs")) || (!has(s, "targetRef") && has(s, "targetRefs")) || (has(s, "targetSelectors") && s.targetSelectors.length > 0),
    },
    // "this policy can only have a targetRef.group of gateway.networking.k8s.io"
    {
        rule: "has(self.targetRef) ? self.targetRef.group == 'gateway.networking.k8s.io' : true",
        check: (s) => !has(s, "targetRef") || s.targetRef.group === "gateway.networking.k8s.io",
    },
    // "this policy can only have a targetRef.kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute"
    {
        rule: "has(self.targetRef) ? self.targetRef.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'] : true",
        check: (s) => !has(s, "targetRef") || POLICY_TARGET_KINDS.includes(s.targetRef.kind),
    },
    // "this policy can only have a targetRefs[*].group of gateway.networking.k8s.io"
    {
        rule: "has(self.targetRefs) ? self.targetRefs.all(ref, ref.group == 'gateway.networking.k8s.io') : true",
        check: (s) => !has(s, "targetRefs") || s.targetRefs.every((ref: any) => ref.group === "gateway.networking.k8s.io"),
    },
    // "this policy can only have a targetRefs[*].kind of Gateway/ListenerSet/HTTPRoute/GRPCRoute/TCPRoute/UDPRoute/TLSRoute"
    {
        rule: "has(self.targetRefs) ? self.targetRefs.all(ref, ref.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute']) : true",
        check: (s) => !has(s, "targetRefs") || s.targetRefs.every((ref: any) => POLICY_TARGET_KINDS.includes(ref.kind)),
    },
    // ClientTrafficPolicy: "this policy can only have a targetRef.kind of Gateway or ListenerSet"
    {
        rule: "has(self.targetRef) ? self.targetRef.kind in ['Gateway', 'ListenerSet'] : true",
        check: (s) => !has(s, "targetRef") || FRONT_KINDS.includes(s.targetRef.kind),
    },
    // ClientTrafficPolicy: "this policy can only have a targetRefs[*].kind of Gateway or ListenerSet"
    {
        rule: "has(self.targetRefs) ? self.targetRefs.all(ref, ref.kind in ['Gateway', 'ListenerSet']) : true",
        check: (s) => !has(s, "targetRefs") || s.targetRefs.every((ref: any) => FRONT_KINDS.includes(ref.kind)),
    },
    // "mergeType can only be used with xRoute targets"
    {
        rule: "!has(self.mergeType) || ((!has(self.targetRef) || self.targetRef.kind in ['HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute']) && (!has(self.targetRefs) || self.targetRefs.all(ref, ref.kind in ['HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'])) && (!has(self.targetSelectors) || self.targetSelectors.all(sel, sel.kind in ['HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'])))",
        check: (s) =>
            !has(s, "mergeType") ||
            ((!has(s, "targetRef") || ROUTE_KINDS.includes(s.targetRef.kind)) &&
                (!has(s, "targetRefs") || s.targetRefs.every((ref: any) => ROUTE_KINDS.includes(ref.kind))) &&
                (!has(s, "targetSelectors") || s.targetSelectors.every((sel: any) => ROUTE_KINDS.includes(sel.kind)))),
    },
    // BackendTrafficPolicy: "admissionControl can only be used with HTTPRoute, GRPCRoute, Gateway, or ListenerSet targets"
    {
        rule: "!has(self.admissionControl) || ((!has(self.targetRef) || self.targetRef.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute']) && (!has(self.targetRefs) || self.targetRefs.all(ref, ref.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute'])) && (!has(self.targetSelectors) || self.targetSelectors.all(sel, sel.kind in ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute'])))",
        check: (s) =>
            !has(s, "admissionControl") ||
            ((!has(s, "targetRef") || ADMISSION_KINDS.includes(s.targetRef.kind)) &&
                (!has(s, "targetRefs") || s.targetRefs.every((ref: any) => ADMISSION_KINDS.includes(ref.kind))) &&
                (!has(s, "targetSelectors") || s.targetSelectors.every((sel: any) => ADMISSION_KINDS.includes(sel.kind)))),
    },
    // BackendTrafficPolicy: "either compression or compressor can be set, not both"
    { rule: "!has(self.compression) || !has(self.compressor)", check: (s) => !has(s, "compression") || !has(s, "compressor") },
    // BackendTrafficPolicy: "requestBuffer cannot be used together with httpUpgrade"
    {
        rule: "!has(self.requestBuffer) || !has(self.httpUpgrade) || self.httpUpgrade.size() == 0",
        check: (s) => !has(s, "requestBuffer") || !has(s, "httpUpgrade") || s.httpUpgrade.length === 0,
    },
    // BackendTrafficPolicy spec and EnvoyExtensionPolicy extProc[].backendSettings:
    // "predictivePercent in preconnect policy only works with RoundRobin or Random load balancers"
    {
        rule: "!((has(self.connection) && has(self.connection.preconnect) && has(self.connection.preconnect.predictivePercent)) && !(has(self.loadBalancer) && has(self.loadBalancer.type) && self.loadBalancer.type in ['Random', 'RoundRobin']))",
        check: (s) =>
            !(
                has(s, "connection") &&
                has(s.connection, "preconnect") &&
                has(s.connection.preconnect, "predictivePercent") &&
                !(has(s, "loadBalancer") && has(s.loadBalancer, "type") && ["Random", "RoundRobin"].includes(s.loadBalancer.type))
            ),
    },
    // On spec.mergeType: "Replace is not a valid MergeType for BackendTrafficPolicySpec" (and the same for EnvoyExtensionPolicy)
    { rule: "self != 'Replace'", check: (s) => s !== "Replace" },

    // EnvoyExtensionPolicy, on spec.extProc[]:
    // "BackendRefs must be used, backendRef is not supported."
    { rule: "!has(self.backendRef)", check: (s) => !has(s, "backendRef") },
    // "BackendRefs only supports Service, ServiceImport, and Backend kind."
    {
        rule: "has(self.backendRefs) ? self.backendRefs.all(f, f.kind == 'Service' || f.kind == 'ServiceImport' || f.kind == 'Backend') : true",
        check: (s) => !has(s, "backendRefs") || s.backendRefs.every((f: any) => ["Service", "ServiceImport", "Backend"].includes(f.kind)),
    },
    // "BackendRefs only supports Core, multicluster.x-k8s.io, and gateway.envoyproxy.io groups."
    {
        rule: `has(self.backendRefs) ? (self.backendRefs.all(f, f.group == "" || f.group == 'multicluster.x-k8s.io' || f.group == 'gateway.envoyproxy.io')) : true`,
        check: (s) => !has(s, "backendRefs") || s.backendRefs.every((f: any) => ["", "multicluster.x-k8s.io", "gateway.envoyproxy.io"].includes(f.group)),
    },
    // "If FullDuplexStreamed body processing mode is used, FailOpen must be false."
    {
        rule: "!(has(self.failOpen) && self.failOpen == true && has(self.processingMode) && ((has(self.processingMode.request) && has(self.processingMode.request.body) && self.processingMode.request.body == 'FullDuplexStreamed') || (has(self.processingMode.response) && has(self.processingMode.response.body) && self.processingMode.response.body == 'FullDuplexStreamed')))",
        check: (s) => !(s.failOpen === true && has(s, "processingMode") && [s.processingMode.request, s.processingMode.response].some((m) => has(m, "body") && m.body === "FullDuplexStreamed")),
    },
    // "If shadowMode is enabled, body processing mode must be Streamed or unset."
    {
        rule: "!(has(self.shadowMode) && self.shadowMode == true && has(self.processingMode) && ((has(self.processingMode.request) && has(self.processingMode.request.body) && self.processingMode.request.body != 'Streamed') || (has(self.processingMode.response) && has(self.processingMode.response.body) && self.processingMode.response.body != 'Streamed')))",
        check: (s) => !(s.shadowMode === true && has(s, "processingMode") && [s.processingMode.request, s.processingMode.response].some((m) => has(m, "body") && m.body !== "Streamed")),
    },
    // On every backend reference (extProc[].backendRefs[], the routes' backendRefs[], request mirrors):
    // "Must have port for Service reference"
    {
        rule: "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true",
        check: (s) => !(s.group === "" && s.kind === "Service") || has(s, "port"),
    },

    // Istio's EnvoyFilter:
    // On spec: "only one of targetRefs or workloadSelector can be set"
    {
        rule: "(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1",
        check: (s) => !(has(s, "workloadSelector") && has(s, "targetRefs")),
    },
    // On spec.configPatches[].match: "only support waypointMatch when context is WAYPOINT"
    {
        rule: `has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)`,
        check: (s) => (has(s, "context") && s.context === "WAYPOINT" ? has(s, "waypoint") : !has(s, "waypoint")),
    },
    // On spec.configPatches[].match.waypoint.portNumber: "port must be between 1-65535"
    { rule: "0 < self && self <= 65535", check: (s) => s > 0 && s <= 65535 },
    // On spec.targetRefs[].namespace: "cross namespace referencing is not currently supported"
    { rule: "self.size() == 0", check: (s) => s.length === 0 },
    // On each value of spec.workloadSelector.labels: "wildcard is not supported in selector"
    { rule: `!self.contains("*")`, check: (s) => !s.includes("*") },
];

const normalize = (rule: string): string => rule.replace(/\s+/g, " ").trim();
const CEL_BY_RULE = new Map(CEL_RULES.map((r) => [normalize(r.rule), r.check]));

/** The rule texts implemented by hand (for a test that each is still in a vendored CRD). */
export function implementedCelRules(): string[] {
    return [...CEL_BY_RULE.keys()];
}

/** Every CEL rule text of the vendored CRDs' served versions. */
export function vendoredCelRules(): Set<string> {
    const rules = new Set<string>();
    const walk = (s: any) => {
        if (!s || typeof s !== "object") return;
        for (const r of s["x-kubernetes-validations"] ?? []) rules.add(normalize(r.rule));
        for (const child of Object.values(s.properties ?? {})) walk(child);
        walk(s.items);
        if (typeof s.additionalProperties === "object") walk(s.additionalProperties);
    };
    for (const v of servedVersions().values()) walk(v.schema);
    return rules;
}

// ---------------------------------------------------------------------------------------------
// Validation.

const field = (at: string, name: string): string => (at ? `${at}.${name}` : name);
const describe = (value: unknown): string => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);
/** A value as the API server shows it in a message: a scalar as JSON, else its type. */
const shown = (value: unknown): string => (value !== null && typeof value === "object" ? `"${describe(value)}"` : JSON.stringify(value));

/** The API server's path of a JSON pointer into `data`: spec.extProc[0].backendRefs[0].port. */
function fieldPath(data: any, pointer: string): string {
    let at = "";
    let node = data;
    for (const raw of pointer.split("/").slice(1)) {
        const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        at = Array.isArray(node) ? `${at}[${seg}]` : field(at, seg);
        node = node?.[seg];
    }
    return at;
}

function ajvProblem(data: any, e: ErrorObject): string {
    const at = fieldPath(data, e.instancePath);
    const p = e.params as any;
    switch (e.keyword) {
        case "additionalProperties":
            return `unknown field "${field(at, p.additionalProperty)}"`;
        case "required":
            return `${field(at, p.missingProperty)}: Required value`;
        case "enum":
            return `${at}: Unsupported value: ${JSON.stringify(e.data)}: supported values: ${p.allowedValues.map((x: unknown) => JSON.stringify(x)).join(", ")}`;
        case "type":
            return `${at}: Invalid value: ${JSON.stringify(e.data)}: must be of type ${[p.type].flat().join(" or ")}`;
        case "const":
            return `${at}: Invalid value: ${JSON.stringify(e.data)}: must be ${JSON.stringify(p.allowedValue)}`;
        case "oneOf": {
            const passing: number[] = [p.passingSchemas ?? []].flat();
            const matched = passing.map((i) => JSON.stringify((e.schema as unknown[])[i])).join(", ");
            return `${at}: Invalid value: ${shown(e.data)}: must match exactly one of ${JSON.stringify(e.schema)}, matches ${passing.length === 0 ? "none" : matched}`;
        }
        case "anyOf":
            return `${at}: Invalid value: ${shown(e.data)}: must match at least one of ${JSON.stringify(e.schema)}`;
        default:
            return `${at}: Invalid value: ${shown(e.data)}: ${e.message}`;
    }
}

/** ajv's errors without those of a oneOf's or an anyOf's branches (the combinator's own error names them). */
function withoutBranchErrors(errors: ErrorObject[]): ErrorObject[] {
    const combinators = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
    return errors.filter((e) => !combinators.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`) && e.instancePath.startsWith(c.instancePath)));
}

/** Walks the (defaulted) object along the CRD's schema: CEL rules, list-type uniqueness, unchecked rules. */
function walk(s: any, value: any, at: string, out: { schemaValid: boolean; problems: string[]; unchecked: string[] }): void {
    if (value === undefined || value === null || !s || typeof s !== "object") return;
    for (const r of s["x-kubernetes-validations"] ?? []) {
        const implementation = CEL_BY_RULE.get(normalize(r.rule));
        if (!implementation) {
            out.unchecked.push(`${at}: ${r.message ?? r.rule}`);
            continue;
        }
        let ok: boolean;
        try {
            ok = implementation(value);
        } catch (e) {
            // A value of the wrong type, which the schema errors already name (else a bug here).
            if (out.schemaValid) throw e;
            continue;
        }
        if (!ok) out.problems.push(`${at}: Invalid value: "${describe(value)}": ${r.message ?? `failed rule: ${normalize(r.rule)}`}`);
    }
    if (Array.isArray(value)) {
        const type = s["x-kubernetes-list-type"];
        const keys: string[] | undefined = s["x-kubernetes-list-map-keys"];
        if (type === "set" || (type === "map" && keys)) {
            const seen = new Set<string>();
            value.forEach((item, i) => {
                const key = type === "set" ? item : Object.fromEntries(keys!.map((k) => [k, item?.[k]]));
                const text = JSON.stringify(key);
                if (seen.has(text)) out.problems.push(`${at}[${i}]: Duplicate value: ${text}`);
                seen.add(text);
            });
        }
        value.forEach((item, i) => walk(s.items, item, `${at}[${i}]`, out));
    } else if (typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            const child = s.properties?.[k] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
            walk(child, v, field(at, k), out);
        }
    }
}

interface Outcome {
    served: Served;
    problems: string[];
    unchecked: string[];
}

function check(obj: any): Outcome {
    const served = servedVersions().get(`${obj?.apiVersion}/${obj?.kind}`);
    if (!served) throw new Error(`no CRD schema for ${obj?.apiVersion}/${obj?.kind}`);
    // What the API server would receive (JSON), defaulted by ajv (useDefaults) as the API server defaults.
    const copy = JSON.parse(JSON.stringify(obj));
    const status = copy.status;
    delete copy.status;
    const validate = validatorOf(served);
    const schemaValid = validate(copy);
    const problems = schemaValid ? [] : withoutBranchErrors(validate.errors!).map((e) => ajvProblem(copy, e));
    const unchecked: string[] = [];
    walk(served.schema, copy, "", { schemaValid, problems, unchecked });
    if (status !== undefined) problems.push("status: Forbidden: the status subresource is the controller's; the API server ignores status on create and update");
    return { served, problems: [...new Set(problems)], unchecked };
}

/** Every problem of `obj` against the CRD that serves its apiVersion and kind (none when valid). */
export function customObjectProblems(obj: any): string[] {
    return check(obj).problems;
}

/** The CEL rules on the nodes `obj` sets that no hand-written check covers: `path: message`. */
export function uncheckedCelRules(obj: any): string[] {
    return check(obj).unchecked;
}

/** Throws, naming every problem, unless `obj` is valid for the CRD that serves its apiVersion and kind. */
export function validateCustomObject(obj: any): void {
    const { served, problems } = check(obj);
    if (problems.length > 0) {
        throw new Error(`${obj.apiVersion}/${obj.kind} ${obj.metadata?.name} does not match the CRD ${served.crd} (tools/schemas/crds/${served.file}):\n  ${problems.join("\n  ")}`);
    }
}
