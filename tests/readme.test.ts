// The README stays true: every command it shows exists, CI runs what it says CI runs, and every
// link into the repository leads to a file (and heading) that is there.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import * as ts from "typescript";
import { objectYaml } from "../sdk/render/manifests";
import { guideArgs } from "../tools/fixtures";
import { withDefaultsTable } from "../tools/docs/defaults";
import { REPO } from "../tools/paths";
import { verifyTraffic } from "../sdk/traffic";
import { GATEWAY_FIXTURE } from "../tools/scenarios";
import { objectsOf } from "./support/objects";
import { kubernetesObjects, runProgram } from "./support/pulumi-mocks";
import { scratchDir } from "./support/scratch";

const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const SCRIPTS = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts as Record<string, string>;

/** GitHub's anchor of a Markdown heading. */
function anchor(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");
}

function headings(markdown: string): string[] {
    return [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]));
}

describe("README", () => {
    it("shows a verifier snippet that runs as written", () => {
        const block = /In code \(a CI step of your own, a test of your manifests\), it is one call on plain objects:\n\n```typescript\n([\s\S]*?)```/.exec(README);
        assert.ok(block, "the snippet is in the README");
        const js = ts.transpileModule(block![1].replace('"sigsci-envoy/traffic"', JSON.stringify(path.join(REPO, "bin/sdk/traffic"))), {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        }).outputText;
        const dir = scratchDir("readme");
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

    it("shows Envoy Gateway and Istio programs that run as written, proven inspected with the cluster's Gateway", async () => {
        const section = README.slice(README.indexOf("## Envoy Gateway and Istio"), README.indexOf("## Fitting your cluster"));
        const blocks = [...section.matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]);
        assert.strictEqual(blocks.length, 2);
        const dir = scratchDir("readme-layouts");
        const kinds: string[][] = [];
        for (const [i, block] of blocks.entries()) {
            // The package and the SDK this run's mocks are set in (one runtime).
            const source = block.replace('"sigsci-envoy"', JSON.stringify(path.join(REPO, "bin/sdk"))).replace('"@pulumi/pulumi"', JSON.stringify(require.resolve("@pulumi/pulumi")));
            const js = ts.transpileModule(source, {
                compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
            }).outputText;
            const file = path.join(dir, `layout-${i}.js`);
            fs.writeFileSync(file, js);
            const run = await runProgram(() => require(file), { "sigsci-envoy-test:accessKeyId": "AKID", "sigsci-envoy-test:secretAccessKey": "SECRET" });
            assert.deepStrictEqual(run.errors, []);
            const objects = kubernetesObjects(run);
            kinds.push([...new Set(objects.map((o) => o.kind))].sort());
            // The Gateway program is verified with the Gateway and routes it attaches to (the cluster's).
            assert.deepStrictEqual(verifyTraffic([...objects, ...(i === 0 ? GATEWAY_FIXTURE : [])]), []);
        }
        assert.ok(kinds[0].includes("EnvoyExtensionPolicy") && kinds[0].includes("ReferenceGrant"), kinds[0].join(", "));
        assert.ok(kinds[1].includes("EnvoyFilter"), kinds[1].join(", "));
    });

    it("shows the performance of one full bench run (npm run bench -- --readme): both layouts at 300 and 1,000 apps, with its date, machine and versions", () => {
        const section = README.slice(README.indexOf("<!-- bench:begin"), README.indexOf("<!-- bench:end -->"));
        const rows = [...section.matchAll(/^\| (sidecar \(own secret keys\)|shared fleet) \| (\d+) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
        assert.deepStrictEqual(rows, ["sidecar (own secret keys) 300", "shared fleet 300", "sidecar (own secret keys) 1000", "shared fleet 1000"]);
        assert.match(section, /^Run: \d{4}-\d\d-\d\d, \d+ x .+, Node\.js v\d+\.\d+\.\d+, @pulumi\/pulumi \d+\.\d+\.\d+, @pulumi\/kubernetes \d+\.\d+\.\d+\.$/m);
        assert.ok(!section.includes("(quick)"), "a full run, not --quick");
        assert.match(section, /offline render of a 200-app stack/);
        assert.match(section, /500 apps .* 5,000 apps/);
    });

    it("shows every default as the code has it (npm run docs writes the table)", () => {
        assert.strictEqual(README, withDefaultsTable(README));
    });

    it("shows only npm scripts that exist", () => {
        const used = [...README.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1]);
        assert.ok(used.length >= 8, used.join(", "));
        assert.deepStrictEqual(
            used.filter((s) => !(s in SCRIPTS)),
            [],
        );
    });

    it("says what CI runs, and CI runs it: npm ci, then what npm run check runs (lint, type check, tests, package checks)", () => {
        const ci = fs.readFileSync(path.join(REPO, ".ci/run"), "utf8");
        const commands = ci.split("\n").filter((l) => l.startsWith("npm "));
        assert.deepStrictEqual(commands, ["npm ci --no-audit --no-fund", "npm run lint", "npm run typecheck", "npm test", "npm run test:package"]);
        assert.strictEqual(SCRIPTS.check, commands.slice(1).join(" && "));
        assert.match(README, /npm run check {3}# what CI runs: the linter and formatter check, the type check, npm test and npm run test:package/);
    });

    it("links only to files and headings that are there", () => {
        const broken: string[] = [];
        for (const [, target] of README.matchAll(/\]\(([^)\s]+)\)/g)) {
            if (/^[a-z]+:/.test(target)) continue;
            const [file, hash] = target.split("#");
            const text = file === "" ? README : fs.existsSync(path.join(REPO, file)) ? (fs.statSync(path.join(REPO, file)).isFile() ? fs.readFileSync(path.join(REPO, file), "utf8") : "") : undefined;
            if (text === undefined) broken.push(target);
            else if (hash && !headings(text).includes(hash)) broken.push(target);
        }
        assert.deepStrictEqual(broken, []);
    });
});
