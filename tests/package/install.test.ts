// The package as users get it: a fresh clone packed (`npm pack`, which builds it through
// `prepare`), the tarball installed into a scratch project beside @pulumi/pulumi and
// @pulumi/kubernetes, then used the ways users use it: type-checked by a TypeScript program
// (CommonJS, with both Node module resolutions), imported from ESM, run under Pulumi's mock
// runtime, and served by Pulumi's multi-language component host as `pulumi package add` runs it.
// It installs from the npm registry (or npm's cache), so it runs with `npm run test:package`.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../../tools/paths";
import { call, withServer } from "../support/plugin-server";
import { scratchDir } from "../support/scratch";

const npm = (cwd: string, args: string[]) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
function node(cwd: string, args: string[]): string {
    try {
        return execFileSync(process.execPath, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e: any) {
        throw new Error(`node ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: e });
    }
}
const tsc = (cwd: string, args: string[]) => node(cwd, [path.join(REPO, "node_modules/typescript/bin/tsc"), ...args]);
const version = (pkg: string) => JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", pkg, "package.json"), "utf8")).version;

/** The repository's files as a fresh clone has them (tracked, and new ones not ignored; without git, all but what .gitignore names). */
function freshClone(into: string): void {
    let files: string[];
    try {
        files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\0");
    } catch {
        const walk = (dir: string): string[] =>
            fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
                const p = path.join(dir, e.name);
                if (["node_modules", "bin", ".git"].includes(e.name) || e.name.endsWith(".tsbuildinfo")) return [];
                return e.isDirectory() ? walk(p) : [p];
            });
        files = walk("");
    }
    files = files.filter((f) => f && fs.existsSync(path.join(REPO, f)));
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(into, f)), { recursive: true });
        fs.copyFileSync(path.join(REPO, f), path.join(into, f));
    }
    // The clone's `npm ci`, borrowed: the build needs only the dev dependencies already installed.
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(into, "node_modules"));
}

const CONSUMER_TS = `import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp, EnvoyAppArgs, verifyTraffic } from "sigsci-envoy";
import { checkAgentContainers } from "sigsci-envoy/guide";
import { PACK_RULES } from "sigsci-envoy/pack";
import { analyzeTraffic } from "sigsci-envoy/traffic";

const config = new pulumi.Config();
const agents = new AgentService("agents", { namespace: "waf", credentials: { existingSecretName: "sigsci.site" }, clientNamespaces: ["shop"], integration: "ext_proc" });
const args: EnvoyAppArgs = { namespace: "shop", app: { image: "registry.example.com/shop:1.0", port: 3000 }, inspection: { integration: "ext_proc" }, agentService: agents.link() };
export const shop = new EnvoyApp("shop", args);
export const url: pulumi.Output<string> = shop.frontUrl;
export const checks = [verifyTraffic, analyzeTraffic, checkAgentContainers, config.name, PACK_RULES.length];
`;

const CONSUMER_RUN = `const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
    newResource: (a) => { registered.push(a.type); return { id: a.name + "-id", state: a.inputs }; },
    call: (a) => a.inputs,
}, "consumer", "dev", false);
const { EnvoyApp } = require("sigsci-envoy");
const app = new EnvoyApp("helloworld", { app: { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] }, credentials: { accessKeyId: pulumi.secret("AKID-0123456789"), secretAccessKey: pulumi.secret("SECRET-abcdefghij") }, namespace: "default" });
app.frontUrl.apply((url) => setTimeout(() => console.log(JSON.stringify({ url, registered: [...new Set(registered)].sort() })), 100));
`;

const CONSUMER_MJS = `import { EnvoyApp, AgentService, verifyTraffic } from "sigsci-envoy";
import { checkAgentContainers } from "sigsci-envoy/guide";
console.log([EnvoyApp, AgentService, verifyTraffic, checkAgentContainers].map((f) => typeof f).join(" "));
`;

describe("the package, installed from a tarball of a fresh clone", function () {
    this.timeout(600000);
    const work = scratchDir("package");
    const clone = path.join(work, "clone");
    const consumer = path.join(work, "consumer");
    let tarball = "";

    before(() => {
        freshClone(clone);
        tarball = path.join(work, npm(clone, ["pack", "--pack-destination", work]).trim().split("\n").pop()!);
        fs.mkdirSync(consumer);
        // What a program needs, and what the policy pack shipped in the package needs to run from its own directory.
        const deps = {
            "sigsci-envoy": `file:${tarball}`,
            "@pulumi/pulumi": version("@pulumi/pulumi"),
            "@pulumi/kubernetes": version("@pulumi/kubernetes"),
            "@pulumi/policy": version("@pulumi/policy"),
            typescript: version("typescript"),
        };
        fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies: deps }, null, 2));
        // No install scripts: the Kubernetes SDK's would fetch its provider plugin, which nothing here runs.
        npm(consumer, ["install", "--prefer-offline", "--ignore-scripts"]);
    });

    it("ships the built code, its declarations, the TypeScript sources the component host reads, and nothing of the repository's own", () => {
        const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" })
            .split("\n")
            .filter(Boolean)
            .map((f) => f.replace(/^package\//, ""));
        for (const f of [
            "package.json",
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "PulumiPlugin.yaml",
            "index.ts",
            "sdk/index.ts",
            "bin/sdk/index.js",
            "bin/sdk/index.d.ts",
            "bin/sdk/traffic/index.js",
            "bin/sdk/guide/index.d.ts",
            "bin/sdk/pack/index.d.ts",
            "docs/schema.json",
            "policy/PulumiPolicy.yaml",
            "policy/policies.ts",
            "policy/bin/index.js",
        ]) {
            assert.ok(files.includes(f), `${f} is shipped`);
        }
        const stray = files.filter((f) =>
            /^(tests|tools|scripts|program|examples)\/|^bin\/(tests|tools|scripts|program|examples|policy)\/|^Pulumi\.[^/]*\.yaml$|^Pulumi\.yaml$|^tsconfig|^\.ci\//.test(f),
        );
        assert.deepStrictEqual(stray, []);
        assert.strictEqual(
            JSON.parse(fs.readFileSync(path.join(consumer, "node_modules/sigsci-envoy/package.json"), "utf8")).version,
            JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version,
        );
    });

    for (const resolution of ["node10", "node16"]) {
        it(`type-checks a TypeScript program that uses it (moduleResolution ${resolution})`, () => {
            fs.writeFileSync(path.join(consumer, "index.ts"), CONSUMER_TS);
            const options = {
                compilerOptions: { strict: true, target: "ES2022", module: resolution === "node16" ? "node16" : "commonjs", moduleResolution: resolution, noEmit: true, skipLibCheck: true, types: [] },
                files: ["index.ts"],
            };
            fs.writeFileSync(path.join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(options));
            tsc(consumer, ["-p", `tsconfig.${resolution}.json`]);
        });
    }

    it("runs a CommonJS program under Pulumi's mock runtime", () => {
        fs.writeFileSync(path.join(consumer, "run.js"), CONSUMER_RUN);
        const out = JSON.parse(node(consumer, ["run.js"]).trim());
        assert.strictEqual(out.url, "http://helloworld.default.svc.cluster.local:8000");
        assert.deepStrictEqual(out.registered, [
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:Secret",
            "kubernetes:core/v1:Service",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:policy/v1:PodDisruptionBudget",
            "sigsci-envoy:index:EnvoyApp",
        ]);
    });

    it("imports its named exports from ESM", () => {
        fs.writeFileSync(path.join(consumer, "run.mjs"), CONSUMER_MJS);
        assert.strictEqual(node(consumer, ["run.mjs"]).trim(), "function function function function");
    });

    it("installs the sigsci-envoy command: it renders a TypeScript program of the consumer's offline, and verifies what it rendered", () => {
        const app = path.join(consumer, "app");
        fs.mkdirSync(app);
        fs.writeFileSync(path.join(app, "Pulumi.yaml"), "name: consumer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
        fs.writeFileSync(path.join(app, "Pulumi.dev.yaml"), "config:\n  consumer:accessKeyId:\n    secure: v1:AAAA\n  consumer:secretAccessKey:\n    secure: v1:BBBB\n");
        fs.writeFileSync(path.join(app, "index.ts"), CONSUMER_TS);
        const bin = path.join(consumer, "node_modules/.bin/sigsci-envoy");
        const yaml = execFileSync(bin, ["render", "--dir", app], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        assert.ok(yaml.includes("kind: Deployment"), yaml);
        const verified = execFileSync(bin, ["verify", "--json", "-"], { input: yaml, encoding: "utf8" });
        assert.deepStrictEqual(JSON.parse(verified).passed, true);
    });

    it("serves its policy pack, compiled, as pulumi preview --policy-pack runs it from the pack's directory", async () => {
        const pack = path.join(work, "policy-pack");
        fs.cpSync(path.join(consumer, "node_modules/sigsci-envoy/policy"), pack, { recursive: true });
        fs.symlinkSync(path.join(consumer, "node_modules"), path.join(pack, "node_modules"));
        const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
        const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
        const info = await withServer([path.join(pack, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], pack, AnalyzerClient, (client) =>
            call<any>(client, "getAnalyzerInfo", new Empty()),
        );
        assert.strictEqual(info.getName(), "sigsci-envoy");
        assert.ok(
            info
                .getPoliciesList()
                .map((p: any) => p.getName())
                .includes("waf-coverage"),
        );
    });

    it("is served by Pulumi's component host as pulumi package add runs it: current sources, no deprecation, the committed schema", async () => {
        // The CLI runs a plugin from its own directory (not node_modules), with its dependencies installed there.
        const plugin = path.join(work, "plugin");
        fs.mkdirSync(plugin);
        execFileSync("tar", ["xzf", tarball, "-C", plugin]);
        const dir = path.join(plugin, "package");
        fs.symlinkSync(path.join(consumer, "node_modules"), path.join(dir, "node_modules"));
        // A stale build must not matter: the host runs index.ts and the sources, not bin/.
        fs.writeFileSync(path.join(dir, "bin/sdk/index.js"), 'throw new Error("stale build");\n');
        const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
        const { GetSchemaRequest } = require("@pulumi/pulumi/proto/provider_pb");
        const host = ["--trace-deprecation", path.join(dir, "node_modules/@pulumi/pulumi/cmd/run-plugin"), dir];
        const [served, stderr] = await withServer(
            host,
            dir,
            ResourceProviderClient,
            async (client, stderr) => [JSON.parse((await call<any>(client, "getSchema", new GetSchemaRequest())).getSchema()), stderr()] as const,
        );
        const committed = JSON.parse(fs.readFileSync(path.join(REPO, "docs/schema.json"), "utf8"));
        assert.strictEqual(served.version, JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version);
        delete served.version;
        delete committed.version;
        assert.deepStrictEqual(served, committed);
        assert.doesNotMatch(stderr, /DeprecationWarning|DEP0128|stale build/);
    });
});
