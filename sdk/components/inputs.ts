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
 * Resolves `args` with `resolve`. When every value is already known, `resolve` runs now, so a
 * bad input throws before any resource is registered; otherwise it runs when the outputs
 * resolve, with the same messages.
 */
export function resolveWhenKnown<A, S>(args: A, resolve: (plain: pulumi.Unwrap<A>) => S): pulumi.Output<S> {
    if (knownNow(args)) return pulumi.output(resolve(args as pulumi.Unwrap<A>)) as pulumi.Output<S>;
    return pulumi.output(args).apply((plain) => resolve(plain as pulumi.Unwrap<A>)) as pulumi.Output<S>;
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
