// Inputs that may hold Pulumi outputs: what is known now is checked now, the rest when it
// resolves, and nothing is registered until every check has passed.
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials } from "../args";
import { InputError } from "../settings/errors";
import { isPending, PENDING } from "../settings/pending";
import { credentialChecks, isOutputLike, knownNow, MAX_DEPTH, readArgs, redact, Secrets, settle, shownMessage } from "./read";

function containsPending(value: unknown): boolean {
    if (isPending(value)) return true;
    if (typeof value !== "object" || value === null) return false;
    return Object.values(value).some(containsPending);
}

/**
 * An output that resolves (to nothing) once every output and promise in `tree` has, carrying
 * their resources as dependencies, nested outputs inside their values too. A value the SDK
 * cannot lift (a cycle, or deeper than any input may be) is not lifted: the args' reader refuses
 * it, by its path, where the SDK would throw its own error.
 */
function dependenciesOf(tree: unknown): pulumi.Output<unknown> {
    const liftable = (v: unknown) => (isPlainData(v) ? v : undefined);
    const leaves = outputLeaves(tree).map((leaf) =>
        // A promise that fails is the reader's to refuse, by its path.
        pulumi.Output.isInstance(leaf) ? (leaf as pulumi.Output<unknown>).apply(liftable) : pulumi.output(Promise.resolve(leaf).then(liftable, () => undefined)),
    );
    return pulumi.unsecret(pulumi.all(leaves)).apply(() => undefined);
}

/** The outputs and promises of a tree read by {@link readArgs}. */
function outputLeaves(tree: unknown): unknown[] {
    if (isOutputLike(tree)) return pulumi.isUnknown(tree) ? [] : [tree];
    if (typeof tree !== "object" || tree === null) return [];
    return Object.values(tree).flatMap(outputLeaves);
}

/** No cycle, no deeper than an input may be, and readable: the SDK can lift it. */
function isPlainData(v: unknown, ancestors: object[] = []): boolean {
    if (typeof v !== "object" || v === null) return true;
    if (ancestors.includes(v) || ancestors.length > MAX_DEPTH) return false;
    const inside = [...ancestors, v];
    try {
        return Object.values(v).every((x) => isPlainData(x, inside));
    } catch {
        return false; // a revoked proxy, a throwing getter: the reader names it
    }
}

