// The root program's stack configuration: every key reaches the EnvoyApp input it documents,
// in each agent layout, so no key can be dropped on the way from the stack file to the args.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, currentStack, readStackPlan } from "../program/config";
import { EnvoyAppArgs } from "../sdk";
import { valueOf } from "./support/pulumi-mocks";

const PROJECT = "sigsci-envoy";
const BASE = { appName: "helloworld", appImage: "signalsciences/example-helloworld:latest", accessKeyId: "AKID", secretAccessKey: "SECRET" };

function read(values: Record<string, string>) {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    const plan = readStackPlan(currentStack(new pulumi.Config(PROJECT)));
    assert.strictEqual(plan.multi, false);
    return plan.apps[0];
}

function at(args: any, path: string): unknown {
    return path.split(".").reduce((v, k) => v?.[k], args);
}

/** A key's example as the program reads it. */
function parsed(key: (typeof CONFIG_KEYS)[number]): unknown {
    if (key.kind === "number") return Number(key.example);
    if (key.kind === "boolean") return key.example === "true";
    if (["list", "map", "object", "objects"].includes(key.kind)) return JSON.parse(key.example);
    return key.example;
}

describe("stack configuration keys reach the args", () => {
    for (const key of CONFIG_KEYS) {
        for (const layout of ["sidecar", "service", "mesh"] as const) {
            const path = key.input[layout];
            if (path === undefined) continue;
            it(`${key.key} -> ${path} (${layout})`, async () => {
                const values: Record<string, string> = { ...BASE, agentLayout: layout, [key.key]: key.example };
                if (key.key === "existingSecretName") {
                    delete values.accessKeyId;
                    delete values.secretAccessKey;
                }
                // The autoscaler's other keys need its maximum; the load-balancer settings a load balancer.
                if (["agentMinReplicas", "agentCpuUtilization"].includes(key.key)) values.agentMaxReplicas = "10";
                if (["agentPodMonitor", "agentAlerts"].includes(key.key)) values.agentMetrics = "true";
                // The agents' monitoring reads their own metrics.
                if (["agentPodMonitor", "agentAlerts"].includes(key.key)) values.agentMetrics = "true";
                if (["loadBalancerSourceRanges", "externalTrafficPolicy"].includes(key.key)) values.serviceType = "LoadBalancer";
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

    for (const key of CONFIG_KEYS) {
        const path = key.input.gateway;
        if (path === undefined) continue;
        it(`${key.key} -> ${path} (the GatewayWaf)`, async () => {
            const values: Record<string, string> = { accessKeyId: "AKID", secretAccessKey: "SECRET", gateway: "eg", [key.key]: key.example };
            if (key.key === "gatewayRoutes") delete values.gateway;
            if (key.key === "existingSecretName") {
                delete values.accessKeyId;
                delete values.secretAccessKey;
            }
            if (["agentMinReplicas", "agentCpuUtilization"].includes(key.key)) values.agentMaxReplicas = "10";
            if (["agentPodMonitor", "agentAlerts"].includes(key.key)) values.agentMetrics = "true";
            // Agents in another namespace are reached through a ReferenceGrant, which names the policy's.
            if (key.key === "agentNamespace") values.namespace = "shop";
            pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])));
            const plan = readStackPlan(currentStack(new pulumi.Config(PROJECT)));
            assert.deepStrictEqual(plan.apps, [], "a Gateway alone: no app");
            const args = plan.gateway!.args;
            if (key.secret) {
                const output = at(args, `${path}.${key.key}`) as pulumi.Output<string>;
                assert.ok(await pulumi.isSecret(output), "kept secret");
                assert.strictEqual(await valueOf(output), key.example);
            } else {
                assert.deepStrictEqual(at(args, path), parsed(key));
            }
        });
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
        const shaping = CONFIG_KEYS.filter((k) => Object.keys(k.input).length === 0).map((k) => k.key);
        assert.deepStrictEqual(shaping.sort(), ["agentLayout", "agentServiceName", "appName", "apps", "gatewayWafName"]);
    });
});

