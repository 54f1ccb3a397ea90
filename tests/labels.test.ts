// Kubernetes' recommended labels on every object: name and instance (the selector pair, never
// changed), component, part-of, managed-by, and version where an image tag names a release.
import * as assert from "assert";
import { imageVersion } from "../sdk/settings/images";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { objectsOf } from "./support/objects";

/** Kubernetes' common labels: `name` the application, `part-of` only where the package knows the higher-level application (the WAF's own objects). */
const recommended = (instance: string, name: string, component: string, version?: string, partOf?: string) => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": component,
    ...(version ? { "app.kubernetes.io/version": version } : {}),
    ...(partOf ? { "app.kubernetes.io/part-of": partOf } : {}),
    "app.kubernetes.io/managed-by": "pulumi",
});

describe("recommended labels", () => {
    it("take the version from a release tag, never from latest, a digest or a tag no label may hold", () => {
        assert.strictEqual(imageVersion("registry.example.com:5000/team/shop:2.4.1"), "2.4.1");
        assert.strictEqual(imageVersion("signalsciences/sigsci-agent:4.84.0"), "4.84.0");
        assert.strictEqual(imageVersion("envoyproxy/envoy:v1.39.5"), "v1.39.5");
        assert.strictEqual(imageVersion("signalsciences/sigsci-agent:latest"), undefined);
        assert.strictEqual(imageVersion("signalsciences/sigsci-agent"), undefined);
        assert.strictEqual(imageVersion("registry.example.com:5000/shop"), undefined, "a registry port is not a tag");
        assert.strictEqual(imageVersion(`shop:2.4.1@sha256:${"a".repeat(64)}`), undefined);
        assert.strictEqual(imageVersion(`shop:${"1".repeat(64)}`), undefined, "longer than a label value's 63 characters");
        assert.strictEqual(imageVersion("shop:_build"), undefined, "a label value starts with a letter or digit");
    });

    it("label every object of an app with the app's version, and every object of its agent Service with the agent's", () => {
        const objects = objectsOf([
            {
                component: "EnvoyApp",
                name: "shop",
                args: guideArgs({ app: { image: "registry.example.com/shop:2.4.1" }, agentService: { create: { agent: { image: "signalsciences/sigsci-agent:4.84.0" } } } }),
            },
        ]);
        const own = (o: any) => o.metadata.labels["app.kubernetes.io/name"] === "sigsci-agent";
        assert.ok(objects.filter(own).length >= 4 && objects.filter((o) => !own(o)).length >= 4);
        for (const o of objects) {
            const expected = own(o) ? recommended("shop-agent", "sigsci-agent", "agent", "4.84.0", "sigsci-envoy") : recommended("shop", "shop", "envoy-app", "2.4.1");
            const { ["sigsci-envoy/agent-service"]: _client, ...labels } = o.metadata.labels;
            assert.deepStrictEqual(labels, expected, `${o.kind} ${o.metadata.name}`);
            if (o.kind === "Deployment") {
                // The pods carry them too; the selector keeps only a stable pair (an app's: instance and
                // component, which its 0.2.0 pods carried too; the agents': name and instance), so a new version rolls the pods and orphans none.
                assert.deepStrictEqual(
                    o.spec.selector.matchLabels,
                    own(o)
                        ? { "app.kubernetes.io/name": "sigsci-agent", "app.kubernetes.io/instance": "shop-agent" }
                        : { "app.kubernetes.io/instance": "shop", "app.kubernetes.io/component": "envoy-app" },
                );
                for (const [k, v] of Object.entries(expected)) assert.strictEqual(o.spec.template.metadata.labels[k], v, `${o.metadata.name} pod ${k}`);
            }
        }
    });

    it("leave an app's part-of to the user, and refuse it where the package sets it", () => {
        const objects = objectsOf([{ component: "EnvoyApp", name: "shop", args: guideArgs({ labels: { "app.kubernetes.io/part-of": "storefront" } }) }]);
        for (const o of objects) assert.strictEqual(o.metadata.labels["app.kubernetes.io/part-of"], "storefront", `${o.kind} ${o.metadata.name}`);
        assert.throws(() => objectsOf([{ component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, labels: { "app.kubernetes.io/part-of": "storefront" } } }]), {
            message: 'sigsci-envoy: invalid "labels.app.kubernetes.io/part-of": got "storefront"; expected a label the component does not set itself (it sets app.kubernetes.io/part-of)',
        });
    });

    it("label a standalone agent Service as the agent component, without a version for latest", () => {
        for (const o of objectsOf([{ component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS } }])) {
            assert.deepStrictEqual(o.metadata.labels, recommended("agents", "sigsci-agent", "agent", undefined, "sigsci-envoy"), `${o.kind} ${o.metadata.name}`);
        }
    });
});
