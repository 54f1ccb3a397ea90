// Args read one way, whatever form they come in: a plain object, a class instance, a proxy, a
// whole `pulumi.output({...})`, outputs and promises nested at any depth. What the settings
// resolve is always plain data; anything that is not (a cycle, a BigInt, a sparse list, a
// function, a Date, ...) is refused here as an input error naming its path, before the first
// registration. The agent keys are taken out on the way (the settings see only that they were
// given), and every value that arrived as a secret is recorded, so that no message shows it.
import * as pulumi from "@pulumi/pulumi";
import { InputError, renderMentions, SECRET_SHOWN, show, withArticle } from "../settings/errors";
import { PENDING } from "../settings/pending";
import { AFFINITY_TYPES } from "../settings/affinity";
import { FIELD_NAMES } from "../settings/fields";
import { AGENT_KEYS, checkAgentKey } from "../settings/shared";

/** Deeper than this, an input is refused (any real Envoy config or affinity is far shallower). */
export const MAX_DEPTH = 64;

/** A Pulumi output, a promise, or the SDK's unknown: a value to come. */
export function isOutputLike(v: unknown): boolean {
    if (pulumi.Output.isInstance(v) || pulumi.isUnknown(v)) return true;
    return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { then?: unknown }).then === "function";
}

/** `at` and a key or index: `app.args[0]`, `envoy.extraConfig.admin`. */
function childPath(at: string, key: string | number): string {
    return typeof key === "number" ? `${at}[${key}]` : at === "" ? key : `${at}.${key}`;
}

/** An agent key given to the component, as it was given (a string, or an output of one). */
export interface CredentialLeaf {
    key: (typeof AGENT_KEYS)[number][0];
    value: unknown;
}

const CREDENTIAL_PATHS = new Map<string, CredentialLeaf["key"]>(AGENT_KEYS.map(([key]) => [`credentials.${key}`, key]));

/** What stands in the settings for an agent key that was given. */
export const CREDENTIAL_GIVEN = "(set)";

interface Walk {
    /** Agent keys met, by path (their values never enter the tree). */
    credentials: CredentialLeaf[];
    /** The value came as a secret: a refusal inside it shows no value. */
    secret: boolean;
}

/** Refuses the input at `at`, showing `shown` (what kind of thing it is), never a secret. */
function fail(at: string, shown: string, accepted: string, walk: Walk): never {
    throw new InputError(at === "" ? "args" : at, walk.secret ? SECRET_SHOWN : shown, accepted);
}

const PLAIN_DATA = "plain data: a string, number, boolean, list or object";

/**
 * `value` as plain data, outputs left in place (they are read later): records from own
 * enumerable keys (fields left undefined are left out), lists without holes.
 */