/**
 * A value known now, or later (an output). Settings are resolved with {@link Resolved.of}; the
 * component registers itself with {@link Resolved.componentRegistration}, which waits for them and for
 * every check, so none of its children is registered if one fails.
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
        private readonly gate?: Promise<void>,
    ) {}

    static now<S>(value: S, gate?: Promise<void>): Resolved<S> {
        return new Resolved<S>(value, undefined, value, Promise.resolve(value), gate);
    }

    static later<S>(value: pulumi.Output<S>, partial: S = PENDING, settled: Promise<S> = Promise.resolve(partial)): Resolved<S> {
        return new Resolved<S>(undefined, value, partial, settled);
    }

    /**
     * Resolves `args` (read by {@link readArgs}: any form, any nesting of outputs) with
     * `resolve`. When everything is known, `resolve` runs now, so a bad input throws before
     * anything is registered. Otherwise `resolve` runs now over what is known (the rest PENDING),
     * so a known bad value is still refused at once; again once every output that has a value
     * has resolved (in a preview, unknown ones stay PENDING); and over every value once all have
     * resolved, with the same messages. A refusal never shows a value that arrived as a secret.
     * The agent keys never enter the settings: `resolve` sees {@link CREDENTIAL_GIVEN} for each
     * one given, and their values are checked apart (outputs among them hold the component back).
     */
    static of<S>(args: unknown, resolve: (plain: any) => S): Resolved<S> {
        const read = readArgs(args);
        const view = knownNow(read.tree);
        const checks = credentialChecks(read.credentials);
        let settings: S;
        try {
            settings = resolve(view);
        } catch (e) {
            // A refusal that would show a value still to resolve waits for it, so that its message
            // shows the value, as the plain value's would; what it refuses is refused then.
            if (!(e instanceof InputError && e.partial)) {
                // The component is refused now, with this error alone: its late checks go unawaited.
                checks?.catch(() => undefined);
                throw e;
            }
            settings = PENDING;
        }
        // Known now: the children are built from plain settings; the checks hold the component back.
        if (!containsPending(view)) return Resolved.now(settings, checks);
        const resolveSettled = (r: { tree: unknown; secrets: Secrets }) => {
            try {
                const s = resolve(r.tree) as S & { warnings?: string[] };
                // Warnings are messages too.
                if (Array.isArray(s?.warnings)) s.warnings = s.warnings.map((w) => shownMessage(w, r.secrets));
                return s as S;
            } catch (e) {
                throw e instanceof InputError ? redact(e, r.secrets) : e;
            }
        };
        const read2 = settle(read.tree);
        const settled = read2.then(resolveSettled);
        // Every output of the args is a dependency; the settings are secret when a value in them was.
        // `settled` comes first: what it refuses (a promise that failed, a value the SDK cannot lift)
        // is this output's error, the same object (reported once), never the raw error of an output
        // it read. It is the settings too once it knew every value (it always does but in a
        // preview, where this apply runs only if nothing was unknown after all).
        const later = pulumi
            .output(settled.then(() => undefined))
            .apply(() => pulumi.all([dependenciesOf(read.tree), checks]))
            .apply(async () => {
                let r = await read2;
                let s: S = (await settled) as S;
                if (containsPending(r.tree)) s = resolveSettled((r = await settle(read.tree)));
                // Secret credentials leave only which keys were given in the settings: they stay plain.
                return r.secrets.paths.some((p) => p !== "credentials" && !p.startsWith("credentials.")) ? pulumi.secret(s) : s;
            });
        return Resolved.later(later as unknown as pulumi.Output<S>, settings, settled);
    }

    /** The value, when it is known now (the checks may still hold the component back); else undefined. */
    get known(): S | undefined {
        return this.later ? undefined : this.now;
    }

    /** A part of the value, known now or later as the value is. */
    derive<R>(fn: (s: S) => R): Resolved<R> {
        const part = (s: S) => (isPending(s) ? PENDING : fn(s));
        return this.later ? Resolved.later(this.later.apply(fn) as pulumi.Output<R>, part(this.partial), this.settled.then(part)) : Resolved.now(fn(this.now as S), this.gate);
    }

    /**
     * Registers a component's children: now, when `shape` (which children exist) can be told from
     * what is known now; else as soon as it can be told from what has resolved (a preview that
     * cannot tell registers none). They wait for the checks either way, through their parent.
     */
    register<Shape, C>(shape: (partial: S) => Shape | undefined, register: (shape: Shape) => C): Resolved<C | undefined> {
        const now = shape(this.partial);
        if (now !== undefined) return Resolved.now(register(now));
        return Resolved.later(
            pulumi.output(
                this.settled.then((s) => {
                    const later = shape(s);
                    return later === undefined ? undefined : register(later);
                }),
            ) as pulumi.Output<C | undefined>,
        );
    }

    /** `fn` of the value: plain when it is known now (the checks do not hold it back), else an output. */
    map<R>(fn: (s: S) => R): R | pulumi.Output<R> {
        return this.later ? (this.later.apply(fn) as pulumi.Output<R>) : fn(this.now as S);
    }

    /**
     * A child's inputs built by `build` from the value and the names it needs (outputs of other
     * children): plain objects holding those outputs when the value is known now; one output
     * once everything has resolved otherwise. They need not wait for the checks themselves: a
     * child is registered only with its parent's URN, which the component has only once its own
     * registration, waiting for every check (`componentRegistration`), has gone through.
     */
    childArgs<N, R>(names: Record<string, pulumi.Output<N>>, build: (s: S, names: Record<string, pulumi.Input<N>>) => R): pulumi.Input<R> {
        if (this.later) {
            const keys = Object.keys(names);
            const inputs: pulumi.Output<unknown>[] = [this.later, ...keys.map((k) => names[k])];
            return pulumi.all(inputs).apply(([s, ...values]) => build(s as S, Object.fromEntries(keys.map((k, i) => [k, values[i] as N])))) as pulumi.Output<R>;
        }
        return build(this.now as S, names);
    }

    /** As an output, for a component's output properties (`fn` may return an output too). */
    output<R>(fn: (s: S) => pulumi.Input<R>): pulumi.Output<R> {
        const value = this.map(fn);
        // An output already (a child's name): as it is, without one more output around it.
        return pulumi.Output.isInstance(value) ? (value as pulumi.Output<R>) : (pulumi.output(value as pulumi.Input<R>) as pulumi.Output<R>);
    }

    /**
     * What the component registers itself with, held back until every check has passed (when
     * anything is left to check): the one gate. The SDK sends a child's registration only with
     * its parent's URN, which the component has once its own registration has gone through, so
     * when a check fails neither the component nor any child (nor a nested component's) is
     * registered. The gate, an output or a promise that resolves to nothing (so nothing is
     * stored), is both an input and a dependency: `PULUMI_NODEJS_SKIP_COMPONENT_INPUTS` drops a
     * component's inputs, a transformation may replace its `dependsOn`; it takes both to open the
     * gate. The user's own `dependsOn` stays beside it (a preview that cannot resolve the gate
     * keeps it), and so do `alsoDependsOn`, resources the component must wait for itself.
     */
    componentRegistration(opts: pulumi.ComponentResourceOptions | undefined, alsoDependsOn: pulumi.Resource[] = []): { inputs: pulumi.Inputs; opts: pulumi.ComponentResourceOptions | undefined } {
        // Settings still to resolve: an output of nothing that carries their dependencies. Known
        // settings: the keys' checks' promise, as it is (it resolves to nothing).
        const gate: pulumi.Input<unknown> | undefined = this.later ? this.later.apply(() => undefined) : this.gate;
        const waits: unknown[] = [...(gate ? [gate] : []), ...alsoDependsOn];
        if (waits.length === 0) return { inputs: {}, opts };
        // The SDK gathers dependencies through nested arrays, outputs and promises.
        const dependsOn = (opts?.dependsOn === undefined ? waits : [...waits, opts.dependsOn]) as pulumi.Input<pulumi.Resource>[];
        return { inputs: gate ? { checked: gate } : {}, opts: { ...opts, dependsOn } };
    }
}

/**
 * A component's settings from its args: the credentials replaced by which keys were given (their
 * values never enter the settings), every value checked as far as it is known (see
 * {@link Resolved.of}), and `then` run on each resolution (e.g. to claim names).
 */
export function checkedSettings<S>(args: unknown, resolve: (plain: any) => S, then: (s: S) => void): Resolved<S> {
    return Resolved.of(args, (plain) => {
        const s = resolve(plain);
        then(s);
        return s;
    });
}

/** The credentials as given, whatever form the args take (a whole output of args too). */
export function credentialsInput(args: unknown): pulumi.Input<AgentCredentials> | undefined {
    if (isOutputLike(args)) {
        // Not lifted whole: the args may hold what the SDK cannot lift (their reader refuses it).
        const credentials = (a: any) => (isPlainData(a?.credentials) ? a?.credentials : undefined);
        if (pulumi.Output.isInstance(args)) return (args as pulumi.Output<unknown>).apply(credentials);
        return pulumi.output(Promise.resolve(args).then(credentials));
    }
    return typeof args === "object" && args !== null ? (args as { credentials?: AgentCredentials }).credentials : undefined;
}
