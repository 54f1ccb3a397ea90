// Validates an Envoy bootstrap the way Envoy reads it: the proto3 JSON mapping of Envoy's v3 API
// protos (shipped by @grpc/grpc-js-xds, read from the descriptor of tools/schemas/envoy.ts), with
// - unknown fields, deprecated fields and deprecated enum values refused;
// - every `@type` of a google.protobuf.Any resolved and checked, and held to its slot: an
//   extension of the category the slot takes (an HTTP filter where HTTP filters go), as Envoy's
//   factory lookup does;
// - scalars, enums, durations, oneofs checked;
// - every protoc-gen-validate rule of the fields, with PGV's own semantics: a scalar's rules hold
//   for its default value when it is absent (`min_len: 1` makes a string required), a wrapper's
//   when it is set, a message's `required` when it is absent, rules on empty messages
//   (`duration = {gt {}}`) included. RULE_KINDS lists the kinds it applies; a test holds that
//   list to every kind the protos use, and a table of planted violations to every kind;
// - Envoy's own rule for every duration: not negative, and within its range.
import * as fs from "fs";
import * as protobuf from "protobufjs";
import { loadEnvoyYaml as parse } from "../../sdk/vocabulary/envoy-yaml";
import { CATEGORY_OPTION, ENVOY_PROTOS_FILE, RULES_OPTION } from "../../tools/schemas/envoy";

let loaded: protobuf.Root | undefined;
/** Envoy's protos, from the descriptor `npm run schemas` wrote (tools/schemas/envoy.ts). */
export function envoyProtos(): protobuf.Root {
    if (loaded) return loaded;
    const r = protobuf.Root.fromJSON(JSON.parse(fs.readFileSync(ENVOY_PROTOS_FILE, "utf8")).root);
    r.resolveAll();
    loaded = r;
    return r;
}

/** Every protoc-gen-validate rule kind this validator applies (`string.min_len`, `duration.gt`, ...). */
export const RULE_KINDS = [
    "string.const",
    "string.len",
    "string.min_len",
    "string.max_len",
    "string.min_bytes",
    "string.max_bytes",
    "string.pattern",
    "string.prefix",
    "string.suffix",
    "string.contains",
    "string.not_contains",
    "string.in",
    "string.not_in",
    "string.well_known_regex",
    "string.strict",
    "string.ignore_empty",
    "bytes.min_len",
    "bytes.max_len",
    "bool.const",
    ...["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "double", "float"].flatMap((t) =>
        ["const", "lt", "lte", "gt", "gte", "in", "not_in"].map((k) => `${t}.${k}`),
    ),
    "enum.const",
    "enum.defined_only",
    "enum.in",
    "enum.not_in",
    "message.required",
    "message.skip",
    "repeated.min_items",
    "repeated.max_items",
    "repeated.unique",
    "repeated.items",
    "map.min_pairs",
    "map.max_pairs",
    "map.keys",
    "map.values",
    "any.required",
    "any.in",
    "any.not_in",
    "duration.required",
    "duration.const",
    "duration.lt",
    "duration.lte",
    "duration.gt",
    "duration.gte",
];

/**
 * The kinds of `rules` (one field's), as RULE_KINDS names them; a list's or a map's element rules
 * by their own kinds (`repeated.items.string.min_len` is `repeated.items` and `string.min_len`).
 */
export function ruleKindsOf(rules: Record<string, any>): string[] {
    const kinds: string[] = [];
    for (const [type, r] of Object.entries(rules)) {
        for (const [k, v] of Object.entries(r as Record<string, any>)) {
            kinds.push(`${type}.${k}`);
            if ((type === "repeated" && k === "items") || (type === "map" && (k === "keys" || k === "values"))) kinds.push(...ruleKindsOf(v));
        }
    }
    return kinds;
}

