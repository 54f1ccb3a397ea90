// `sigsci-envoy render`: a Pulumi program's Kubernetes objects for one stack, offline. Every
// object but the Secrets as YAML on standard output (or one file per object with --out DIR,
// which must be new or empty); the summary, the verifier's verdict and what is left to do on
// standard error.
import * as fs from "fs";
import * as path from "path";
import { manifestFileName, objectYaml } from "../render/manifests";
import { defaultStack, findProject, Project, stacksOf } from "../render/project";
import { renderProgram, RenderOptions } from "../render/render";
import { StackConfig } from "../render/stack-file";
import { Io, parseArgs, UsageError } from "./io";
import { RENDER_USAGE } from "./render-usage";

export { RENDER_USAGE };

/** How a repository renders its own program (the compiled entry, placeholders for keys set per developer). */
export interface RenderSetup {
    projectDir?: string;
    entry?: string;
    placeholderKeys?: (stack: StackConfig) => string[];
    sensitiveKeys?: (stack: StackConfig) => string[];
}

/** The command's options: `--name value` ones and switches. */
export const RENDER_OPTIONS = { values: ["stack", "dir", "out"], flags: ["list"] };

/** Runs the command; returns its exit code. */
export async function renderCommand(argv: string[], io: Io, setup: RenderSetup = {}): Promise<number> {
    let args: ReturnType<typeof parseArgs>;
    try {
        args = parseArgs(argv, RENDER_OPTIONS);
        if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
    } catch (e) {
        io.stderr(`${(e as Error).message}\n${RENDER_USAGE}\n`);
        return 2;
    }
    let project: Project;
    try {
        project = findProject(args.values.dir ?? setup.projectDir ?? process.cwd());
    } catch (e) {
        io.stderr(`${(e as Error).message}\n`);
        return 2;
    }
    const stacks = stacksOf(project);
    const chosen = defaultStack(project);
    if (args.flags.list) {
        io.stdout(stacks.map((s) => `${s}${s === chosen.stack ? " (default)" : ""}\n`).join(""));
        return 0;
    }
    const stack = args.values.stack ?? chosen.stack;
    if (!stack) {
        io.stderr(`no stack given, and ${chosen.from}: give --stack <name>${stacks.length > 0 ? ` (${stacks.join(", ")})` : ""}\n`);
        return 2;
    }
    const out = args.values.out;
    // Files of an earlier render would be applied with the new ones: start from an empty directory.
    if (out && fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
        io.stderr(`--out ${out}: not a new or empty directory; give one (files of an earlier render would be applied with these)\n`);
        return 2;
    }
    try {
        const options: RenderOptions = { stack, entry: setup.entry, placeholderKeys: setup.placeholderKeys, sensitiveKeys: setup.sensitiveKeys };
        const rendered = await renderProgram(project, options);
        if (!args.values.stack) rendered.summary.push(`note: rendered stack "${stack}", ${chosen.from} (--stack chooses another, --list shows them)`);
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