function shape(value: unknown, at: string, depth: number, ancestors: object[], walk: Walk): unknown {
    const credential = CREDENTIAL_PATHS.get(at);
    if (credential !== undefined) {
        if (value === undefined) return undefined;
        walk.credentials.push({ key: credential, value });
        return CREDENTIAL_GIVEN;
    }
    // The credentials' other fields, and credentials that are no object, may hold a key too:
    // the settings see what kind of thing was given, never the value.
    if (at.startsWith("credentials.") && at !== "credentials.existingSecretName" && value !== undefined) return CREDENTIAL_GIVEN;
    if (at === "credentials" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")) return `(a ${typeof value})`;
    if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : fail(at, show(value), "a finite number", walk);
    if (typeof value === "bigint") fail(at, `${show(value)} (a BigInt)`, "a plain number: a BigInt has no JSON form", walk);
    if (typeof value === "symbol") fail(at, "a symbol", PLAIN_DATA, walk);
    // What it is, asked once: a revoked proxy, or one whose traps throw, cannot even say.
    const kind = probe(value as object, at, walk);
    if (at === "credentials" && kind.array) return "(a list)";
    if (kind.output) return value;
    if (typeof value === "function") fail(at, "a function", PLAIN_DATA, walk);
    if (depth >= MAX_DEPTH) fail(at, `a value nested more than ${MAX_DEPTH} levels deep`, `at most ${MAX_DEPTH} levels of nesting`, walk);
    const obj = value as object;
    const back = ancestors.indexOf(obj);
    if (back >= 0) fail(at, "a value that contains itself", `a value without cycles: this one refers back to ${pathBack(at, ancestors.length - back)}`, walk);
    const inside = [...ancestors, obj];
    if (kind.array) {
        const list = obj as unknown[];
        const out: unknown[] = [];
        for (let i = 0; i < list.length; i++) {
            if (!(i in list)) fail(childPath(at, i), "an empty slot of a sparse list", "a value at every position of the list", walk);
            const item = read(list, i, childPath(at, i), walk);
            if (item === undefined) fail(childPath(at, i), "undefined", "a value at every position of the list (undefined is none)", walk);
            out.push(shape(item, childPath(at, i), depth + 1, inside, walk));
        }
        return out;
    }
    // A class instance is read by its fields; a built-in (Date, Map, Buffer, ...) is not data.
    if (kind.tag !== "Object") fail(at, `a ${kind.tag}`, PLAIN_DATA, walk);
    // A symbol key is no setting and has no JSON form: refused, not ignored.
    if (kind.symbols) fail(at, "an object with a symbol key", `${PLAIN_DATA}, keyed by strings`, walk);
    const out: Record<string, unknown> = {};
    for (const key of kind.fields) {
        const v = shape(read(obj, key, childPath(at, key), walk), childPath(at, key), depth + 1, inside, walk);
        // Defined, not assigned: a key "__proto__" (JSON.parse makes one) stays a key, to be refused as unknown.
        if (v !== undefined) Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
}

/** What an object is, asked of it once; its reading refused (by path, never showing what it threw) where asking throws. */
function probe(obj: object, at: string, walk: Walk): { output: boolean; array: boolean; tag: string; symbols: boolean; fields: string[] } {
    try {
        if (isOutputLike(obj)) return { output: true, array: false, tag: "", symbols: false, fields: [] };
        const array = Array.isArray(obj);
        const tag = Object.prototype.toString.call(obj).slice(8, -1);
        const plain = !array && tag === "Object";
        return { output: false, array, tag, symbols: plain && Object.getOwnPropertySymbols(obj).length > 0, fields: plain ? fieldNames(obj) : [] };
    } catch (e) {
        return fail(at, "a value that cannot be read", `a value that can be read (reading it threw ${e instanceof Error ? withArticle(e.name) : "a value"})`, walk);
    }
}

/**
 * Every field an object holds, so that none is ignored: its own string keys (enumerable or not),
 * and what it inherits from its own prototypes: a class's getters (`get failOpen() {...}`), and
 * data (`Object.create({...})`), but not methods.
 */
function fieldNames(obj: object): string[] {
    const names = new Set(Object.getOwnPropertyNames(obj));
    for (let proto = Object.getPrototypeOf(obj); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
            if (key !== "__proto__" && key !== "constructor" && (d.get !== undefined || (d.value !== undefined && typeof d.value !== "function"))) names.add(key);
        }
    }
    return [...names];
}

/** The input `steps` levels above `at` (the one a cycle refers back to). */
function pathBack(at: string, steps: number): string {
    let p = at;
    for (let i = 0; i < steps; i++) p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    return p === "" ? "the args themselves" : p;
}

function read(obj: object, key: string | number, at: string, walk: Walk): unknown {
    try {
        return (obj as Record<string | number, unknown>)[key];
    } catch (e) {
        // What it threw is not shown: it may hold anything, a secret too.
        return fail(at, "a value that cannot be read", `a value that can be read (reading it threw ${e instanceof Error ? withArticle(e.name) : "a value"})`, walk);
    }
}

/** Paths and values that arrived as secrets: a message names them, never shows them. */
export interface Secrets {
    /** The inputs that arrived as secrets (a message's mention of one is hidden). */
    paths: string[];
    /**
     * Their strings (and the keys of their maps), kept out of any message wherever one stands as
     * a word of its own: a name made of a secret (a namespace in an object's name) is hidden too.
     */
    texts: string[];
}

/**
 * The strings a secret value holds, for {@link Secrets.texts}: its leaves, and the keys of its
 * maps (a label's name is the user's; a field name of the input types is the schema's word).
 */
export function secretTextsOf(value: unknown): string[] {
    if (value === undefined || value === null || value === CREDENTIAL_GIVEN) return [];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(secretTextsOf);
    if (typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [...secretKeyText(k), ...secretTextsOf(v)]);
    return [];
}

/** The schema's own words: field names of the args and of a Kubernetes Affinity. */
const SCHEMA_WORDS: ReadonlySet<string> = new Set([...FIELD_NAMES, ...Object.values(AFFINITY_TYPES).flatMap((t) => Object.keys(t.fields))]);

const secretKeyText = (key: string): string[] => (SCHEMA_WORDS.has(key) ? [] : [key]);

/** The args, read. */
export interface ReadArgs {
    /** Plain data, with the outputs still in place (for dependencies). */
    tree: unknown;
    /** The agent keys among the plain data (those inside outputs come when these resolve). */
    credentials: CredentialLeaf[];
}

/** Reads `args` (anything a caller may pass); throws an {@link InputError} for what is not data. */
export function readArgs(args: unknown): ReadArgs {
    const walk: Walk = { credentials: [], secret: false };
    const tree = shape(args, "", 0, [], walk);
    return { tree, credentials: walk.credentials };
}

/** The tree as far as it is known now: each output PENDING. */
export function knownNow(tree: unknown): unknown {
    if (isOutputLike(tree)) return PENDING;
    if (Array.isArray(tree)) return tree.map(knownNow);
    if (typeof tree === "object" && tree !== null) return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, knownNow(v)]));
    return tree;
}