const TYPE_URL_PREFIX = "type.googleapis.com/";
const WRAPPERS: Record<string, string> = {
    DoubleValue: "double",
    FloatValue: "float",
    Int64Value: "int64",
    UInt64Value: "uint64",
    Int32Value: "int32",
    UInt32Value: "uint32",
    BoolValue: "bool",
    StringValue: "string",
    BytesValue: "bytes",
};
const DURATION = /^(-?)(\d+)(\.\d{1,9})?s$/;
/** Envoy's own limit on any duration (validateDurationUnifiedNoThrow): at most this many seconds. */
const ENVOY_MAX_DURATION_SECONDS = 9223372035;
const INT_TYPES = ["int32", "uint32", "sint32", "fixed32", "sfixed32", "int64", "uint64", "sint64", "fixed64", "sfixed64"];

/** protoc-gen-validate's well-known header regexes (validate.proto, KnownRegex), strict and not (`strict: false`: only no NUL, CR or LF). */
const HEADER_STRING = /^[^\u0000\n\r]*$/;
const KNOWN_REGEX: Record<string, [strict: RegExp, loose: RegExp]> = {
    HTTP_HEADER_NAME: [/^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/, HEADER_STRING],
    HTTP_HEADER_VALUE: [/^[^\u0000-\u0008\u000A-\u001F\u007F]*$/, HEADER_STRING],
};

/**
 * Slots whose extension category the protos state in prose only (no `[#extension-category]`
 * comment on the field): the transport socket of a cluster connects upstream.
 */
const SLOT_CATEGORIES: Record<string, string> = {
    "envoy.config.cluster.v3.Cluster.transport_socket": "envoy.transport_sockets.upstream",
};

/** The extension an Envoy extension message configures, by Envoy's naming: `envoy.extensions.filters.http.ext_authz.v3.ExtAuthz` -> `envoy.filters.http.ext_authz`. */
function extensionOf(messageName: string): string | undefined {
    const m = /^envoy\.extensions\.(.+)\.v\d+(alpha)?\.[A-Z]\w*$/.exec(messageName);
    return m ? `envoy.${m[1]}` : undefined;
}

/** Does an extension of `messageName` fit a slot of `category` (`envoy.filters.http`; a list, comma-separated)? */
function fitsCategory(messageName: string, category: string): boolean {
    // A TypedStruct carries any extension's config by its own type URL: it fits every slot.
    if (/^(xds|udpa)\.type\.v\d+\.TypedStruct$/.test(messageName)) return true;
    const ext = extensionOf(messageName);
    if (ext === undefined) return false;
    return category.split(",").some((c) => {
        // Transport sockets are one family whichever way they face.
        const family = /^envoy\.transport_sockets\.(upstream|downstream)$/.test(c) ? "envoy.transport_sockets" : c;
        return ext.startsWith(`${family}.`);
    });
}

const lowerCamel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

// Per type and per field, computed once: the validator runs over many configs.
const namesOf = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();
function fieldsByName(type: protobuf.Type): Map<string, protobuf.Field> {
    let byName = namesOf.get(type);
    if (!byName) {
        byName = new Map();
        for (const f of type.fieldsArray) {
            byName.set(f.name, f);
            byName.set(lowerCamel(f.name), f);
        }
        namesOf.set(type, byName);
    }
    return byName;
}

const rulesOf = (f: protobuf.Field): Record<string, any> => (f.options?.[RULES_OPTION] as Record<string, any> | undefined) ?? {};

