// The README and docs/ stay true: the README is a five-minute read; every program they show runs
// as written under the mock runtime and is proven inspected; every command names scripts,
// options and subcommands that exist (and runs, where it can run here); every link leads to a
// file and heading that are there; the generated parts are up to date; every project file is
// one the Pulumi CLI accepts; and everything a release names agrees on one version.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import * as ts from "typescript";
import { load } from "js-yaml";
import Ajv2020 from "ajv/dist/2020";
import { objectYaml } from "../sdk/render/manifests";
import { guideArgs } from "../tools/fixtures";
import { DEFAULTS_FILE, withDefaultsTable } from "../tools/docs/defaults";
import { PACK_RULES_FILE, withPackRules } from "../tools/docs/pack-rules";
import { TEMPLATE_FILE, withTemplate } from "../tools/docs/template";
import { benchBlock, BENCH_END, BENCH_START, INSTRUCTIONS_HEADING, NOT_COUNTED, performanceSummary, PERFORMANCE_FILE, README_FILE, withPerformanceSummary } from "../tools/docs/performance";
import { releaseProblems, repoFiles } from "../tools/release";
import { REPO } from "../tools/paths";
import { verifyTraffic } from "../sdk/traffic";
import { main as cli } from "../sdk/cli/main";
import { RENDER_OPTIONS } from "../sdk/cli/render";
import { VERIFY_OPTIONS } from "../sdk/cli/verify";
import { GATEWAY_FIXTURE, ISTIO_NAMESPACE_FIXTURE } from "../tools/scenarios";
import { objectsOf } from "./support/objects";
import { kubernetesObjects, runProgram } from "./support/pulumi-mocks";
import { scratchDir } from "./support/scratch";

