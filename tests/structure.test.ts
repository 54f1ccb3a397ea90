// The shape of the repository, checked: which folder may import which, no import loops, and
// the package importing only its own dependencies.
//
//   sdk/        the package: vocabulary (Envoy's, the agent's and Kubernetes' names and
//               limits, one home each), traffic (the request-path model) and args at the bottom, guide
//               (Fastly's guide: its values, checked on plain objects) over traffic, then
//               settings, envoy, monitoring (an app's alerts and dashboard), kube, components; render (a Pulumi program's objects, offline)
//               and pack (the policy pack's rules) over traffic; cli (the command line) over
//               render and pack; nothing outside sdk/
//   policy/     the policy pack: the package only by its name (it is published on its own)
//   program/    the root Pulumi program (stack config -> components): sdk, program
//   tools/      repository tools (render, scenarios, docs, schemas): sdk, program, tools
//   scripts/    npm run entry points: tools (and what tools may import)
//   tests/      sdk, program, policy, tools, tests - never scripts
//   examples/   each its own program: only the package, by its name
//   index.ts    the multi-language component host's entry point: the package
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { REPO } from "../tools/paths";

const ROOTS = ["sdk", "program", "policy", "tools", "scripts", "tests", "examples"];

function sources(dir: string): string[] {
    return fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
        return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
    });
}

/** Each source file (relative to the repository) to what it imports: files (relative) or packages. */
function importGraph(): Map<string, { files: string[]; packages: string[] }> {
    const graph = new Map<string, { files: string[]; packages: string[] }>();
    for (const file of ["index.ts", ...ROOTS.flatMap(sources)]) {
        const info = ts.preProcessFile(fs.readFileSync(path.join(REPO, file), "utf8"), true, true);
        const files: string[] = [];
        const packages: string[] = [];
        for (const ref of info.importedFiles.map((i) => i.fileName)) {
            if (!ref.startsWith(".")) {
                packages.push(ref);
                continue;
            }
            const target = path.join(path.dirname(file), ref);
            const resolved = [`${target}.ts`, path.join(target, "index.ts"), target].find((p) => fs.existsSync(path.join(REPO, p)) && fs.statSync(path.join(REPO, p)).isFile());
            if (!resolved) throw new Error(`${file}: cannot resolve ${ref}`);
            files.push(resolved);
        }
        graph.set(file, { files, packages });
    }
    return graph;
}

/** The layer of a file: its top folder, and within sdk/ its module. */
function layer(file: string): string {
    const parts = file.split(path.sep);
    if (parts[0] !== "sdk") return parts[0];
    return parts.length === 2 ? `sdk/${parts[1].replace(/\.ts$/, "")}` : `sdk/${parts[1]}`;
}

/** What each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
    // The one vocabulary (Envoy's names and limits, the agent's, Kubernetes'): writer and checker alike import it.
    "sdk/vocabulary": ["sdk/args"],
    "sdk/traffic": ["sdk/vocabulary"],
    "sdk/guide": ["sdk/traffic", "sdk/vocabulary"],
    "sdk/args": [],
    "sdk/settings": ["sdk/args", "sdk/traffic", "sdk/guide", "sdk/vocabulary"],
    "sdk/envoy": ["sdk/settings", "sdk/args", "sdk/vocabulary"],
    // An app's alerts and dashboard, from the series its own bootstrap exports.
    "sdk/monitoring": ["sdk/settings", "sdk/traffic", "sdk/vocabulary"],
    "sdk/kube": ["sdk/envoy", "sdk/settings", "sdk/args", "sdk/traffic", "sdk/monitoring", "sdk/vocabulary"],
    "sdk/components": ["sdk/kube", "sdk/envoy", "sdk/settings", "sdk/args", "sdk/traffic", "sdk/vocabulary"],
    "sdk/index": ["sdk/components", "sdk/args", "sdk/settings", "sdk/traffic"],
    // The offline render, the policy pack's rules and the command line over them.
    "sdk/render": ["sdk/traffic", "sdk/vocabulary"],
    "sdk/pack": ["sdk/guide", "sdk/traffic", "sdk/vocabulary"],
    "sdk/cli": ["sdk/render", "sdk/pack", "sdk/traffic"],
    // The entry point of the multi-language component host.
    "index.ts": ["sdk/index"],
    program: ["sdk/index", "sdk/args", "sdk/settings", "sdk/components", "sdk/vocabulary"],
    tools: ["sdk/index", "sdk/args", "sdk/settings", "sdk/envoy", "sdk/kube", "sdk/traffic", "sdk/vocabulary", "sdk/render", "sdk/cli", "sdk/pack", "program"],
    scripts: ["tools", "sdk/index", "sdk/settings", "sdk/envoy", "sdk/kube", "sdk/traffic", "sdk/render", "sdk/cli", "policy"],
    tests: [
        "sdk/index",
        "sdk/args",
        "sdk/settings",
        "sdk/envoy",
        "sdk/kube",
        "sdk/traffic",
        "sdk/guide",
        "sdk/monitoring",
        "sdk/components",
        "sdk/vocabulary",
        "sdk/render",
        "sdk/pack",
        "sdk/cli",
        "program",
        "policy",
        "tools",
    ],
    examples: [],
    policy: [],
};

/** The packages the published package may import: its dependencies, its peer, and Node's own modules. */
function packageImports(): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
}

