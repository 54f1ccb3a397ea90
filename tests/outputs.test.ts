// Every caller gets the same checks: inputs given as outputs, secrets, promises, unknown values
// of a preview and whole objects that arrive as one output. A bad input gives exactly one clear
// error and leaves nothing registered; a good one gives the same children as plain values.
import * as assert from "assert";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AgentService, EnvoyApp, GatewayWaf, InputError, IstioApp } from "../sdk";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { guideArgs } from "../tools/fixtures";
import { isWrappedSecret, kubernetesObjects, plainStrings, runProgram } from "./support/pulumi-mocks";
import { corruption, scenario } from "./support/scenarios";

/**
 * The objects of a run in a fixed order (children register in another order when inputs come
 * later), without the nulls a secret input leaves where a field is absent (a secret input makes
 * every input of the children derived from it secret, and an absent field then reads as null).
 */
const objectsOf = (run: Attempt["run"]) => withoutNulls(kubernetesObjects(run)).sort((a: any, b: any) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

function withoutNulls(v: any): any {
    if (Array.isArray(v)) return v.map(withoutNulls);
    if (typeof v === "object" && v !== null)
        return Object.fromEntries(
            Object.entries(v)
                .filter(([, x]) => x !== null)
                .map(([k, x]) => [k, withoutNulls(x)]),
        );
    return v;
}

const keys = { accessKeyId: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" };
const out = <T>(v: T) => pulumi.output(v);
const unknown = () => pulumi.output(pulumi.unknown) as pulumi.Output<any>;

interface Attempt {
    /** Every error the user would see: thrown at once, or raised when outputs resolved. */
    errors: string[];
    /** `type name` of everything registered, the components included. */
    registered: string[];
    run: Awaited<ReturnType<typeof runProgram>>;
}

async function attempt(program: () => unknown, preview = false): Promise<Attempt> {
    const thrown: unknown[] = [];
    const run = await runProgram(
        () => {
            try {
                program();
            } catch (e) {
                thrown.push(e);
            }
        },
        {},
        { preview },
    );
    const errors = [...thrown, ...run.errors].map((e) => {
        assert.ok(e instanceof InputError, `not an InputError: ${(e as Error)?.stack ?? e}`);
        return e.message;
    });
    return { errors, registered: run.resources.map((r) => `${r.type} ${r.name}`).sort(), run };
}

const app = (args: any) => () => new EnvoyApp("helloworld", args);
const agents = (args: any) => () => new AgentService("agents", args);

/** Inputs that turn out bad only when their outputs resolve (or that are known in a preview). */
const LATE: [string, () => unknown, string, boolean?][] = [
    [
        "an output that resolves to a bad port, with an agent Service of the app's own",
        app(guideArgs({ app: { image: "a:1", port: out(70000) }, agentService: { create: {} } })),
        'sigsci-envoy: invalid "app.port": got 70000; expected a port number from 1 to 65535',
    ],
    [
        "a known bad port beside an unknown one, in a preview",
        app(guideArgs({ port: unknown(), agent: { grpcPort: 70000 } })),
        'sigsci-envoy: invalid "agent.grpcPort": got 70000; expected a port number from 1 to 65535',
        true,
    ],
    [
        "a known bad port beside a whole unknown object, in a preview",
        app({ ...guideArgs({ agent: { grpcPort: 70000 } }), envoy: unknown() }),
        'sigsci-envoy: invalid "agent.grpcPort": got 70000; expected a port number from 1 to 65535',
        true,
    ],
    [
        "a promise of a bad namespace",
        app(guideArgs({ namespace: Promise.resolve("Shop_1") })),
        'sigsci-envoy: invalid "namespace": got "Shop_1"; expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit',
    ],
    [
        "a secret agent key that resolves empty",
        app(guideArgs({ credentials: { accessKeyId: pulumi.secret(""), secretAccessKey: pulumi.secret("s") } })),
        'sigsci-envoy: invalid "credentials.accessKeyId": got an empty string; expected the Agent Access Key, a non-empty string',
    ],
    [
        "one secret credentials object holding a null key",
        app(guideArgs({ credentials: pulumi.secret({ accessKeyId: null, secretAccessKey: "s" }) as any })),
        'sigsci-envoy: invalid "credentials.accessKeyId": got null; expected the Agent Access Key, a non-empty string',
    ],
    // The Secret's name arrived as a secret too: the message names the input, never a value from it.
    [
        "one secret credentials object with both forms",
        app(guideArgs({ credentials: pulumi.secret({ ...keys, existingSecretName: "s" }) as any })),
        'sigsci-envoy: invalid "credentials": got (a secret value); expected either both credentials.accessKeyId and credentials.secretAccessKey, or credentials.existingSecretName',
    ],
    [
        "a whole agentService output that names a bad replica count",
        app(guideArgs({ agentService: out({ create: { replicas: -1 } }) as any })),
        'sigsci-envoy: invalid "agentService.create.replicas": got -1; expected a whole number from 1 to 1000',
    ],
    [
        "a whole agentService output beside a sidecar setting",
        app(guideArgs({ agent: { grpcPort: 9100 }, agentService: out({ create: {} }) as any })),
        'sigsci-envoy: invalid "agent": got "(set)"; expected nothing when agentService is given: the agent runs in the agent Service (set agentService.create.agent)',
    ],
    [
        "a shared agent Service whose namespaces resolve without the app's",
        app({ namespace: "shop", app: { image: "a:1" }, agentService: { endpoint: out("agents.waf.svc.cluster.local:9999"), clientNamespaces: out(["waf"]) } }),
        'sigsci-envoy: invalid "namespace": got "shop"; expected a namespace the shared agent Service at agents.waf.svc.cluster.local:9999 admits (its clientNamespaces: ["waf"]): add "shop" to that AgentService\'s clientNamespaces, or deploy app "helloworld" into one of them',
    ],
    ["an agent Service whose replica output resolves negative", agents({ credentials: keys, replicas: out(-1) }), 'sigsci-envoy: invalid "replicas": got -1; expected a whole number from 1 to 1000'],
    [
        "an agent Service whose whole credentials output is empty",
        agents({ credentials: out({}) }),
        'sigsci-envoy: invalid "credentials": got {}; expected either both credentials.accessKeyId and credentials.secretAccessKey, or credentials.existingSecretName',
    ],
    [
        "an agent Service whose autoscaling output has its minimum above its maximum",
        agents({ credentials: keys, autoscaling: out({ minReplicas: 5, maxReplicas: 3 }) }),
        'sigsci-envoy: invalid "autoscaling.minReplicas": got 5; expected at most autoscaling.maxReplicas (3)',
    ],
];

describe("inputs as outputs: one clear error, nothing registered", () => {
    for (const [what, program, message, preview] of LATE) {
        it(`refuses ${what}`, async () => {
            const a = await attempt(program, preview);
            assert.deepStrictEqual(a.errors, [message]);
            assert.deepStrictEqual(a.registered, [], "nothing half-created: not the component, not a child");
        });
    }

    it("never shows a credential, whatever form it was given in", async () => {
        for (const credentials of [
            pulumi.secret({ accessKeyId: 42, secretAccessKey: "SECRET-abcdefghij" }),
            { accessKeyId: out(["AKID-0123456789"]), secretAccessKey: "SECRET-abcdefghij" },
            "AKID-0123456789",
        ]) {
            const a = await attempt(app(guideArgs({ credentials: credentials as any })));
            assert.strictEqual(a.errors.length, 1);
            assert.ok(!a.errors[0].includes("AKID-0123456789") && !a.errors[0].includes("SECRET-abcdefghij"), a.errors[0]);
        }
    });
});

/** An agent key that resolves empty: refused only once it resolves. */
const lateBadKeys = () => ({ accessKeyId: pulumi.secret(""), secretAccessKey: pulumi.secret("SECRET-abcdefghij") });
const EMPTY_KEY = /^sigsci-envoy: invalid "credentials\.accessKeyId": got an empty string;/;

/**
 * The component's own registration waits for the late checks, and its children for it: that one
 * gate must hold whatever else the program or the SDK does.
 */
describe("the gate of late checks holds", () => {
    /** Each component, given an agent key that resolves empty. */
    const withLateBadKeys = (opts?: pulumi.ComponentResourceOptions): [string, () => unknown][] => [
        ["EnvoyApp", () => new EnvoyApp("helloworld", guideArgs({ credentials: lateBadKeys() }), opts)],
        ["AgentService", () => new AgentService("agents", { namespace: "waf", clientNamespaces: ["shop"], credentials: lateBadKeys() }, opts)],
        ["GatewayWaf", () => new GatewayWaf("waf", { namespace: "shop", gateway: "eg", credentials: lateBadKeys() }, opts)],
        ["IstioApp", () => new IstioApp("web", { namespace: "shop", app: { image: "shop:1" }, credentials: lateBadKeys() }, opts)],
    ];
    const refusedOnce = (a: Attempt) => {
        assert.strictEqual(a.errors.length, 1, a.errors.join("\n"));
        assert.match(a.errors[0], EMPTY_KEY);
        assert.deepStrictEqual(a.registered, [], "nothing half-created: not the component, not a child");
    };

    // The SDK then registers components without their inputs.
    it("with PULUMI_NODEJS_SKIP_COMPONENT_INPUTS set, for every component", async () => {
        process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS = "true";
        try {
            for (const [what, program, message, preview] of LATE) {
                const a = await attempt(program, preview);
                assert.deepStrictEqual([a.errors, a.registered], [[message], []], what);
            }
            for (const [, component] of withLateBadKeys()) for (const preview of [false, true]) refusedOnce(await attempt(component, preview));
        } finally {
            delete process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS;
        }
    });

    it("when a transformation replaces the component's dependsOn, for every component, in a preview too", async () => {
        let namespace: pulumi.Resource | undefined;
        const orderAfterNamespace: pulumi.ResourceTransformation = (t) => (t.type.startsWith("sigsci-envoy:index:") ? { props: t.props, opts: { ...t.opts, dependsOn: [namespace!] } } : undefined);
        for (const [what, component] of withLateBadKeys({ transformations: [orderAfterNamespace] })) {
            for (const preview of [false, true]) {
                const a = await attempt(() => {
                    namespace = new k8s.core.v1.Namespace("shop", {});
                    component();
                }, preview);
                assert.strictEqual(a.errors.length, 1, `${what}, preview ${preview}: ${a.errors.join("\n")}`);
                assert.match(a.errors[0], EMPTY_KEY, `${what}, preview ${preview}`);
                assert.deepStrictEqual(a.registered, ["kubernetes:core/v1:Namespace shop"], `${what}, preview ${preview}`);
            }
        }
    });

    it("reports the refusal even when a transformation drops both the gate's input and its dependency", async () => {
        // Nothing can then hold the component back; the error must still reach the engine, once.
        const dropBoth: pulumi.ResourceTransformation = (t) => (t.type === "sigsci-envoy:index:EnvoyApp" ? { props: {}, opts: { ...t.opts, dependsOn: [] } } : undefined);
        for (const preview of [false, true]) {
            const a = await attempt(() => new EnvoyApp("helloworld", guideArgs({ credentials: lateBadKeys() }), { transformations: [dropBoth] }), preview);
            assert.strictEqual(a.errors.length, 1, a.errors.join("\n"));
            assert.match(a.errors[0], EMPTY_KEY);
        }
    });

    it("refuses a bad plain value with one error, its own, when a key still to resolve is bad too", async () => {
        for (const preview of [false, true]) {
            const a = await attempt(app(guideArgs({ app: { image: "a:1", port: 70000 }, credentials: lateBadKeys() })), preview);
            assert.strictEqual(a.errors.length, 1, a.errors.join("\n"));
            assert.match(a.errors[0], /^sigsci-envoy: invalid "app\.port": got 70000;/);
            assert.deepStrictEqual(a.registered, []);
        }
    });

    it("for an app linked with plain values to a shared fleet whose key is refused: the app registers nothing either", async () => {
        for (const preview of [false, true]) {
            refusedOnce(
                await attempt(() => {
                    const fleet = new AgentService("agents", { namespace: "waf", clientNamespaces: ["shop"], credentials: lateBadKeys() });
                    new EnvoyApp("web", { namespace: "shop", app: { image: "shop:1" }, agentService: fleet.link() });
                }, preview),
            );
        }
    });

    it("keeps the user's own dependsOn in a preview that cannot resolve the checks", async () => {
        const a = await attempt(() => {
            const dependency = new k8s.core.v1.ConfigMap("dependency", { data: { a: "b" } });
            new EnvoyApp("helloworld", guideArgs({ app: { image: "a:1", port: unknown() } }), { dependsOn: dependency });
        }, true);
        assert.deepStrictEqual(a.errors, []);
        const component = a.run.resources.find((r) => r.type === "sigsci-envoy:index:EnvoyApp")!;
        assert.deepStrictEqual(
            component.dependencies.map((urn) => urn.split("::").pop()),
            ["dependency"],
        );
    });

    // Pulumi sends log lines in order, each once its resource has a URN: a warning on a component
    // that is never registered would hold back every later line, the error included.
    it("lets the error reach the engine when the app also has a warning to log", async () => {
        const settings = require("@pulumi/pulumi/runtime/settings");
        const getEngine = settings.getEngine;
        const delivered: string[] = [];
        settings.getEngine = () => ({
            log(req: { getMessage(): string }, done: () => void) {
                delivered.push(req.getMessage());
                setImmediate(done);
            },
        });
        try {
            // An app's own fleet that may outgrow its Envoy pods: a warning (see traffic.test.ts).
            const args = guideArgs({ replicas: 2, credentials: lateBadKeys(), agentService: { create: { autoscaling: { minReplicas: 1, maxReplicas: 10 } } } });
            assert.strictEqual(resolveAppSettings("helloworld", guideArgs({ replicas: 2, agentService: { create: { autoscaling: { minReplicas: 1, maxReplicas: 10 } } } }) as any).warnings.length, 1);
            refusedOnce(await attempt(app(args)));
            void pulumi.log.error("reported after the failure");
            for (let i = 0; i < 50 && !delivered.includes("reported after the failure"); i++) await new Promise((r) => setImmediate(r));
            assert.ok(delivered.includes("reported after the failure"), "a later log line was held back");
        } finally {
            settings.getEngine = getEngine;
        }
    });
});

/** Forms a multi-language host or a secret store hands over, which must give the right children. */
describe("whole objects as outputs", () => {
    const registered = async (program: () => unknown, preview = false) => {
        const a = await attempt(program, preview);
        assert.deepStrictEqual(a.errors, []);
        return a;
    };

    it("credentials as one secret object: the Secret holds them, as a secret", async () => {
        const plain = await registered(app(guideArgs({ credentials: keys })));
        const whole = await registered(app(guideArgs({ credentials: pulumi.secret(keys) as any })));
        assert.deepStrictEqual(whole.registered, plain.registered);
        const secret = whole.run.one("kubernetes:core/v1:Secret");
        assert.ok(isWrappedSecret(secret.inputs.stringData));
        assert.deepStrictEqual(secret.inputs.stringData.value, { accesskeyid: keys.accessKeyId, secretaccesskey: keys.secretAccessKey });
        for (const r of whole.run.resources) for (const [at, s] of plainStrings(r.inputs)) assert.ok(!s.includes(keys.secretAccessKey), `${r.name} ${at}`);
        assert.deepStrictEqual(objectsOf(whole.run), objectsOf(plain.run));
    });

    it("credentials as one output naming an existing Secret: no Secret is created, the pod reads that one", async () => {
        const a = await registered(app(guideArgs({ credentials: out({ existingSecretName: "sigsci.site" }) as any })));
        assert.ok(!a.registered.some((r) => r.startsWith("kubernetes:core/v1:Secret")));
        const agent = kubernetesObjects(a.run)
            .find((o) => o.kind === "Deployment")
            .spec.template.spec.containers.find((c: any) => c.name === "sigsci-agent");
        assert.strictEqual(agent.env[0].valueFrom.secretKeyRef.name, "sigsci.site");
    });

    it("agentService as one output: the agent Service of the app's own, or the shared one it names", async () => {
        const plainOwn = await registered(app(guideArgs({ agentService: { create: { autoscaling: { maxReplicas: 1 } } } })));
        const own = await registered(app(guideArgs({ agentService: out({ create: { autoscaling: { maxReplicas: 1 } } }) as any })));
        assert.deepStrictEqual(own.registered, plainOwn.registered);
        assert.deepStrictEqual(objectsOf(own.run), objectsOf(plainOwn.run));
        const shared = await registered(app({ app: { image: "a:1" }, namespace: "default", agentService: out({ endpoint: "agents.waf.svc.cluster.local:9999", clientNamespaces: ["default"] }) }));
        assert.ok(!shared.registered.some((r) => r.includes("AgentService") || r.includes(":Secret ")));
    });

    it("in a preview, registers every child with unknown inputs when only values are unknown", async () => {
        const plain = await registered(app(guideArgs({ agentService: { create: {} } })), true);
        const a = await registered(app(guideArgs({ namespace: unknown(), port: unknown(), agentService: { create: { replicas: unknown() } } })), true);
        assert.deepStrictEqual(a.registered, plain.registered);
    });
});

// ---- random mixes --------------------------------------------------------------------------

type Form = "plain" | "output" | "secret" | "promise" | "unknown";

/** Inputs that decide which children exist (the objects that hold a plain switch among them). */
const STRUCTURAL = /^(credentials|agentService(\.create(\.autoscaling|\.agent)?)?|agent|monitoring)$/;
/** The plain inputs (typed `boolean`, not `Input<boolean>`): they stay as they are. */
const PLAIN = /^(networkPolicy|(agentService\.create\.)?agent\.metrics|monitoring\.(podMonitor|alerts|dashboard))$/;

/**
 * `value` with each part (leaves and whole objects, at any depth) given in a form `pick`
 * chooses, told whether an object above it that decides the children is already an output.
 */
function mix(value: unknown, pick: (path: string, leaf: boolean, inStructuralOutput: boolean) => Form, path = "", inStructuralOutput = false, secrets: string[] = []): any {
    const leaf = typeof value !== "object" || value === null;
    // The args object itself, and the one plain input, stay as they are.
    const form = path === "" || PLAIN.test(path) ? "plain" : pick(path, leaf, inStructuralOutput);
    const before = secrets.length;
    const below = inStructuralOutput || (form !== "plain" && STRUCTURAL.test(path));
    const inner = leaf
        ? value
        : Array.isArray(value)
          ? value.map((v, i) => mix(v, pick, `${path}[${i}]`, below, secrets))
          : Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, mix(v, pick, path ? `${path}.${k}` : k, below, secrets)]));
    // pulumi.output() lifts a secret inside into the whole output, as the SDK does everywhere.
    if (form === "secret" || (form === "output" && secrets.length > before)) secrets.push(path);
    switch (form) {
        case "output":
            return pulumi.output(inner);
        case "secret":
            return pulumi.secret(inner);
        case "promise":
            return Promise.resolve(inner);
        case "unknown":
            return unknown();
        default:
            return inner;
    }
}