const read = (file: string) => fs.readFileSync(path.join(REPO, file), "utf8");
const README = read("README.md");
/** Every page a user reads: the README and docs/ (reference.md too: generated, its links count). */
const PAGES = [
    "README.md",
    ...fs
        .readdirSync(path.join(REPO, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
];
const SCRIPTS = JSON.parse(read("package.json")).scripts as Record<string, string>;
const list = (dir: string) => (fs.existsSync(path.join(REPO, dir)) ? fs.readdirSync(path.join(REPO, dir)).map((f) => `${dir}/${f}`) : []);

/** GitHub's anchor of a Markdown heading. */
function anchor(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");
}

/** Headings outside fenced code (a `# comment` in a bash block is none). */
function headings(markdown: string): string[] {
    return markdown
        .replace(/^```[\s\S]*?^```/gm, "")
        .split("\n")
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) => anchor(l.replace(/^#+ /, "")));
}

/** The fenced blocks of a page, by language. */
function blocks(markdown: string, lang: string): string[] {
    return [...markdown.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1]);
}

/** A TypeScript program of the docs, run under the mock runtime with the package and SDK of this run. */
async function runShown(source: string, name: string) {
    const js = ts.transpileModule(source.replace('"sigsci-envoy"', JSON.stringify(path.join(REPO, "bin/sdk"))).replace('"@pulumi/pulumi"', JSON.stringify(require.resolve("@pulumi/pulumi"))), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const file = path.join(scratchDir("docs-program"), `${name}.js`);
    fs.writeFileSync(file, js);
    const run = await runProgram(() => require(file), { "sigsci-envoy-test:accessKeyId": "AKID", "sigsci-envoy-test:secretAccessKey": "SECRET" });
    assert.deepStrictEqual(run.errors, []);
    return kubernetesObjects(run);
}

describe("README", () => {
    it("is a five-minute read: what it is, what you need, install, Quick start, checks, performance, where to go next (at most 250 lines)", () => {
        assert.ok(README.split("\n").length <= 250, `${README.split("\n").length} lines`);
        assert.deepStrictEqual(headings(README), [
            "sigsci-envoy",
            "what-you-need",
            "install",
            "quick-start",
            "check-that-it-works",
            "troubleshooting",
            "performance",
            "where-to-go-next",
            "development",
        ]);
    });

    it("has a Quick start that runs as written: the guide's pod, Service, PodDisruptionBudget and NetworkPolicy, proven inspected", async () => {
        const section = README.slice(README.indexOf("## Quick start"), README.indexOf("## Check that it works"));
        const [program] = blocks(section, "typescript");
        const objects = await runShown(program, "quick-start");
        assert.deepStrictEqual([...new Set(objects.map((o) => o.kind))].sort(), ["ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service"]);
        assert.deepStrictEqual(verifyTraffic(objects), []);
        // The commands beside it set exactly the keys it reads.
        const keys = [...blocks(section, "bash")[0].matchAll(/pulumi config set --secret (\w+)/g)].map((m) => m[1]);
        assert.deepStrictEqual(
            keys,
            [...program.matchAll(/config\.requireSecret\("(\w+)"\)/g)].map((m) => m[1]),
        );
    });

    it("says what CI runs, and CI runs it: npm ci, then what npm run check runs (lint, type check, tests, package checks)", () => {
        const ci = read(".ci/run");
        const commands = ci.split("\n").filter((l) => l.startsWith("npm "));
        assert.deepStrictEqual(commands, ["npm ci --no-audit --no-fund", "npm run lint", "npm run typecheck", "npm test", "npm run test:package"]);
        assert.strictEqual(SCRIPTS.check, commands.slice(1).join(" && "));
        assert.match(README, /npm run check {3}# what CI runs: the linter and formatter check, the type check, npm test and npm run test:package/);
    });
});

describe("docs/", () => {
    it("has the Pulumi Registry's pages: _index.md (layout: package) and installation-configuration.md, with their front matter", () => {
        for (const [file, title] of [
            ["docs/_index.md", "sigsci-envoy"],
            ["docs/installation-configuration.md", "sigsci-envoy Installation & Configuration"],
        ]) {
            const m = /^---\n([\s\S]*?)\n---\n/.exec(read(file));
            assert.ok(m, `${file} starts with front matter`);
            const front = load(m![1]) as Record<string, string>;
            assert.deepStrictEqual(Object.keys(front).sort(), ["layout", "meta_desc", "title"]);
            assert.strictEqual(front.title, title);
            assert.strictEqual(front.layout, "package");
            // Only these two pages are published to a registry: links elsewhere are absolute.
            const relative = [...read(file).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t) && t !== "installation-configuration.md" && t !== "_index.md");
            assert.deepStrictEqual(relative, [], file);
        }
    });

    it("shows a Registry example that runs as written, in TypeScript and in Pulumi YAML (a project file the CLI accepts)", async () => {
        const page = read("docs/_index.md");
        const objects = await runShown(blocks(page, "typescript")[0], "registry-example");
        assert.deepStrictEqual(verifyTraffic(objects), []);
        const yaml = load(blocks(page, "yaml")[0]) as any;
        assert.deepStrictEqual(projectProblems(yaml), []);
        assert.deepStrictEqual(yaml.resources.helloworld.properties.app, { image: "signalsciences/example-helloworld:latest", port: 8080, args: ["localhost:8080"] });
    });

    it("shows a verifier snippet that runs as written", () => {
        const page = read("docs/verification.md");
        const block = /In code \(a CI step of your own, a test of your manifests\), it is one call on plain objects:\n\n```typescript\n([\s\S]*?)```/.exec(page);
        assert.ok(block, "the snippet is in docs/verification.md");
        const js = ts.transpileModule(block![1].replace('"sigsci-envoy/traffic"', JSON.stringify(path.join(REPO, "bin/sdk/traffic"))), {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        }).outputText;
        const dir = scratchDir("docs-snippet");
        fs.writeFileSync(path.join(dir, "snippet.js"), js);
        const run = (objects: any[]) => {
            fs.writeFileSync(path.join(dir, "manifests.yaml"), objects.map((o) => `---\n${objectYaml(o)}`).join(""));
            const r = spawnSync(process.execPath, ["snippet.js"], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(REPO, "node_modules") } });
            return { status: r.status, lines: r.stdout.split("\n").filter(Boolean), stderr: r.stderr };
        };
        const guide = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }]);
        assert.deepStrictEqual(run(guide), { status: 0, lines: ["inspected: Deployment default/helloworld front 0.0.0.0:8000 (ext_authz)"], stderr: "" });
        const open = JSON.parse(JSON.stringify(guide));
        delete open.find((o: any) => o.kind === "NetworkPolicy").spec.ingress[0].ports;
        const failed = run(open);
        assert.strictEqual(failed.status, 1, failed.stderr);
        assert.ok(
            failed.lines.some((l) => l.startsWith("error app-bypass: Deployment default/helloworld:")),
            failed.lines.join("\n"),
        );
    });

    it("shows Envoy Gateway and Istio programs that run as written, proven inspected with the cluster's Gateway and namespace", async () => {
        const programs = blocks(read("docs/gateway-istio.md"), "typescript");
        assert.strictEqual(programs.length, 2);
        const kinds: string[][] = [];
        for (const [i, program] of programs.entries()) {
            const objects = await runShown(program, `layout-${i}`);
            kinds.push([...new Set(objects.map((o) => o.kind))].sort());
            // Each with the cluster's objects it acts on: the Gateway and routes; the namespace Istio injects into.
            assert.deepStrictEqual(verifyTraffic([...objects, ...(i === 0 ? GATEWAY_FIXTURE : ISTIO_NAMESPACE_FIXTURE)]), []);
        }
        assert.ok(kinds[0].includes("EnvoyExtensionPolicy") && kinds[0].includes("ReferenceGrant"), kinds[0].join(", "));
        assert.ok(kinds[1].includes("EnvoyFilter"), kinds[1].join(", "));
    });

    it("shows the performance of one full bench run (npm run bench -- --docs): both layouts at 300 and 1,000 apps, with its date, machine and versions", () => {
        const section = benchBlock(read(PERFORMANCE_FILE));
        const rowsOf = (table: string) => [...table.matchAll(/^\| (sidecar \(own secret keys\)|shared fleet) \| (\d+) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
        // The CPU table, then the instruction counts (none without valgrind, and the page says so).
        const [cpu, instructions] = section.split(new RegExp(`^${INSTRUCTIONS_HEADING}`, "m"));
        const bothSizes = ["sidecar (own secret keys) 300", "shared fleet 300", "sidecar (own secret keys) 1000", "shared fleet 1000"];
        assert.deepStrictEqual(rowsOf(cpu), bothSizes);
        if (/^ \(millions/.test(instructions)) assert.deepStrictEqual(rowsOf(instructions), bothSizes);
        else assert.ok(`${INSTRUCTIONS_HEADING}${instructions}`.startsWith(NOT_COUNTED), instructions);
        assert.match(section, /^Run: \d{4}-\d\d-\d\d, \d+ x .+, Node\.js v\d+\.\d+\.\d+, @pulumi\/pulumi \d+\.\d+\.\d+, @pulumi\/kubernetes \d+\.\d+\.\d+\.$/m);
        assert.ok(!section.includes("(quick)"), "a full run, not --quick");
        assert.match(section, /offline render of a 200-app stack/);
        assert.match(section, /500 apps .* 5,000 apps/);
    });

    it("has its generated parts up to date (npm run docs): the defaults, the policy pack's rules, Pulumi.yaml's template, README's Performance summary", () => {
        assert.strictEqual(read(DEFAULTS_FILE), withDefaultsTable(read(DEFAULTS_FILE)));
        assert.strictEqual(read(PACK_RULES_FILE), withPackRules(read(PACK_RULES_FILE)));
        assert.strictEqual(read(TEMPLATE_FILE), withTemplate(read(TEMPLATE_FILE)));
        assert.strictEqual(read(README_FILE), withPerformanceSummary(read(README_FILE), read(PERFORMANCE_FILE)));
    });

    describe("README's Performance summary, derived from the bench run's block", () => {
        const run = "Run: 2026-01-02, 2 x CPU, Node.js v20.0.0, @pulumi/pulumi 3.0.0, @pulumi/kubernetes 4.0.0.";
        const cpuTable = [
            "| layout | apps | objects | CPU ms/app: component | CPU raw | CPU floor | component / raw: median (lowest-highest) | component / floor |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| sidecar (own secret keys) | 300 | 1800 | 29.8 | 25.1 | 27.0 | 1.19 (0.98-1.33) | 1.15 (0.95-1.36) |",
            "| shared fleet | 300 | 1505 | 23.6 | 19.6 | 22.0 | 1.17 (0.90-1.37) | 1.09 (0.77-1.30) |",
        ].join("\n");
        // A table after the counts (as the render's could be) is not theirs.
        const later = ["| stack | apps | ms |", "| --- | ---: | ---: |", "| render | 200 | 6970 |"].join("\n");
        const page = (instructions: string, runLine = run) => `intro\n${BENCH_START}\n${cpuTable}\n\n${instructions}\n\n${later}\n\n${runLine}\n${BENCH_END}\nprose\n`;

        it("takes the instruction counts' component / raw medians, one column per size, and the run's line", () => {
            const counted = [
                "Instructions per app (millions; ...):",
                "",
                "| layout | apps | counts | component | raw | floor | component / raw | component / floor | floor / raw |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                "| sidecar (own secret keys) | 300 | 3 | 118.8 (118.6-118.8) | 104.7 (104.6-104.7) | 110.7 (110.7-110.8) | 1.135 (1.134-1.135) | 1.073 (1.072-1.073) | 1.058 (1.058-1.058) |",
                "| shared fleet | 300 | 3 | 94.5 (94.5-94.5) | 83.4 (83.4-83.4) | 88.5 (88.4-88.5) | 1.133 (1.133-1.133) | 1.068 (1.067-1.068) | 1.061 (1.061-1.061) |",
                "| sidecar (own secret keys) | 1000 | 1 | 116.7 | 99.9 | 107.5 | 1.168 | 1.086 | 1.076 |",
            ].join("\n");
            assert.strictEqual(
                performanceSummary(page(counted)),
                [
                    "Component / the same objects registered raw, by instructions per app (valgrind):",
                    "",
                    "| layout | 300 apps | 1,000 apps |",
                    "| --- | ---: | ---: |",
                    "| sidecar (own secret keys) | 1.135x | 1.168x |",
                    "| shared fleet | 1.133x |  |",
                    "",
                    "From one run of `npm run bench -- --docs`: 2026-01-02, 2 x CPU, Node.js v20.0.0, @pulumi/pulumi 3.0.0, @pulumi/kubernetes 4.0.0.",
                ].join("\n"),
            );
        });

        it("falls back to the CPU medians when valgrind did not count, and says so", () => {
            assert.strictEqual(
                performanceSummary(page(NOT_COUNTED)),
                [
                    "Component / the same objects registered raw, by CPU time per app (median of the rounds):",
                    "",
                    "| layout | 300 apps |",
                    "| --- | ---: |",
                    "| sidecar (own secret keys) | 1.19x |",
                    "| shared fleet | 1.17x |",
                    "",
                    "From one run of `npm run bench -- --docs`: 2026-01-02, 2 x CPU, Node.js v20.0.0, @pulumi/pulumi 3.0.0, @pulumi/kubernetes 4.0.0.",
                ].join("\n"),
            );
        });

        it("refuses a page without the bench's markers, a run line or a ratio, or a README without its markers, naming the file", () => {
            assert.throws(() => performanceSummary("no run here"), /docs\/performance\.md: the markers <!-- bench:begin .* are missing/);
            assert.throws(() => performanceSummary(page(NOT_COUNTED, "")), /docs\/performance\.md: the bench run's block has no table rows or no "Run:" line/);
            const broken = page(NOT_COUNTED).replace("| 1.19 (0.98-1.33) |", "| n/a |");
            assert.throws(() => performanceSummary(broken), /docs\/performance\.md: a row of the bench run's table is not a layout, a number of apps and a "component \/ raw" ratio: \| sidecar/);
            assert.throws(() => withPerformanceSummary("# README\n", page(NOT_COUNTED)), /README\.md: the markers <!-- performance: .* are missing/);
        });
    });
});

describe("every page (README and docs/)", () => {
    it("links only to files and headings that are there", () => {
        const broken: string[] = [];
        for (const page of PAGES) {
            const text = read(page);
            for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) continue;
                const [file, hash] = target.split("#");
                const to = file === "" ? page : path.relative(REPO, path.resolve(REPO, path.dirname(page), file));
                const exists = fs.existsSync(path.join(REPO, to));
                const body = exists && fs.statSync(path.join(REPO, to)).isFile() ? read(to) : "";
                if (!exists || to.startsWith("..")) broken.push(`${page}: ${target}`);
                else if (hash && !headings(body).includes(hash)) broken.push(`${page}: ${target} (no such heading)`);
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    /** Every command line of the pages' shell blocks, comments and continuations joined. */
    const commands = PAGES.flatMap((page) =>
        [...blocks(read(page), "bash"), ...blocks(read(page), "sh")].flatMap((b) =>
            b
                .replace(/\\\n\s*/g, " ")
                .split("\n")
                .map((l) => l.replace(/\s+#.*$/, "").trim())
                .filter((l) => l !== "" && !l.startsWith("#"))
                .map((line) => ({ page, line })),
        ),
    );

    it("names only npm scripts that exist", () => {
        const used = PAGES.flatMap((p) => [...read(p).matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => `${p}: ${m[1]}`));
        assert.ok(used.length >= 10, used.join(", "));
        assert.deepStrictEqual(
            used.filter((u) => !(u.split(": ")[1] in SCRIPTS)),
            [],
        );
    });

    it("runs sigsci-envoy with subcommands and options it has, and Pulumi CLI commands that exist", () => {
        const problems: string[] = [];
        const options = { render: RENDER_OPTIONS, verify: VERIFY_OPTIONS } as Record<string, { values: string[]; flags: string[] }>;
        // The Pulumi CLI's commands these pages use (its `pulumi --help` and `pulumi policy --help`).
        const PULUMI = ["login", "stack select", "config set", "config rm", "up", "preview", "new", "install", "package add", "policy publish", "policy enable", "policy group", "destroy", "refresh"];
        let sigsci = 0;
        for (const { page, line } of commands) {
            for (const m of line.matchAll(/npx sigsci-envoy (\S+)((?: [^|;&)]*)?)/g)) {
                sigsci++;
                const spec = options[m[1]];
                if (!spec) {
                    problems.push(`${page}: ${line}: no subcommand ${m[1]}`);
                    continue;
                }
                for (const [, flag] of m[2].matchAll(/--([\w-]+)/g)) if (![...spec.values, ...spec.flags].includes(flag)) problems.push(`${page}: ${line}: sigsci-envoy ${m[1]} has no --${flag}`);
            }
            for (const m of line.matchAll(/(?:^|[;&(|] *)pulumi ([a-z]+)(?: ([a-z]+))?/g))
                if (!PULUMI.includes(m[1]) && !PULUMI.includes(`${m[1]} ${m[2]}`)) problems.push(`${page}: ${line}: pulumi ${m[1]} ${m[2] ?? ""}`);
        }
        assert.ok(sigsci >= 5, `${sigsci} sigsci-envoy commands`);
        assert.deepStrictEqual(problems, []);
    });

    it("shows sigsci-envoy commands that run here as written: render --list names the repository's stacks", async () => {
        const shown = commands.find((c) => /^npx sigsci-envoy render --list/.test(c.line));
        assert.ok(shown, "a render --list command is shown");
        let out = "";
        const code = await cli(["render", "--list", "--dir", REPO], { stdout: (t) => void (out += t), stderr: () => undefined });
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(
            out
                .split("\n")
                .filter(Boolean)
                .map((l) => l.replace(/ \(default\)$/, ""))
                .sort(),
            ["dev", "gateway", "mesh", "prod", "staging"],
        );
    });
});

/** Problems of a project file against the schema the Pulumi CLI validates it with (tools/schemas/pulumi/project.json). */
const projectSchema = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(read("tools/schemas/pulumi/project.json")));
function projectProblems(project: unknown): string[] {
    return projectSchema(project) ? [] : projectSchema.errors!.map((e) => `${e.instancePath} ${e.message}`);
}

describe("project files", () => {
    const files = ["Pulumi.yaml", ...list("examples").map((d) => `${d}/Pulumi.yaml`)].filter((f) => fs.existsSync(path.join(REPO, f)));

    it("are ones the Pulumi CLI accepts (its own schema): the root program and every example", () => {
        assert.ok(files.length >= 10, files.join(", "));
        assert.deepStrictEqual(
            files.flatMap((f) => projectProblems(load(read(f))).map((p) => `${f}: ${p}`)),
            [],
        );
        // The check can fail: a config type Pulumi does not have, a packages entry without its source.
        assert.notDeepStrictEqual(projectProblems({ name: "x", runtime: "yaml", config: { a: { type: "map" } } }), []);
        assert.notDeepStrictEqual(projectProblems({ name: "x", runtime: "yaml", packages: { a: { src: "x" } } }), []);
    });

    it("name the package in packages: wherever Pulumi generates its SDK (YAML and Python examples): the clone", () => {
        const generated = files.filter((f) => /examples\/(yaml-|python-)/.test(f));
        assert.ok(generated.length >= 4);
        for (const f of generated) assert.deepStrictEqual((load(read(f)) as any).packages, { "sigsci-envoy": "../.." }, f);
    });
});

describe("a release", () => {
    it("names one version and one repository everywhere: package.json, the lock file, the pack, the schema, the CHANGELOG, every install line", () => {
        assert.deepStrictEqual(releaseProblems(repoFiles(REPO), list, false), []);
    });

    it("is checked for what disagrees (the check can fail)", () => {
        const files = repoFiles(REPO);
        const bumped = (f: string) => (f === "package.json" ? files(f)!.replace(/"version": "[^"]+"/, '"version": "9.9.9"') : files(f));
        const problems = releaseProblems(bumped, list, true);
        assert.ok(problems.some((p) => p.startsWith("package-lock.json: version")));
        assert.ok(problems.some((p) => p.startsWith("README.md: github.com/sigsci-envoy/sigsci-envoy@v")));
        assert.ok(problems.some((p) => p.startsWith("CHANGELOG.md: the newest section")));
    });
});
