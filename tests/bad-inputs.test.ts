// Every input rule, with the exact message, thrown before anything is registered.
import * as assert from "assert";
import { AgentService, EnvoyApp, InputError, IstioApp } from "../sdk";
import { INPUT_RULES } from "../tools/docs/input-rules";
import { runProgram } from "./support/pulumi-mocks";

describe("bad input, one row per rule", () => {
    // One program refuses every row: afterwards nothing at all may have been registered.
    const thrown = new Map<string, unknown>();
    let registered: string[] = [];
    before(async () => {
        const run = await runProgram(() => {
            for (const row of INPUT_RULES) {
                const Component = { EnvoyApp, AgentService, IstioApp }[row.component];
                const name = row.name ?? { EnvoyApp: "helloworld", AgentService: "agents", IstioApp: "shop" }[row.component];
                try {
                    new Component(name, row.args());
                } catch (e) {
                    thrown.set(row.rule, e);
                }
            }
        });
        registered = run.resources.map((r) => `${r.type} ${r.name}`);
    });

    for (const row of INPUT_RULES) {
        it(`refuses ${row.rule}`, () => {
            const e = thrown.get(row.rule);
            assert.ok(e instanceof InputError, `expected an InputError, got ${e}`);
            assert.strictEqual(e.message, row.message);
        });
    }

    it("registers nothing for any of them: not a child, not the component", () => assert.deepStrictEqual(registered, []));
});
