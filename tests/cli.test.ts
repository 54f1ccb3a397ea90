// The command line shipped in the package (`npx sigsci-envoy`): `verify` on manifest streams from
// anywhere (Fastly's own example, Helm's output, kubectl's lists, standard input), with its exit
// statuses and JSON; `render` of a user's own TypeScript program, offline, with the stack chosen
// as the Pulumi CLI would; and the installed `bin` entry itself.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { dump, loadAll } from "js-yaml";
import { main } from "../sdk/cli/main";
import { VerifyResult } from "../sdk/cli/verify";
import { objectYaml } from "../sdk/render/manifests";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { GATEWAY_FIXTURE, LAYOUT_SCENARIOS } from "../tools/scenarios";
import { REPO } from "../tools/paths";
import { objectsOf } from "./support/objects";
import { scratchDir } from "./support/scratch";
import { container, copy, find } from "./support/traffic-fixtures";

const FASTLY_EXAMPLE = path.join(REPO, "tests/fixtures/guide-kubernetes-envoy.yaml");

/** Runs the command line in-process; `stdin` is what `-` reads. */
async function run(argv: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...(stdin === undefined ? {} : { stdin: async () => stdin }) });
    return { code, stdout, stderr };
}

const file = (dir: string, name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
};

/** The package's own guide app, as plain objects (its credentials Secret included). */
const GUIDE = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }]);

/** The objects as Helm prints them: a `# Source:` comment per template, and an empty document where one renders nothing. */
function helmStream(objects: any[]): string {
    return objects.map((o, i) => `---\n# Source: waf/templates/${String(o.kind).toLowerCase()}-${i}.yaml\n${objectYaml(o)}`).join("") + "---\n# Source: waf/templates/hpa.yaml\n";
}

