// The benchmark compares like with like: its hand-written baseline (tools/bench/raw-app.ts) is
// the objects an EnvoyApp with default inputs creates, field for field, but for the form of the
// Envoy bootstrap (YAML written by hand, JSON generated) and so its file name.
import * as assert from "assert";
import { load as parse } from "js-yaml";
import { rawApp, rawAppInComponent } from "../tools/bench/raw-app";
import { GUIDE_KEYS } from "../tools/fixtures";
import { SCENARIOS } from "../tools/scenarios";
import { envoyConfigOf, objectsOf } from "./support/objects";
import { kubernetesObjects, runProgram } from "./support/pulumi-mocks";

/** The objects with the bootstrap parsed and its path left out: what must be equal. */
function comparable(objects: any[]): any[] {
    return objects
        .map((o) => {
            const copy = JSON.parse(JSON.stringify(o));
            if (copy.kind === "ConfigMap") copy.data = { bootstrap: o.data["envoy.yaml"] !== undefined ? parse(o.data["envoy.yaml"]) : envoyConfigOf(o) };
            if (copy.kind === "Deployment") for (const c of copy.spec.template.spec.containers) if (c.name === "envoy") c.args = c.args.slice(2);
            return copy;
        })
        .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe("the benchmark's baseline", () => {
    it("is the guide scenario's objects, written by hand", async () => {
        const run = await runProgram(() => rawApp("helloworld", GUIDE_KEYS));
        const expected = objectsOf(SCENARIOS["sidecar-ext-authz"]);
        assert.deepStrictEqual(comparable(kubernetesObjects(run)), comparable(expected));
        const envoy = kubernetesObjects(run).find((o) => o.kind === "Deployment").spec.template.spec.containers[0];
        assert.deepStrictEqual(envoy.args.slice(0, 2), ["-c", "/etc/envoy/envoy.yaml"]);
    });

    it("has a floor of the same objects in an empty component with seven outputs", async () => {
        const run = await runProgram(() => rawAppInComponent("helloworld", GUIDE_KEYS));
        assert.deepStrictEqual(comparable(kubernetesObjects(run)), comparable(objectsOf(SCENARIOS["sidecar-ext-authz"])));
        const wrapper = run.resources.filter((r) => !r.custom);
        assert.deepStrictEqual(
            wrapper.map((r) => `${r.type} ${r.name}`),
            ["bench:index:Wrapper helloworld"],
        );
        assert.ok(run.resources.filter((r) => r.custom).every((r) => r.urn.includes("bench:index:Wrapper$")));
    });
});
