// The root program and its offline render: every committed stack renders to strictly valid,
// byte-identical manifests with no secret value in them; bad config names its key.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { load as parse, loadAll } from "js-yaml";
import { evaluate } from "../sdk/render/evaluate";
import { REPO } from "../tools/paths";
import { renderStack, repoRenderSetup, stackNames } from "../tools/render";
import { RENDER_USAGE, renderCommand } from "../sdk/cli/render";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateAnyObject } from "./support/kube-schema";
import { envoyText } from "./support/objects";
import { renderedStack } from "./support/stacks";
import { scratchDir } from "./support/scratch";

const STACKS = stackNames();
const PROGRAM = path.join(REPO, "bin/program/index.js");

/** A scratch project with the repository's program and one stack file of the test's own. */
function scratchProject(stackConfig: Record<string, unknown>): string {
    const dir = scratchDir("render");
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "Pulumi.scratch.yaml"), JSON.stringify({ config: stackConfig }));
    return dir;
}

const DEV = (parse(fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8")) as any).config;

describe("committed stacks", () => {
    it("include dev, prod, staging, and one each for the Envoy Gateway and Istio layouts", () => assert.deepStrictEqual([...STACKS].sort(), ["dev", "gateway", "mesh", "prod", "staging"]));

    for (const stack of STACKS) {
        it(`${stack} renders strictly valid objects, the same bytes every time`, async () => {
            const first = await renderedStack(stack);
            const second = await renderStack(stack);
            assert.strictEqual(first.yaml, second.yaml);
            const docs = loadAll(first.yaml) as any[];
            // The apply stream: every object but the credentials Secrets, which hold only placeholders.
            assert.deepStrictEqual(
                docs,
                first.objects.filter((o) => o.kind !== "Secret"),
            );
            assert.deepStrictEqual(docs, first.applyObjects);
            for (const o of first.objects) {
                validateAnyObject(o);
                // An Envoy bootstrap (a dashboard's ConfigMap holds a Grafana dashboard, checked in monitoring.test.ts).
                if (o.kind === "ConfigMap" && !o.metadata.name.endsWith("-dashboard")) validateEnvoyConfig(envoyText(o));
                if (o.kind === "Secret") assert.deepStrictEqual(o.stringData, { accesskeyid: "<redacted>", secretaccesskey: "<redacted>" });
            }
        });
    }

    it("dev is Fastly's guide example: sidecar, helloworld on localhost:8080, the agent on the pod's loopback port 9999 with response data", async () => {
        const r = await renderedStack("dev");
        assert.deepStrictEqual(
            r.objects.map((o) => o.kind),
            ["Secret", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget", "NetworkPolicy"],
        );
        const pod = r.objects.find((o) => o.kind === "Deployment").spec.template.spec;
        assert.deepStrictEqual(
            pod.containers.map((c: any) => c.name),
            ["envoy", "app", "sigsci-agent"],
        );
        assert.deepStrictEqual(pod.containers[1].args, ["localhost:8080"]);
        const env = Object.fromEntries(pod.containers[2].env.filter((e: any) => e.value).map((e: any) => [e.name, e.value]));
        // The guide's two settings, the startup probe it offers, and the client IP from Envoy's own header.
        assert.deepStrictEqual(env, {
            SIGSCI_ENVOY_EXPECT_RESPONSE_DATA: "1",
            SIGSCI_ENVOY_GRPC_ADDRESS: "127.0.0.1:9999",
            SIGSCI_STARTUP_PROBE_LISTENER: "0.0.0.0:2024",
            SIGSCI_CLIENT_IP_HEADER: "x-sigsci-client-ip",
        });
        assert.ok(r.summary.includes("  output agentGrpcEndpoint: 127.0.0.1:9999"), r.summary.join("\n"));
    });

    it("prod runs pinned images, an autoscaled agent Service and several app replicas, with the existing Secret", async () => {
        const r = await renderedStack("prod");
        const kinds = r.objects.map((o) => o.kind);
        assert.ok(!kinds.includes("Secret"), "the existing Secret is not rendered");
        const app = r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "helloworld");
        const agents = r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "helloworld-agent");
        assert.strictEqual(app.spec.replicas, 4);
        assert.ok(!("replicas" in agents.spec));
        assert.strictEqual(agents.spec.template.spec.containers[0].image, "signalsciences/sigsci-agent:4.70.0");
        assert.strictEqual(app.spec.template.spec.containers[0].image, "envoyproxy/envoy:v1.39.5");
        // ext_authz with response data: no more agents than the 4 Envoy pods that each keep one.
        assert.deepStrictEqual(r.objects.find((o) => o.kind === "HorizontalPodAutoscaler").spec.maxReplicas, 4);
        // The existing Secret must be where the agents read it, and the summary says how to make it.
        assert.ok(
            r.summary.includes(
                "note: Secret web/sigsci.production-site is read by the pods (keys accesskeyid, secretaccesskey) but not created by the program: it must exist before they start, e.g.:",
            ),
            r.summary.join("\n"),
        );
        assert.ok(r.summary.includes("  kubectl -n web create secret generic sigsci.production-site --from-literal=accesskeyid=<Agent Access Key> --from-literal=secretaccesskey=<Agent Secret Key>"));
        assert.ok(r.summary.includes("  kubectl create namespace web"));
    });
});

describe("the staging stack: several apps, one agent fleet", () => {
    it("runs three apps in two namespaces: two behind the shared fleet over ext_proc, one with its sidecar", async () => {
        const r = await renderedStack("staging");
        const deployments = r.objects.filter((o) => o.kind === "Deployment");
        const apps = deployments.filter((d) => d.spec.template.spec.containers.some((c: any) => c.name === "envoy"));
        assert.deepStrictEqual(apps.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort(), ["blog/blog", "shop/shop-api", "shop/shop-web"]);
        const containers = (d: any) => d.spec.template.spec.containers.map((c: any) => c.name);
        assert.deepStrictEqual(containers(apps.find((d) => d.metadata.name === "blog")), ["envoy", "app", "sigsci-agent"]);
        for (const name of ["shop-web", "shop-api"]) assert.deepStrictEqual(containers(apps.find((d) => d.metadata.name === name)), ["envoy", "app"]);
        // One fleet in waf, in ext_proc mode, admitting the shop namespace's Envoy pods only.
        const fleet = deployments.filter((d) => !apps.includes(d));
        assert.deepStrictEqual(
            fleet.map((d) => `${d.metadata.namespace}/${d.metadata.name}`),
            ["waf/waf-agents"],
        );
        assert.ok(fleet[0].spec.template.spec.containers[0].env.some((e: any) => e.name === "SIGSCI_ENVOY_EXTPROC_ENABLED" && e.value === "true"));
        const policy = r.objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "waf");
        assert.deepStrictEqual(policy.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values, ["shop"]);
        assert.strictEqual(r.objects.find((o) => o.kind === "Service" && o.metadata.name === "waf-agents").spec.clusterIP, "None", "headless: Envoy balances over every agent pod");
        assert.ok(r.summary.includes("  traffic paths: 3 inspected listeners verified, no findings"), r.summary.join("\n"));
    });
});

