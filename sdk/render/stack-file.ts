// Reads a Pulumi project's stack file the way the Pulumi CLI hands it to the program, for
// offline evaluation (pulumi/pulumi: sdk/go/common/encoding/marshal.go reads stack files with
// gopkg.in/yaml.v2; sdk/go/common/resource/config/value.go turns each value into a string):
//   - a scalar value is its source text, as written (`0x1F90` stays "0x1F90", `True` "True",
//     `.inf` ".inf"); a null one (`~`, `null`, nothing) is "";
//   - a list or object is JSON of its YAML 1.1 values (yaml.v2: `yes` is true, `0x1F90` is 8080,
//     `017` is 15), keys in sorted order (Go's json.Marshal); one holding .inf or .nan cannot be
//     written as JSON, and the CLI refuses the stack file;
//   - merge keys (`<<: *anchor`) are expanded, as yaml.v2 does;
//   - a scalar with an explicit standard tag (`!!int 8081`, `!!str`, `!!bool`, `!!float`,
//     `!!null`, `!!binary`) is that type (a scalar config value: its source text; `!!binary`:
//     the bytes it encodes), and text that is not of its tag is refused, as yaml.v2 refuses it;
//   - a key given twice keeps its last value (yaml.v2's Unmarshal is not strict);
//   - an encrypted value (`secure:`, or an object with a `secure:` leaf) cannot be decrypted
//     without the CLI and the stack's secrets provider: it is reported, and its key is secret.
import * as fs from "fs";
import * as path from "path";
import { defineScalarTag, FAILSAFE_SCHEMA, mergeTag, NOT_RESOLVED, Schema } from "js-yaml";
import { loadDocument } from "../vocabulary/yaml";

// ---- YAML 1.1 scalars, as gopkg.in/yaml.v2 resolves plain (unquoted) ones -------------------

const NULLS = ["~", "null", "Null", "NULL", ""];
const TRUES = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
const FALSES = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
const INFINITIES: Record<string, number> = {
    ".inf": Infinity,
    ".Inf": Infinity,
    ".INF": Infinity,
    "+.inf": Infinity,
    "+.Inf": Infinity,
    "+.INF": Infinity,
    "-.inf": -Infinity,
    "-.Inf": -Infinity,
    "-.INF": -Infinity,
};
const NANS = [".nan", ".NaN", ".NAN"];

/** Go's strconv.ParseInt(s, 0, 64): sign, then 0x / 0o / 0b / leading-0 octal, or decimal. */
function goInt(s: string): number | undefined {
    const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
    if (!m) return undefined;
    const digits = m[2];
    const value = /^0[xXoObB]/.test(digits) ? Number(digits.toLowerCase()) : digits.length > 1 && digits.startsWith("0") ? parseInt(digits, 8) : Number(digits);
    const signed = m[1] === "-" ? -value : value;
    return Math.abs(signed) <= Number.MAX_SAFE_INTEGER * 1024 ? signed : undefined;
}

/** Go's strconv.ParseFloat(s, 64), decimal forms and inf / infinity / nan in any case. */
function goFloat(s: string): number | undefined {
    if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
    if (/^nan$/i.test(s)) return NaN;
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined;
}

/** A plain scalar's value as yaml.v2 resolves it into an interface{} (timestamps stay strings). */
export function yaml11Scalar(text: string): unknown {
    if (NULLS.includes(text)) return null;
    if (TRUES.includes(text)) return true;
    if (FALSES.includes(text)) return false;
    if (text in INFINITIES) return INFINITIES[text];
    if (NANS.includes(text)) return NaN;
    // Numbers only for what starts like one (yaml.v2's hint); underscores are dropped first.
    if (!/^[-+.0-9]/.test(text)) return text;
    const plain = text.replace(/_/g, "");
    const int = goInt(plain);
    if (int !== undefined) return int;
    const float = goFloat(plain);
    if (float !== undefined) return float;
    const binary = /^([-]?)0b([01]+)$/.exec(plain);
    if (binary) return (binary[1] ? -1 : 1) * parseInt(binary[2], 2);
    return text;
}

/** One implicit tag over every plain scalar: it resolves it the YAML 1.1 way. */
const YAML11_SCALAR = defineScalarTag("tag:yaml.org,2002:yaml11", {
    implicit: true,
    resolve: (data: string) => {
        const value = yaml11Scalar(data);
        return value !== data ? value : NOT_RESOLVED;
    },
    identify: () => false,
});

/** The value of a scalar yaml.v2 reads with an explicit standard tag (`!!int 8081`); undefined when its text is not of that tag. */
const EXPLICIT: Record<string, (data: string) => unknown> = {
    int: (d) => {
        const v = yaml11Scalar(d);
        return typeof v === "number" && Number.isInteger(v) ? v : undefined;
    },
    float: (d) => {
        const v = yaml11Scalar(d);
        return typeof v === "number" ? v : undefined;
    },
    bool: (d) => {
        const v = yaml11Scalar(d);
        return typeof v === "boolean" ? v : undefined;
    },
    null: (d) => (yaml11Scalar(d) === null ? null : undefined),
    binary: (d) => (/^[A-Za-z0-9+/=\s]*$/.test(d) ? Buffer.from(d.replace(/\s/g, ""), "base64").toString("latin1") : undefined),
};