/**
 * The tree once each output in it has a value (an unknown one of a preview stays PENDING),
 * each output's value read as the args are, the agent keys in it checked, and which values
 * were secret recorded.
 */
export async function settle(tree: unknown): Promise<{ tree: unknown; secrets: Secrets }> {
    const secrets: Secrets = { paths: [], texts: [] };
    const checks: Promise<void>[] = [];
    const visit = async (v: unknown, at: string, depth: number, secret: boolean): Promise<unknown> => {
        if (isOutputLike(v)) {
            const { value, known, isSecret } = await valueOf(v).catch((e: unknown) => {
                // An output or promise of the caller's that failed: named by its path (its error's text may hold anything).
                const what = pulumi.Output.isInstance(v) ? "output" : "promise";
                return fail(
                    at,
                    `${withArticle(what)} that failed`,
                    `${withArticle(what)} that resolves to a value (it failed with ${e instanceof Error ? withArticle(e.name) : "a value"}, not shown here)`,
                    { credentials: [], secret },
                );
            });
            if (!known) return PENDING;
            const walk: Walk = { credentials: [], secret: secret || isSecret };
            if (walk.secret && !secret) secrets.paths.push(at);
            const shaped = shape(value, at, depth, [], walk);
            for (const c of walk.credentials) checks.push(checkCredential(c));
            return visit(shaped, at, depth, walk.secret);
        }
        if (secret && typeof v === "string" && v !== CREDENTIAL_GIVEN) secrets.texts.push(v);
        if (Array.isArray(v)) return Promise.all(v.map((x, i) => visit(x, childPath(at, i), depth + 1, secret)));
        if (typeof v === "object" && v !== null) {
            const out: Record<string, unknown> = {};
            for (const [k, x] of Object.entries(v)) {
                if (secret) secrets.texts.push(...secretKeyText(k));
                Object.defineProperty(out, k, { value: await visit(x, childPath(at, k), depth + 1, secret), enumerable: true, writable: true, configurable: true });
            }
            return out;
        }
        return v;
    };
    const settled = await visit(tree, "", 0, false);
    await Promise.all(checks);
    return { tree: settled, secrets };
}