describe("the mesh and gateway stacks: Fastly's Istio and Envoy Gateway layouts", () => {
    it("mesh runs the agent beside the app in a pod Istio injects, and an EnvoyFilter for exactly those pods; the namespace it runs in is the cluster's", async () => {
        const r = await renderedStack("mesh");
        assert.deepStrictEqual(
            r.objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`.replace(/-[0-9a-f]{8}$/, "-<content hash>")),
            ["Secret shop/helloworld-sigsci-credentials-<content hash>", "Service shop/helloworld", "Deployment shop/helloworld", "PodDisruptionBudget shop/helloworld", "EnvoyFilter shop/helloworld"],
        );
        const deployment = r.objects.find((o) => o.kind === "Deployment");
        // Istio's injection asked by the pods themselves (its label), and no Envoy of the package's.
        assert.strictEqual(deployment.spec.template.metadata.labels["sidecar.istio.io/inject"], "true");
        assert.deepStrictEqual(
            deployment.spec.template.spec.containers.map((c: any) => c.name),
            ["app", "sigsci-agent"],
        );
        const filter = r.objects.find((o) => o.kind === "EnvoyFilter");
        assert.deepStrictEqual(filter.spec.workloadSelector.labels, deployment.spec.selector.matchLabels);
        // Proven with that namespace in the traffic paths' tests; alone, cannot verify, never "no findings".
        assert.ok(r.summary.includes("  traffic paths: 0 inspected listeners verified; not every path can be verified: 1 finding (1 cannot verify)"), r.summary.join("\n"));
        assert.ok(r.summary.includes("  output frontUrl: http://helloworld.shop.svc.cluster.local:8080"), r.summary.join("\n"));
    });

    it("gateway attaches the policy to Gateway shop/eg with agents in waf, and says the Gateway must be verified with it", async () => {
        const r = await renderedStack("gateway");
        assert.deepStrictEqual(r.objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`.replace(/-[0-9a-f]{8}$/, "-<content hash>")).sort(), [
            "BackendTrafficPolicy shop/sigsci-waf",
            "Deployment waf/sigsci-waf-agent",
            "EnvoyExtensionPolicy shop/sigsci-waf",
            "HorizontalPodAutoscaler waf/sigsci-waf-agent",
            "NetworkPolicy waf/sigsci-waf-agent",
            "NetworkPolicy waf/sigsci-waf-gateway-proxies",
            "PodDisruptionBudget waf/sigsci-waf-agent",
            "ReferenceGrant waf/sigsci-waf",
            "Secret waf/sigsci-waf-agent-sigsci-credentials-<content hash>",
            "Service waf/sigsci-waf-agent",
        ]);
        const policy = r.objects.find((o) => o.kind === "EnvoyExtensionPolicy");
        assert.deepStrictEqual(policy.spec.targetRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "eg" }]);
        // A Service by default (Gateway API), in waf, on the agents' gRPC port.
        assert.deepStrictEqual(policy.spec.extProc[0].backendRefs, [{ name: "sigsci-waf-agent", namespace: "waf", port: 9999 }]);
        // The Gateway is another stack's: not proven here, and said so (closed world).
        assert.ok(r.summary.includes("  traffic paths: 0 inspected listeners verified; not every path can be verified: 1 finding (1 cannot verify)"), r.summary.join("\n"));
        assert.ok(
            r.summary.includes(
                "error: EnvoyExtensionPolicy shop/sigsci-waf: EnvoyExtensionPolicy shop/sigsci-waf attaches to Gateway shop/eg, which is not among the objects: whether its requests are inspected cannot be verified; verify the policy together with the Gateway and its routes (sigsci-envoy verify) [envoy-unverifiable]",
            ),
        );
        assert.ok(r.summary.includes('    targets: ["Gateway/eg"]'), r.summary.join("\n"));
    });
});