describe("sigsci-envoy verify", () => {
    it("follows Envoy Gateway's proxies where it is told they run", async () => {
        const dir = scratchDir("cli-eg");
        // A GatewayWaf whose agents admit proxies in eg-system, with the cluster's Gateway and routes.
        const objects = [
            ...objectsOf([{ component: "GatewayWaf", name: "waf", args: { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, proxies: { namespace: "eg-system" } } }]),
            ...GATEWAY_FIXTURE,
        ];
        const manifests = file(dir, "eg.yaml", objects.map((o) => `---\n${objectYaml(o)}`).join(""));
        const assumed = await run(["verify", manifests]);
        assert.strictEqual(assumed.code, 1, assumed.stdout);
        assert.ok(assumed.stdout.includes("[agent-policy-blocks]"), assumed.stdout);
        const told = await run(["verify", "--envoy-gateway-namespace", "eg-system", manifests]);
        assert.strictEqual(told.code, 0, told.stdout);
        const bad = await run(["verify", "--envoy-gateway-deployment", "Namespace", manifests]);
        assert.strictEqual(bad.code, 2);
        assert.ok(bad.stderr.startsWith("--envoy-gateway-deployment Namespace: expected ControllerNamespace or GatewayNamespace\n"), bad.stderr);
    });

    it("judges Fastly's own example manifest: its Envoy config is not among the objects, and its agent breaks the guide's own advice", async () => {
        const r = await run(["verify", FASTLY_EXAMPLE]);
        assert.strictEqual(r.code, 1, r.stderr);
        assert.strictEqual(r.stderr, "");
        const agent = "Deployment default/helloworld: container sigsci-agent";
        assert.deepStrictEqual(r.stdout.split("\n"), [
            "sigsci-envoy verify: 2 objects",
            "  traffic paths: 0 inspected listeners verified; not every path can be verified: 1 finding (1 cannot verify)",
            "mandatory waf-coverage: Deployment default/helloworld: container envoy-frontproxy runs Envoy with /etc/envoy/envoy.yaml, which no ConfigMap or Secret among the objects provides (it may be baked into the image): its inspection path cannot be verified; mount the bootstrap from a ConfigMap or Secret among the objects [envoy-config-unreadable]",
            `mandatory sigsci-agent-filesystem: ${agent}: its root filesystem is read-only but nothing writable is mounted at /sigsci/tmp, where the agent writes its RPC socket and cache; mount an emptyDir there (the guide's sigsci-tmp) [agent-tmp-missing]`,
            `mandatory sigsci-agent-shutdown: ${agent}: no preStop sleep, so the agent stops at once while Envoy still sends it requests; add lifecycle.preStop.exec.command ["sleep", "30"] (the guide) [agent-no-prestop]`,
            `advisory sigsci-agent-image-pull: ${agent}: image signalsciences/sigsci-agent:latest with imagePullPolicy IfNotPresent: each node keeps the first latest it pulled, so agents differ and never update; use Always (or Never with a manually updated image), or pin a version with IfNotPresent (the guide) [agent-pull-policy]`,
            `advisory sigsci-agent-resources: ${agent}: no cpu or memory request, so the scheduler may place it where it cannot get them and it is evicted first under pressure; request what it needs (Fastly suggests a full core and 512Mi to start, then load-testing) [agent-no-requests]`,
            "failed: waf-coverage, sigsci-agent-filesystem, sigsci-agent-shutdown",
            "",
        ]);
    });

    it("reads a Helm-style stream (comments, empty documents), a kubectl List and JSON alike, and passes the package's own objects", async () => {
        const dir = scratchDir("cli");
        const helm = file(dir, "helm.yaml", helmStream(GUIDE));
        const r = await run(["verify", helm]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.deepStrictEqual(r.stdout.split("\n"), [
            `sigsci-envoy verify: ${GUIDE.length} objects`,
            "  traffic paths: 1 inspected listener verified, no findings",
            "  inspected: Deployment default/helloworld listener front 0.0.0.0:8000 (ext_authz, fails open) -> Deployment default/helloworld 127.0.0.1:9999",
            "passed: no mandatory rule is violated",
            "",
        ]);
        // kubectl get -o yaml: one List of items; -o json: the same as JSON.
        const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: GUIDE };
        for (const text of [dump(list), JSON.stringify(list)]) {
            const j = await run(["verify", "--json", file(dir, "list.json", text)]);
            const result = JSON.parse(j.stdout) as VerifyResult;
            assert.deepStrictEqual([j.code, result.passed, result.verdict, result.objects, result.violations], [0, true, "inspected", GUIDE.length, []]);
        }
        // A directory of files (a render's --out), and standard input.
        const out = scratchDir("cli-out");
        GUIDE.forEach((o, i) => file(out, `${i}.yaml`, objectYaml(o)));
        assert.strictEqual((await run(["verify", out])).code, 0);
        assert.strictEqual((await run(["verify", "-"], helmStream(GUIDE))).code, 0);
    });

    it("fails, exit 1, on a stream whose requests pass uninspected, with the finding in its JSON", async () => {
        const objects = copy(GUIDE);
        // The app's policy opened to every port: the app is reachable around Envoy.
        delete find(objects, "NetworkPolicy", "helloworld").spec.ingress[0].ports;
        const r = await run(["verify", "--json", "-"], helmStream(objects));
        assert.strictEqual(r.code, 1);
        const result = JSON.parse(r.stdout) as VerifyResult;
        assert.deepStrictEqual([result.passed, result.verdict], [false, "not-inspected"]);
        const coverage = result.violations.find((v) => v.rule === "waf-coverage")!;
        assert.deepStrictEqual([coverage.enforcementLevel, coverage.findings.map((f) => f.code)], ["mandatory", ["app-bypass"]]);
    });

    it("takes the pack's configuration: levels per rule, and a rule's settings", async () => {
        const dir = scratchDir("cli");
        const example = FASTLY_EXAMPLE;
        // Everything but waf-coverage advisory: only that one still fails the run.
        const levels = file(dir, "levels.json", JSON.stringify({ all: "advisory", "waf-coverage": "mandatory" }));
        const r = await run(["verify", "--config", levels, example]);
        assert.deepStrictEqual([r.code, r.stdout.split("\n").at(-2)], [1, "failed: waf-coverage"]);
        // fail-closed required where the guide app runs: its fail-open path is a violation.
        const failClosed = file(dir, "fail-closed.json", JSON.stringify({ "envoy-fail-closed": { namespaces: ["default"], enforcementLevel: "mandatory" } }));
        const f = await run(["verify", "--json", "--config", failClosed, file(dir, "guide.yaml", helmStream(GUIDE))]);
        assert.strictEqual(f.code, 1);
        assert.deepStrictEqual(
            (JSON.parse(f.stdout) as VerifyResult).violations.map((v) => [v.rule, v.findings.map((x) => x.code)]),
            [["envoy-fail-closed", ["inspection-fail-open"]]],
        );
        // An Istio app's namespace, the cluster's: cannot verify alone; proven with its labels declared.
        const istio = file(dir, "istio.yaml", helmStream(objectsOf(LAYOUT_SCENARIOS["istio-app"])));
        const alone = await run(["verify", "--json", istio]);
        assert.deepStrictEqual(
            [alone.code, (JSON.parse(alone.stdout) as VerifyResult).violations.map((v) => [v.rule, v.findings.map((x) => x.code)])],
            [1, [["waf-coverage", ["workload-unverifiable"]]]],
        );
        const declared = file(dir, "namespaces.json", JSON.stringify({ "waf-coverage": { namespaceLabels: { shop: { "istio-injection": "enabled" } } } }));
        assert.strictEqual((await run(["verify", "--config", declared, istio])).code, 0);
        // What cannot be verified, as warnings: the example still breaks the guide's mandatory rules.
        const w = await run(["verify", "--json", "--unverifiable", "warning", example]);
        const violations = (JSON.parse(w.stdout) as VerifyResult).violations.map((v) => v.rule);
        assert.ok(!violations.includes("waf-coverage") && violations.includes("waf-coverage-verifiable") && violations.includes("sigsci-agent-shutdown"), violations.join(", "));
    });

    it("refuses, exit 2, what is not a manifest stream, naming the file and the document", async () => {
        const dir = scratchDir("cli");
        const cases: [string[], string][] = [
            [["verify"], "no manifests given"],
            [["verify", path.join(dir, "missing.yaml")], `${path.join(dir, "missing.yaml")}: no such file or directory`],
            [["verify", file(dir, "bad.yaml", "kind: [\n")], `${path.join(dir, "bad.yaml")}: not YAML or JSON: deficient indentation (2:1)`],
            [["verify", file(dir, "two.yaml", "apiVersion: v1\nkind: ConfigMap\n---\n- a\n")], `${path.join(dir, "two.yaml")} document 2: not a Kubernetes object (a list)`],
            [["verify", file(dir, "nokind.yaml", "apiVersion: v1\nmetadata: {}\n")], `${path.join(dir, "nokind.yaml")}: not a Kubernetes object (no kind)`],
            [
                ["verify", "--config", file(dir, "c.json", '{"waf-coverge": "advisory"}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "c.json")}: no rule "waf-coverge" (the pack has waf-coverage, waf-coverage-verifiable, envoy-admin-loopback, envoy-fail-closed, sigsci-agent-credentials, sigsci-agent-filesystem, sigsci-agent-shutdown, sigsci-agent-image-pull, sigsci-agent-resources, sigsci-agent-keys-not-in-configmaps)`,
            ],
            [["verify", "--unverifiable", "ignore", FASTLY_EXAMPLE], "--unverifiable ignore: expected warning or error"],
            // A rule's settings, held to the rule's configSchema (the pack's): a misspelt or mistyped one would leave the default in place.
            [
                ["verify", "--config", file(dir, "settings-1.json", '{"envoy-fail-closed": {"namespace": ["default"]}}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "settings-1.json")}: envoy-fail-closed: setting "namespace" is ["default"]: expected one of envoy-fail-closed's settings (namespaces) or enforcementLevel: did you mean "namespaces"?`,
            ],
            [
                ["verify", "--config", file(dir, "settings-2.json", '{"envoy-fail-closed": {"namespaces": "default"}}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "settings-2.json")}: envoy-fail-closed: setting "namespaces" is "default": expected a list of strings`,
            ],
            [
                ["verify", "--config", file(dir, "settings-3.json", '{"waf-coverage": {"exemptNamespaces": ["edge", 7], "enforcementLevel": "mandatory"}}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "settings-3.json")}: waf-coverage: setting "exemptNamespaces" is ["edge",7]: expected a list of strings`,
            ],
            [
                ["verify", "--config", file(dir, "settings-4.json", '{"sigsci-agent-resources": {"enforcementLevel": "advisory", "cpu": "1"}}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "settings-4.json")}: sigsci-agent-resources: setting "cpu" is "1": expected no setting (sigsci-agent-resources has none; only enforcementLevel)`,
            ],
            [
                ["verify", "--config", file(dir, "settings-5.json", '{"all": {"enforcementLevel": "advisory", "namespaces": ["default"]}}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "settings-5.json")}: all: setting "namespaces" is ["default"]: expected only enforcementLevel (all sets every rule's level)`,
            ],
            [
                ["verify", "--config", file(dir, "settings-6.json", '{"envoy-fail-closed": ["default"]}'), FASTLY_EXAMPLE],
                `--config ${path.join(dir, "settings-6.json")}: envoy-fail-closed is ["default"]: expected an enforcement level (advisory, mandatory, remediate, disabled) or an object of the rule's settings`,
            ],
            [["verify", "--bogus", FASTLY_EXAMPLE], "Unknown option '--bogus'"],
            [["frobnicate"], 'unknown command "frobnicate"'],
        ];
        for (const [argv, first] of cases) {
            const r = await run(argv);
            assert.deepStrictEqual([r.code, r.stdout, r.stderr.split("\n")[0]], [2, "", first], argv.join(" "));
        }
    });
});

/** A user's own Pulumi TypeScript project, outside this repository, using the package by its name. */
function userProject(stacks: Record<string, Record<string, unknown>>, program: string): string {
    const dir = scratchDir("user-project");
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
    for (const p of ["pulumi", "kubernetes"]) fs.symlinkSync(path.join(REPO, "node_modules", "@pulumi", p), path.join(dir, "node_modules", "@pulumi", p));
    fs.symlinkSync(REPO, path.join(dir, "node_modules", "sigsci-envoy"));
    file(dir, "Pulumi.yaml", "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
    file(dir, "package.json", JSON.stringify({ name: "shop", main: "index.ts" }));
    for (const [stack, config] of Object.entries(stacks)) file(dir, `Pulumi.${stack}.yaml`, dump({ config }));
    file(dir, "index.ts", program);
    return dir;
}

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { EnvoyApp } from "sigsci-envoy";

const config = new pulumi.Config();
const app = new EnvoyApp("shop", {
    namespace: "shop",
    app: { image: config.require("image"), port: 3000 },
    credentials: { accessKeyId: config.requireSecret("accessKeyId"), secretAccessKey: config.requireSecret("secretAccessKey") },
});
new k8s.core.v1.ConfigMap("settings", { metadata: { namespace: "shop" }, data: { mode: config.get("mode") ?? "production" } });
export const url = app.frontUrl;
export const endpoint = app.agentGrpcEndpoint;
`;

const KEYS = { "shop:accessKeyId": { secure: "v1:AAAA" }, "shop:secretAccessKey": { secure: "v1:BBBB" } };

describe("sigsci-envoy render", () => {
    it("renders a user's own TypeScript program offline: its only stack, encrypted keys as placeholders, and the verdict", async () => {
        const dir = userProject({ dev: { "shop:image": "registry.example.com/shop:1.2.3", ...KEYS } }, PROGRAM);
        const r = await run(["render", "--dir", dir]);
        assert.strictEqual(r.code, 0, r.stderr);
        const objects = loadAll(r.stdout) as any[];
        assert.deepStrictEqual(
            objects.map((o) => `${o.kind} ${o.metadata.name.replace(/-[0-9a-f]{8}$/, "-<hash>")}`),
            ["ConfigMap settings-<hash>", "ConfigMap shop-envoy-config-<hash>", "Service shop", "Deployment shop", "PodDisruptionBudget shop", "NetworkPolicy shop"],
        );
        assert.strictEqual(find(objects, "ConfigMap", "settings").data.mode, "production");
        assert.strictEqual(container(find(objects, "Deployment", "shop"), "app").image, "registry.example.com/shop:1.2.3");
        const secret = r.stderr.match(/Secret shop\/(shop-sigsci-credentials-[0-9a-f]{8}) is not in the output/)![1];
        assert.deepStrictEqual(r.stderr.split("\n"), [
            'sigsci-envoy render: stack "dev", 6 objects to apply (ConfigMap 2, Service 1, Deployment 1, PodDisruptionBudget 1, NetworkPolicy 1), and 1 Secret to create (below)',
            "  output url: http://shop.shop.svc.cluster.local:8000",
            "  output endpoint: 127.0.0.1:9999",
            "  traffic paths: 1 inspected listener verified, no findings",
            'note: "shop:accessKeyId" is encrypted (it cannot be decrypted offline): the program read <redacted> in its place',
            'note: "shop:secretAccessKey" is encrypted (it cannot be decrypted offline): the program read <redacted> in its place',
            "note: the program creates no Namespace shop; before applying, create it:",
            "  kubectl create namespace shop",
            `note: Secret shop/${secret} is not in the output (the render never prints a Secret's data); before applying, create it:`,
            `  kubectl -n shop create secret generic ${secret} --from-literal=accesskeyid=<Agent Access Key> --from-literal=secretaccesskey=<Agent Secret Key>`,
            "  or deploy with pulumi up",
            'note: rendered stack "dev", the project\'s only stack (--stack chooses another, --list shows them)',
            "",
        ]);
        assert.ok(!r.stdout.includes("<redacted>") && !r.stdout.includes("v1:AAAA"));
        // What it rendered verifies as it said.
        assert.strictEqual((await run(["verify", "-"], r.stdout)).code, 0);
    });

    it("chooses the stack as the Pulumi CLI does: --stack, PULUMI_STACK, the selected one, else it asks", async () => {
        const dir = userProject({ dev: { "shop:image": "shop:1", ...KEYS }, prod: { "shop:image": "shop:2", ...KEYS } }, PROGRAM);
        const saved = { stack: process.env.PULUMI_STACK, home: process.env.PULUMI_HOME };
        const home = scratchDir("pulumi-home");
        process.env.PULUMI_HOME = home;
        delete process.env.PULUMI_STACK;
        const image = async (argv: string[]) => {
            const r = await run(["render", "--dir", dir, ...argv]);
            return r.code === 0 ? container(find(loadAll(r.stdout) as any[], "Deployment", "shop"), "app").image : r.stderr;
        };
        try {
            assert.strictEqual(await image([]), "no stack given, and the project has 2 stacks and none is selected: give --stack <name> (dev, prod)\n");
            assert.strictEqual(await image(["--stack", "prod"]), "shop:2");
            // pulumi stack select writes the workspace settings, keyed by the project file's path.
            const settings = path.join(home, "workspaces", `shop-${createHash("sha1").update(path.join(dir, "Pulumi.yaml")).digest("hex")}-workspace.json`);
            fs.mkdirSync(path.dirname(settings), { recursive: true });
            fs.writeFileSync(settings, JSON.stringify({ stacks: { "https://api.pulumi.com": "acme/shop/prod" } }));
            assert.strictEqual(await image([]), "shop:2");
            assert.deepStrictEqual(await run(["render", "--list", "--dir", dir]), { code: 0, stdout: "dev\nprod (default)\n", stderr: "" });
            process.env.PULUMI_STACK = "acme/shop/dev";
            assert.strictEqual(await image([]), "shop:1");
        } finally {
            for (const [k, v] of [
                ["PULUMI_STACK", saved.stack],
                ["PULUMI_HOME", saved.home],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });

    it("refuses to write an object that would hold a secret value, and a program pulumi up would refuse", async () => {
        const secretData = PROGRAM.replace('config.get("mode") ?? "production"', 'config.requireSecret("mode")');
        const dir = userProject({ dev: { "shop:image": "shop:1", "shop:mode": { secure: "v1:CCCC" }, ...KEYS } }, secretData);
        const r = await run(["render", "--dir", dir]);
        assert.strictEqual(r.code, 1);
        assert.match(
            r.stderr,
            /^ConfigMap shop\/settings-[0-9a-f]{8} holds a secret value at data\.mode \(from a secret or encrypted config value\), which the render never prints: its manifest would be wrong; deploy this stack with pulumi up\n$/,
        );
        const bad = userProject({ dev: { "shop:image": "Not An Image", ...KEYS } }, PROGRAM);
        const b = await run(["render", "--dir", bad]);
        assert.deepStrictEqual([b.code, b.stdout], [1, ""]);
        assert.ok(b.stderr.startsWith('sigsci-envoy: invalid "app.image": got "Not An Image"'), b.stderr);
    });

    it("names what it cannot run: no project, another runtime, an ES module program", async () => {
        const empty = scratchDir("no-project");
        const r = await run(["render", "--dir", empty]);
        assert.deepStrictEqual([r.code, r.stderr], [2, `no Pulumi.yaml project file found (searching upwards from ${empty})\n`]);
        const python = userProject({ dev: {} }, "");
        file(python, "Pulumi.yaml", "name: shop\nruntime: python\n");
        assert.deepStrictEqual(await run(["render", "--dir", python]), {
            code: 1,
            stdout: "",
            stderr: `${path.join(python, "Pulumi.yaml")}: runtime python: the offline render runs Node.js programs (TypeScript or JavaScript) only\n`,
        });
        const esm = userProject({ dev: {} }, "");
        file(esm, "package.json", JSON.stringify({ name: "shop", type: "module" }));
        fs.rmSync(path.join(esm, "index.ts"));
        file(esm, "index.js", "export const x = 1;\n");
        assert.deepStrictEqual(await run(["render", "--dir", esm]), {
            code: 1,
            stdout: "",
            stderr: `${path.join(esm, "package.json")}: an ES module program ("type": "module") cannot be rendered offline; render a CommonJS program, or deploy with pulumi up\n`,
        });
    });
});

describe("the installed command", () => {
    it("says how to use it, and its version", async () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
        assert.deepStrictEqual(await run(["--version"]), { code: 0, stdout: `${pkg.version}\n`, stderr: "" });
        const help = await run(["help"]);
        assert.ok(help.code === 0 && help.stdout.startsWith("usage: sigsci-envoy <command> [options]\n") && help.stdout.includes("usage: sigsci-envoy verify"), help.stdout);
        assert.strictEqual((await run([])).code, 2);
        // A command's own --help (or -h) is its usage, as help <command> is.
        for (const command of ["render", "verify"]) {
            const own = await run(["help", command]);
            assert.ok(own.stdout.startsWith(`usage: sigsci-envoy ${command} `), own.stdout);
            assert.deepStrictEqual(await run([command, "--help"]), own);
            assert.deepStrictEqual(await run([command, "--stack", "dev", "-h"]), own);
        }
    });

    it("is the package's bin, runs with node, and exits with the verdict", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
        assert.deepStrictEqual(pkg.bin, { "sigsci-envoy": "bin/sdk/cli/main.js" });
        const bin = path.join(REPO, pkg.bin["sigsci-envoy"]);
        assert.ok(fs.readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n"), "npm links it as an executable script");
        const r = spawnSync(process.execPath, [bin, "verify", FASTLY_EXAMPLE], { encoding: "utf8" });
        assert.deepStrictEqual([r.status, r.stdout.split("\n")[0]], [1, "sigsci-envoy verify: 2 objects"]);
    });
});
