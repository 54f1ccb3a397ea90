// The offline render's command line: every Kubernetes object of one stack but its credentials
// Secrets as YAML on standard output (or one file per object with --out DIR, which must be new
// or empty), the summary, with how to create those Secrets, on standard error.
//
//   npm run -s render -- --stack dev [--out DIR]
import * as fs from "fs";
import * as path from "path";
import { manifestFileName, objectYaml } from "./manifests";
import { renderStack } from "./render";

export interface Io {
    stdout(text: string): void;
    stderr(text: string): void;
}

export const USAGE = "usage: npm run -s render -- --stack <name> [--out <dir>]";

/** Runs the command; returns its exit code (2 for a usage error, 1 for a refused stack). */
export async function renderCommand(argv: string[], io: Io): Promise<number> {
    let stack: string | undefined;
    let out: string | undefined;
    let unknown = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack") stack = argv[++i];
        else if (argv[i] === "--out") out = argv[++i];
        else unknown = true;
    }
    if (!stack || unknown) {
        io.stderr(`${USAGE}\n`);
        return 2;
    }
    // Files of an earlier render would be applied with the new ones: start from an empty directory.
    if (out && fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
        io.stderr(`--out ${out}: not a new or empty directory; give one (files of an earlier render would be applied with these)\n`);
        return 2;
    }
    try {
        const rendered = await renderStack(stack);
        if (out) {
            fs.mkdirSync(out, { recursive: true });
            for (const o of rendered.applyObjects) fs.writeFileSync(path.join(out, manifestFileName(o)), objectYaml(o));
            rendered.summary.push(`wrote ${rendered.applyObjects.length} files to ${out}`);
        } else {
            io.stdout(rendered.yaml);
        }
        io.stderr(rendered.summary.join("\n") + "\n");
        return 0;
    } catch (e) {
        io.stderr(`${(e as Error).message}\n`);
        return 1;
    }
}
