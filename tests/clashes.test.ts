// Two components of one program that would create the same Kubernetes object: the second is
// refused when it is declared, naming both, and registers nothing.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp, InputError } from "../sdk";
import { runProgram } from "./support/pulumi-mocks";

const keys = { accessKeyId: "AKID", secretAccessKey: "SECRET" };
const app = { image: "registry.example.com/web:1.0" };

/** Runs `first` then `second`; returns what `second` threw (or raised later) and what each registered. */
async function clash(first: () => unknown, second: () => unknown, config: Record<string, string> = {}) {
    let thrown: unknown;
    const run = await runProgram(() => {
        first();
        try {
            second();
        } catch (e) {
            thrown = e;
        }
    }, config);
    const errors = [...(thrown ? [thrown] : []), ...run.errors];
    for (const e of errors) assert.ok(e instanceof InputError, String(e));
    return { errors: errors.map((e) => (e as Error).message), names: run.resources.map((r) => `${r.type} ${r.name}`) };
}

describe("name clashes between components of one program", () => {
    it("refuses an AgentService named like an EnvoyApp of the same namespace", async () => {
        const r = await clash(
            () => new EnvoyApp("web", { app, credentials: keys }),
            () => new AgentService("web", { credentials: keys }),
        );
        assert.deepStrictEqual(r.errors, [
            'sigsci-envoy: invalid "name": got "web"; expected a name no other component of this program uses in the provider\'s namespace (default): AgentService "web" would create Deployment web, Service web, PodDisruptionBudget web and NetworkPolicy web, which EnvoyApp "web" already creates',
        ]);
        assert.ok(!r.names.some((n) => n.startsWith("sigsci-envoy:index:AgentService")), "the second registers nothing");
        assert.ok(r.names.includes("kubernetes:apps/v1:Deployment web"), "the first is untouched");
    });

    it("refuses an app named like another app's own agent Service, in either order", async () => {
        const own = () => new EnvoyApp("x", { app, credentials: keys, agentService: { create: {} } });
        const named = () => new EnvoyApp("x-agent", { app, credentials: keys });
        assert.deepStrictEqual((await clash(own, named)).errors, [
            'sigsci-envoy: invalid "name": got "x-agent"; expected a name no other component of this program uses in the provider\'s namespace (default): EnvoyApp "x-agent" would create Deployment x-agent, Service x-agent, PodDisruptionBudget x-agent and NetworkPolicy x-agent, which EnvoyApp "x" (its own agent Service) already creates',
        ]);
        assert.deepStrictEqual((await clash(named, own)).errors, [
            'sigsci-envoy: invalid "name": got "x"; expected a name no other component of this program uses in the provider\'s namespace (default): EnvoyApp "x" (its own agent Service) would create Deployment x-agent, Service x-agent, PodDisruptionBudget x-agent and NetworkPolicy x-agent, which EnvoyApp "x-agent" already creates',
        ]);
    });

    it("allows the same name in different namespaces, and in separate programs", async () => {
        const r = await clash(
            () => new EnvoyApp("web", { app, credentials: keys, namespace: "shop" }),
            () => new AgentService("web", { credentials: keys, namespace: "waf" }),
        );
        assert.deepStrictEqual(r.errors, []);
        const again = await clash(
            () => new EnvoyApp("web", { app, credentials: keys, namespace: "shop" }),
            () => undefined,
        );
        assert.deepStrictEqual(again.errors, []);
    });

    it("refuses a clash found only when namespaces given as outputs resolve, with nothing of the second registered", async () => {
        const r = await clash(
            () => new EnvoyApp("web", { app, credentials: keys, namespace: pulumi.output("shop") }),
            () => new AgentService("web", { credentials: keys, namespace: pulumi.output("shop") }),
        );
        assert.deepStrictEqual(r.errors, [
            'sigsci-envoy: invalid "name": got "web"; expected a name no other component of this program uses in namespace shop: AgentService "web" would create Deployment shop/web, Service shop/web, PodDisruptionBudget shop/web and NetworkPolicy shop/web, which EnvoyApp "web" already creates',
        ]);
        assert.ok(!r.names.some((n) => n.includes("AgentService")), r.names.join("\n"));
        assert.strictEqual(r.names.filter((n) => n === "kubernetes:core/v1:Secret web-sigsci-credentials").length, 1, "only the app's Secret");
    });

    it("takes objects given no namespace to be in the provider's, so they clash with the same ones named there", async () => {
        const r = await clash(
            () => new AgentService("x", { credentials: keys }),
            () => new EnvoyApp("x", { app, credentials: keys, namespace: "default" }),
        );
        assert.deepStrictEqual(r.errors, [
            'sigsci-envoy: invalid "name": got "x"; expected a name no other component of this program uses in namespace default: EnvoyApp "x" would create Deployment default/x, Service default/x, PodDisruptionBudget default/x and NetworkPolicy default/x, which AgentService "x" already creates',
        ]);
        assert.ok(!r.names.some((n) => n.startsWith("sigsci-envoy:index:EnvoyApp")), "the second registers nothing");
        // The default provider's namespace is kubernetes:namespace when the stack sets it.
        const elsewhere = await clash(
            () => new AgentService("x", { credentials: keys }),
            () => new EnvoyApp("x", { app, credentials: keys, namespace: "default" }),
            { "kubernetes:namespace": "waf" },
        );
        assert.deepStrictEqual(elsewhere.errors, []);
        const there = await clash(
            () => new AgentService("x", { credentials: keys }),
            () => new EnvoyApp("x", { app, credentials: keys, namespace: "waf" }),
            { "kubernetes:namespace": "waf" },
        );
        assert.strictEqual(there.errors.length, 1);
        assert.match(there.errors[0], /in namespace waf: EnvoyApp "x" would create Deployment waf\/x/);
    });

    it("refuses an AgentService named like an app's own agent Service (<name>-agent), in either order, naming only the objects it creates", async () => {
        const own = () => new EnvoyApp("x", { app, credentials: keys, agentService: { create: {} } });
        const service = () => new AgentService("x-agent", { credentials: keys });
        assert.deepStrictEqual((await clash(own, service)).errors, [
            'sigsci-envoy: invalid "name": got "x-agent"; expected a name no other component of this program uses in the provider\'s namespace (default): AgentService "x-agent" would create Deployment x-agent, Service x-agent, PodDisruptionBudget x-agent and NetworkPolicy x-agent, which EnvoyApp "x" (its own agent Service) already creates',
        ]);
        const reversed = await clash(service, own);
        assert.deepStrictEqual(reversed.errors, [
            'sigsci-envoy: invalid "name": got "x"; expected a name no other component of this program uses in the provider\'s namespace (default): EnvoyApp "x" (its own agent Service) would create Deployment x-agent, Service x-agent, PodDisruptionBudget x-agent and NetworkPolicy x-agent, which AgentService "x-agent" already creates',
        ]);
        assert.ok(!reversed.names.some((n) => n.startsWith("sigsci-envoy:index:EnvoyApp")), "the second registers nothing");
    });
});
