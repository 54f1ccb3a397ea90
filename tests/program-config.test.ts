// The root program's stack configuration: every key reaches the EnvoyApp input it documents,
// in each agent layout, so no key can be dropped on the way from the stack file to the args.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, currentStack, readStackConfig } from "../program/config";
import { valueOf } from "./support/pulumi-mocks";

const PROJECT = "sigsci-envoy";
const BASE = { appName: "helloworld", appImage: "signalsciences/example-helloworld:latest", accessKeyId: "AKID", secretAccessKey: "SECRET" };

function read(values: Record<string, string>) {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    return readStackConfig(currentStack(new pulumi.Config(PROJECT)));
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

// ---- errors: each names its key, and its fix, applied, makes that check pass -------------------

const DEV: Record<string, string> = { appName: "helloworld", namespace: "default", appImage: "signalsciences/example-helloworld:latest", appPort: "8080", appArgs: '["localhost:8080"]', agentLayout: "sidecar", agentGrpcPort: "9999", expectResponseData: "true" };
const CREDS = { accessKeyId: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" };

function problemOf(values: Record<string, string>): ConfigError | undefined {
    try {
        read(values);
        return undefined;
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e;
    }
}

/** `values` after running the `pulumi config` commands of a fix. */
function applied(values: Record<string, string>, fix: string): Record<string, string> {
    const next = { ...values };
    for (const command of fix.split(" && ")) {
        const rm = /^pulumi config rm (\S+)$/.exec(command);
        const set = /^pulumi config set (?:--secret )?(\S+) (.+)$/.exec(command);
        if (rm) delete next[rm[1]];
        else if (set) next[set[1]] = set[2].replace(/^'(.*)'$/, "$1").replace(/^<.*>$/, "KEY-FROM-THE-CONSOLE");
        else assert.fail(`not a pulumi config command: ${command}`);
    }
    return next;
}

const without = (key: string) => Object.fromEntries(Object.entries({ ...DEV, ...CREDS }).filter(([k]) => k !== key));
const ERRORS: [string, Record<string, string>, string][] = [
    ["no app name", without("appName"), 'sigsci-envoy: config "sigsci-envoy:appName" is not set. Fix it with: pulumi config set appName helloworld'],
    ["an empty app name", { ...DEV, ...CREDS, appName: "" },
        'sigsci-envoy: config "sigsci-envoy:appName" is "": expected a DNS-1035 label: at most 63 lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit. Fix it with: pulumi config set appName helloworld'],
    ["no app image", without("appImage"), 'sigsci-envoy: config "sigsci-envoy:appImage" is not set. Fix it with: pulumi config set appImage signalsciences/example-helloworld:latest'],
    ["no credentials", DEV, 'sigsci-envoy: config "sigsci-envoy:accessKeyId" is not set (give both agent keys as secrets, or existingSecretName). Fix it with: pulumi config set --secret accessKeyId <Agent Access Key>'],
    ["one agent key without the other", { ...DEV, accessKeyId: "AKID-0123456789" },
        'sigsci-envoy: config "sigsci-envoy:secretAccessKey" is not set (give both agent keys as secrets, or existingSecretName). Fix it with: pulumi config set --secret secretAccessKey <Agent Secret Key>'],
    ["an empty agent key (never shown)", { ...DEV, ...CREDS, secretAccessKey: " " },
        'sigsci-envoy: config "sigsci-envoy:secretAccessKey" is an empty string: expected the Agent Secret Key, a non-empty string. Fix it with: pulumi config set --secret secretAccessKey <Agent Secret Key>'],
    ["keys and an existing Secret", { ...DEV, ...CREDS, existingSecretName: "s" },
        'sigsci-envoy: config "sigsci-envoy:existingSecretName" is set together with accessKeyId/secretAccessKey: give one or the other. Fix it with: pulumi config rm existingSecretName'],
    ["a port that is not a number", { ...DEV, ...CREDS, appPort: "80a" }, 'sigsci-envoy: config "sigsci-envoy:appPort" is "80a": expected a number. Fix it with: pulumi config set appPort 8080'],
    ["a flag that is not a boolean", { ...DEV, ...CREDS, failOpen: "yes" }, 'sigsci-envoy: config "sigsci-envoy:failOpen" is "yes": expected true or false. Fix it with: pulumi config set failOpen false'],
    ["args that are not a list", { ...DEV, ...CREDS, appArgs: "localhost:8080" }, 'sigsci-envoy: config "sigsci-envoy:appArgs" is "localhost:8080": expected a JSON list of strings. Fix it with: pulumi config set appArgs \'["localhost:8080"]\''],
    ["an unknown layout", { ...DEV, ...CREDS, agentLayout: "daemonset" }, 'sigsci-envoy: config "sigsci-envoy:agentLayout" is "daemonset": expected "sidecar" or "service". Fix it with: pulumi config set agentLayout service'],
    ["agent scaling with a sidecar", { ...DEV, ...CREDS, agentMaxReplicas: "4" },
        'sigsci-envoy: config "sigsci-envoy:agentMaxReplicas" is set but agentLayout is "sidecar" (the sidecar scales with the app). Fix it with: pulumi config rm agentMaxReplicas'],
    ["an autoscaler minimum without its maximum", { ...DEV, ...CREDS, agentLayout: "service", agentMinReplicas: "3" },
        'sigsci-envoy: config "sigsci-envoy:agentMinReplicas" is set, but agentMaxReplicas, which turns the autoscaler on, is not. Fix it with: pulumi config rm agentMinReplicas'],
    ["a port the component refuses", { ...DEV, ...CREDS, agentGrpcPort: "70000" }, 'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is 70000: expected a port number from 1 to 65535. Fix it with: pulumi config set agentGrpcPort 9999'],
    ["two listeners on one port", { ...DEV, ...CREDS, agentGrpcPort: "8080" }, 'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is 8080: expected a port not already used by "appPort" in the same pod. Fix it with: pulumi config set agentGrpcPort 9999'],
    ["two listeners on one port, where the example would clash too", { ...DEV, ...CREDS, appPort: "9999", appArgs: '["localhost:9999"]', agentGrpcPort: "9999" },
        'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is 9999: expected a port not already used by "appPort" in the same pod. Fix it with: pulumi config set agentGrpcPort 10000'],
    ["min above max", { ...DEV, ...CREDS, agentLayout: "service", agentMinReplicas: "5", agentMaxReplicas: "3" },
        'sigsci-envoy: config "sigsci-envoy:agentMinReplicas" is 5: expected at most agentMaxReplicas (3). Fix it with: pulumi config set agentMinReplicas 2'],
    ["a bad namespace", { ...DEV, ...CREDS, namespace: "Web" },
        'sigsci-envoy: config "sigsci-envoy:namespace" is "Web": expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit. Fix it with: pulumi config set namespace default'],
    ["a misspelt key", { ...DEV, ...CREDS, appport: "3000" }, 'sigsci-envoy: config "sigsci-envoy:appport" is not a setting of this program: did you mean appPort?. Fix it with: pulumi config rm appport && pulumi config set appPort 3000'],
    ["a misspelt key whose value would not pass where it belongs", { ...DEV, ...CREDS, agentGrpcPrt: "8080" },
        'sigsci-envoy: config "sigsci-envoy:agentGrpcPrt" is not a setting of this program: did you mean agentGrpcPort?. Fix it with: pulumi config rm agentGrpcPrt'],
    ["a misspelt agent key (its value never shown)", { ...DEV, accessKeyID: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" },
        'sigsci-envoy: config "sigsci-envoy:accessKeyID" is not a setting of this program: did you mean accessKeyId?. Fix it with: pulumi config rm accessKeyID && pulumi config set --secret accessKeyId <Agent Access Key>'],
];

describe("stack configuration errors", () => {
    for (const [what, values, message] of ERRORS) {
        it(`names the key and a fix that passes, for ${what}`, () => {
            const problem = problemOf(values);
            assert.strictEqual(problem?.message, message);
            for (const secret of Object.values(CREDS)) assert.ok(!problem!.message.includes(secret));
            const after = problemOf(applied(values, problem!.fix!));
            assert.notStrictEqual(after?.key, problem!.key, `after "${problem!.fix}": ${after?.message}`);
        });
    }

    it("accepts the committed dev stack with credentials", () => assert.strictEqual(problemOf({ ...DEV, ...CREDS }), undefined));
});
