// The multi-language path: Python, Go, .NET and YAML programs reach the components through
// Pulumi's component provider (`pulumi package add`), which hands the inputs over the way the
// engine serialized them - secrets and outputs as values, a top-level input with dependencies
// or a secret inside as one output. The same children and the same errors as TypeScript.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EnvoyApp, EnvoyAppArgs, InputError } from "../sdk";
import { schemaProvider } from "./support/schema";
import { guideArgs } from "../tools/fixtures";
import { isWrappedSecret, kubernetesObjects, runProgram } from "./support/pulumi-mocks";

// The provider server's own deserializer (what `construct` requests go through before the component sees them).
const { deserializeInputs } = require("@pulumi/pulumi/provider/server") as {
    deserializeInputs(inputs: Struct, dependencies: Map<string, { getUrnsList(): string[] }>): Promise<Record<string, unknown>>;
};

const TYPE = "sigsci-envoy:index:EnvoyApp";

/** `args` as the host delivers them: serialized as the engine does, then deserialized, `withDependencies` naming top-level inputs that depend on other resources. */
async function asDelivered(args: Record<string, unknown>, withDependencies: string[] = []): Promise<Record<string, unknown>> {
    const serialized = await pulumi.runtime.serializeProperties("construct", args, { keepOutputValues: true });
    const deps = new Map(withDependencies.map((k) => [k, { getUrnsList: () => ["urn:pulumi:test::project::kubernetes:core/v1:Namespace::ns"] }]));
    return deserializeInputs(Struct.fromJavaScript(serialized), deps);
}

interface Outcome {
    errors: string[];
    registered: string[];
    objects: any[];
}

/** Constructs through the component provider (inputs built inside the program, as the host does). */
async function viaProvider(args: () => Promise<Record<string, unknown>>): Promise<Outcome> {
    const provider = await schemaProvider();
    const thrown: unknown[] = [];
    const run = await runProgram(() =>
        args()
            .then((inputs) => provider.construct("helloworld", TYPE, inputs as pulumi.Inputs, {}))
            .catch((e) => thrown.push(e)),
    );
    await run.result;
    return outcome([...thrown, ...run.errors], run);
}

async function viaTypeScript(args: EnvoyAppArgs): Promise<Outcome> {
    const thrown: unknown[] = [];
    const run = await runProgram(() => {
        try {
            new EnvoyApp("helloworld", args);
        } catch (e) {
            thrown.push(e);
        }
    });
    return outcome([...thrown, ...run.errors], run);
}

function outcome(errors: unknown[], run: Awaited<ReturnType<typeof runProgram>>): Outcome {
    for (const e of errors) assert.ok(e instanceof InputError, String((e as Error)?.stack ?? e));
    const objects = kubernetesObjects(run).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    return { errors: errors.map((e) => (e as Error).message), registered: run.resources.map((r) => `${r.type} ${r.name}`).sort(), objects };
}

const keys = { accessKeyId: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" };

describe("the multi-language construct path", () => {
    const CASES: [string, EnvoyAppArgs, string[]?][] = [
        ["plain inputs", guideArgs({ credentials: keys })],
        ["secret agent keys", guideArgs({ credentials: { accessKeyId: pulumi.secret(keys.accessKeyId), secretAccessKey: pulumi.secret(keys.secretAccessKey) } })],
        ["one secret credentials object", guideArgs({ credentials: pulumi.secret(keys) as any })],
        ["an agent Service whose settings depend on another resource (one output)", guideArgs({ credentials: keys, agentService: { create: { replicas: 3 } } }), ["agentService"]],
        [
            "a namespace output and a secret port",
            guideArgs({ credentials: keys, namespace: pulumi.output("shop"), app: { image: "a:1", port: pulumi.secret(3000), args: ["localhost:3000"] } }),
            ["namespace"],
        ],
    ];
    for (const [what, args, deps] of CASES) {
        it(`gives the same children as TypeScript: ${what}`, async () => {
            const ts = await viaTypeScript(args);
            const ml = await viaProvider(() => asDelivered(args as any, deps));
            assert.deepStrictEqual(ml.errors, []);
            assert.deepStrictEqual(ml.registered, ts.registered);
            assert.deepStrictEqual(ml.objects, ts.objects);
        });
    }

    it("keeps the agent keys secret", async () => {
        const provider = await schemaProvider();
        const run = await runProgram(() =>
            asDelivered(guideArgs({ credentials: pulumi.secret(keys) as any }) as any).then((inputs) => provider.construct("helloworld", TYPE, inputs as pulumi.Inputs, {})),
        );
        await run.result;
        const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
        assert.ok(isWrappedSecret(secret.inputs.stringData));
        assert.ok(!JSON.stringify(run.resources.filter((r) => r !== secret).map((r) => r.inputs)).includes(keys.secretAccessKey));
    });

    const BAD: [string, EnvoyAppArgs, string[]?][] = [
        ["a bad port", guideArgs({ agent: { grpcPort: 70000 } })],
        ["a bad port in an input with dependencies", guideArgs({ credentials: keys, agent: { grpcPort: 70000 } }), ["agent"]],
        ["a secret credentials object with an empty key", guideArgs({ credentials: pulumi.secret({ accessKeyId: "", secretAccessKey: "s" }) as any })],
        ["an agent Service output with a bad replica count", guideArgs({ credentials: keys, agentService: { create: { replicas: -1 } } }), ["agentService"]],
    ];
    for (const [what, args, deps] of BAD) {
        it(`refuses as TypeScript does, with nothing registered: ${what}`, async () => {
            const ts = await viaTypeScript(args);
            const ml = await viaProvider(() => asDelivered(args as any, deps));
            assert.strictEqual(ts.errors.length, 1);
            assert.deepStrictEqual(ml.errors, ts.errors);
            assert.deepStrictEqual(ml.registered, []);
        });
    }
});
