// The policy pack's entry, run as the Pulumi CLI runs it (`node` in the pack's directory): it
// serves Pulumi's analyzer protocol on the port it prints. The test then does what the CLI does:
// asks for the pack's policies (GetAnalyzerInfo) and has a stack analyzed (AnalyzeStack), over
// gRPC, and configures it (Configure) as the CLI does with a policy config. Not covered without
// the CLI: the CLI's own start of the pack (its npm/TypeScript setup), its reading and checking of
// policy config files, and Pulumi Cloud publishing.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { REPO } from "../../tools/paths";
import { guideArgs } from "../../tools/fixtures";
import { objectsOf } from "../support/objects";
import { call } from "../support/plugin-server";
import { copy, find } from "../support/traffic-fixtures";

const grpc = require("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzer = require("@pulumi/pulumi/proto/analyzer_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const typeOf = (o: any) => `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;

describe("the policy pack, served as the CLI runs it", () => {
    let pack: ChildProcess;
    let client: any;

    before(async () => {
        pack = spawn(process.execPath, [path.join(REPO, "bin/policy/index.js")], { cwd: path.join(REPO, "policy"), stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        pack.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<string>((resolve, reject) => {
            pack.stdout!.once("data", (d) => resolve(String(d).trim()));
            pack.once("exit", (code) => reject(new Error(`the pack exited (${code}): ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    it("registers every policy with its enforcement level, under the pack's name and version", async () => {
        const info = await call<any>(client, "getAnalyzerInfo", new Empty());
        assert.strictEqual(info.getName(), "sigsci-envoy");
        assert.strictEqual(info.getVersion(), require(path.join(REPO, "policy/package.json")).version);
        const level = (l: number) => ["advisory", "mandatory", "disabled", "remediate"][l];
        assert.deepStrictEqual(
            info.getPoliciesList().map((p: any) => `${p.getName()} ${level(p.getEnforcementlevel())}`),
            require(path.join(REPO, "bin/policy/policies.js")).POLICIES.map((p: any) => `${p.name} ${p.enforcementLevel}`),
        );
    });

    const analyzeRequest = (objects: any[]) =>
        new analyzer.AnalyzeStackRequest().setResourcesList(
            objects.map((o) =>
                new analyzer.AnalyzerResource()
                    .setType(typeOf(o))
                    .setName(o.metadata.name)
                    .setUrn(`urn:pulumi:dev::p::${typeOf(o)}::${o.metadata.name}`)
                    .setProperties(Struct.fromJavaScript(copy(o)))
                    .setOptions(new analyzer.AnalyzerResourceOptions()),
            ),
        );

    it("analyzes a stack as the CLI asks: the guide's app passes, and a bypassing NetworkPolicy fails it, mandatory", async () => {
        const analyze = async (objects: any[]) => {
            const response = await call<any>(client, "analyzeStack", analyzeRequest(objects));
            // The SDK sends the policy's description, then the violation's message.
            return response.getDiagnosticsList().map((d: any) => `${d.getPolicyname()} ${["advisory", "mandatory"][d.getEnforcementlevel()]}: ${d.getMessage().split("\n").pop()}`);
        };
        const guide = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }]);
        assert.deepStrictEqual(await analyze(guide), []);
        const bypass = copy(guide);
        delete find(bypass, "NetworkPolicy", "helloworld").spec.ingress[0].ports;
        const found = await analyze(bypass);
        assert.strictEqual(found.length, 1, found.join("\n"));
        assert.ok(found[0].startsWith("waf-coverage mandatory: Deployment default/helloworld: NetworkPolicy default/helloworld admits the app's port 8080, around Envoy"), found[0]);
    });

    it("stops the preview on a rule setting its configSchema does not have, which the CLI's own check lets through (it checks types, not names)", async () => {
        const configure = (config: Record<string, Record<string, unknown>>) => {
            const request = new analyzer.ConfigureAnalyzerRequest();
            for (const [rule, properties] of Object.entries(config))
                request.getPolicyconfigMap().set(rule, new analyzer.PolicyConfig().setEnforcementlevel(1).setProperties(Struct.fromJavaScript(properties)));
            return call<any>(client, "configure", request);
        };
        const guide = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }]);
        try {
            await configure({ "envoy-fail-closed": { namespace: ["default"] } });
            await assert.rejects(call<any>(client, "analyzeStack", analyzeRequest(guide)), (e: Error) => {
                assert.ok(
                    e.message.includes(
                        'the policy pack config: envoy-fail-closed: setting "namespace" is ["default"]: expected one of envoy-fail-closed\'s settings (namespaces) or enforcementLevel: did you mean "namespaces"?',
                    ),
                    e.message,
                );
                return true;
            });
            // The setting spelt right is the rule's: the guide's app fails open in default.
            await configure({ "envoy-fail-closed": { namespaces: ["default"] } });
            const response = await call<any>(client, "analyzeStack", analyzeRequest(guide));
            assert.deepStrictEqual(
                response.getDiagnosticsList().map((d: any) => d.getPolicyname()),
                ["envoy-fail-closed"],
            );
        } finally {
            await configure({});
        }
    });
});
