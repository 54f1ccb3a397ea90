// The root program's stack configuration: every key reaches the EnvoyApp input it documents,
// in each agent layout, so no key can be dropped on the way from the stack file to the args.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, readStackConfig } from "../program/config";
import { valueOf } from "./support/pulumi-mocks";

const PROJECT = "sigsci-envoy";
const BASE = { appName: "helloworld", appImage: "signalsciences/example-helloworld:latest", accessKeyId: "AKID", secretAccessKey: "SECRET" };

function read(values: Record<string, string>) {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    return readStackConfig(new pulumi.Config(PROJECT));
}

function at(args: any, path: string): unknown {
    return path.split(".").reduce((v, k) => v?.[k], args);
}

/** A key's example as the program reads it. */
function parsed(key: (typeof CONFIG_KEYS)[number]): unknown {
    if (key.kind === "number") return Number(key.example);
    if (key.kind === "boolean") return key.example === "true";
    if (key.kind === "list") return JSON.parse(key.example);
    return key.example;
}

describe("stack configuration keys reach the args", () => {
    for (const key of CONFIG_KEYS) {
        for (const layout of ["sidecar", "service"] as const) {
            const path = key.input[layout];
            if (path === undefined) continue;
            it(`${key.key} -> ${path} (${layout})`, async () => {
                const values: Record<string, string> = { ...BASE, agentLayout: layout, [key.key]: key.example };
                if (key.key === "existingSecretName") {
                    delete values.accessKeyId;
                    delete values.secretAccessKey;
                }
                // The autoscaler's other keys need its maximum.
                if (["agentMinReplicas", "agentCpuUtilization"].includes(key.key)) values.agentMaxReplicas = "10";
                const { args } = read(values);
                if (key.secret) {
                    const output = at(args, `${path}.${key.key}`) as pulumi.Output<string>;
                    assert.ok(await pulumi.isSecret(output), "kept secret");
                    assert.strictEqual(await valueOf(output), key.example);
                } else {
                    assert.deepStrictEqual(at(args, path), parsed(key));
                }
            });
        }
    }

    it("appName names the app", () => assert.strictEqual(read(BASE).name, "helloworld"));

    it("agentLayout service alone gives the service layout (an agent Service of the app's own)", () => {
        const r = read({ ...BASE, agentLayout: "service" });
        assert.strictEqual(r.layout, "service");
        assert.deepStrictEqual(r.args.agentService, { create: {} });
        assert.strictEqual(r.args.agent, undefined);
    });

    it("agentLayout sidecar, or none, gives the sidecar layout", () => {
        for (const values of [BASE, { ...BASE, agentLayout: "sidecar" }]) {
            const r = read(values);
            assert.strictEqual(r.layout, "sidecar");
            assert.strictEqual(r.args.agentService, undefined);
        }
    });

    it("covers every key: each either maps to an input or shapes the args itself", () => {
        const shaping = CONFIG_KEYS.filter((k) => k.input.sidecar === undefined && k.input.service === undefined).map((k) => k.key);
        assert.deepStrictEqual(shaping.sort(), ["agentLayout", "appName"]);
    });
});