function durationSeconds(d: { seconds?: number | string; nanos?: number } | undefined): number {
    return Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The default of a scalar field, as an absent field reads (proto3: "", 0, false, the first enum value). */
function defaultOf(field: protobuf.Field): unknown {
    const t = field.resolvedType;
    if (t instanceof protobuf.Enum) return Object.keys(t.values)[0];
    if (field.type === "string" || field.type === "bytes") return "";
    if (field.type === "bool") return false;
    return 0;
}

class Checker {
    readonly errors: string[] = [];
    constructor(private readonly r: protobuf.Root) {}

    fail(at: string, message: string) {
        this.errors.push(`${at}: ${message}`);
    }

    message(type: protobuf.Type, json: unknown, at: string, category?: string): void {
        const full = type.fullName.replace(/^\./, "");
        switch (full) {
            case "google.protobuf.Any":
                return this.any(json, at, category);
            case "google.protobuf.Duration":
                return void this.duration(json, at);
            case "google.protobuf.Timestamp":
            case "google.protobuf.FieldMask":
                if (typeof json !== "string") this.fail(at, "expected a string");
                return;
            case "google.protobuf.Struct":
                if (!isObject(json)) this.fail(at, "expected an object");
                return;
            case "google.protobuf.Value":
                return;
            case "google.protobuf.ListValue":
                if (!Array.isArray(json)) this.fail(at, "expected a list");
                return;
            case "google.protobuf.Empty":
                if (!isObject(json) || Object.keys(json).length > 0) this.fail(at, "expected {}");
                return;
        }
        if (full.startsWith("google.protobuf.") && WRAPPERS[type.name]) return this.scalar(WRAPPERS[type.name], json, at, {});
        if (!isObject(json)) return this.fail(at, `expected an object for ${full}`);
        // A TypedExtensionConfig's category is its slot's: passed on to the Any it holds.
        this.fields(type, json, at, full.endsWith(".TypedExtensionConfig") ? category : undefined);
    }

    /** A duration's value in seconds, checked as protobuf and Envoy read it; undefined if it is none. */
    duration(json: unknown, at: string): number | undefined {
        const m = typeof json === "string" ? DURATION.exec(json) : null;
        if (!m) {
            this.fail(at, `expected a duration such as "0.25s", got ${JSON.stringify(json)}`);
            return undefined;
        }
        const seconds = Number(`${m[1]}${m[2]}${m[3] ?? ""}`);
        if (seconds < 0) this.fail(at, "a negative duration (Envoy refuses it)");
        if (Number(m[2]) > ENVOY_MAX_DURATION_SECONDS) this.fail(at, `a duration over ${ENVOY_MAX_DURATION_SECONDS}s (Envoy refuses it)`);
        return seconds;
    }

    fields(type: protobuf.Type, json: Record<string, unknown>, at: string, category?: string, ignore: string[] = []): void {
        const byName = fieldsByName(type);
        const set = new Map<protobuf.Field, unknown>();
        const typeName = type.fullName.replace(/^\./, "");
        for (const [key, value] of Object.entries(json)) {
            if (ignore.includes(key)) continue;
            const field = byName.get(key);
            if (!field) {
                this.fail(`${at}.${key}`, `unknown field of ${typeName}`);
                continue;
            }
            if (value === null || value === undefined) continue;
            if (set.has(field)) this.fail(`${at}.${key}`, "field given twice (by its proto and JSON names)");
            set.set(field, value);
            if (field.options?.deprecated) this.fail(`${at}.${key}`, "deprecated field (Envoy refuses or warns about it)");
            const slot = (field.options?.[CATEGORY_OPTION] as string | undefined) ?? SLOT_CATEGORIES[`${typeName}.${field.name}`] ?? category;
            this.field(field, value, `${at}.${key}`, slot);
        }
        for (const oneof of type.oneofsArray) {
            const present = oneof.fieldsArray.filter((f) => set.has(f));
            if (present.length > 1) this.fail(at, `only one of ${oneof.name} may be set, got ${present.map((f) => f.name).join(", ")}`);
            if (present.length === 0 && oneof.options?.["(validate.required)"]) this.fail(at, `one of ${oneof.fieldsArray.map((f) => f.name).join(", ")} is required`);
        }
        // What PGV checks of a field that is not set: a oneof member is checked only when chosen;
        // a message (a wrapper too) only for `required`; a list, a map and a scalar by their
        // empty value (`min_items`, `min_len: 1` make them required), unless `ignore_empty`.
        for (const f of type.fieldsArray) {
            if (set.has(f) || f.partOf) continue;
            const rules = rulesOf(f);
            if (Object.keys(rules).length === 0) continue;
            const fat = `${at}.${f.name}`;
            if (rules.message?.required || rules.any?.required || rules.duration?.required) this.fail(fat, "required");
            if (f.map) this.mapRules({}, rules.map ?? {}, fat);
            else if (f.repeated) this.repeatedRules([], rules.repeated ?? {}, fat, f);
            else if (!(f.resolvedType instanceof protobuf.Type) && !f.options?.proto3_optional) this.single(f, defaultOf(f), fat, rules, undefined, true);
        }
    }

    field(field: protobuf.Field, value: unknown, at: string, category?: string): void {
        const rules = rulesOf(field);
        if (field.map) {
            if (!isObject(value)) return this.fail(at, "expected a map (object)");
            this.mapRules(value, rules.map ?? {}, at);
            for (const [k, v] of Object.entries(value)) {
                if (rules.map?.keys) this.scalar("string", k, `${at} key ${JSON.stringify(k)}`, rules.map.keys);
                this.single(field, v, `${at}.${k}`, rules.map?.values ?? {}, category);
            }
            // A typed_extension_protocol_options entry is keyed by the name of what it configures.
            if (field.name === "typed_extension_protocol_options") {
                for (const [k, v] of Object.entries(value)) {
                    const url = isObject(v) ? String(v["@type"] ?? "") : "";
                    const name = url.slice(TYPE_URL_PREFIX.length);
                    if (name && k !== name && k !== extensionOf(name)) this.fail(`${at}.${k}`, `keyed ${k}, but it configures ${name}: Envoy finds its options by that name`);
                }
            }
            return;
        }
        if (field.repeated) {
            if (!Array.isArray(value)) return this.fail(at, "expected a list");
            this.repeatedRules(value, rules.repeated ?? {}, at, field);
            value.forEach((v, i) => this.single(field, v, `${at}[${i}]`, rules.repeated?.items ?? {}, category));
            return;
        }
        this.single(field, value, at, rules, category);
    }

    mapRules(value: Record<string, unknown>, r: Record<string, any>, at: string) {
        const n = Object.keys(value).length;
        if (r.min_pairs !== undefined && n < Number(r.min_pairs)) this.fail(at, `at least ${r.min_pairs} entries`);
        if (r.max_pairs !== undefined && n > Number(r.max_pairs)) this.fail(at, `at most ${r.max_pairs} entries`);
    }

    repeatedRules(value: unknown[], r: Record<string, any>, at: string, field: protobuf.Field) {
        if (r.min_items !== undefined && value.length < Number(r.min_items)) this.fail(at, `at least ${r.min_items} items`);
        if (r.max_items !== undefined && value.length > Number(r.max_items)) this.fail(at, `at most ${r.max_items} items`);
        if (r.unique && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) this.fail(at, "items must be unique");
        void field;
    }

    single(field: protobuf.Field, value: unknown, at: string, rules: Record<string, any>, category?: string, absent = false): void {
        const t = field.resolvedType;
        if (t instanceof protobuf.Type) {
            const full = t.fullName.replace(/^\./, "");
            if (full === "google.protobuf.Duration") {
                const seconds = this.duration(value, at);
                if (seconds !== undefined && rules.duration) this.durationRules(seconds, rules.duration, at);
                return;
            }
            if (full.startsWith("google.protobuf.") && WRAPPERS[t.name]) {
                // A wrapper's rules are its value's, when it is set.
                return this.scalar(WRAPPERS[t.name], value, at, rules);
            }
            if (full === "google.protobuf.Any" && rules.any) this.anyRules(value, rules.any, at);
            if (rules.message?.skip) return;
            return this.message(t, value, at, category);
        }
        if (t instanceof protobuf.Enum) return this.enumValue(t, value, at, rules.enum ?? {});
        this.scalar(field.type, value, at, rules, absent);
    }

    durationRules(seconds: number, r: Record<string, any>, at: string) {
        if (r.const !== undefined && seconds !== durationSeconds(r.const)) this.fail(at, `must be exactly ${durationSeconds(r.const)}s`);
        this.range(seconds, r, durationSeconds, at, "s");
    }

    /**
     * PGV's range rules: each bound alone must hold; with a lower bound above the upper one
     * (`gte: 1s, lte: 0s`), the value must be outside the gap between them (either bound holds).
     */
    range(n: number, r: Record<string, any>, num: (x: any) => number, at: string, unit = "", note?: string) {
        const lower =
            r.gt !== undefined
                ? { ok: n > num(r.gt), text: `greater than ${num(r.gt)}${unit}`, at: num(r.gt) }
                : r.gte !== undefined
                  ? { ok: n >= num(r.gte), text: `at least ${num(r.gte)}${unit}`, at: num(r.gte) }
                  : undefined;
        const upper =
            r.lt !== undefined
                ? { ok: n < num(r.lt), text: `less than ${num(r.lt)}${unit}`, at: num(r.lt) }
                : r.lte !== undefined
                  ? { ok: n <= num(r.lte), text: `at most ${num(r.lte)}${unit}`, at: num(r.lte) }
                  : undefined;
        const why = note ? ` (${note})` : "";
        if (lower && upper && lower.at > upper.at) {
            if (!lower.ok && !upper.ok) this.fail(at, `must be ${upper.text} or ${lower.text}, got ${n}${unit}${why}`);
            return;
        }
        if (lower && !lower.ok) this.fail(at, `must be ${lower.text}, got ${n}${unit}${why}`);
        if (upper && !upper.ok) this.fail(at, `must be ${upper.text}, got ${n}${unit}${why}`);
    }

    anyRules(value: unknown, r: Record<string, any>, at: string) {
        const url = isObject(value) ? value["@type"] : undefined;
        const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
        if (r.in !== undefined && !list(r.in).includes(url)) this.fail(at, `@type must be one of ${list(r.in).join(", ")}`);
        if (r.not_in !== undefined && list(r.not_in).includes(url)) this.fail(at, `@type ${url} is not allowed here`);
    }

    enumValue(e: protobuf.Enum, value: unknown, at: string, rules: Record<string, any>): void {
        let n: number | undefined;
        let name: string | undefined;
        if (typeof value === "string") {
            // Envoy parses enums case-insensitively (JsonParseOptions.case_insensitive_enum_parsing).
            name = e.values[value] !== undefined ? value : value.toUpperCase();
            n = e.values[name];
        } else if (typeof value === "number" && Number.isInteger(value)) {
            n = value;
            name = Object.keys(e.values).find((k) => e.values[k] === value);
        }
        if (n === undefined) return this.fail(at, `expected a value of ${e.name}: ${Object.keys(e.values).join(", ")}; got ${JSON.stringify(value)}`);
        const valueOptions = name === undefined ? undefined : (e.valuesOptions?.[name] as Record<string, unknown> | undefined);
        if (valueOptions?.deprecated || valueOptions?.["(envoy.annotations.disallowed_by_default_enum)"]) this.fail(at, `${e.name} value ${name} is deprecated (Envoy refuses it)`);
        const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
        const asNumber = (x: unknown) => (typeof x === "string" ? e.values[x] : x);
        if (rules.defined_only && !Object.values(e.values).includes(n)) this.fail(at, `undefined ${e.name} value ${n}`);
        if (rules.const !== undefined && n !== asNumber(rules.const)) this.fail(at, `must be ${rules.const}`);
        if (rules.in !== undefined && !list(rules.in).map(asNumber).includes(n)) this.fail(at, `${e.name} value ${JSON.stringify(value)} is not one of ${JSON.stringify(rules.in)}`);
        if (rules.not_in !== undefined && list(rules.not_in).map(asNumber).includes(n)) this.fail(at, `${e.name} value ${JSON.stringify(value)} is not allowed here`);
    }

    scalar(type: string, value: unknown, at: string, rules: Record<string, any>, absent = false): void {
        if (INT_TYPES.includes(type)) {
            const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
            if (typeof n !== "number" || !Number.isInteger(n)) return this.fail(at, `expected an integer (${type}), got ${JSON.stringify(value)}`);
            if ((type.startsWith("u") || type.startsWith("fixed")) && n < 0) this.fail(at, `expected a non-negative ${type}`);
            if (type.endsWith("32") && (n > (type.startsWith("u") || type === "fixed32" ? 4294967295 : 2147483647) || n < -2147483648)) this.fail(at, `out of range for ${type}`);
            return this.numberRules(n, rules[type] ?? {}, at, absent ? "an absent field reads as 0" : undefined);
        }
        switch (type) {
            case "double":
            case "float":
                if (typeof value !== "number" && !["NaN", "Infinity", "-Infinity"].includes(value as string)) return this.fail(at, `expected a number, got ${JSON.stringify(value)}`);
                if (typeof value === "number") this.numberRules(value, rules[type] ?? {}, at, absent ? "an absent field reads as 0" : undefined);
                return;
            case "bool":
                // Protobuf's JSON parser in its legacy mode (Envoy's) also reads a bool from text, by absl::SimpleAtob.
                if (typeof value === "string" && /^(true|t|yes|y|1|false|f|no|n|0)$/i.test(value)) value = /^(true|t|yes|y|1)$/i.test(value);
                if (typeof value !== "boolean") return this.fail(at, `expected true or false, got ${JSON.stringify(value)}`);
                if (rules.bool?.const !== undefined && value !== rules.bool.const) this.fail(at, `must be ${rules.bool.const}`);
                return;
            case "string":
                if (typeof value !== "string") return this.fail(at, `expected a string, got ${JSON.stringify(value)}`);
                return this.stringRules(value, rules.string ?? {}, at, absent);
            case "bytes": {
                if (typeof value !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) return this.fail(at, "expected base64 bytes");
                const length = Buffer.from(value, "base64").length;
                const r = rules.bytes ?? {};
                if (r.min_len !== undefined && length < Number(r.min_len)) this.fail(at, `at least ${r.min_len} bytes${absent ? " (the field is required)" : ""}`);
                if (r.max_len !== undefined && length > Number(r.max_len)) this.fail(at, `at most ${r.max_len} bytes`);
                return;
            }
        }
        this.fail(at, `unsupported scalar type ${type}`);
    }

    stringRules(value: string, r: Record<string, any>, at: string, absent: boolean) {
        if (r.ignore_empty && value === "") return;
        const chars = [...value].length;
        const bytes = Buffer.byteLength(value);
        const list = (x: unknown): string[] => (Array.isArray(x) ? x : x === undefined ? [] : [x as string]);
        const required = absent ? " (the field is required)" : "";
        if (r.const !== undefined && value !== r.const) this.fail(at, `must be ${JSON.stringify(r.const)}`);
        if (r.len !== undefined && chars !== Number(r.len)) this.fail(at, `exactly ${r.len} characters`);
        if (r.min_len !== undefined && chars < Number(r.min_len)) this.fail(at, `at least ${r.min_len} characters${required}`);
        if (r.max_len !== undefined && chars > Number(r.max_len)) this.fail(at, `at most ${r.max_len} characters`);
        if (r.min_bytes !== undefined && bytes < Number(r.min_bytes)) this.fail(at, `at least ${r.min_bytes} bytes${required}`);
        if (r.max_bytes !== undefined && bytes > Number(r.max_bytes)) this.fail(at, `at most ${r.max_bytes} bytes`);
        if (r.pattern !== undefined && !new RegExp(r.pattern, "u").test(value)) this.fail(at, `must match ${r.pattern}`);
        if (r.prefix !== undefined && !value.startsWith(r.prefix)) this.fail(at, `must start with ${JSON.stringify(r.prefix)}`);
        if (r.suffix !== undefined && !value.endsWith(r.suffix)) this.fail(at, `must end with ${JSON.stringify(r.suffix)}`);
        if (r.contains !== undefined && !value.includes(r.contains)) this.fail(at, `must contain ${JSON.stringify(r.contains)}`);
        if (r.not_contains !== undefined && value.includes(r.not_contains)) this.fail(at, `must not contain ${JSON.stringify(r.not_contains)}`);
        if (r.in !== undefined && !list(r.in).includes(value)) this.fail(at, `one of ${JSON.stringify(list(r.in))}`);
        if (r.not_in !== undefined && list(r.not_in).includes(value)) this.fail(at, `none of ${JSON.stringify(list(r.not_in))}`);
        if (r.well_known_regex !== undefined) {
            const regex = KNOWN_REGEX[r.well_known_regex];
            if (!regex) this.fail(at, `unknown well-known regex ${r.well_known_regex}`);
            else if (!regex[r.strict === false ? 1 : 0].test(value))
                this.fail(at, `not a valid ${String(r.well_known_regex).toLowerCase().replace(/_/g, " ")}${r.strict === false ? "" : " (strict)"}`);
        }
    }

    numberRules(n: number, r: Record<string, any>, at: string, note?: string) {
        const num = (x: unknown) => Number(x);
        const list = (x: unknown): number[] => (Array.isArray(x) ? x.map(num) : x === undefined ? [] : [num(x)]);
        const why = note ? ` (${note})` : "";
        if (r.const !== undefined && n !== num(r.const)) this.fail(at, `must be ${r.const}, got ${n}${why}`);
        this.range(n, r, num, at, "", note);
        if (r.in !== undefined && !list(r.in).includes(n)) this.fail(at, `must be one of ${JSON.stringify(list(r.in))}, got ${n}`);
        if (r.not_in !== undefined && list(r.not_in).includes(n)) this.fail(at, `must not be ${n}`);
    }

    any(json: unknown, at: string, category?: string): void {
        if (!isObject(json)) return this.fail(at, "expected an object with @type");
        const url = json["@type"];
        if (typeof url !== "string" || !url.startsWith(TYPE_URL_PREFIX)) return this.fail(at, `expected "@type": "${TYPE_URL_PREFIX}<message>", got ${JSON.stringify(url)}`);
        let type: protobuf.Type;
        try {
            type = this.r.lookupType(url.slice(TYPE_URL_PREFIX.length));
        } catch {
            return this.fail(at, `unknown @type ${url}`);
        }
        const name = type.fullName.replace(/^\./, "");
        // Envoy finds the extension by its type among the factories of the slot's category.
        if (category !== undefined && !fitsCategory(name, category)) this.fail(at, `@type ${name} is not an extension of ${category}, which this field takes: Envoy finds no factory for it`);
        if (name.startsWith("google.protobuf.")) return this.message(type, json.value, `${at}.value`);
        this.fields(type, json, at, undefined, ["@type"]);
    }
}

/** A bootstrap's text: JSON (the generated `envoy.json`), else YAML (of which JSON is a part). */
export function parseConfigText(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return parse(text);
    }
}

/** The problems Envoy would find loading `json` as the message `typeName` (e.g. `envoy.config.cluster.v3.Cluster`); empty when it is valid. */
export function envoyMessageProblems(typeName: string, json: unknown, at = "$"): string[] {
    const r = envoyProtos();
    const checker = new Checker(r);
    checker.message(r.lookupType(typeName), json, at);
    return checker.errors;
}

/** The problems Envoy would find loading `config` (YAML/JSON text or an object) as a v3 bootstrap; empty when it is valid. */
export function envoyConfigProblems(config: string | object): string[] {
    return envoyMessageProblems("envoy.config.bootstrap.v3.Bootstrap", typeof config === "string" ? parseConfigText(config) : config);
}

/** Throws, naming every problem, unless `config` is a valid Envoy v3 bootstrap. */
export function validateEnvoyConfig(config: string | object): void {
    const problems = envoyConfigProblems(config);
    if (problems.length > 0) throw new Error(`invalid Envoy bootstrap:\n  ${problems.join("\n  ")}`);
}