/** An output's or a promise's value, whether it is known (a preview's may not be) and secret. */
async function valueOf(v: unknown): Promise<{ value: unknown; known: boolean; isSecret: boolean }> {
    if (pulumi.isUnknown(v)) return { value: undefined, known: false, isSecret: false };
    if (pulumi.Output.isInstance(v)) {
        // The SDK's own accessors (what it serializes resource inputs with): they settle for a
        // value the preview does not know too, instead of never running like an apply.
        const o = v as unknown as { promise(withUnknowns: boolean): Promise<unknown>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
        const [value, known, isSecret] = await Promise.all([o.promise(true), o.isKnown, o.isSecret]);
        return { value, known: known && !pulumi.isUnknown(value), isSecret };
    }
    return { value: await (v as PromiseLike<unknown>), known: true, isSecret: false };
}

/** Checks an agent key once its value is known (never showing it). */
async function checkCredential(c: CredentialLeaf): Promise<void> {
    if (!isOutputLike(c.value)) return checkAgentKey(c.key, c.value);
    const { value, known } = await valueOf(c.value);
    if (known) checkAgentKey(c.key, value);
}

/**
 * The agent keys among the plain data checked: those known now at once (a refusal is thrown),
 * those still to resolve in one promise that resolves to nothing, or fails when one of them is
 * refused (it holds the component back until they are checked); undefined when none is left to
 * check. A plain promise, not an output: the SDK awaits one as an input and as a dependency
 * without an output's chain of promises, which every app would otherwise hold until registered.
 */
export function credentialChecks(leaves: CredentialLeaf[]): Promise<void> | undefined {
    // The plain keys first: a refusal thrown now leaves no late check behind to fail unawaited.
    for (const c of leaves) if (!isOutputLike(c.value)) checkAgentKey(c.key, c.value);
    const later = leaves.filter((c) => isOutputLike(c.value)).map(checkCredential);
    // Not caught here: a refusal nothing awaits (a transformation dropped both the input and the
    // dependency) must still reach the engine, as an unhandled rejection.
    return later.length === 0 ? undefined : Promise.all(later).then(() => undefined);
}

/** Does a refusal of `input` show a value at a secret path (the value itself, or one holding it)? */
function touches(input: string, path: string): boolean {
    const within = (inner: string, outer: string) => outer === "args" || inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`) || inner.startsWith(`${outer} `);
    return within(input, path === "" ? "args" : path) || within(path, input);
}

const escapeRegExp = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Shorter strings are left in messages: as words they cannot be told from a message's own ("on", "web"). */
const MIN_SCRUBBED = 4;

/**
 * `text` without any secret's string in it: quoted anywhere, or bare as a word of its own (not
 * inside a longer word). Numbers and booleans are hidden where a message names their input
 * (a mention, or the refused value): as bare words they cannot be told from the message's own.
 */
export function scrub(text: string, secrets: Secrets): string {
    let out = text;
    // Longest first: a secret that holds a shorter one is hidden whole.
    const texts = [...new Set(secrets.texts)].filter((t) => t.trim().length >= MIN_SCRUBBED).sort((a, b) => b.length - a.length);
    for (const t of texts) {
        out = out.split(JSON.stringify(t)).join(SECRET_SHOWN);
        const word = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(t)}(?![A-Za-z0-9])`, "g");
        out = out.replace(word, (m, offset: number, whole: string) => (isInsideShown(whole, offset) ? m : SECRET_SHOWN));
    }
    return out;
}

/** Is `offset` inside a {@link SECRET_SHOWN} already written (a secret "secret value" must not eat the marker)? */
function isInsideShown(text: string, offset: number): boolean {
    for (let i = text.indexOf(SECRET_SHOWN); i >= 0; i = text.indexOf(SECRET_SHOWN, i + 1)) if (offset >= i && offset < i + SECRET_SHOWN.length) return true;
    return false;
}

/** Was the input `input` (or a value holding it, or one it holds) given as a secret? */
export function isSecretInput(input: string, secrets: Secrets): boolean {
    return secrets.paths.some((p) => touches(input, p));
}

/** A message (a warning) as it may be shown: the values of secret inputs it mentions hidden, then scrubbed. */
export function shownMessage(text: string, secrets: Secrets): string {
    return scrub(
        renderMentions(text, (input) => isSecretInput(input, secrets)),
        secrets,
    );
}

/** `error` as it may be shown: the value of every input that arrived as a secret hidden. */
export function redact(error: InputError, secrets: Secrets): InputError {
    if (secrets.paths.length === 0 && secrets.texts.length === 0) return error;
    return error.redacted(
        (input) => isSecretInput(input, secrets),
        (t) => scrub(t, secrets),
    );
}
