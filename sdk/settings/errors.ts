// One error type for every refused input: it names the input's path, the value given and
// what is accepted, so a user can fix a stack without reading this package's source.

/** Thrown for an input the components cannot accept. */
export class InputError extends Error {
    constructor(
        /** The input's path, e.g. `agent.grpcPort`. */
        public readonly input: string,
        /** What was given, as shown in the message (never a secret value). */
        public readonly given: string,
        /** What would be accepted. */
        public readonly accepted: string,
    ) {
        super(`sigsci-envoy: invalid "${input}": got ${given}; expected ${accepted}`);
        this.name = "InputError";
    }
}

/** Shows a given value in an error message. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
    try {
        return JSON.stringify(value);
    } catch {
        return Object.prototype.toString.call(value);
    }
}

/** Throws an {@link InputError} for `input`. */
export function refuse(input: string, value: unknown, accepted: string): never {
    throw new InputError(input, show(value), accepted);
}