describe("render and secrets", () => {
    it("never prints a credential, even one left in plain text in the stack file", async () => {
        const dir = scratchProject({ ...DEV, "sigsci-envoy:accessKeyId": "AKID-PLAINTEXT-1234", "sigsci-envoy:secretAccessKey": "SECRET-PLAINTEXT-5678" });
        const r = await renderStack("scratch", dir);
        for (const text of [r.yaml, r.summary.join("\n")]) {
            assert.ok(!text.includes("AKID-PLAINTEXT-1234") && !text.includes("SECRET-PLAINTEXT-5678"));
        }
        assert.ok(
            r.summary.some((l) => l.startsWith('warning: "sigsci-envoy:accessKeyId" is in plain text')),
            r.summary.join("\n"),
        );
    });

    it("renders encrypted agent keys as placeholders and says so", async () => {
        const dir = scratchProject({ ...DEV, "sigsci-envoy:accessKeyId": { secure: "v1:AAAA" }, "sigsci-envoy:secretAccessKey": { secure: "v1:BBBB" } });
        const r = await renderStack("scratch", dir);
        assert.ok(r.summary.includes('note: "sigsci-envoy:accessKeyId" is encrypted (it cannot be decrypted offline): the program read <redacted> in its place'), r.summary.join("\n"));
        // Only the Secret holds them, and it stays out of the output.
        assert.ok(!r.yaml.includes("<redacted>"));
        assert.ok(!r.yaml.includes("v1:AAAA"));
    });

    it("refuses an encrypted value the program cannot do without, saying it read a placeholder", async () => {
        const dir = scratchProject({ ...DEV, "sigsci-envoy:appImage": { secure: "v1:CCCC" } });
        await assert.rejects(renderStack("scratch", dir), {
            message:
                'sigsci-envoy: config "sigsci-envoy:appImage" is (a secret value): expected an image reference such as "signalsciences/sigsci-agent:4.60.0" or "registry.example.com/team/app@sha256:<64 hex>". Fix it with: pulumi config set --secret appImage signalsciences/example-helloworld:latest\n' +
                '(the program read <redacted> for "sigsci-envoy:appImage": encrypted values cannot be decrypted offline; render a stack that sets it in plain text, or deploy with pulumi up)',
        });
    });

    it("names the stacks there are when asked for one that is not", async () => {
        await assert.rejects(renderStack("qa"), { message: 'no stack "qa": expected one of dev, gateway, mesh, prod, staging (a Pulumi.<stack>.yaml beside Pulumi.yaml)' });
    });
});

