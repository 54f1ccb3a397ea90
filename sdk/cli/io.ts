// What every command of the command line shares: its output streams (tests hand in their own),
// and its arguments, parsed by Node's own util.parseArgs.
import { parseArgs as nodeParseArgs } from "util";

export interface Io {
    stdout(text: string): void;
    stderr(text: string): void;
    /** Standard input, read whole (for `-`). */
    stdin?(): Promise<string>;
}

/** The process's own streams. */
export const PROCESS_IO: Io = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdin: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString("utf8");
    },
};

/** Bad arguments: the command prints its usage and exits 2. */
export class UsageError extends Error {}

export interface Parsed {
    values: Record<string, string | undefined>;
    flags: Record<string, boolean>;
    positional: string[];
}

/** `--name value` (or `--name=value`) options, `--flag` switches and positional arguments (`-` among them). */
export function parseArgs(argv: string[], spec: { values: string[]; flags: string[] }): Parsed {
    const options: Record<string, { type: "string" | "boolean" }> = {};
    for (const v of spec.values) options[v] = { type: "string" };
    for (const f of spec.flags) options[f] = { type: "boolean" };
    try {
        const { values, positionals } = nodeParseArgs({ args: argv, options, allowPositionals: true, strict: true });
        const out: Parsed = { values: {}, flags: {}, positional: positionals };
        for (const v of spec.values) out.values[v] = values[v] as string | undefined;
        for (const f of spec.flags) out.flags[f] = values[f] === true;
        return out;
    } catch (e) {
        // Node's first sentence ("Unknown option '--x'"), without its advice on positionals.
        throw new UsageError((e as Error).message.split(". To specify")[0]);
    }
}
