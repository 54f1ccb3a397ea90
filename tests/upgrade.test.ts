// Upgrading from 0.2.0: each committed stack as release 0.2.0 rendered it (tests/fixtures/
// release-0.2.0) against today's render, planned by the rules the Kubernetes provider plans
// replacements by, holds docs/upgrading.md's "Upgrading from 0.2.0 to 0.3.0" to what `pulumi up` does,
// and the zero-downtime path it gives to what the Deployment controller and Services do.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadAll } from "js-yaml";
import { REPO } from "../tools/paths";
import { renderedStack } from "./support/stacks";

/**
 * The fields whose change makes the Kubernetes provider replace an object, for the kinds the
 * stacks emit (pulumi-kubernetes provider/pkg/provider/diff.go `forceNew` at 94977969, with
 * metadata.name/namespace for every kind; a ConfigMap's data when it is not mutable, the
 * provider's default). policy/v1 PodDisruptionBudget, NetworkPolicy and HorizontalPodAutoscaler
 * have none: they are updated in place.
 */
const FORCE_NEW: Record<string, string[]> = {
    "apps/v1 Deployment": ["spec.selector"],
    "v1 Service": ["spec.clusterIP"],
    "v1 Secret": ["type", "stringData", "data"],
    "v1 ConfigMap": ["data", "binaryData"],
};

/** Objects the provider names (`<name>-<8 hex>`, a new suffix per content, as pulumi up's autonaming): identified by the name before it. */
const PROVIDER_NAMED = /^(.*)-[0-9a-f]{8}$/;