/** The explicit standard tags: typed, or (`asText`) the text a scalar config value gets, as yaml.v2 decodes one into a string. */
function explicitTags(asText: boolean) {
    return Object.entries(EXPLICIT).map(([tag, value]) =>
        defineScalarTag(`tag:yaml.org,2002:${tag}`, {
            resolve: (data: string | null) => {
                const v = value(data ?? "");
                if (v === undefined) return NOT_RESOLVED;
                return asText && tag !== "binary" && tag !== "null" ? (data ?? "") : v;
            },
            identify: () => false,
        }),
    );
}

/** Plain scalars typed as YAML 1.1, merge keys expanded: the values yaml.v2 decodes. */
export const TYPED: Schema = FAILSAFE_SCHEMA.withTags(mergeTag, YAML11_SCALAR, ...explicitTags(false));
/** Every scalar as its text, merge keys expanded: what a scalar config value is to the CLI. */
const TEXT: Schema = FAILSAFE_SCHEMA.withTags(mergeTag, ...explicitTags(true));
/** yaml.v2 keeps the last of a key given twice: js-yaml does so in its JSON-compatible mode. */
export const LAST_KEY_WINS = { json: true };

/** JSON as Go's json.Marshal writes a decoded YAML value: keys sorted; no JSON for .inf or .nan. */
function goJson(v: unknown, at: string): string {
    const sorted = (x: unknown, where: string): unknown => {
        if (typeof x === "number" && !Number.isFinite(x))
            throw new Error(`${where} is ${x}, which JSON cannot hold: the Pulumi CLI refuses this stack file ("marshalling obj: json: unsupported value")`);
        if (Array.isArray(x)) return x.map((y, i) => sorted(y, `${where}[${i}]`));
        if (typeof x === "object" && x !== null)
            return Object.fromEntries(
                Object.keys(x)
                    .sort()
                    .map((k) => [k, sorted((x as Record<string, unknown>)[k], `${where}.${k}`)]),
            );
        return x;
    };
    return JSON.stringify(sorted(v, at));
}

const isSecure = (v: unknown): v is { secure: string } =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";

function holdsSecure(v: unknown): boolean {
    return isSecure(v) || (typeof v === "object" && v !== null && Object.values(v).some(holdsSecure));
}

// ---- stack files ------------------------------------------------------------------------------

export interface StackConfig {
    /** The project's name (`name:` of Pulumi.yaml). */
    project: string;
    /** The program's entry (`main:` of Pulumi.yaml), relative to the project directory. */
    main?: string;
    /** `project:key` to the string the program reads (an encrypted value's key is absent). */
    config: Record<string, string>;
    /** Keys whose values are encrypted (`secure:`, or an object holding one), as `project:key`. */
    encrypted: string[];
}

/** The `config:` of a stack file's text, as the CLI hands it to the program. */
export function stackConfigOf(text: string, project: string): { config: Record<string, string>; encrypted: string[]; objects: string[]; environments: boolean } {
    const doc = loadDocument(text, { schema: TYPED, ...LAST_KEY_WINS }) as { config?: Record<string, unknown>; environment?: unknown } | null;
    const typed = doc?.config ?? {};
    const texts = (loadDocument(text, { schema: TEXT, ...LAST_KEY_WINS }) as { config?: Record<string, unknown> } | null)?.config ?? {};
    const config: Record<string, string> = {};
    const encrypted: string[] = [];
    const objects: string[] = [];
    for (const [rawKey, value] of Object.entries(typed)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        if (holdsSecure(value)) encrypted.push(key);
        else if (value === null) config[key] = "";
        else if (typeof value === "object") {
            config[key] = goJson(value, key);
            objects.push(key);
        } else config[key] = String(texts[rawKey]);
    }
    const environments = doc?.environment !== undefined && doc.environment !== null && !(Array.isArray(doc.environment) && doc.environment.length === 0);
    return { config, encrypted, objects, environments };
}

// ---- the project's own config (Pulumi.yaml `config:`), as the CLI merges it ----------------
// pulumi/pulumi: sdk/go/common/workspace/project.go (RewriteShorthandConfigValues, Validate,
// ValidateConfigValue) and pkg/workspace/config.go (mergeConfig, validateStackConfigValue).

interface ProjectConfigType {
    type?: string;
    items?: { type: string; items?: unknown };
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

const isPrimitive = (v: unknown) => typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));