const forms = fc.array(fc.constantFrom<Form>("plain", "plain", "output", "secret", "promise", "unknown"), { minLength: 64, maxLength: 64 });

/**
 * A picker from a random list: no unknowns in an update; in a preview only leaves, never in
 * `keep`, and never where it would hide which children exist (an unknown inside an output makes
 * the whole output unknown): a preview that cannot tell registers none, see "whole objects".
 */
function picker(list: Form[], preview: boolean, keep: string[] = []) {
    let i = 0;
    return (path: string, leaf: boolean, inStructuralOutput: boolean): Form => {
        const f = list[i++ % list.length];
        if (f !== "unknown") return f;
        const kept = keep.some((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`));
        return preview && leaf && !kept && !STRUCTURAL.test(path) && !inStructuralOutput ? "unknown" : "plain";
    };
}

describe("random mixes of plain, output, secret, promise and unknown inputs (fast-check)", () => {
    it("a valid program registers the same children as with plain values, and raises no error", async function () {
        this.timeout(120000);
        await fc.assert(
            fc.asyncProperty(
                scenario.filter((s) => !s.shared),
                forms,
                fc.boolean(),
                async (s, list, preview) => {
                    const plain = await attempt(() => new EnvoyApp(s.name, s.args), preview);
                    const mixed = await attempt(() => new EnvoyApp(s.name, mix(s.args, picker(list, preview))), preview);
                    assert.deepStrictEqual(mixed.errors, []);
                    assert.deepStrictEqual(mixed.registered, plain.registered);
                    if (!preview) assert.deepStrictEqual(objectsOf(mixed.run), objectsOf(plain.run));
                },
            ),
            { numRuns: 8 },
        );
    });

    it("an invalid one raises exactly the plain value's error and registers nothing, never a TypeError", async function () {
        this.timeout(120000);
        await fc.assert(
            fc.asyncProperty(
                scenario.filter((s) => !s.shared),
                corruption,
                forms,
                fc.boolean(),
                async (s, [, corrupt, paths], list, preview) => {
                    const args: any = JSON.parse(JSON.stringify(s.args));
                    corrupt(args);
                    const plain = await attempt(() => new EnvoyApp(s.name, args));
                    assert.strictEqual(plain.errors.length, 1);
                    const secrets: string[] = [];
                    const mixed = await attempt(() => new EnvoyApp(s.name, mix(args, picker(list, preview, paths), "", false, secrets)), preview);
                    // The same refusal; a value that arrived as a secret (the refused one, or one holding it) is named, never shown.
                    const [, input, given, accepted] = /^sigsci-envoy: invalid "([^"]+)": got (.*?); expected (.*)$/s.exec(plain.errors[0])!;
                    const within = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || a.startsWith(`${b} `);
                    const hidden = secrets.some((p) => within(input, p) || within(p, input));
                    // A refused value that may equal another input's (the corruption touches both) is hidden when that one is secret.
                    const related = paths.length > 1 && secrets.some((p) => paths.some((t) => within(t, p) || within(p, t)));
                    // What the plain message shows in place of a value ("(set)", nothing) reveals none: it may stay.
                    const shown = hidden ? ["(a secret value)", ...(/^("\(set\)"|nothing)$/.test(given) ? [given] : [])] : related ? [given, "(a secret value)"] : [given];
                    assert.strictEqual(mixed.errors.length, 1);
                    assert.ok(
                        shown.map((g) => `sigsci-envoy: invalid "${input}": got ${g}; expected ${accepted}`).includes(mixed.errors[0]),
                        `${mixed.errors[0]}\nnot one of: ${shown.join(", ")} (plain: ${plain.errors[0]})`,
                    );
                    assert.deepStrictEqual(mixed.registered, []);
                },
            ),
            { numRuns: 16 },
        );
    });

    it("refuses anything at all, at any depth, with an InputError", async function () {
        this.timeout(120000);
        const paths = [
            "app",
            "app.port",
            "app.env",
            "credentials",
            "credentials.accessKeyId",
            "agent",
            "agent.options",
            "agentService",
            "agentService.create",
            "inspection",
            "envoy",
            "envoy.resources",
            "labels",
            "service",
        ];
        await fc.assert(
            fc.asyncProperty(fc.constantFrom(...paths), fc.anything({ withNullPrototype: true, withObjectString: true }), fc.boolean(), async (path, junk, asOutput) => {
                const args: any = guideArgs({ agentService: path.startsWith("agentService") ? { create: {} } : undefined });
                if (path.startsWith("agentService")) delete args.agent;
                const parts = path.split(".");
                let at = args;
                for (const p of parts.slice(0, -1)) at = at[p] ??= {};
                at[parts[parts.length - 1]] = asOutput ? pulumi.output(junk) : junk;
                // attempt() fails on anything but an InputError; junk may also be acceptable.
                const a = await attempt(app(args));
                assert.ok(a.errors.length <= 1, a.errors.join("\n"));
                if (a.errors.length === 1) assert.deepStrictEqual(a.registered, []);
            }),
            { numRuns: 40 },
        );
    });
});