describe("repository structure", () => {
    const graph = importGraph();

    it("imports run only down the layers", () => {
        const wrong: string[] = [];
        for (const [file, { files }] of graph) {
            const from = layer(file);
            for (const target of files) {
                const to = layer(target);
                if (to !== from && !(ALLOWED[from] ?? []).includes(to)) wrong.push(`${file} -> ${target}`);
            }
        }
        assert.deepStrictEqual(wrong, []);
    });

    it("has no import loops", () => {
        const loops: string[] = [];
        const state = new Map<string, "open" | "done">();
        const visit = (file: string, trail: string[]) => {
            if (state.get(file) === "done") return;
            if (state.get(file) === "open") {
                loops.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
                return;
            }
            state.set(file, "open");
            for (const next of graph.get(file)?.files ?? []) visit(next, [...trail, file]);
            state.set(file, "done");
        };
        for (const file of graph.keys()) visit(file, []);
        assert.deepStrictEqual(loops, []);
    });

    it("the package imports only its dependencies and Node's own modules", () => {
        const allowed = packageImports();
        const stray: string[] = [];
        for (const [file, { packages }] of graph) {
            if (!file.startsWith(`sdk${path.sep}`)) continue;
            for (const p of packages) {
                const name = p.startsWith("@") ? p.split("/").slice(0, 2).join("/") : p.split("/")[0];
                if (!allowed.includes(name) && !p.startsWith("node:") && !require("module").builtinModules.includes(p)) stray.push(`${file} -> ${p}`);
                // An SDK module path other than the package's entry point is an internal of it.
                if (name === "@pulumi/pulumi" && p !== "@pulumi/pulumi") stray.push(`${file} -> ${p} (an internal module)`);
            }
        }
        assert.deepStrictEqual(stray, []);
    });

    it("the policy pack imports the package only by its name and its public entry points (bundled into the pack), and otherwise only its own dependencies", () => {
        for (const [file, { packages }] of graph) {
            if (!file.startsWith(`policy${path.sep}`)) continue;
            for (const p of packages.filter((x) => x.startsWith("sigsci-envoy")))
                assert.ok(["sigsci-envoy", "sigsci-envoy/traffic", "sigsci-envoy/guide", "sigsci-envoy/pack"].includes(p), `${file} -> ${p}`);
            const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "policy/package.json"), "utf8"));
            for (const p of packages.filter((x) => !x.startsWith("sigsci-envoy"))) {
                const name = p.startsWith("@") ? p.split("/").slice(0, 2).join("/") : p.split("/")[0];
                assert.ok(name in pkg.dependencies || require("module").builtinModules.includes(p), `${file} -> ${p}: not a dependency of the pack`);
            }
        }
    });

    it("each example imports the package by its name, as a user's program does", () => {
        for (const [file, { files, packages }] of graph) {
            if (!file.startsWith(`examples${path.sep}`)) continue;
            assert.deepStrictEqual(files, [], file);
            assert.ok(packages.includes("sigsci-envoy"), file);
        }
    });

    it("has the tests make scratch directories only through support/scratch.ts, which removes them when the run ends", () => {
        const stray = [...graph.keys()].filter(
            (f) =>
                f.startsWith(`tests${path.sep}`) &&
                ![path.join("tests", "support", "scratch.ts"), path.join("tests", "structure.test.ts")].includes(f) &&
                /mkdtemp(Sync)?\(|os\.tmpdir\(/.test(fs.readFileSync(path.join(REPO, f), "utf8")),
        );
        assert.deepStrictEqual(stray, []);
    });

    it("sees every layer it rules on (the checks above have something to check)", () => {
        const layers = new Set([...graph.keys()].map(layer));
        for (const l of Object.keys(ALLOWED)) if (l !== "index.ts") assert.ok(layers.has(l), l);
        assert.ok(graph.get(path.join("sdk", "components", "envoy-app.ts"))!.files.includes(path.join("sdk", "kube", "plan.ts")));
    });
});