/** A project's `config:` with the shorthand written out: a bare value is a default of the project's key, a value of another's. */
function projectConfigTypes(raw: unknown, project: string): Record<string, ProjectConfigType> {
    if (raw === undefined || raw === null) return {};
    if (typeof raw !== "object" || Array.isArray(raw)) throw new Error("Pulumi.yaml: config must be a map of configuration keys");
    const out: Record<string, ProjectConfigType> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        const own = !key.includes(":") || key.startsWith(`${project}:`);
        const t: ProjectConfigType = isPrimitive(value) || Array.isArray(value) ? (own ? { default: value } : { value }) : ((value ?? {}) as ProjectConfigType);
        if (t.default !== undefined && t.value !== undefined) throw new Error(`Pulumi.yaml: project config '${key}' cannot have both a 'default' and 'value' attribute`);
        if (!own && (t.type !== undefined || t.default !== undefined || t.value === undefined))
            throw new Error(`Pulumi.yaml: configuration key '${key}' is not namespaced by the project: it takes only a 'value'`);
        if (own && t.type === "array" && t.items === undefined)
            throw new Error(`Pulumi.yaml: the configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
        out[key] = t;
    }
    return out;
}

/** Go's ValidateConfigValue: is `value` (a stack's string, or its parsed JSON) of the declared type? */
function ofType(type: string | undefined, items: ProjectConfigType["items"], value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        default:
            return Array.isArray(value) && items !== undefined && value.every((x) => ofType(items.type, items.items as ProjectConfigType["items"], x));
    }
}

/**
 * The stack's config with the project's merged in, as `pulumi up` does: a key the stack does not
 * set takes the project's default or value; a key of the project's declared without either must
 * be set; a typed key's value must be of its type, and a secret one encrypted.
 */
export function mergeProjectConfig(
    stackName: string,
    project: string,
    rawProjectConfig: unknown,
    stack: { config: Record<string, string>; encrypted: string[]; objects: string[] },
): Record<string, string> {
    const types = projectConfigTypes(rawProjectConfig, project);
    const config = { ...stack.config };
    const missing: string[] = [];
    for (const key of Object.keys(types).sort()) {
        const t = types[key];
        const full = key.includes(":") ? key : `${project}:${key}`;
        const onStack = full in config || stack.encrypted.includes(full);
        const given = t.default !== undefined ? t.default : t.value;
        if (!onStack && given === undefined) {
            if (full.startsWith(`${project}:`)) missing.push(key);
            continue;
        }
        // createConfigValue: a string, whole number or boolean as Go prints it; anything else as JSON.
        if (!onStack) config[full] = isPrimitive(given) ? String(given) : goJson(given, full);
        if (t.type === undefined) continue;
        if (t.secret && !stack.encrypted.includes(full)) throw new Error(`Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`);
        if (stack.encrypted.includes(full)) continue; // its value cannot be read offline
        const value = !onStack ? (isPrimitive(given) ? String(given) : given) : stack.objects.includes(full) ? JSON.parse(config[full]) : config[full];
        if (!ofType(t.type, t.items, value)) throw new Error(`Stack '${stackName}' with configuration key '${key}' must be of type '${t.items ? `array<${t.items.type}>` : t.type}'`);
    }
    if (missing.length > 0) throw new Error(`Stack '${stackName}' is missing configuration value${missing.length > 1 ? "s" : ""} ${missing.map((k) => `'${k}'`).join(", ")}`);
    return config;
}

/** The stacks in `stackDir`: one Pulumi.<stack>.yaml each. */
export function stacksIn(stackDir: string): string[] {
    if (!fs.existsSync(stackDir)) return [];
    return fs
        .readdirSync(stackDir)
        .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
        .map((f) => f.replace(/^Pulumi\./, "").replace(/\.ya?ml$/, ""))
        .sort();
}

/** What reading a stack needs of its project (sdk/render/project.ts reads the rest). */
export interface StackProject {
    dir: string;
    name: string;
    main?: string;
    stackDir: string;
    /** Pulumi.yaml's `config:`. */
    config?: unknown;
}

export function readStack(project: StackProject, stack: string): StackConfig {
    const stackFile = ["yaml", "yml"].map((ext) => path.join(project.stackDir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !stackFile) {
        const stacks = stacksIn(project.stackDir);
        throw new Error(
            `no stack "${stack}": ${stacks.length > 0 ? `expected one of ${stacks.join(", ")}` : "the project has no stack file"} (a Pulumi.<stack>.yaml ${project.stackDir !== project.dir ? `in ${path.relative(project.dir, project.stackDir)}` : "beside Pulumi.yaml"})`,
        );
    }
    let read: ReturnType<typeof stackConfigOf>;
    try {
        read = stackConfigOf(fs.readFileSync(stackFile, "utf8"), project.name);
    } catch (e) {
        // A YAML error: the Pulumi CLI refuses the file too ("invalid YAML file").
        throw new Error(`${path.basename(stackFile)} is not a stack file the Pulumi CLI reads: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    // Pulumi ESC environments are opened by the Pulumi Cloud: offline, their values are unknown.
    if (read.environments)
        throw new Error(
            `${path.basename(stackFile)} imports Pulumi ESC environments (environment:), which the render cannot open offline: render a stack that sets its values itself, or deploy with pulumi up`,
        );
    const config = mergeProjectConfig(stack, project.name, project.config, read);
    return { project: project.name, main: project.main, config, encrypted: read.encrypted };
}
