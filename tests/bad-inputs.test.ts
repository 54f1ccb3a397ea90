// Every input rule, with the exact message, thrown before any child resource is registered.
import * as assert from "assert";
import { AgentService, EnvoyApp, InputError } from "../sdk";
import { BAD_INPUTS } from "./support/bad-inputs";
import { runProgram } from "./support/pulumi-mocks";

describe("bad input, one row per rule", () => {
    for (const row of BAD_INPUTS) {
        it(`refuses ${row.rule}`, async () => {
            const Component = row.component === "EnvoyApp" ? EnvoyApp : AgentService;
            const name = row.name ?? (row.component === "EnvoyApp" ? "helloworld" : "agents");
            let thrown: unknown;
            const run = await runProgram(() => {
                try {
                    new Component(name, row.args());
                } catch (e) {
                    thrown = e;
                }
            });
            assert.ok(thrown instanceof InputError, `expected an InputError, got ${thrown}`);
            assert.strictEqual((thrown as Error).message, row.message);
            // Nothing half-created: no child was registered (only the component itself began).
            assert.deepStrictEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:")), []);
        });
    }
});