const identity = (o: any) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name.replace(PROVIDER_NAMED, "$1")}`;

/** The dotted paths where `a` and `b` differ. */
function changedPaths(a: any, b: any, at = ""): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) || Array.isArray(b)) return [at];
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k));
}

/** What `pulumi up` does to each object going from `before` to `after`. */
function plan(before: any[], after: any[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const o of before) {
        const next = after.find((n) => identity(n) === identity(o));
        if (!next) {
            out[identity(o)] = "delete";
            continue;
        }
        const named = !PROVIDER_NAMED.test(o.metadata.name);
        const strip = (x: any) => ({ ...x, metadata: { ...x.metadata, name: named ? x.metadata.name : undefined } });
        const changed = changedPaths(strip(o), strip(next));
        const forced = changed.filter((p) => (FORCE_NEW[`${o.apiVersion} ${o.kind}`] ?? []).some((f) => p === f || p.startsWith(`${f}.`)));
        // A named object must be deleted before its replacement is created (provider.go, deleteBeforeReplace); a provider-named one gets a new name first.
        out[identity(o)] =
            forced.length > 0
                ? named
                    ? `replace, deleted first (${[...new Set(forced.map((p) => p.split(".").slice(0, 2).join(".")))].join(", ")})`
                    : "replace, created first"
                : changed.length > 0
                  ? "update"
                  : "same";
    }
    for (const n of after) if (!before.some((o) => identity(o) === identity(n))) out[identity(n)] = "create";
    return out;
}

const release = (stack: string) => loadAll(fs.readFileSync(path.join(REPO, "tests/fixtures/release-0.2.0", `stack-${stack}.yaml`), "utf8")) as any[];
/** Today's objects as the 0.2.0 render wrote them: the apply stream, Secrets left out. */
const today = async (stack: string) => (await renderedStack(stack)).applyObjects;

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe("upgrading from 0.2.0", () => {
    it("replaces only each app's Deployment (its selector), deleted first; updates the rest in place; rolls the Envoy config as any config change does", async () => {
        const planned: Record<string, Record<string, string>> = {};
        for (const stack of ["dev", "prod", "staging"]) {
            const p = plan(release(stack), await today(stack));
            planned[stack] = Object.fromEntries(Object.entries(p).filter(([, what]) => what !== "update" && what !== "same"));
        }
        const selector = "replace, deleted first (spec.selector)";
        assert.deepStrictEqual(planned, {
            dev: { "ConfigMap default/helloworld-envoy-config": "replace, created first", "Deployment default/helloworld": selector },
            prod: { "ConfigMap web/helloworld-envoy-config": "replace, created first", "Deployment web/helloworld": selector },
            staging: {
                "ConfigMap shop/shop-web-envoy-config": "replace, created first",
                "Deployment shop/shop-web": selector,
                "ConfigMap shop/shop-api-envoy-config": "replace, created first",
                "Deployment shop/shop-api": selector,
                "ConfigMap blog/blog-envoy-config": "replace, created first",
                "Deployment blog/blog": selector,
                // The stack asks for monitoring since 0.2.0: created.
                ...Object.fromEntries(
                    ["shop/shop-web", "shop/shop-api", "blog/blog"].flatMap((app) => [
                        [`ConfigMap ${app}-dashboard`, "create"],
                        [`PodMonitor ${app}`, "create"],
                        [`PrometheusRule ${app}`, "create"],
                    ]),
                ),
            },
        });
        // docs/upgrading.md says so.
        const readme = fs.readFileSync(path.join(REPO, "docs/upgrading.md"), "utf8");
        assert.match(readme, /## Upgrading from 0\.2\.0 to 0\.3\.0/);
        // Its orphaning command selects exactly every app's Deployment as 0.2.0 labelled it: none left to be deleted with its pods, no agent fleet.
        const command = /kubectl delete deployment -A -l (\S+) --cascade=orphan/.exec(readme);
        assert.ok(command, "the orphaning command is in docs/upgrading.md");
        const wanted = Object.fromEntries(command![1].split(",").map((kv) => kv.split("=")));
        for (const stack of ["dev", "prod", "staging"]) {
            const deployments = release(stack).filter((o) => o.kind === "Deployment");
            const selected = deployments.filter((d) => Object.entries(wanted).every(([k, v]) => d.metadata.labels[k] === v)).map((d) => d.metadata.name);
            const apps = deployments.filter((d) => d.spec.template.spec.containers.some((c: any) => c.name === "envoy")).map((d) => d.metadata.name);
            assert.deepStrictEqual(selected, apps, stack);
            assert.ok(apps.length > 0 && deployments.length > apps.length === (stack !== "dev"), stack);
        }
    });

    it("selects the 0.2.0 pods with the new selectors, so the new Deployment adopts the orphaned ReplicaSet and the Service keeps its endpoints", async () => {
        for (const stack of ["dev", "prod", "staging"]) {
            const before = release(stack);
            for (const d of (await today(stack)).filter((o) => o.kind === "Deployment" && o.metadata.labels["app.kubernetes.io/component"] === "envoy-app")) {
                const old = before.find((o) => o.kind === "Deployment" && o.metadata.name === d.metadata.name && o.metadata.namespace === d.metadata.namespace);
                const oldPods = old.spec.template.metadata.labels;
                assert.ok(!matches(old.spec.selector.matchLabels, d.spec.template.metadata.labels), `${stack} ${d.metadata.name}: the selector did change`);
                assert.ok(matches(d.spec.selector.matchLabels, oldPods), `${stack} ${d.metadata.name}: the new Deployment selects the 0.2.0 pods`);
                const service = (await today(stack)).find((o) => o.kind === "Service" && o.metadata.name === d.metadata.name);
                assert.ok(matches(service.spec.selector, oldPods), `${stack} Service ${d.metadata.name} selects the 0.2.0 pods`);
                const policy = (await today(stack)).find((o) => o.kind === "NetworkPolicy" && o.metadata.name === d.metadata.name);
                assert.ok(matches(policy.spec.podSelector.matchLabels, oldPods), `${stack} NetworkPolicy ${d.metadata.name} still admits traffic to the 0.2.0 pods`);
            }
        }
    });
});
