// Validates an Envoy bootstrap the way Envoy reads it: the proto3 JSON mapping of Envoy's v3
// API protos (shipped by @grpc/grpc-js-xds, read from the descriptor of tools/schemas/envoy.ts) with unknown fields rejected, every `@type` of a
// google.protobuf.Any resolved and checked, enums, scalars, durations and oneofs checked, the
// protoc-gen-validate rules that matter enforced, and deprecated fields refused.
import * as fs from "fs";
import * as protobuf from "protobufjs";
import { load as parse } from "js-yaml";
import { ENVOY_PROTOS_FILE } from "../../tools/schemas/envoy";

let loaded: protobuf.Root | undefined;
/** Envoy's protos, from the descriptor `npm run schemas` wrote (tools/schemas/envoy.ts). */
function root(): protobuf.Root {
    if (loaded) return loaded;
    const r = protobuf.Root.fromJSON(JSON.parse(fs.readFileSync(ENVOY_PROTOS_FILE, "utf8")).root);
    r.resolveAll();
    loaded = r;
    return r;
}

const TYPE_URL_PREFIX = "type.googleapis.com/";
const WRAPPERS: Record<string, string> = {
    DoubleValue: "double", FloatValue: "float", Int64Value: "int64", UInt64Value: "uint64", Int32Value: "int32",
    UInt32Value: "uint32", BoolValue: "bool", StringValue: "string", BytesValue: "bytes",
};
const DURATION = /^-?\d+(\.\d{1,9})?s$/;

