// A Pulumi project on disk, read the way the Pulumi CLI and its Node.js language host read it:
// Pulumi.yaml found from a directory upwards, its stacks (Pulumi.<stack>.yaml beside it or in
// `stackConfigDir`), the stack in use when none is named, and the program's entry module, with
// TypeScript compiled on the fly by the project's own ts-node / typescript or the ones
// @pulumi/pulumi vendors (pulumi/pulumi: sdk/nodejs/cmd/run/run.ts, sdk/nodejs/tsutils.ts).
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadDocument } from "../vocabulary/yaml";
import { LAST_KEY_WINS, stacksIn, TYPED } from "./stack-file";

export interface Project {
    /** The directory of Pulumi.yaml. */
    dir: string;
    /** Pulumi.yaml's absolute path (the CLI keys its workspace settings by it). */
    file: string;
    name: string;
    runtime: string;
    /** `runtime.options.typescript` (default true, as the language host). */
    typescript: boolean;
    /** `main:`, relative to the project directory. */
    main?: string;
    /** Where the stack files are. */
    stackDir: string;
    /** Pulumi.yaml's `config:`, as written. */
    config?: unknown;
}

/** The project whose Pulumi.yaml is in `start` or the nearest directory above it. */
export function findProject(start: string): Project {
    let dir = path.resolve(start);
    for (;;) {
        const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
        if (file) return readProject(file);
        const up = path.dirname(dir);
        if (up === dir) throw new Error(`no Pulumi.yaml project file found (searching upwards from ${path.resolve(start)})`);
        dir = up;
    }
}

function readProject(file: string): Project {
    const raw = loadDocument(fs.readFileSync(file, "utf8"), { schema: TYPED, ...LAST_KEY_WINS }) as any;
    if (typeof raw?.name !== "string" || raw.name === "") throw new Error(`${file}: a project needs a name`);
    const runtime = typeof raw.runtime === "string" ? raw.runtime : raw.runtime?.name;
    const dir = path.dirname(file);
    return {
        dir,
        file,
        name: raw.name,
        runtime: String(runtime ?? ""),
        typescript: raw.runtime?.options?.typescript !== false,
        main: typeof raw.main === "string" ? raw.main : undefined,
        stackDir: path.join(dir, typeof raw.stackConfigDir === "string" ? raw.stackConfigDir : "."),
        config: raw.config,
    };
}

/** The project's stacks: one Pulumi.<stack>.yaml each. */
export function stacksOf(project: Project): string[] {
    return stacksIn(project.stackDir);
}

/** The last part of a stack reference (`org/project/dev` -> `dev`): the stack file's name. */
const stackPart = (ref: string) => ref.split("/").pop()!;

/**
 * The stack the CLI would use when none is named: `PULUMI_STACK`, else the one `pulumi stack
 * select` chose (the workspace settings under the Pulumi home, keyed by the project file's path),
 * else the project's only stack. Undefined, with why, when none of these names exactly one.
 */
export function defaultStack(project: Project, env: NodeJS.ProcessEnv = process.env): { stack?: string; from: string } {
    const stacks = stacksOf(project);
    if (env.PULUMI_STACK) return { stack: stackPart(env.PULUMI_STACK), from: "named by PULUMI_STACK" };
    const home = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
    const settings = path.join(home, "workspaces", `${project.name}-${createHash("sha1").update(project.file).digest("hex")}-workspace.json`);
    if (fs.existsSync(settings)) {
        try {
            const s = JSON.parse(fs.readFileSync(settings, "utf8")) as { stack?: string; stacks?: Record<string, string> };
            const selected = [...new Set([...Object.values(s.stacks ?? {}), ...(s.stack ? [s.stack] : [])].map(stackPart))];
            if (selected.length === 1) return { stack: selected[0], from: "the one selected with pulumi stack select" };
        } catch {
            // An unreadable settings file selects nothing, as for the CLI.
        }
    }
    if (stacks.length === 1) return { stack: stacks[0], from: "the project's only stack" };
    return { from: stacks.length === 0 ? "the project has no stack file" : `the project has ${stacks.length} stacks and none is selected` };
}

