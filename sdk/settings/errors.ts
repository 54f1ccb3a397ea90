// One error type for every refused input: it names the input's path, the value given and
// what is accepted, so a user can fix a stack without reading this package's source.
import * as pulumi from "@pulumi/pulumi";
import { holdsPending } from "./pending";

/**
 * Thrown for an input the components cannot accept. A RunError, so Pulumi shows its message
 * without a stack trace; and one object per refusal, so an input that turns out bad only when
 * its output resolves is reported once, however many resources were waiting for it.
 */
export class InputError extends pulumi.RunError {
    constructor(
        /** The input's path, e.g. `agent.grpcPort`. */
        public readonly input: string,
        /** What was given, as shown in the message (never a secret value). */
        public readonly given: string,
        /** What would be accepted. */
        public readonly accepted: string,
        /** The value shown is not all known yet (part of it is an output still to resolve). */
        public readonly partial = false,
    ) {
        super(`sigsci-envoy: invalid "${input}": got ${given}; expected ${accepted}`);
        this.name = "InputError";
        // Pulumi prefixes the message of an error that fails a resource's inputs with the
        // property path, once for each resource waiting on it: keep the message as written.
        const message = this.message;
        Object.defineProperty(this, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: false });
    }
}

const MAX_SHOWN = 200;

/** Shows a given value in an error message (shortened, and safe for any value). */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    let text: string;
    if (typeof value === "string") text = JSON.stringify(value);
    else if (typeof value === "number" || typeof value === "boolean" || value === null) text = String(value);
    else if (typeof value === "bigint") text = `${value}n`;
    else if (typeof value === "symbol" || (typeof value === "function" && !holdsPending(value))) text = `a ${typeof value}`;
    else {
        try {
            text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
        } catch {
            text = Object.prototype.toString.call(value);
        }
    }
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}

/** Throws an {@link InputError} for `input`. */
export function refuse(input: string, value: unknown, accepted: string): never {
    throw new InputError(input, show(value), accepted, holdsPending(value));
}

/** Throws an {@link InputError} that shows `shown` instead of the value (for secrets). */
export function refuseAs(input: string, shown: string, accepted: string): never {
    throw new InputError(input, shown, accepted);
}
