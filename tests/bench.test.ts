// The benchmark compares like with like: its raw side registers exactly the objects the
// components emit (tools/bench/raw-objects.ts, from their plan), in both layouts, and its floor
// the same inside an empty component.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp } from "../sdk";
import { fleetObjects, FLEET, HELLOWORLD, registerInComponent, registerRaw, sharedAppObjects, sidecarObjects } from "../tools/bench/raw-objects";
import { GUIDE_KEYS } from "../tools/fixtures";
import { kubernetesObjects, runProgram } from "./support/pulumi-mocks";

/** The objects, provider-named ones by their kind and owner (their names differ by construction), in a stable order. */
function comparable(objects: any[]): any[] {
    const named = (o: any) => (o.kind === "Secret" || (o.kind === "ConfigMap" && o.metadata.name.includes("-envoy-config")) ? o.metadata.name.replace(/-(raw|[0-9a-f]{8})$/, "") : o.metadata.name);
    const refs = (text: string) => text.replace(/-(raw|[0-9a-f]{8})"/g, '"');
    return objects
        .map((o) => JSON.parse(refs(JSON.stringify({ ...o, metadata: { ...o.metadata, name: named(o) } }))))
        .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe("the benchmark's baselines", () => {
    it("register exactly a sidecar app's objects, raw and in an empty component", async () => {
        const component = await runProgram(() => new EnvoyApp("app0", { app: HELLOWORLD, credentials: GUIDE_KEYS }));
        const raw = await runProgram(() => registerRaw(sidecarObjects("app0"), GUIDE_KEYS));
        const floor = await runProgram(() => registerInComponent("app0", sidecarObjects("app0"), GUIDE_KEYS));
        assert.strictEqual(kubernetesObjects(component).length, 6);
        assert.deepStrictEqual(comparable(kubernetesObjects(raw)), comparable(kubernetesObjects(component)));
        assert.deepStrictEqual(comparable(kubernetesObjects(floor)), comparable(kubernetesObjects(component)));
        assert.deepStrictEqual(
            floor.resources.filter((r) => !r.custom).map((r) => r.type),
            ["bench:index:Wrapper"],
        );
    });

    it("register exactly a shared fleet's and its apps' objects", async () => {
        const keys = { accessKeyId: pulumi.secret(GUIDE_KEYS.accessKeyId), secretAccessKey: pulumi.secret(GUIDE_KEYS.secretAccessKey) };
        const component = await runProgram(() => {
            const fleet = new AgentService(FLEET.name, { namespace: FLEET.namespace, clientNamespaces: [FLEET.clients], credentials: keys });
            new EnvoyApp("app0", { namespace: FLEET.clients, app: HELLOWORLD, agentService: fleet.link() });
        });
        const raw = await runProgram(() => {
            registerRaw(fleetObjects(), keys);
            registerRaw(sharedAppObjects("app0"), keys);
        });
        assert.deepStrictEqual(comparable(kubernetesObjects(raw)), comparable(kubernetesObjects(component)));
    });
});
