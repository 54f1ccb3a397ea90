// One error type for every refused input: it names the input's path, the value given and
// what is accepted, so a user can fix a stack without reading this package's source.
import * as pulumi from "@pulumi/pulumi";
import { holdsPending } from "./pending";
import { SECRET_SHOWN } from "../vocabulary/package";

// A message may show the value of an input other than the one it refuses ("more seconds than
// envoy.preStopSleepSeconds (15)"). Such a value is written with {@link mention}, which marks
// whose value it is, so that a message can be shown with every value of an input that arrived
// as a secret hidden: the message names it, never shows it.
const OPEN = "\u0001";
const SEP = "\u0003";
const CLOSE = "\u0002";
const SAME = "\u0004";
const MENTION = new RegExp(`${OPEN}(${SAME}?)([^${SEP}]*)${SEP}([^${CLOSE}]*)${CLOSE}`, "g");

/** How a message shows a value that arrived as a secret. */
export { SECRET_SHOWN };

/** The value of input `input`, as a message shows it (`shown`: in other words): hidden where that input arrived as a secret. */
export function mention(input: string, value: unknown, shown = show(value)): string {
    return `${OPEN}${input}${SEP}${shown}${CLOSE}`;
}

/**
 * Shows nothing, but says the refused value equals `input`'s (a clash between the two): where
 * that input arrived as a secret, the refused value is hidden too, as it would show the secret.
 */
export function sameAs(input: string): string {
    return `${OPEN}${SAME}${input}${SEP}${CLOSE}`;
}

/** `text` with its mentions shown, each hidden where `secret(input)`. */
export function renderMentions(text: string, secret: (input: string) => boolean = () => false): string {
    return text.replace(MENTION, (_m, same: string, input: string, shown: string) => (same ? "" : secret(input) ? SECRET_SHOWN : shown));
}

/** Does `text` say its refused value equals that of an input for which `secret` holds? */
function equalsSecret(text: string, secret: (input: string) => boolean): boolean {
    return [...text.matchAll(MENTION)].some(([, same, input]) => same !== "" && secret(input));
}

/**
 * Thrown for an input the components cannot accept. A RunError, so Pulumi shows its message
 * without a stack trace; and one object per refusal, so an input that turns out bad only when
 * its output resolves is reported once, however many resources were waiting for it.
 */
export class InputError extends pulumi.RunError {
    /** What was given, as shown in the message (never a secret value). */
    public readonly given: string;
    /** What would be accepted. */
    public readonly accepted: string;

    constructor(
        /** The input's path, e.g. `agent.grpcPort`. */
        public readonly input: string,
        /** What was given, with its {@link mention}s. */
        private readonly givenText: string,
        /** What would be accepted, with its {@link mention}s. */
        private readonly acceptedText: string,
        /** The value shown is not all known yet (part of it is an output still to resolve). */
        public readonly partial = false,
    ) {
        const given = renderMentions(givenText);
        const accepted = renderMentions(acceptedText);
        super(`sigsci-envoy: invalid "${input}": got ${given}; expected ${accepted}`);
        this.name = "InputError";
        this.given = given;
        this.accepted = accepted;
        // Pulumi prefixes the message of an error that fails a resource's inputs with the
        // property path, once for each resource waiting on it: keep the message as written.
        const message = this.message;
        Object.defineProperty(this, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: false });
    }

    /**
     * This refusal as it may be shown when the inputs for which `secret` holds arrived as
     * secrets: their values hidden, where the message shows them, and the refused value too when
     * it is one of them or equals one; then `scrub` over what is left (names made of secrets).
     */
    redacted(secret: (input: string) => boolean, scrub: (text: string) => string = (t) => t): InputError {
        const hideGiven = secret(this.input) || equalsSecret(this.acceptedText, secret);
        const given = hideGiven ? SECRET_SHOWN : scrub(renderMentions(this.givenText, secret));
        const accepted = scrub(renderMentions(this.acceptedText, secret));
        // The path too: a key of a secret map is part of it (`pod.nodeSelector.<key>`).
        const input = scrub(this.input);
        if (input === this.input && given === this.given && accepted === this.accepted) return this;
        return new InputError(input, given, accepted, this.partial);
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

/** `a list`, `an object`: a word with its article. */
export function withArticle(word: string): string {
    return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** What kind of thing a value is, for messages that must not show it: `a list`, `an object`, `null`. */
export function kindOf(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    return withArticle(Array.isArray(value) ? "list" : typeof value);
}

/** Throws an {@link InputError} for `input`. */
export function refuse(input: string, value: unknown, accepted: string): never {
    throw new InputError(input, show(value), accepted, holdsPending(value));
}

/** Throws an {@link InputError} that shows `shown` instead of the value (for secrets). */
export function refuseAs(input: string, shown: string, accepted: string): never {
    throw new InputError(input, shown, accepted);
}

/** Throws an {@link InputError} that shows only what kind of thing `value` is (it may hold anything, the agent keys too). */
export function refuseKind(input: string, value: unknown, accepted: string): never {
    throw new InputError(input, kindOf(value), accepted, holdsPending(value));
}