function lowerCamel(snake: string): string {
    return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** protoc-gen-validate rules of a field, as a nested object: `{string: {min_len: 1}}`. */
function rulesOf(options: Record<string, unknown> | undefined): any {
    const rules: any = {};
    for (const [key, value] of Object.entries(options ?? {})) {
        if (!key.startsWith("(validate.rules).")) continue;
        const parts = key.slice("(validate.rules).".length).split(".");
        let at = rules;
        for (const p of parts.slice(0, -1)) at = at[p] ??= {};
        at[parts[parts.length - 1]] = value;
    }
    return rules;
}

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

const rulesByField = new WeakMap<protobuf.Field, any>();
function fieldRules(f: protobuf.Field): any {
    let rules = rulesByField.get(f);
    if (rules === undefined) rulesByField.set(f, (rules = rulesOf(f.options)));
    return rules;
}

function durationSeconds(d: { seconds?: number; nanos?: number }): number {
    return (d.seconds ?? 0) + (d.nanos ?? 0) / 1e9;
}

class Checker {
    readonly errors: string[] = [];
    constructor(private readonly r: protobuf.Root) {}

    fail(at: string, message: string) {
        this.errors.push(`${at}: ${message}`);
    }

    message(type: protobuf.Type, json: unknown, at: string): void {
        const full = type.fullName.replace(/^\./, "");
        switch (full) {
            case "google.protobuf.Any":
                return this.any(json, at);
            case "google.protobuf.Duration":
                if (typeof json !== "string" || !DURATION.test(json)) this.fail(at, `expected a duration such as "0.25s", got ${JSON.stringify(json)}`);
                return;
            case "google.protobuf.Timestamp":
            case "google.protobuf.FieldMask":
                if (typeof json !== "string") this.fail(at, "expected a string");
                return;
            case "google.protobuf.Struct":
                if (typeof json !== "object" || json === null || Array.isArray(json)) this.fail(at, "expected an object");
                return;
            case "google.protobuf.Value":
                return;
            case "google.protobuf.ListValue":
                if (!Array.isArray(json)) this.fail(at, "expected a list");
                return;
            case "google.protobuf.Empty":
                if (typeof json !== "object" || json === null || Array.isArray(json) || Object.keys(json).length > 0) this.fail(at, "expected {}");
                return;
        }
        if (full.startsWith("google.protobuf.") && WRAPPERS[type.name]) return this.scalar(WRAPPERS[type.name], json, at, {});
        if (typeof json !== "object" || json === null || Array.isArray(json)) return this.fail(at, `expected an object for ${full}`);
        this.fields(type, json as Record<string, unknown>, at);
    }

    fields(type: protobuf.Type, json: Record<string, unknown>, at: string, ignore: string[] = []): void {
        const byName = fieldsByName(type);
        const set = new Set<protobuf.Field>();
        for (const [key, value] of Object.entries(json)) {
            if (ignore.includes(key)) continue;
            const field = byName.get(key);
            if (!field) {
                this.fail(`${at}.${key}`, `unknown field of ${type.fullName.replace(/^\./, "")}`);
                continue;
            }
            if (value === null || value === undefined) continue;
            if (set.has(field)) this.fail(`${at}.${key}`, "field given twice (by its proto and JSON names)");
            set.add(field);
            if (field.options?.deprecated) this.fail(`${at}.${key}`, "deprecated field (Envoy refuses or warns about it)");
            this.field(field, value, `${at}.${key}`);
        }
        for (const oneof of type.oneofsArray) {
            const present = oneof.fieldsArray.filter((f) => set.has(f));
            if (present.length > 1) this.fail(at, `only one of ${oneof.name} may be set, got ${present.map((f) => f.name).join(", ")}`);
            if (present.length === 0 && oneof.options?.["(validate.required)"]) this.fail(at, `one of ${oneof.fieldsArray.map((f) => f.name).join(", ")} is required`);
        }
        // A oneof member's rules apply only when it is the member chosen (checked above).
        for (const f of type.fieldsArray.filter((x) => !x.partOf)) {
            const rules = fieldRules(f);
            const required = rules.message?.required || rules.any?.required || rules.duration?.required;
            if (required && !set.has(f)) this.fail(`${at}.${f.name}`, "required");
        }
    }

    field(field: protobuf.Field, value: unknown, at: string): void {
        const rules = fieldRules(field);
        if (field.map) {
            if (typeof value !== "object" || value === null || Array.isArray(value)) return this.fail(at, "expected a map (object)");
            const entries = Object.entries(value);
            if (rules.map?.min_pairs && entries.length < rules.map.min_pairs) this.fail(at, `at least ${rules.map.min_pairs} entries`);
            for (const [k, v] of entries) this.single(field, v, `${at}.${k}`, {});
            return;
        }
        if (field.repeated) {
            if (!Array.isArray(value)) return this.fail(at, "expected a list");
            if (rules.repeated?.min_items && value.length < rules.repeated.min_items) this.fail(at, `at least ${rules.repeated.min_items} items`);
            if (rules.repeated?.max_items !== undefined && value.length > rules.repeated.max_items) this.fail(at, `at most ${rules.repeated.max_items} items`);
            value.forEach((v, i) => this.single(field, v, `${at}[${i}]`, rules.repeated?.items ?? {}));
            return;
        }
        this.single(field, value, at, rules);
    }

    single(field: protobuf.Field, value: unknown, at: string, rules: any): void {
        const t = field.resolvedType;
        if (t instanceof protobuf.Type) {
            this.message(t, value, at);
            if (rules.duration && typeof value === "string" && DURATION.test(value)) this.durationRules(Number(value.slice(0, -1)), rules.duration, at);
            return;
        }
        if (t instanceof protobuf.Enum) return this.enumValue(t, value, at, rules.enum ?? {});
        this.scalar(field.type, value, at, rules);
    }

    durationRules(seconds: number, r: any, at: string) {
        if (r.gt && !(seconds > durationSeconds(r.gt))) this.fail(at, `must be longer than ${durationSeconds(r.gt)}s`);
        if (r.gte && !(seconds >= durationSeconds(r.gte))) this.fail(at, `must be at least ${durationSeconds(r.gte)}s`);
        if (r.lt && !(seconds < durationSeconds(r.lt))) this.fail(at, `must be shorter than ${durationSeconds(r.lt)}s`);
        if (r.lte && !(seconds <= durationSeconds(r.lte))) this.fail(at, `must be at most ${durationSeconds(r.lte)}s`);
    }

    enumValue(e: protobuf.Enum, value: unknown, at: string, rules: any): void {
        let n: number | undefined;
        if (typeof value === "string") n = e.values[value];
        else if (typeof value === "number" && Number.isInteger(value)) n = value;
        if (n === undefined) return this.fail(at, `expected a value of ${e.name}: ${Object.keys(e.values).join(", ")}; got ${JSON.stringify(value)}`);
        if (rules.defined_only && !Object.values(e.values).includes(n)) this.fail(at, `undefined ${e.name} value ${n}`);
        if (Array.isArray(rules.not_in) ? rules.not_in.includes(n) : rules.not_in === n) this.fail(at, `${e.name} value ${JSON.stringify(value)} is not allowed here`);
    }

    scalar(type: string, value: unknown, at: string, rules: any): void {
        const intTypes = ["int32", "uint32", "sint32", "fixed32", "sfixed32", "int64", "uint64", "sint64", "fixed64", "sfixed64"];
        if (intTypes.includes(type)) {
            const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
            if (typeof n !== "number" || !Number.isInteger(n)) return this.fail(at, `expected an integer (${type}), got ${JSON.stringify(value)}`);
            if (type.startsWith("u") || type.startsWith("fixed")) {
                if (n < 0) this.fail(at, `expected a non-negative ${type}`);
            }
            if (type.endsWith("32") && (n > (type.startsWith("u") || type === "fixed32" ? 4294967295 : 2147483647) || n < -2147483648)) this.fail(at, `out of range for ${type}`);
            return this.numberRules(n, rules[type] ?? {}, at);
        }
        switch (type) {
            case "double":
            case "float":
                if (typeof value !== "number" && !["NaN", "Infinity", "-Infinity"].includes(value as string)) return this.fail(at, `expected a number, got ${JSON.stringify(value)}`);
                if (typeof value === "number") this.numberRules(value, rules[type] ?? {}, at);
                return;
            case "bool":
                if (typeof value !== "boolean") return this.fail(at, `expected true or false, got ${JSON.stringify(value)}`);
                if (rules.bool?.const !== undefined && value !== rules.bool.const) this.fail(at, `must be ${rules.bool.const}`);
                return;
            case "string": {
                if (typeof value !== "string") return this.fail(at, `expected a string, got ${JSON.stringify(value)}`);
                const r = rules.string ?? {};
                if (r.min_len !== undefined && [...value].length < r.min_len) this.fail(at, `at least ${r.min_len} characters`);
                if (r.max_bytes !== undefined && Buffer.byteLength(value) > r.max_bytes) this.fail(at, `at most ${r.max_bytes} bytes`);
                if (r.in !== undefined && !(Array.isArray(r.in) ? r.in : [r.in]).includes(value)) this.fail(at, `one of ${JSON.stringify(r.in)}`);
                if (r.pattern !== undefined && !new RegExp(r.pattern).test(value)) this.fail(at, `must match ${r.pattern}`);
                return;
            }
            case "bytes":
                if (typeof value !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) this.fail(at, "expected base64 bytes");
                return;
        }
        this.fail(at, `unsupported scalar type ${type}`);
    }

    numberRules(n: number, r: any, at: string) {
        if (r.gt !== undefined && !(n > r.gt)) this.fail(at, `must be greater than ${r.gt}, got ${n}`);
        if (r.gte !== undefined && !(n >= r.gte)) this.fail(at, `must be at least ${r.gte}, got ${n}`);
        if (r.lt !== undefined && !(n < r.lt)) this.fail(at, `must be less than ${r.lt}, got ${n}`);
        if (r.lte !== undefined && !(n <= r.lte)) this.fail(at, `must be at most ${r.lte}, got ${n}`);
    }

    any(json: unknown, at: string): void {
        if (typeof json !== "object" || json === null || Array.isArray(json)) return this.fail(at, "expected an object with @type");
        const url = (json as Record<string, unknown>)["@type"];
        if (typeof url !== "string" || !url.startsWith(TYPE_URL_PREFIX)) return this.fail(at, `expected "@type": "${TYPE_URL_PREFIX}<message>", got ${JSON.stringify(url)}`);
        let type: protobuf.Type;
        try {
            type = this.r.lookupType(url.slice(TYPE_URL_PREFIX.length));
        } catch {
            return this.fail(at, `unknown @type ${url}`);
        }
        if (type.fullName.startsWith(".google.protobuf.")) return this.message(type, (json as any).value, `${at}.value`);
        this.fields(type, json as Record<string, unknown>, at, ["@type"]);
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

/** The problems Envoy would find loading `config` (YAML/JSON text or an object) as a v3 bootstrap; empty when it is valid. */
export function envoyConfigProblems(config: string | object): string[] {
    const r = root();
    const json = typeof config === "string" ? parseConfigText(config) : config;
    const checker = new Checker(r);
    checker.message(r.lookupType("envoy.config.bootstrap.v3.Bootstrap"), json, "$");
    return checker.errors;
}

/** Throws, naming every problem, unless `config` is a valid Envoy v3 bootstrap. */
export function validateEnvoyConfig(config: string | object): void {
    const problems = envoyConfigProblems(config);
    if (problems.length > 0) throw new Error(`invalid Envoy bootstrap:\n  ${problems.join("\n  ")}`);
}
