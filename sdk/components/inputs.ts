// Helpers for args that may hold Pulumi outputs.
import * as pulumi from "@pulumi/pulumi";

/** True when no part of `value` waits on a Pulumi output or a promise. */
export function knownNow(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
    if (Array.isArray(value)) return value.every(knownNow);
    if (typeof value === "object" && value !== null) return Object.values(value).every(knownNow);
    return true;
}

/**
 * A component's resolved settings: known now when every input was, else later (an output).
 * `map` keeps what is known now plain, so resources get plain inputs and no extra outputs.
 */
export class Resolved<S> {
    private constructor(
        private readonly now: S | undefined,
        private readonly later: pulumi.Output<S> | undefined,
    ) {}

    /**
     * Resolves `args` with `resolve`. When every value is already known, `resolve` runs now, so
     * a bad input throws before any resource is registered; otherwise it runs when the outputs
     * resolve, with the same messages.
     */
    static of<A, S>(args: A, resolve: (plain: pulumi.Unwrap<A>) => S): Resolved<S> {
        if (knownNow(args)) return new Resolved<S>(resolve(args as pulumi.Unwrap<A>), undefined);
        return new Resolved<S>(undefined, pulumi.output(args).apply((plain) => resolve(plain as pulumi.Unwrap<A>)) as pulumi.Output<S>);
    }

    /** The settings as an input to `pulumi.all` or a resource. */
    get input(): pulumi.Input<S> {
        return this.now !== undefined ? this.now : this.later!;
    }

    map<R>(fn: (s: S) => R): R | pulumi.Output<R> {
        return this.now !== undefined ? fn(this.now) : (this.later!.apply(fn) as pulumi.Output<R>);
    }

    /** As an output, for a component's output properties. */
    output<R>(fn: (s: S) => R): pulumi.Output<R> {
        return pulumi.output(this.map(fn)) as pulumi.Output<R>;
    }
}

/** Which credential inputs were given, without their values: secrets never enter the settings. */
export function credentialPresence(c: { accessKeyId?: unknown; secretAccessKey?: unknown; existingSecretName?: pulumi.Input<string> } | undefined) {
    if (c === undefined || c === null || typeof c !== "object") return c;
    return {
        accessKeyId: c.accessKeyId === undefined ? undefined : "(set)",
        secretAccessKey: c.secretAccessKey === undefined ? undefined : "(set)",
        existingSecretName: c.existingSecretName,
    };
}
