// A stack's values as the program reads them: where each is (a top-level key, or a key of one
// `apps` entry), each read by its key's kind with a problem naming the key, and a typed reader,
// so the plan takes every value in its own type without a cast.
import { MAX_DEPTH } from "../sdk/components/read";
import { oneOfText } from "../sdk/settings/checks";
import { Key, keyOf, Kind } from "./keys";

/** Where a value is: a top-level key, or a key of `apps[app]`. */
export interface At {
    app?: number;
    key: string;
}

export const pathOf = (at: At) => (at.app === undefined ? at.key : `apps[${at.app}].${at.key}`);
export const samePlace = (a: At, b: At) => a.key === b.key && a.app === b.app;

/** A problem with one key, before it becomes a ConfigError with its fix. */
export class Problem {
    constructor(
        readonly at: At,
        readonly text: string,
        /** For a key in the wrong place (misspelt, or of the stack set for one app): where its value belongs. */
        readonly target?: At,
        /** The fix, where it is not a value to try (e.g. the same value, set without --secret). */
        readonly fix?: string,
    ) {}
}

/** The stack's values: the top-level keys, and each `apps` entry's (values as the stack file gives them). */
export interface Values {
    top: Record<string, string>;
    apps?: Record<string, unknown>[];
    /** Top-level keys set as secrets (`apps` as a whole, when any value in it is one). */
    secret: Set<string>;
}

/** The stack's strings, with `apps` parsed (a list that does not parse is kept as a string, for the checks to refuse). */
export function valuesOf(raw: Record<string, string>, secret: Set<string>): Values {
    if (raw.apps === undefined) return { top: raw, secret };
    let apps: unknown;
    try {
        apps = JSON.parse(raw.apps);
    } catch {
        return { top: raw, secret };
    }
    const { apps: _, ...top } = raw;
    // Deeper than any input may be: kept as text, for the checks to refuse by its key.
    if (nestsDeeper(apps, MAX_DEPTH)) return { top: raw, secret };
    return Array.isArray(apps) && apps.every((a) => typeof a === "object" && a !== null && !Array.isArray(a)) ? { top, apps, secret } : { top: raw, secret };
}

/** Was the value at `at` set as a secret (its key, or the `apps` it is in)? */
export function isSecretAt(values: Values, at: At): boolean {
    return values.secret.has(at.app === undefined ? at.key : "apps") || keyOf(at.key)?.secret === true;
}

/** The value at `at`, as a string. */
export function valueAt(values: Values, at: At): string | undefined {
    return at.app === undefined ? values.top[at.key] : text(values.apps?.[at.app]?.[at.key]);
}

/** `values` with `value` at `at` (undefined: removed). */
export function withValue(values: Values, at: At, value: string | undefined): Values {
    const put = (o: Record<string, unknown>) => {
        const next = { ...o };
        if (value === undefined) delete next[at.key];
        else next[at.key] = value;
        return next;
    };
    if (at.app === undefined) return { ...values, top: put(values.top) as Record<string, string> };
    return { ...values, apps: values.apps!.map((a, i) => (i === at.app ? put(a) : a)) };
}

/** Does parsed JSON nest more than `levels` deep (walked without recursion: any depth is read safely)? */
export function nestsDeeper(value: unknown, levels: number): boolean {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length > 0) {
        const [v, depth] = stack.pop()!;
        if (typeof v !== "object" || v === null) continue;
        if (depth >= levels) return true;
        for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
    return false;
}

/** A value as the reader takes it: a stack string, or a value of an `apps` entry (typed JSON). */
export function text(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Reads one key's value of `at` by its kind. */
export function readValue(at: At, value: string | undefined): unknown {
    const k = keyOf(at.key)!;
    if (value === undefined) return undefined;
    const json = (what: string, ok: (v: unknown) => boolean) => {
        let v: unknown;
        try {
            v = JSON.parse(value);
        } catch {
            v = undefined;
        }
        if (nestsDeeper(v, MAX_DEPTH)) throw new Problem(at, `nests more than ${MAX_DEPTH} levels deep: expected ${what}, at most ${MAX_DEPTH} levels deep`);
        if (!ok(v)) throw new Problem(at, `is ${JSON.stringify(value)}: expected ${what}`);
        return v;
    };
    const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    switch (k.kind) {
        case "number": {
            // Decimal notation only: Number() would read "0x1F90" as 8080 and " 8080 " as 8080 too.
            const n = Number(value);
            if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) || !Number.isFinite(n)) throw new Problem(at, `is ${JSON.stringify(value)}: expected a number in decimal notation`);
            return n;
        }
        case "boolean":
            if (value !== "true" && value !== "false") throw new Problem(at, `is ${JSON.stringify(value)}: expected true or false`);
            return value === "true";
        case "list":
            return json("a JSON list of strings", (v) => Array.isArray(v) && v.every((x) => typeof x === "string"));
        case "map":
            return json("a JSON map of strings", (v) => isObject(v) && Object.values(v as object).every((x) => typeof x === "string"));
        case "object":
            return json("a JSON object", isObject);
        case "objects":
            return json("a JSON list of objects", (v) => Array.isArray(v) && v.every(isObject));
        default:
            if (k.values && !k.values.includes(value)) throw new Problem(at, `is ${JSON.stringify(value)}: expected ${oneOfText(k.values, value)}`);
            return value;
    }
}

/** What each kind of key reads as. */
interface KindValues {
    string: string;
    number: number;
    boolean: boolean;
    list: string[];
    map: Record<string, string>;
    object: Record<string, unknown>;
    objects: Record<string, unknown>[];
}

/** Reads the keys of one app (or the stack) from `v`, each in its kind's type; `atOf` says where each key was set. */
export class Reader {
    constructor(
        private readonly v: Record<string, string | undefined>,
        private readonly atOf: (key: string) => At,
    ) {}

    private read<K extends Kind>(key: string, kind: K): KindValues[K] | undefined {
        const k: Key | undefined = keyOf(key);
        // A program error, not the user's: the plan asked for a key by the wrong kind.
        if (k?.kind !== kind) throw new Error(`config key ${key} is read as a ${kind}, but the key table says ${k?.kind ?? "nothing"}`);
        return readValue(this.atOf(key), this.v[key]) as KindValues[K] | undefined;
    }

    string = (key: string) => this.read(key, "string");
    number = (key: string) => this.read(key, "number");
    boolean = (key: string) => this.read(key, "boolean");
    list = (key: string) => this.read(key, "list");
    map = (key: string) => this.read(key, "map");
    object = (key: string) => this.read(key, "object");
    objects = (key: string) => this.read(key, "objects");

    /** A string key of a closed set, in the set's type (the reader refused any other value). */
    oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
        const k = keyOf(key);
        if (k?.values !== values) throw new Error(`config key ${key} is read with values the key table does not give it`);
        return this.string(key) as T | undefined;
    }
}
