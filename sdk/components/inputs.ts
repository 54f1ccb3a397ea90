// Inputs that may hold Pulumi outputs: what is known now is checked now, the rest when it
// resolves, and nothing is registered until every check has passed.
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials } from "../args";
import { InputError } from "../settings/errors";
import { isPending, PENDING } from "../settings/pending";
import { AGENT_KEYS, checkAgentKey } from "../settings/shared";

export function isPlainObject(v: unknown): v is Record<string, unknown> {
    if (typeof v !== "object" || v === null) return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}

function isThenable(v: unknown): boolean {
    return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as any).then === "function";
}

/** `value` as far as it is known now: each output or promise (or whole object that is one) becomes PENDING. */
export function knownPart(value: unknown, depth = 0): unknown {
    if (pulumi.Output.isInstance(value) || isThenable(value)) return PENDING;
    if (depth > 32) return value; // a cycle, or absurd nesting: the checks refuse it as it is
    if (Array.isArray(value)) return value.map((v) => knownPart(v, depth + 1));
    if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value)) out[k] = knownPart(value[k], depth + 1);
        return out;
    }
    return value;
}

/**
 * `value` once each output in it has a value: an unknown one of a preview (which never gets one)
 * stays PENDING, so what a preview does know is still checked.
 */
async function settledPart(value: unknown, depth = 0): Promise<unknown> {
    if (pulumi.isUnknown(value)) return PENDING;
    if (pulumi.Output.isInstance(value)) {
        // The SDK's own accessors (what it serializes resource inputs with): they settle for a
        // value the preview does not know too, instead of never running like an apply.
        const o = value as unknown as { promise(withUnknowns: boolean): Promise<unknown>; isKnown: Promise<boolean> };
        const [v, isKnown] = await Promise.all([o.promise(true), o.isKnown]);
        return isKnown ? settledPart(v, depth + 1) : PENDING;
    }
    if (isThenable(value)) return settledPart(await value, depth + 1);
    if (depth > 32) return value;
    if (Array.isArray(value)) return Promise.all(value.map((v) => settledPart(v, depth + 1)));
    if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value)) out[k] = await settledPart(value[k], depth + 1);
        return out;
    }
    return value;
}

function containsPending(value: unknown, depth = 0): boolean {
    if (isPending(value)) return true;
    if (depth > 32 || typeof value !== "object" || value === null) return false;
    return Object.values(value).some((v) => containsPending(v, depth + 1));
}

/**
 * A value known now, or later (an output). Settings are resolved with {@link Resolved.of}; the
 * children a component registers take their inputs through {@link Resolved.map}, so when the
 * settings come later every child waits for them, and none is registered if they fail.
 */
export class Resolved<S> {
    private constructor(
        private readonly now: S | undefined,
        private readonly later: pulumi.Output<S> | undefined,
        /** The value as far as it is known now: PENDING where it waits on an output. */
        readonly partial: S,
        /**
         * The value as far as it is known once every output that has a value has resolved (in a
         * preview, unknown ones stay PENDING); rejects when what is known is refused.
         */
        readonly settled: Promise<S>,
        /**
         * With a value known now: further checks that must pass before anything is registered
         * (e.g. secret agent keys, checked apart from the settings); rejects when one fails.
         */
        private readonly gate?: pulumi.Output<unknown>,
    ) {}

    static now<S>(value: S, gate?: pulumi.Output<unknown>): Resolved<S> {
        return new Resolved<S>(value, undefined, value, Promise.resolve(value), gate);
    }

    static later<S>(value: pulumi.Output<S>, partial: S = PENDING, settled: Promise<S> = Promise.resolve(partial)): Resolved<S> {
        return new Resolved<S>(undefined, value, partial, settled);
    }

    /**
     * Resolves `args` with `resolve`. When everything is known, `resolve` runs now, so a bad input
     * throws before anything is registered. Otherwise `resolve` runs now over what is known (the
     * rest PENDING), so a known bad value is still refused at once; again once every output that
     * has a value has resolved (in a preview, unknown ones stay PENDING); and over every value
     * once all have resolved, with the same messages. `checks` are further outputs that must
     * resolve without error first (e.g. secret values, checked apart from the settings).
     */
    static of<A, S>(args: A, resolve: (plain: pulumi.Unwrap<A>) => S, checks: pulumi.Output<unknown>[] = []): Resolved<S> {
        const view = knownPart(args);
        const pending = containsPending(view);
        let settings: S;
        try {
            settings = resolve(view as pulumi.Unwrap<A>);
        } catch (e) {
            // A refusal that would show a value still to resolve waits for it, so that its message
            // shows the value, as the plain value's would; what it refuses is refused then.
            if (!(e instanceof InputError && e.partial)) throw e;
            settings = PENDING;
        }
        // Known now: the children are built from plain settings; the checks only hold them back.
        if (!pending) return Resolved.now(settings, checks.length === 0 ? undefined : pulumi.all(checks));
        const settled = settledPart(args).then((v) => resolve(v as pulumi.Unwrap<A>));
        const later = pulumi.all([pulumi.output(args), pulumi.output(settled.then(() => undefined)), ...checks]).apply(([plain]) => resolve(plain as pulumi.Unwrap<A>));
        return Resolved.later(later as pulumi.Output<S>, settings, settled);
    }

    /** A part of the value, known now or later as the value is. */
    derive<R>(fn: (s: S) => R): Resolved<R> {
        const part = (s: S) => (isPending(s) ? PENDING : fn(s));
        return this.later ? Resolved.later(this.later.apply(fn) as pulumi.Output<R>, part(this.partial), this.settled.then(part)) : Resolved.now(fn(this.now as S), this.gate);
    }