/**
 * The module the language host would run: `main:` (a file, or a directory's index), else
 * package.json's `main`, else the project directory's index.
 */
export function programEntry(project: Project): string {
    const candidates = (base: string) => [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), path.join(base, "index.js")];
    const found = (base: string) => candidates(base).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (project.main !== undefined) {
        const entry = found(path.resolve(project.dir, project.main));
        if (!entry) throw new Error(`Pulumi.yaml's main (${project.main}) names no program file under ${project.dir}`);
        return entry;
    }
    const pkgFile = path.join(project.dir, "package.json");
    const pkg = fs.existsSync(pkgFile) ? JSON.parse(fs.readFileSync(pkgFile, "utf8")) : {};
    if (pkg.type === "module") throw new Error(`${pkgFile}: an ES module program ("type": "module") cannot be rendered offline; render a CommonJS program, or deploy with pulumi up`);
    const entry = (typeof pkg.main === "string" && found(path.resolve(project.dir, pkg.main))) || found(path.join(project.dir, "index"));
    if (!entry) throw new Error(`no program in ${project.dir}: no index.ts or index.js, and neither Pulumi.yaml nor package.json names a main`);
    return entry;
}

/** The project's own copy of a package (the program registers its resources with that one). */
export function projectRequire(project: Project, id: string): any {
    return require(require.resolve(id, { paths: [project.dir] }));
}

/**
 * Makes `require` compile TypeScript as the language host does: with ts-node, the project's own
 * or the one @pulumi/pulumi vendors, and the project's tsconfig.json; types are not checked (the
 * render judges objects, and `tsc` or `pulumi up` judges types). Returns what undoes it: ts-node
 * also maps every later stack trace through source maps, which slows a long-lived process.
 */
export function registerTypeScript(project: Project): () => void {
    const extensions = require.extensions as Record<string, unknown>;
    const saved = { prepareStackTrace: Error.prepareStackTrace, ts: extensions[".ts"], tsx: extensions[".tsx"] };
    const restore = () => {
        Error.prepareStackTrace = saved.prepareStackTrace;
        for (const ext of [".ts", ".tsx"] as const) {
            const before = saved[ext === ".ts" ? "ts" : "tsx"];
            if (before === undefined) delete extensions[ext];
            else extensions[ext] = before;
        }
    };
    const tsutilsFile = require.resolve("@pulumi/pulumi/tsutils", { paths: [project.dir] });
    const tsutils = require(tsutilsFile);
    // tsutils finds typescript and ts-node from where it is (the project's @pulumi/pulumi), else its vendored copies.
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const tsconfig = path.join(project.dir, "tsconfig.json");
    const resolve = (id: string) => (path.isAbsolute(id) ? id : require.resolve(id, { paths: [path.dirname(tsutilsFile)] }));
    const compiler = resolve(typescriptRequire);
    // The host's defaults under the project's own compiler options: node16-style modules from TypeScript 4.7 on.
    const [major, minor] = String(require(compiler).version).split(".").map(Number);
    const nodeNext = major > 4 || (major === 4 && minor >= 7);
    require(resolve(tsnodeRequire)).register({
        compiler,
        transpileOnly: true,
        project: tsconfig,
        skipProject: !fs.existsSync(tsconfig),
        compilerOptions: {
            target: "ES2020",
            module: nodeNext ? "nodenext" : "commonjs",
            moduleResolution: nodeNext ? "nodenext" : "node",
            sourceMap: "true",
            ...(fs.existsSync(tsconfig) ? tsutils.loadTypeScriptCompilerOptions(tsconfig) : {}),
        },
    });
    return restore;
}