describe("stack layouts", () => {
    it("renders the service layout from agentLayout alone, with no other agent key", async () => {
        const config = { ...DEV, "sigsci-envoy:agentLayout": "service" };
        delete config["sigsci-envoy:agentGrpcPort"];
        const r = await renderStack("scratch", scratchProject(config));
        const deployments = r.objects
            .filter((o) => o.kind === "Deployment")
            .map((d) => d.metadata.name)
            .sort();
        assert.deepStrictEqual(deployments, ["helloworld", "helloworld-agent"]);
        const app = r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "helloworld");
        assert.deepStrictEqual(
            app.spec.template.spec.containers.map((c: any) => c.name),
            ["envoy", "app"],
        );
    });
});

/** Runs the render command in-process, as `npm run -s render -- <argv>` would. */
async function command(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await renderCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, repoRenderSetup());
    return { code, stdout, stderr };
}

describe("render command", () => {
    it("prints YAML on standard output and the summary on standard error", async () => {
        const r = await command(["--stack", "dev"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.stdout, (await renderedStack("dev")).yaml);
        // The placeholder Secret never reaches kubectl apply: the summary says how to create the real one.
        assert.ok(r.stdout.startsWith("---\napiVersion: v1\nkind: ConfigMap\n"));
        assert.ok(!/^kind: Secret$/m.test(r.stdout) && !r.stdout.includes("<redacted>"));
        assert.match(
            r.stderr,
            /^sigsci-envoy render: stack "dev", 5 objects to apply \(ConfigMap 1, Service 1, Deployment 1, PodDisruptionBudget 1, NetworkPolicy 1\), and 1 Secret to create \(below\)$/m,
        );
        const secret = (await renderedStack("dev")).objects.find((o) => o.kind === "Secret").metadata.name;
        assert.ok(r.stderr.includes(`note: Secret default/${secret} is not in the output`), r.stderr);
        assert.ok(
            r.stderr.includes(`  kubectl -n default create secret generic ${secret} --from-literal=accesskeyid=<Agent Access Key> --from-literal=secretaccesskey=<Agent Secret Key>\n`),
            r.stderr,
        );
        // The Secret it names is the one the Deployment reads the keys from.
        const agent = (await renderedStack("dev")).objects.find((o) => o.kind === "Deployment").spec.template.spec.containers.find((c: any) => c.name === "sigsci-agent");
        assert.ok(agent.env.filter((e: any) => e.valueFrom).every((e: any) => e.valueFrom.secretKeyRef.name === secret));
    });

    it("says how to use it, and names a stack that is not there", async () => {
        // Without --stack (and no PULUMI_STACK or selected stack), it names the stacks to choose from.
        const env = process.env.PULUMI_STACK;
        delete process.env.PULUMI_STACK;
        const home = process.env.PULUMI_HOME;
        process.env.PULUMI_HOME = scratchDir("pulumi-home");
        try {
            assert.deepStrictEqual(await command([]), {
                code: 2,
                stdout: "",
                stderr: "no stack given, and the project has 5 stacks and none is selected: give --stack <name> (dev, gateway, mesh, prod, staging)\n",
            });
            assert.deepStrictEqual(await command(["--list"]), { code: 0, stdout: "dev\ngateway\nmesh\nprod\nstaging\n", stderr: "" });
        } finally {
            if (env !== undefined) process.env.PULUMI_STACK = env;
            if (home === undefined) delete process.env.PULUMI_HOME;
            else process.env.PULUMI_HOME = home;
        }
        const bogus = await command(["--stack", "dev", "--bogus"]);
        assert.deepStrictEqual([bogus.code, bogus.stdout, bogus.stderr.split("\n")[0]], [2, "", "Unknown option '--bogus'"]);
        assert.ok(bogus.stderr.includes(RENDER_USAGE));
        assert.deepStrictEqual(await command(["--stack", "qa"]), {
            code: 1,
            stdout: "",
            stderr: 'no stack "qa": expected one of dev, gateway, mesh, prod, staging (a Pulumi.<stack>.yaml beside Pulumi.yaml)\n',
        });
    });

    it("writes one file per object with --out", async () => {
        const r = await renderedStack("dev");
        const out = scratchDir("out");
        assert.strictEqual((await command(["--stack", "dev", "--out", out])).code, 0);
        assert.deepStrictEqual(fs.readdirSync(out).sort(), [
            `default.configmap.${r.objects.find((o) => o.kind === "ConfigMap").metadata.name}.yaml`,
            "default.deployment.helloworld.yaml",
            "default.networkpolicy.helloworld.yaml",
            "default.poddisruptionbudget.helloworld.yaml",
            "default.service.helloworld.yaml",
        ]);
        assert.deepStrictEqual(loadAll(fs.readFileSync(path.join(out, "default.deployment.helloworld.yaml"), "utf8")), [r.objects.find((o) => o.kind === "Deployment")]);
    });

    it("refuses an --out directory that is not empty, before rendering: files of an earlier render would be applied too", async () => {
        const out = scratchDir("out");
        fs.writeFileSync(path.join(out, "default.deployment.old-app.yaml"), "kind: Deployment\n");
        const usage = `--out ${out}: not a new or empty directory; give one (files of an earlier render would be applied with these)\n`;
        assert.deepStrictEqual(await command(["--stack", "dev", "--out", out]), { code: 2, stdout: "", stderr: usage });
        assert.deepStrictEqual(fs.readdirSync(out), ["default.deployment.old-app.yaml"]);
        // A new directory is made; an empty one is used.
        const fresh = path.join(out, "..", `${path.basename(out)}-new`);
        assert.strictEqual((await command(["--stack", "dev", "--out", fresh])).code, 0);
        assert.strictEqual(fs.readdirSync(fresh).length, 5);
    });

    it("gives a new ConfigMap name when the Envoy config changes, so applied pods roll", async () => {
        const base = await renderStack("scratch", scratchProject(DEV));
        const changed = await renderStack("scratch", scratchProject({ ...DEV, "sigsci-envoy:inspectionTimeout": "0.5s" }));
        const name = (r: typeof base) => r.objects.find((o) => o.kind === "ConfigMap").metadata.name;
        assert.notStrictEqual(name(base), name(changed));
        const volume = (r: typeof base) => r.objects.find((o) => o.kind === "Deployment").spec.template.spec.volumes[0].configMap.name;
        assert.strictEqual(volume(changed), name(changed));
    });
});

describe("stack configuration errors, through the program", () => {
    // The full table is in program-config.test.ts; here the program itself refuses, as pulumi up would.
    it("stops on a bad value with the key and a fix", async () => {
        delete require.cache[require.resolve(PROGRAM)];
        const values = { ...DEV, "sigsci-envoy:accessKeyId": "a", "sigsci-envoy:secretAccessKey": "b", "sigsci-envoy:appPort": "80a" };
        // Pulumi hands the program every value as a string (structured ones as JSON).
        const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
        await assert.rejects(
            evaluate(() => require(PROGRAM), { config, project: "sigsci-envoy" }),
            {
                message: 'sigsci-envoy: config "sigsci-envoy:appPort" is "80a": expected a number in decimal notation. Fix it with: pulumi config set appPort 8080',
            },
        );
    });
});

describe("examples", () => {
    it("each is a standalone program, type-checked with the package (npm run typecheck) and compiled for the tests", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(REPO, "tsconfig.json"), "utf8"));
        assert.ok(tsconfig.include.includes("examples/**/*.ts"));
        // The Pulumi YAML and Python examples are held to the schema by examples-languages.test.ts.
        const dirs = fs.readdirSync(path.join(REPO, "examples")).filter((d) => !/^(yaml|python)-/.test(d));
        assert.ok(dirs.length >= 4, dirs.join(", "));
        for (const d of dirs) {
            for (const f of ["Pulumi.yaml", "package.json", "index.ts"]) assert.ok(fs.existsSync(path.join(REPO, "examples", d, f)), `${d}/${f}`);
            assert.strictEqual(JSON.parse(fs.readFileSync(path.join(REPO, "examples", d, "package.json"), "utf8")).dependencies["sigsci-envoy"], "file:../..");
            assert.ok(fs.existsSync(path.join(REPO, "bin/examples", d, "index.js")), `${d} was not compiled`);
        }
    });
});