    /**
     * Registers a component's children: now, when `shape` (which children exist) can be told from
     * what is known now; else as soon as it can be told from what has resolved (a preview that
     * cannot tell registers none). Their inputs wait for the checks either way.
     */
    register<Shape, C>(shape: (partial: S) => Shape | undefined, register: (shape: Shape) => C): Resolved<C | undefined> {
        const now = shape(this.partial);
        if (now !== undefined) return Resolved.now(register(now));
        return Resolved.later(pulumi.output(this.settled.then((s) => {
            const later = shape(s);
            return later === undefined ? undefined : register(later);
        })) as pulumi.Output<C | undefined>);
    }

    /** The value as an input to `pulumi.all` or a resource (it waits for the checks). */
    get input(): pulumi.Input<S> {
        return this.later ?? this.gated(this.now as S);
    }

    /** `fn` of the value: plain when it is known now (the checks do not hold it back), else an output. */
    map<R>(fn: (s: S) => R): R | pulumi.Output<R> {
        return this.later ? (this.later.apply(fn) as pulumi.Output<R>) : fn(this.now as S);
    }

    /**
     * A child's inputs built by `build` from the value and the names it needs (outputs of other
     * children): plain objects holding those outputs when the value is known now, held back by
     * the checks through their metadata (a failed check fails the registration, so nothing is
     * created); one output once everything has resolved otherwise.
     */
    childArgs<N, R extends { metadata?: unknown }>(names: Record<string, pulumi.Output<N>>, build: (s: S, names: Record<string, pulumi.Input<N>>) => R): pulumi.Input<R> {
        if (this.later) {
            const keys = Object.keys(names);
            const inputs: pulumi.Output<unknown>[] = [this.later, ...keys.map((k) => names[k])];
            return pulumi.all(inputs).apply(([s, ...values]) => build(s as S, Object.fromEntries(keys.map((k, i) => [k, values[i] as N])))) as pulumi.Output<R>;
        }
        const args = build(this.now as S, names);
        if (!this.gate) return args;
        const metadata = args.metadata;
        return { ...args, metadata: this.gate.apply(() => metadata) };
    }

    /** As an output, for a component's output properties (`fn` may return an output too). */
    output<R>(fn: (s: S) => pulumi.Input<R>): pulumi.Output<R> {
        return pulumi.output(this.map(fn) as pulumi.Input<R>) as pulumi.Output<R>;
    }

    /**
     * What a component registers itself with: nothing when the settings are known now, else an
     * output that resolves (to nothing) once they are checked, so that the component, like its
     * children, is not registered when they fail.
     */
    componentInputs(): pulumi.Inputs {
        const checked = this.later ?? this.gate;
        return checked ? { checked: checked.apply(() => undefined) } : {};
    }

    /** `value`, but only once the settings are checked (for inputs that do not come from them, e.g. secrets). */
    gated<T>(value: pulumi.Input<T>): pulumi.Input<T> {
        const checked = this.later ?? this.gate;
        return checked ? pulumi.all([checked, value]).apply(([, v]) => v as T) : value;
    }
}

/**
 * A component's settings from its args: the credentials replaced by which keys were given (their
 * values never enter the settings), every value checked as far as it is known (see
 * {@link Resolved.of}), and `then` run on each resolution (e.g. to claim names).
 */
export function checkedSettings<S>(args: unknown, resolve: (plain: any) => S, then: (s: S) => void): Resolved<S> {
    const credentials = credentialPresence(isPlainObject(args) ? args.credentials : undefined);
    const view = isPlainObject(args) ? { ...args, credentials: credentials.presence } : args;
    return Resolved.of(view, (plain) => {
        const s = resolve(plain);
        then(s);
        return s;
    }, credentials.checks);
}

/**
 * The credentials as the settings see them: which keys were given, never their values. When the
 * whole object comes as one output (the multi-language host and secret stores hand it over so),
 * its form is known only once it resolves; the values are checked (non-empty strings) apart.
 */
export function credentialPresence(c: unknown): { presence: unknown; checks: pulumi.Output<unknown>[] } {
    if (pulumi.Output.isInstance(c) || isThenable(c)) {
        // Only the form leaves the secret: unsecret is safe here and keeps the settings plain.
        const presence = pulumi.unsecret(pulumi.output(c as pulumi.Input<AgentCredentials>).apply((plain) => presenceOf(plain, true)));
        return { presence, checks: [] };
    }
    const checks: pulumi.Output<unknown>[] = [];
    if (isPlainObject(c)) {
        for (const [key] of AGENT_KEYS) {
            const v = c[key];
            if (pulumi.Output.isInstance(v) || isThenable(v)) checks.push(pulumi.unsecret(pulumi.output(v as any).apply((value: unknown) => (checkAgentKey(key, value), undefined))));
            else if (v !== undefined) checkAgentKey(key, v);
        }
    }
    return { presence: presenceOf(c, false), checks };
}

function presenceOf(c: unknown, checkValues: boolean): unknown {
    if (c === undefined) return undefined;
    // Anything but an object is refused by the settings; show what kind it was, never the value.
    if (!isPlainObject(c)) return c === null ? null : Array.isArray(c) ? "(a list)" : `(a ${typeof c})`;
    if (checkValues) for (const [key] of AGENT_KEYS) if (c[key] !== undefined) checkAgentKey(key, c[key]);
    return {
        accessKeyId: c.accessKeyId === undefined ? undefined : "(set)",
        secretAccessKey: c.secretAccessKey === undefined ? undefined : "(set)",
        existingSecretName: c.existingSecretName,
        // Anything else is refused by name.
        ...Object.fromEntries(Object.keys(c).filter((k) => !["accessKeyId", "secretAccessKey", "existingSecretName"].includes(k)).map((k) => [k, "(set)"])),
    };
}