// ---- errors: each names its key, and its fix, applied, makes that check pass -------------------

const DEV: Record<string, string> = {
    appName: "helloworld",
    namespace: "default",
    appImage: "signalsciences/example-helloworld:latest",
    appPort: "8080",
    appArgs: '["localhost:8080"]',
    agentLayout: "sidecar",
    agentGrpcPort: "9999",
    expectResponseData: "true",
};
const CREDS = { accessKeyId: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" };

/** The ConfigError that reading `values` (one app's args, or the whole stack's plan) raises, if any. */
function problemOf(values: Record<string, string>, reader: (values: Record<string, string>) => unknown = read): ConfigError | undefined {
    try {
        reader(values);
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
/** The dev stack as a mesh app: without expectResponseData, which Istio's sidecar has no setting for. */
const MESH_DEV = { ...without("expectResponseData"), agentLayout: "mesh" };
const ERRORS: [string, Record<string, string>, string][] = [
    ["no app name", without("appName"), 'sigsci-envoy: config "sigsci-envoy:appName" is not set. Fix it with: pulumi config set appName helloworld'],
    [
        "an empty app name",
        { ...DEV, ...CREDS, appName: "" },
        'sigsci-envoy: config "sigsci-envoy:appName" is "": expected a DNS-1035 label: at most 63 lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit. Fix it with: pulumi config set appName helloworld',
    ],
    ["no app image", without("appImage"), 'sigsci-envoy: config "sigsci-envoy:appImage" is not set. Fix it with: pulumi config set appImage signalsciences/example-helloworld:latest'],
    [
        "no credentials",
        DEV,
        'sigsci-envoy: config "sigsci-envoy:accessKeyId" is not set (give both agent keys as secrets, or existingSecretName). Fix it with: pulumi config set --secret accessKeyId <Agent Access Key>',
    ],
    [
        "one agent key without the other",
        { ...DEV, accessKeyId: "AKID-0123456789" },
        'sigsci-envoy: config "sigsci-envoy:secretAccessKey" is not set (give both agent keys as secrets, or existingSecretName). Fix it with: pulumi config set --secret secretAccessKey <Agent Secret Key>',
    ],
    [
        "an empty agent key (never shown)",
        { ...DEV, ...CREDS, secretAccessKey: " " },
        'sigsci-envoy: config "sigsci-envoy:secretAccessKey" is an empty string: expected the Agent Secret Key, a non-empty string. Fix it with: pulumi config set --secret secretAccessKey <Agent Secret Key>',
    ],
    [
        "keys and an existing Secret",
        { ...DEV, ...CREDS, existingSecretName: "s" },
        'sigsci-envoy: config "sigsci-envoy:existingSecretName" is set together with accessKeyId/secretAccessKey: give one or the other. Fix it with: pulumi config rm existingSecretName',
    ],
    [
        "a port that is not a number",
        { ...DEV, ...CREDS, appPort: "80a" },
        'sigsci-envoy: config "sigsci-envoy:appPort" is "80a": expected a number in decimal notation. Fix it with: pulumi config set appPort 8080',
    ],
    [
        "a flag that is not a boolean",
        { ...DEV, ...CREDS, failOpen: "yes" },
        'sigsci-envoy: config "sigsci-envoy:failOpen" is "yes": expected true or false. Fix it with: pulumi config set failOpen false',
    ],
    [
        "args that are not a list",
        { ...DEV, ...CREDS, appArgs: "localhost:8080" },
        'sigsci-envoy: config "sigsci-envoy:appArgs" is "localhost:8080": expected a JSON list of strings. Fix it with: pulumi config set appArgs \'["localhost:8080"]\'',
    ],
    [
        "an unknown layout",
        { ...DEV, ...CREDS, agentLayout: "daemonset" },
        'sigsci-envoy: config "sigsci-envoy:agentLayout" is "daemonset": expected one of "sidecar", "service", "mesh". Fix it with: pulumi config set agentLayout service',
    ],
    // A fix offers what was meant, not merely something that passes.
    [
        "a layout spelt another way",
        { ...DEV, ...CREDS, agentLayout: "side-car" },
        'sigsci-envoy: config "sigsci-envoy:agentLayout" is "side-car": expected one of "sidecar", "service", "mesh": did you mean "sidecar"? Fix it with: pulumi config set agentLayout sidecar',
    ],
    [
        "an IP family in lower case",
        { ...DEV, ...CREDS, ipFamily: "ipv6" },
        'sigsci-envoy: config "sigsci-envoy:ipFamily" is "ipv6": expected one of "IPv4", "IPv6", "DualStack": did you mean "IPv6"? Fix it with: pulumi config set ipFamily IPv6',
    ],
    [
        "the front port by the name users reach for",
        { ...DEV, ...CREDS, frontPort: "8443" },
        'sigsci-envoy: config "sigsci-envoy:frontPort" is not a setting of this program: did you mean port? Fix it with: pulumi config rm frontPort && pulumi config set port 8443',
    ],
    [
        "a namespace made a DNS label",
        { ...DEV, ...CREDS, namespace: "Team_A" },
        'sigsci-envoy: config "sigsci-envoy:namespace" is "Team_A": expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit. Fix it with: pulumi config set namespace team-a',
    ],
    [
        "agent scaling with a sidecar",
        { ...DEV, ...CREDS, agentMaxReplicas: "4" },
        'sigsci-envoy: config "sigsci-envoy:agentMaxReplicas" is set but agentLayout is "sidecar" (the agent scales with the app, and the stack has no Gateway). Fix it with: pulumi config rm agentMaxReplicas',
    ],
    [
        "an autoscaler minimum without its maximum",
        { ...DEV, ...CREDS, agentLayout: "service", agentMinReplicas: "3" },
        'sigsci-envoy: config "sigsci-envoy:agentMinReplicas" is set, but agentMaxReplicas, which turns the autoscaler on, is not. Fix it with: pulumi config rm agentMinReplicas',
    ],
    [
        "a port the component refuses",
        { ...DEV, ...CREDS, agentGrpcPort: "70000" },
        'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is 70000: expected a port number from 1 to 65535. Fix it with: pulumi config set agentGrpcPort 9999',
    ],
    [
        "two listeners on one port",
        { ...DEV, ...CREDS, agentGrpcPort: "8080" },
        'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is 8080: expected a port not already used by "appPort" in the same pod. Fix it with: pulumi config set agentGrpcPort 9999',
    ],
    [
        "two listeners on one port, where the example would clash too",
        { ...DEV, ...CREDS, appPort: "9999", appArgs: '["localhost:9999"]', agentGrpcPort: "9999" },
        'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is 9999: expected a port not already used by "appPort" in the same pod. Fix it with: pulumi config set agentGrpcPort 10000',
    ],
    [
        "min above max",
        { ...DEV, ...CREDS, agentLayout: "service", agentMinReplicas: "5", agentMaxReplicas: "3" },
        'sigsci-envoy: config "sigsci-envoy:agentMinReplicas" is 5: expected at most agentMaxReplicas (3). Fix it with: pulumi config set agentMinReplicas 2',
    ],
    [
        "a bad namespace",
        { ...DEV, ...CREDS, namespace: "Web" },
        'sigsci-envoy: config "sigsci-envoy:namespace" is "Web": expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit. Fix it with: pulumi config set namespace web',
    ],
    [
        "a misspelt key",
        { ...DEV, ...CREDS, appport: "3000" },
        'sigsci-envoy: config "sigsci-envoy:appport" is not a setting of this program: did you mean appPort? (appPort is set already). Fix it with: pulumi config rm appport',
    ],
    [
        "a misspelt key whose value would not pass where it belongs",
        { ...DEV, ...CREDS, agentGrpcPrt: "8080" },
        'sigsci-envoy: config "sigsci-envoy:agentGrpcPrt" is not a setting of this program: did you mean agentGrpcPort? (agentGrpcPort is set already). Fix it with: pulumi config rm agentGrpcPrt',
    ],
    [
        "a misspelt agent key (its value never shown)",
        { ...DEV, accessKeyID: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" },
        'sigsci-envoy: config "sigsci-envoy:accessKeyID" is not a setting of this program: did you mean accessKeyId? Fix it with: pulumi config rm accessKeyID && pulumi config set --secret accessKeyId <Agent Access Key>',
    ],
    // The mesh and Envoy Gateway layouts: a key of another layout, or of a Gateway the stack does not have.
    [
        "an Envoy setting in the mesh layout",
        { ...DEV, ...CREDS, agentLayout: "mesh", expectResponseData: "false" },
        'sigsci-envoy: config "sigsci-envoy:expectResponseData" is set but agentLayout is "mesh", which has no such setting (it is a setting of the "sidecar" and "service" layouts, the shared agent fleet). Fix it with: pulumi config rm expectResponseData',
    ],
    [
        "an Istio revision in the sidecar layout",
        { ...DEV, ...CREDS, istioRevision: "1-30" },
        'sigsci-envoy: config "sigsci-envoy:istioRevision" is set but agentLayout is "sidecar", which has no such setting (it is a setting of the "mesh" layout). Fix it with: pulumi config rm istioRevision',
    ],
    [
        "agent scaling in the mesh layout",
        { ...MESH_DEV, agentReplicas: "2" },
        'sigsci-envoy: config "sigsci-envoy:agentReplicas" is set but agentLayout is "mesh" (the agent scales with the app, and the stack has no Gateway). Fix it with: pulumi config rm agentReplicas',
    ],
    [
        "a Gateway setting without a Gateway",
        { ...DEV, ...CREDS, gatewayBody: "Streamed" },
        'sigsci-envoy: config "sigsci-envoy:gatewayBody" is set, but neither gateway nor gatewayRoutes is (it belongs to the Envoy Gateway layout). Fix it with: pulumi config rm gatewayBody',
    ],
    [
        "an app setting beside a Gateway alone",
        { ...CREDS, gateway: "eg", appImage: "registry.example.com/shop:1.0" },
        'sigsci-envoy: config "sigsci-envoy:appImage" is set, but the stack has no app (appName or apps): it is a setting of an app. Fix it with: pulumi config rm appImage',
    ],
    [
        "an app's fail mode beside a Gateway alone",
        { ...CREDS, gateway: "eg", failOpen: "false" },
        'sigsci-envoy: config "sigsci-envoy:failOpen" is set, but the stack has no app (appName or apps): did you mean gatewayFailOpen, the Gateway\'s? Fix it with: pulumi config rm failOpen && pulumi config set gatewayFailOpen false',
    ],
    [
        "a Gateway body mode spelt another way",
        { ...CREDS, gateway: "eg", gatewayBody: "buffered" },
        'sigsci-envoy: config "sigsci-envoy:gatewayBody" is "buffered": expected one of "Buffered", "BufferedPartial", "Streamed": did you mean "Buffered"? Fix it with: pulumi config set gatewayBody Buffered',
    ],
    [
        "a request buffer with a streamed body",
        { ...CREDS, gateway: "eg", gatewayBody: "Streamed", gatewayMaxRequestBytes: "1000" },
        'sigsci-envoy: config "sigsci-envoy:gatewayMaxRequestBytes" is 1000: expected nothing with gatewayBody "Streamed" (only a Buffered body has a request buffer). Fix it with: pulumi config rm gatewayMaxRequestBytes',
    ],
    [
        "a route kind Envoy Gateway cannot inspect",
        { ...CREDS, gatewayRoutes: '[{"name":"web","kind":"TCPRoute"}]' },
        'sigsci-envoy: config "sigsci-envoy:gatewayRoutes" has [0].kind "TCPRoute": expected one of "HTTPRoute", "GRPCRoute": did you mean "HTTPRoute"? Fix it with: pulumi config rm gatewayRoutes',
    ],
    [
        "a Gateway namespace that is no DNS label",
        { ...CREDS, gateway: "eg", namespace: "Shop" },
        'sigsci-envoy: config "sigsci-envoy:namespace" is "Shop": expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit. Fix it with: pulumi config set namespace shop',
    ],
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

// ---- several apps per stack ----------------------------------------------------------------

const SHOP = { appName: "shop", namespace: "shop", appImage: "registry.example.com/shop:1.0", agentLayout: "service" };
const BLOG = { appName: "blog", namespace: "blog", appImage: "registry.example.com/blog:1.0" };

function readPlan(values: Record<string, string>) {
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])));
    return readStackPlan(currentStack(new pulumi.Config(PROJECT)));
}

/** A stack of several apps, as Pulumi hands it over: `apps` as JSON. */
const several = (apps: object[], top: Record<string, string> = {}) => ({ ...CREDS, ...top, apps: JSON.stringify(apps) });

describe("several apps per stack", () => {
    it("makes each entry an app over the top-level defaults, and one fleet for the apps in the service layout", () => {
        const plan = readPlan(several([SHOP, { ...SHOP, appName: "api", appPort: 8081 }, BLOG], { integration: "ext_proc", replicas: "2", agentMaxReplicas: "6", agentNamespace: "waf" }));
        assert.strictEqual(plan.multi, true);
        assert.deepStrictEqual(
            plan.apps.map((a) => [a.name, a.layout, a.shared, a.args.namespace, a.args.replicas, a.layout === "mesh" ? undefined : a.args.inspection?.integration]),
            [
                ["shop", "service", true, "shop", 2, "ext_proc"],
                ["api", "service", true, "shop", 2, "ext_proc"],
                ["blog", "sidecar", false, "blog", 2, "ext_proc"],
            ],
        );
        assert.strictEqual(plan.apps[1].args.app.port, 8081);
        // The apps of the fleet hold no credentials and no agent; the sidecar app both.
        assert.strictEqual(plan.apps[0].args.credentials, undefined);
        assert.strictEqual((plan.apps[0].args as EnvoyAppArgs).agentService, undefined, "the program links the fleet");
        assert.ok(plan.apps[2].args.credentials);
        assert.deepStrictEqual(
            { ...plan.fleet!.args, credentials: undefined },
            { credentials: undefined, namespace: "waf", integration: "ext_proc", clientNamespaces: ["shop"], autoscaling: { maxReplicas: 6 } },
        );
        assert.strictEqual(plan.fleet!.name, "sigsci-agents");
    });

    it("has no fleet when every app runs a sidecar", () => {
        const plan = readPlan(several([BLOG, { ...BLOG, appName: "docs" }]));
        assert.strictEqual(plan.fleet, undefined);
        assert.deepStrictEqual(
            plan.apps.map((a) => a.layout),
            ["sidecar", "sidecar"],
        );
    });

    for (const key of CONFIG_KEYS.filter((k) => k.input.fleet !== undefined && !k.secret)) {
        it(`${key.key} -> the fleet's ${key.input.fleet}`, () => {
            const top: Record<string, string> = { [key.key]: key.example };
            if (["agentMinReplicas", "agentCpuUtilization"].includes(key.key)) top.agentMaxReplicas = "10";
            if (["agentPodMonitor", "agentAlerts"].includes(key.key)) top.agentMetrics = "true";
            if (key.key === "existingSecretName") {
                const plan = readPlan({ ...top, apps: JSON.stringify([SHOP]) });
                assert.deepStrictEqual(at(plan.fleet!.args, key.input.fleet!), key.example);
                return;
            }
            const plan = readPlan(several([SHOP], top));
            assert.deepStrictEqual(at(plan.fleet!.args, key.input.fleet!), parsed(key));
        });
    }

    for (const key of CONFIG_KEYS.filter((k) => k.scope === "app" && k.input.sidecar !== undefined)) {
        it(`${key.key} in an entry -> that app's ${key.input.sidecar}`, () => {
            const entry: Record<string, unknown> = { ...BLOG, [key.key]: parsed(key) };
            if (["loadBalancerSourceRanges", "externalTrafficPolicy"].includes(key.key)) entry.serviceType = "LoadBalancer";
            const plan = readPlan(several([entry, { ...BLOG, appName: "other" }]));
            assert.deepStrictEqual(at(plan.apps[0].args, key.input.sidecar!), parsed(key));
            if (key.key !== "namespace") assert.notDeepStrictEqual(at(plan.apps[1].args, key.input.sidecar!), parsed(key), "only that app");
        });
    }
});

/** `values` after the `pulumi config` commands of a fix, `--path` ones on the apps list included. */
function appliedPath(values: Record<string, string>, fix: string): Record<string, string> {
    const next = { ...values };
    const apps = next.apps ? JSON.parse(next.apps) : undefined;
    const rest: string[] = [];
    for (const command of fix.split(" && ")) {
        const rm = /^pulumi config rm --path 'apps\[(\d+)\]\.(\w+)'$/.exec(command);
        const set = /^pulumi config set --path 'apps\[(\d+)\]\.(\w+)' (.+)$/.exec(command);
        if (rm) delete apps[Number(rm[1])][rm[2]];
        else if (set) apps[Number(set[1])][set[2]] = set[3].replace(/^'(.*)'$/, "$1");
        else rest.push(command);
    }
    if (apps) next.apps = JSON.stringify(apps);
    return rest.length > 0 ? applied(next, rest.join(" && ")) : next;
}

const problemOfPlan = (values: Record<string, string>) => problemOf(values, readPlan);

const MULTI_ERRORS: [string, Record<string, string>, string][] = [
    [
        "a port that is not a number, in one app",
        several([BLOG, { ...BLOG, appName: "docs", appPort: "80a" }]),
        'sigsci-envoy: config "sigsci-envoy:apps[1].appPort" is "80a": expected a number in decimal notation. Fix it with: pulumi config set --path \'apps[1].appPort\' 8080',
    ],
    [
        "a value the component refuses, in one app",
        several([BLOG, { ...BLOG, appName: "docs", replicas: -2 }]),
        "sigsci-envoy: config \"sigsci-envoy:apps[1].replicas\" is -2: expected a whole number from 0 to 10000. Fix it with: pulumi config set --path 'apps[1].replicas' 3",
    ],
    [
        "a bad top-level default, named at the top level",
        several([BLOG], { appPort: "70000" }),
        'sigsci-envoy: config "sigsci-envoy:appPort" is 70000: expected a port number from 1 to 65535. Fix it with: pulumi config set appPort 8080',
    ],
    [
        "an app without a name",
        several([BLOG, { appImage: "a:1" }]),
        "sigsci-envoy: config \"sigsci-envoy:apps[1].appName\" is not set. Fix it with: pulumi config set --path 'apps[1].appName' helloworld",
    ],
    [
        "two apps of one name",
        several([BLOG, { ...BLOG, namespace: "shop" }]),
        'sigsci-envoy: config "sigsci-envoy:apps[1].appName" is "blog", which apps[0] already uses: expected a name of its own. Fix it with: pulumi config set --path \'apps[1].appName\' helloworld',
    ],
    [
        "a misspelt key in an app",
        several([{ ...BLOG, appport: 3000 }]),
        "sigsci-envoy: config \"sigsci-envoy:apps[0].appport\" is not a setting of an app: did you mean appPort? Fix it with: pulumi config rm --path 'apps[0].appport' && pulumi config set --path 'apps[0].appPort' 3000",
    ],
    [
        "a setting of the stack in one app",
        several([{ ...SHOP, agentMaxReplicas: 4 }]),
        "sigsci-envoy: config \"sigsci-envoy:apps[0].agentMaxReplicas\" is set for one app, but it is a setting of the whole stack: set agentMaxReplicas at the top level. Fix it with: pulumi config rm --path 'apps[0].agentMaxReplicas' && pulumi config set agentMaxReplicas 4",
    ],
    [
        "an agent image for an app of the fleet",
        several([{ ...SHOP, agentImage: "signalsciences/sigsci-agent:4.84.0" }]),
        'sigsci-envoy: config "sigsci-envoy:apps[0].agentImage" is set for an app of the shared agent fleet (agentLayout "service"): set agentImage at the top level. Fix it with: pulumi config rm --path \'apps[0].agentImage\'',
    ],
    [
        "an app that disagrees with the fleet's integration",
        several([SHOP, { ...SHOP, appName: "api", integration: "ext_proc" }]),
        'sigsci-envoy: config "sigsci-envoy:apps[1].integration" is "ext_proc": expected "ext_authz", as the shared agent Service runs (integration). Fix it with: pulumi config rm --path \'apps[1].integration\'',
    ],
    [
        "a shared agent fleet of zero pods",
        several([SHOP], { agentReplicas: "0" }),
        // Refused by the component's own rule, named as the stack key.
        'sigsci-envoy: config "sigsci-envoy:agentReplicas" is 0: expected a whole number from 1 to 1000. Fix it with: pulumi config set agentReplicas 2',
    ],
    [
        "fleet scaling with no app in the fleet",
        several([BLOG], { agentMaxReplicas: "4" }),
        'sigsci-envoy: config "sigsci-envoy:agentMaxReplicas" is set, but no app uses the shared agent fleet (agentLayout "service"). Fix it with: pulumi config rm agentMaxReplicas',
    ],
    [
        "an app name beside apps",
        { ...several([BLOG]), appName: "web" },
        'sigsci-envoy: config "sigsci-envoy:appName" is set beside apps: give each app its appName in apps. Fix it with: pulumi config rm appName',
    ],
    ["no apps in the list", { ...CREDS, apps: "[]" }, 'sigsci-envoy: config "sigsci-envoy:apps" is an empty list: expected at least one app'],
    [
        "apps that are not a list of objects",
        { ...CREDS, apps: '"shop"' },
        'sigsci-envoy: config "sigsci-envoy:apps" is "\\"shop\\"": expected a JSON list of objects. Fix it with: pulumi config set apps \'[{"appName":"shop","appImage":"registry.example.com/shop:1.0"}]\'',
    ],
    [
        "the fleet's namespace without apps",
        { ...DEV, ...CREDS, agentNamespace: "waf" },
        'sigsci-envoy: config "sigsci-envoy:agentNamespace" is set, but apps is not (it belongs to the agent fleet several apps share). Fix it with: pulumi config rm agentNamespace',
    ],
    [
        "a bad fleet namespace",
        several([SHOP], { agentNamespace: "WAF" }),
        'sigsci-envoy: config "sigsci-envoy:agentNamespace" is "WAF": expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit. Fix it with: pulumi config set agentNamespace waf',
    ],
];

describe("stack configuration errors, several apps", () => {
    for (const [what, values, message] of MULTI_ERRORS) {
        it(`names the app's key and a fix that passes, for ${what}`, () => {
            const problem = problemOfPlan(values);
            assert.strictEqual(problem?.message, message);
            for (const secret of Object.values(CREDS)) assert.ok(!problem!.message.includes(secret));
            if (problem!.fix === undefined) return;
            const after = problemOfPlan(appliedPath(values, problem!.fix));
            assert.notStrictEqual(after?.key, problem!.key, `after "${problem!.fix}": ${after?.message}`);
        });
    }
});