describe("render refuses what pulumi up would refuse", () => {
    it("one agent key without the other", async () => {
        const dir = scratchProject({ ...DEV, "sigsci-envoy:accessKeyId": { secure: "v1:AAAA" } });
        await assert.rejects(renderStack("scratch", dir), {
            message:
                'sigsci-envoy: config "sigsci-envoy:secretAccessKey" is not set (give both agent keys as secrets, or existingSecretName). Fix it with: pulumi config set --secret secretAccessKey <Agent Secret Key>',
        });
    });

    it("encrypted agent keys beside an existing Secret", async () => {
        const dir = scratchProject({ ...DEV, "sigsci-envoy:accessKeyId": { secure: "v1:AAAA" }, "sigsci-envoy:secretAccessKey": { secure: "v1:BBBB" }, "sigsci-envoy:existingSecretName": "s" });
        await assert.rejects(renderStack("scratch", dir), {
            message: 'sigsci-envoy: config "sigsci-envoy:existingSecretName" is set together with accessKeyId/secretAccessKey: give one or the other. Fix it with: pulumi config rm existingSecretName',
        });
    });

    it("an input that fails only once its output resolves (the program's own error, once)", async () => {
        const dir = scratchProject({ ...DEV, "sigsci-envoy:appName": "web", "sigsci-envoy:namespace": "shop" });
        // A program that passes an output: the render reports its late error as pulumi up would.
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: sigsci-envoy\nruntime: nodejs\nmain: late.ts\n");
        fs.unlinkSync(path.join(dir, "bin"));
        fs.mkdirSync(path.join(dir, "bin"));
        const sdk = JSON.stringify(path.join(REPO, "bin/sdk"));
        const sdkPulumi = JSON.stringify(path.join(REPO, "node_modules/@pulumi/pulumi"));
        fs.writeFileSync(
            path.join(dir, "bin", "late.js"),
            `const pulumi = require(${sdkPulumi});\nconst { EnvoyApp } = require(${sdk});\nnew EnvoyApp("web", { app: { image: "a:1", port: pulumi.output(70000) }, credentials: { existingSecretName: "s" } });\n`,
        );
        await assert.rejects(renderStack("scratch", dir), { message: 'sigsci-envoy: invalid "app.port": got 70000; expected a port number from 1 to 65535' });
    });
});
