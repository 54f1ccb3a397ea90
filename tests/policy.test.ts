// The policy pack (policy/): each policy passes on the objects of every layout, integration,
// scenario and committed stack, fails with the exact message on planted faults, judges the
// guide's own YAML, and can judge a preview whose provider-picked names are still unknown.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "./support/scratch";
import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { loadAll } from "js-yaml";
import { POLICIES } from "../policy/policies";
import { applyRules } from "../sdk/pack";
import { judgeStack, kubernetesKind } from "../policy/resources";
import { REPO } from "../tools/paths";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { GATEWAY_FIXTURE, ISTIO_NAMESPACE_FIXTURE, LAYOUT_SCENARIOS, SCENARIOS, Spec } from "../tools/scenarios";
import { objectsOf } from "./support/objects";
import { renderedStack } from "./support/stacks";
import { clusterOf, container, copy, editEnvoyConfig, find, hcmOf } from "./support/traffic-fixtures";

// The sentinel the policy SDK puts where a value is unknown in a preview.
const UNKNOWN_STRING: string = require("@pulumi/policy/proxy").unknownStringValue;

const typeOf = (o: any) => `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;

/** What the policy SDK hands a policy for each object: props behind its unknown-checking proxy. */
function resourcesOf(objects: any[], deps: (o: any) => Record<string, any[] | undefined> = () => ({})): PolicyResource[] {
    const resources = objects.map((o) => ({
        type: typeOf(o),
        props: unknownCheckingProxy(copy(o)),
        urn: `urn:pulumi:test::p::${typeOf(o)}::${o.metadata.name}`,
        name: o.metadata.name,
        opts: {} as any,
        dependencies: [],
        propertyDependencies: {} as Record<string, PolicyResource[]>,
    })) as any[];
    objects.forEach((o, i) => {
        for (const [key, targets] of Object.entries(deps(o))) resources[i].propertyDependencies[key] = (targets ?? []).map((t) => resources[objects.indexOf(t)]);
    });
    return resources;
}

/** Every policy's violations over `objects`, by policy name. */
function violations(objects: any[], config: Record<string, Record<string, unknown>> = {}, resources = resourcesOf(objects)): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of POLICIES) {
        const found: string[] = [];
        const report: ReportViolation = (message: string) => found.push(message);
        if ("validateStack" in p) (p as StackValidationPolicy).validateStack({ resources, getConfig: () => config[p.name] ?? {} } as any, report);
        else
            for (const r of resources)
                ((p as ResourceValidationPolicy).validateResource as (args: any, report: ReportViolation) => void)(
                    { ...r, stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig: () => config[p.name] ?? {}, notApplicable: () => undefined } as any,
                    report,
                );
        if (found.length > 0) out[p.name] = found;
    }
    return out;
}

const GUIDE = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }]);

describe("policy pack: the policies", () => {
    it("have unique names, descriptions, and the enforcement levels docs/policy-pack.md lists", () => {
        assert.deepStrictEqual(
            POLICIES.map((p) => [p.name, p.enforcementLevel]),
            [
                ["waf-coverage", "mandatory"],
                ["waf-coverage-verifiable", "advisory"],
                ["envoy-admin-loopback", "mandatory"],
                ["envoy-fail-closed", "mandatory"],
                ["sigsci-agent-credentials", "mandatory"],
                ["sigsci-agent-filesystem", "mandatory"],
                ["sigsci-agent-shutdown", "mandatory"],
                ["sigsci-agent-image-pull", "advisory"],
                ["sigsci-agent-resources", "advisory"],
                ["sigsci-agent-keys-not-in-configmaps", "mandatory"],
            ],
        );
        for (const p of POLICIES) assert.ok(p.description.length > 40, p.name);
        const readme = fs.readFileSync(path.join(REPO, "docs/policy-pack.md"), "utf8");
        for (const p of POLICIES) assert.ok(readme.includes(`| [\`${p.name}\`](#${p.name}) | ${p.enforcementLevel} |`), `docs/policy-pack.md lists ${p.name}`);
    });

    it("carry the metadata Pulumi Cloud shows: a severity, remediation steps, tags, and a url to the rule's own section of docs/policy-pack.md", () => {
        const page = fs.readFileSync(path.join(REPO, "docs/policy-pack.md"), "utf8");
        const homepage: string = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).homepage;
        for (const p of POLICIES) {
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity!), p.name);
            assert.ok(p.remediationSteps!.length > 40, p.name);
            assert.ok(p.tags!.length > 0 && p.tags!.every((t) => /^[a-z-]+$/.test(t)), p.name);
            assert.strictEqual(p.url, `${homepage}/blob/main/docs/policy-pack.md#${p.name}`);
            assert.ok(page.includes(`\n### ${p.name}\n`), `docs/policy-pack.md has a section ${p.name}`);
        }
        // The fail-open and leaked-key rules are the worst a WAF can have.
        assert.deepStrictEqual(
            POLICIES.filter((p) => p.severity === "critical").map((p) => p.name),
            ["waf-coverage", "sigsci-agent-credentials", "sigsci-agent-keys-not-in-configmaps"],
        );
    });

    it("publish as they are: the pack bundles the package's checks, and needs only the dependencies policy/package.json lists (no path)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "policy/package.json"), "utf8"));
        assert.deepStrictEqual(Object.keys(pkg.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
        for (const spec of Object.values(pkg.dependencies) as string[]) assert.match(spec, /^\^\d+\.\d+\.\d+$/);
        assert.deepStrictEqual(pkg.files, ["PulumiPolicy.yaml", "bin/index.js"]);
        const { bundlePolicy } = require(path.join(REPO, "tools/bundle-policy.js"));
        const out = path.join(scratchDir("policy-bundle"), "bin", "index.js");
        const meta = bundlePolicy(out);
        const imports = Object.values(meta.outputs as Record<string, { imports: { path: string; external?: boolean }[] }>).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
        const outside = imports.filter((i) => !require("module").builtinModules.includes(i.replace(/^node:/, "")));
        assert.deepStrictEqual([...new Set(outside)].sort(), ["@pulumi/policy"]);
        // The package's own checks are inside it.
        assert.ok(Object.keys(meta.inputs).some((i) => i.startsWith("sdk/traffic/")));
    });

    for (const [name, spec] of Object.entries(SCENARIOS)) {
        it(`all pass on the components' objects: ${name}`, () => assert.deepStrictEqual(violations(objectsOf(spec)), {}));
    }

    for (const stack of ["dev", "prod", "staging"]) {
        it(`all pass on the committed stack ${stack}, credentials Secret included`, async () => assert.deepStrictEqual(violations((await renderedStack(stack)).objects), {}));
    }

    it("waf-coverage cannot pass the committed gateway stack alone (its Gateway is another stack's), and passes it with the Gateway and routes", async () => {
        const objects = (await renderedStack("gateway")).objects;
        assert.deepStrictEqual(violations(objects), {
            "waf-coverage": [
                "EnvoyExtensionPolicy shop/sigsci-waf: EnvoyExtensionPolicy shop/sigsci-waf attaches to Gateway shop/eg, which is not among the objects: whether its requests are inspected cannot be verified; verify the policy together with the Gateway and its routes (sigsci-envoy verify) [envoy-unverifiable]",
            ],
        });
        assert.deepStrictEqual(violations([...objects, ...GATEWAY_FIXTURE]), {});
        // Declared another stack's, that Gateway is not judged here; any other target still is.
        assert.deepStrictEqual(violations(objects, { "waf-coverage": { targetsElsewhere: ["Gateway shop/eg"] } }), {});
        assert.deepStrictEqual(Object.keys(violations(objects, { "waf-coverage": { targetsElsewhere: ["Gateway shop/other", "HTTPRoute shop/eg"] } })), ["waf-coverage"]);
    });

    it("all pass on a stack mixing the three layouts: Envoy sidecar, Envoy Gateway and Istio", () => assert.deepStrictEqual(violations(mixedStack()), {}));

    it("waf-coverage cannot pass the committed mesh stack alone (its namespace is the cluster's), and passes it with the namespace's labels declared", async () => {
        const objects = (await renderedStack("mesh")).objects;
        const injection =
            'Deployment shop/helloworld: whether Istio injects its proxy into the pods of Deployment shop/helloworld, which EnvoyFilter shop/helloworld patches, cannot be verified: its pods ask for it, but namespace shop is not among the objects, and labelled istio-injection with any value but "enabled" it turns injection off; include the Namespace (or declare its labels: the policy pack\'s namespaceLabels) [workload-unverifiable]';
        assert.deepStrictEqual(violations(objects), { "waf-coverage": [injection] });
        assert.deepStrictEqual(violations([...objects, ...copy(ISTIO_NAMESPACE_FIXTURE)]), {});
        // Declared another stack's (or kubectl's), with the labels it has there.
        assert.deepStrictEqual(violations(objects, { "waf-coverage": { namespaceLabels: { shop: {} } } }), {});
        assert.deepStrictEqual(violations(objects, { "waf-coverage": { namespaceLabels: { shop: { "istio-injection": "enabled" } } } }), {});
        assert.deepStrictEqual(violations(objects, { "waf-coverage": { namespaceLabels: { shop: { "istio-injection": "disabled" } } } }), {
            "waf-coverage": [
                "Deployment shop/helloworld: EnvoyFilter shop/helloworld selects Deployment shop/helloworld, but its pods get no istio-proxy (namespace shop is labelled istio-injection: disabled): nothing inspects their requests [listener-uninspected]",
            ],
        });
        // Another namespace declared changes nothing here; a Namespace of the stack's own is read as it is, whatever is declared.
        assert.deepStrictEqual(violations(objects, { "waf-coverage": { namespaceLabels: { blog: {} } } }), { "waf-coverage": [injection] });
        const own = [...objects, { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "istio-injection": "disabled" } } }];
        assert.deepStrictEqual(Object.keys(violations(own, { "waf-coverage": { namespaceLabels: { shop: {} } } })), ["waf-coverage"]);
    });

    it("reads waf-coverage's namespaceLabels in every stack rule, as sigsci-envoy verify does", () => {
        // The pack's order: waf-coverage first, where the declaration is recorded for the rules after it.
        assert.strictEqual(POLICIES[0].name, "waf-coverage");
        const objects = objectsOf(LAYOUT_SCENARIOS["istio-app"]);
        const failClosed = { "envoy-fail-closed": { namespaces: ["shop"] } };
        const config = { "waf-coverage": { namespaceLabels: { shop: {} } }, ...failClosed };
        // Declared: the Istio app's path is followed, and its fail-open ext_proc breaks envoy-fail-closed.
        const pack = violations(objects, config);
        assert.deepStrictEqual(Object.keys(pack), ["envoy-fail-closed"]);
        const cli = applyRules(objects, config).violations.filter((v) => v.findings.length > 0);
        assert.deepStrictEqual(
            cli.map((v) => v.rule),
            Object.keys(pack),
        );
        // Undeclared: the path cannot be verified, and waf-coverage says so.
        assert.deepStrictEqual(Object.keys(violations(objects, failClosed)), ["waf-coverage"]);
    });

    it("judges a stack once for all its stack policies, though the policy SDK hands each its own copy of the resources", () => {
        const objects = objectsOf(SCENARIOS["sidecar-ext-authz"]);
        const first = judgeStack(resourcesOf(objects));
        assert.strictEqual(judgeStack(resourcesOf(copy(objects))), first);
        // Other objects, or other declared namespaces, are another judgement.
        const changed = copy(objects);
        find(changed, "Deployment", "helloworld").spec.replicas = 3;
        assert.notStrictEqual(judgeStack(resourcesOf(changed)), first);
        const declared = judgeStack(resourcesOf(objects), { shop: {} });
        assert.notStrictEqual(declared, first);
        assert.ok(declared.objects.some((o) => o.kind === "Namespace" && o.metadata?.name === "shop"));
    });

    it("reads only Kubernetes resources, by their type tokens", () => {
        assert.deepStrictEqual(kubernetesKind("kubernetes:apps/v1:Deployment"), { apiVersion: "apps/v1", kind: "Deployment" });
        assert.deepStrictEqual(kubernetesKind("kubernetes:core/v1:ConfigMap"), { apiVersion: "v1", kind: "ConfigMap" });
        assert.deepStrictEqual(kubernetesKind("kubernetes:networking.k8s.io/v1:NetworkPolicy"), { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" });
        for (const t of [
            "kubernetes:yaml/v2:ConfigGroup",
            "kubernetes:yaml:ConfigFile",
            "kubernetes:helm.sh/v3:Release",
            "pulumi:providers:kubernetes",
            "sigsci-envoy:index:EnvoyApp",
            "aws:s3/bucket:Bucket",
        ])
            assert.strictEqual(kubernetesKind(t), undefined, t);
    });
});

/** One stack of all three of Fastly's layouts: the guide's sidecar app, a GatewayWaf on Gateway shop/eg (with its routes), and an Istio app (with its namespace). */
function mixedStack(): any[] {
    const spec: Spec = [...SCENARIOS["sidecar-ext-authz"], ...LAYOUT_SCENARIOS["gateway-waf"], ...LAYOUT_SCENARIOS["istio-app"]];
    return [...objectsOf(spec), ...copy(GATEWAY_FIXTURE), ...copy(ISTIO_NAMESPACE_FIXTURE)];
}

describe("policy pack: planted faults in a stack of the three layouts fail waf-coverage", () => {
    const FAULTS: [string, (o: any[]) => void, string[]][] = [
        [
            "an Istio app whose EnvoyFilter is gone",
            (o) => o.splice(o.indexOf(find(o, "EnvoyFilter", "shop")), 1),
            [
                "Deployment shop/shop: agent container sigsci-agent listens on the pod's loopback (127.0.0.1:9999), which only its own pod reaches, but nothing in the pod calls it: no Envoy container, and no EnvoyFilter puts an inspection filter into Istio's sidecar for these pods; the requests of the app beside it are not inspected [listener-uninspected]",
            ],
        ],
        [
            "a Gateway policy without extProc",
            (o) => delete find(o, "EnvoyExtensionPolicy", "waf").spec.extProc,
            [
                "Gateway shop/eg: listener http (0.0.0.0:80) of Gateway shop/eg forwards HTTPRoute shop/web rule 0 uninspected: EnvoyExtensionPolicy shop/waf, the most specific policy for it, has no extProc [listener-uninspected]",
                "Gateway shop/eg: listener http (0.0.0.0:80) of Gateway shop/eg forwards HTTPRoute blog/blog rule 0 uninspected: EnvoyExtensionPolicy shop/waf, the most specific policy for it, has no extProc [listener-uninspected]",
            ],
        ],
    ];
    for (const [fault, plant, expected] of FAULTS) {
        it(`fails on ${fault}`, () => {
            const planted = mixedStack();
            plant(planted);
            assert.deepStrictEqual(violations(planted)["waf-coverage"], expected);
        });
    }
});

describe("policy pack: planted faults fail with the object and the fix", () => {
    const agentOf = (o: any[]) => container(find(o, "Deployment", "helloworld"), "sigsci-agent");
    const FAULTS: [string, (o: any[]) => void, Record<string, string[]>][] = [
        [
            "a literal agent key (its value never shown)",
            (o) => (
                (agentOf(o).env.find((e: any) => e.name === "SIGSCI_ACCESSKEYID").valueFrom = undefined),
                (agentOf(o).env.find((e: any) => e.name === "SIGSCI_ACCESSKEYID").value = "AKID-LITERAL-0123456789")
            ),
            {
                "sigsci-agent-credentials": [
                    "Deployment default/helloworld: container sigsci-agent: SIGSCI_ACCESSKEYID is a literal value, so the agent key stands in plain text in the manifest and in every copy of it; read it from a Secret (valueFrom.secretKeyRef, as the guide shows) [agent-key-literal]",
                ],
            },
        ],
        [
            "a missing preStop",
            (o) => delete agentOf(o).lifecycle,
            {
                // One defect, one report: the traffic model finds it too, with the same finding, and leaves it to this policy.
                "sigsci-agent-shutdown": [
                    'Deployment default/helloworld: container sigsci-agent: no preStop sleep, so the agent stops at once while Envoy still sends it requests; add lifecycle.preStop.exec.command ["sleep", "30"] (the guide) [agent-no-prestop]',
                ],
            },
        ],
        [
            "a grace period shorter than the agent's preStop",
            (o) => (find(o, "Deployment", "helloworld").spec.template.spec.terminationGracePeriodSeconds = 25),
            {
                "sigsci-agent-shutdown": [
                    "Deployment default/helloworld: container sigsci-agent: its preStop sleeps 30 s but the pod's terminationGracePeriodSeconds is 25, so it is killed before its drain ends; give the pod more than 30 s [agent-grace-short]",
                ],
            },
        ],
        [
            "a writable root filesystem",
            (o) => (agentOf(o).securityContext.readOnlyRootFilesystem = false),
            {
                "sigsci-agent-filesystem": [
                    "Deployment default/helloworld: container sigsci-agent: its root filesystem is writable; set securityContext.readOnlyRootFilesystem: true, with an emptyDir mounted at /sigsci/tmp for the agent's temporary files (the guide) [agent-root-writable]",
                ],
            },
        ],
        [
            "Envoy's admin interface on 0.0.0.0",
            (o) => editEnvoyConfig(o, undefined, (c) => (c.admin.address.socket_address.address = "0.0.0.0")),
            {
                "envoy-admin-loopback": [
                    "Deployment default/helloworld: Envoy's admin interface listens on 0.0.0.0:9901, reachable on the pod's address: anyone who reaches it can reconfigure or stop Envoy; bind it to 127.0.0.1 [admin-exposed]",
                ],
            },
        ],
        [
            "an unreachable agent",
            (o) => (agentOf(o).env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS").value = "127.0.0.1:9998"),
            {
                "waf-coverage": [
                    "Deployment default/helloworld: ext_authz on listener front (0.0.0.0:8000) dials 127.0.0.1:9999 in the pod, but no agent container listens there (SIGSCI_ENVOY_GRPC_ADDRESS: 127.0.0.1:9998) [agent-not-listening]",
                ],
            },
        ],
        [
            "a NetworkPolicy that lets traffic bypass Envoy",
            (o) => delete find(o, "NetworkPolicy", "helloworld").spec.ingress[0].ports,
            {
                "waf-coverage": ["Deployment default/helloworld: NetworkPolicy default/helloworld admits the app's port 8080, around Envoy: admit only Envoy's listener port [app-bypass]"],
            },
        ],
        [
            "an agent key in a ConfigMap",
            (o) => o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "agent-env", namespace: "default" }, data: { accesskeyid: "AKID-IN-A-CONFIGMAP" } }),
            {
                "sigsci-agent-keys-not-in-configmaps": [
                    "ConfigMap default/agent-env: data key accesskeyid holds an agent key, readable by anyone who may read ConfigMaps; keep the keys in a Secret (accesskeyid and secretaccesskey, the guide) and rotate these [agent-keys-in-configmap]",
                ],
            },
        ],
        [
            "an agent key read from a ConfigMap key",
            (o) => (agentOf(o).env.find((e: any) => e.name === "SIGSCI_SECRETACCESSKEY").valueFrom = { configMapKeyRef: { name: "agent-env", key: "secret" } }),
            {
                "sigsci-agent-credentials": [
                    "Deployment default/helloworld: container sigsci-agent: SIGSCI_SECRETACCESSKEY is read from ConfigMap agent-env (key secret), whose data is plain text to anyone who may read ConfigMaps; read it from a Secret (valueFrom.secretKeyRef, as the guide shows) [agent-key-literal]",
                ],
            },
        ],
        [
            "an agent key as a flag",
            (o) => (agentOf(o).args = ["--secretaccesskey=FLAG-SECRET-0123456789"]),
            {
                "sigsci-agent-credentials": [
                    "Deployment default/helloworld: container sigsci-agent: the agent key is given on its command line (--secretaccesskey), in plain text in the manifest; read it from a Secret into SIGSCI_SECRETACCESSKEY (valueFrom.secretKeyRef, as the guide shows) [agent-key-literal]",
                ],
            },
        ],
        [
            "agent keys in an agent.conf in a ConfigMap's binaryData",
            (o) =>
                o.push({
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "agent-conf", namespace: "default" },
                    binaryData: { "agent.conf": Buffer.from('accesskeyid = "AKID-IN-AGENT-CONF"\n').toString("base64") },
                }),
            {
                "sigsci-agent-keys-not-in-configmaps": [
                    "ConfigMap default/agent-conf: data key agent.conf holds an agent key, readable by anyone who may read ConfigMaps; keep the keys in a Secret (accesskeyid and secretaccesskey, the guide) and rotate these [agent-keys-in-configmap]",
                ],
            },
        ],
        [
            "agent keys for envFrom in a ConfigMap",
            (o) => o.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "agent-env", namespace: "default" }, data: { SIGSCI_ACCESSKEYID: "AKID-FOR-ENVFROM" } }),
            {
                "sigsci-agent-keys-not-in-configmaps": [
                    "ConfigMap default/agent-env: data key SIGSCI_ACCESSKEYID holds an agent key, readable by anyone who may read ConfigMaps; keep the keys in a Secret (accesskeyid and secretaccesskey, the guide) and rotate these [agent-keys-in-configmap]",
                ],
            },
        ],
        [
            "a DeploymentPatch over the judged Deployment",
            (o) => o.push({ apiVersion: "apps/v1", kind: "DeploymentPatch", metadata: { name: "helloworld", namespace: "default" }, spec: { replicas: 3 } }),
            {
                "waf-coverage": [
                    "DeploymentPatch default/helloworld: a DeploymentPatch rewrites Deployment default/helloworld after it is applied, so what the model judges may not be what runs; fold the change into the object itself [patch-unverifiable]",
                ],
            },
        ],
        [
            "latest pulled IfNotPresent, and no requests",
            (o) => {
                agentOf(o).imagePullPolicy = "IfNotPresent";
                delete agentOf(o).resources.requests;
            },
            {
                "sigsci-agent-image-pull": [
                    "Deployment default/helloworld: container sigsci-agent: image signalsciences/sigsci-agent:latest with imagePullPolicy IfNotPresent: each node keeps the first latest it pulled, so agents differ and never update; use Always (or Never with a manually updated image), or pin a version with IfNotPresent (the guide) [agent-pull-policy]",
                ],
                "sigsci-agent-resources": [
                    "Deployment default/helloworld: container sigsci-agent: no cpu or memory request, so the scheduler may place it where it cannot get them and it is evicted first under pressure; request what it needs (Fastly suggests a full core and 512Mi to start, then load-testing) [agent-no-requests]",
                ],
            },
        ],
        [
            "an Envoy route with inspection turned off",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    hcmOf(c, "front").route_config.virtual_hosts[0].routes[0].typed_per_filter_config = {
                        "envoy.filters.http.ext_authz": { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute", disabled: true },
                    };
                }),
            {
                "waf-coverage": [
                    "Deployment default/helloworld: listener front (0.0.0.0:8000) forwards prefix / (virtual host app) to cluster app uninspected: envoy.filters.http.ext_authz is turned off for this route [listener-uninspected]",
                ],
            },
        ],
    ];
    for (const [name, plant, expected] of FAULTS) {
        it(name, () => {
            const objects = copy(GUIDE);
            plant(objects);
            const found = violations(objects);
            assert.deepStrictEqual(found, expected);
            assert.ok(!JSON.stringify(found).includes("AKID-"), "no key value in a message");
        });
    }

    it("envoy-fail-closed holds the namespaces its config lists, and only those", () => {
        const config = { "envoy-fail-closed": { namespaces: ["default"] } };
        assert.deepStrictEqual(violations(GUIDE, config), {
            "envoy-fail-closed": [
                "Deployment default/helloworld: ext_authz on listener front 0.0.0.0:8000 fails open (failure_mode_allow: true): when no agent answers, requests reach the app uninspected, and namespace default requires fail-closed; set failure_mode_allow: false (inspection.failOpen: false) [inspection-fail-open]",
            ],
        });
        assert.deepStrictEqual(violations(GUIDE, { "envoy-fail-closed": { namespaces: ["payments"] } }), {});
        assert.deepStrictEqual(violations(objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ inspection: { failOpen: false } }) }]), config), {});
    });

    it("refuse a setting a rule does not have, or of another type, naming the rule, the setting, the value and what is accepted", () => {
        // Pulumi validates the settings' types by the configSchema, not their names: the policies refuse both themselves.
        for (const p of POLICIES) {
            const schema = (p as StackValidationPolicy).configSchema as any;
            assert.ok(schema === undefined || schema.additionalProperties === false, p.name);
        }
        const refused: [Record<string, Record<string, unknown>>, string][] = [
            [
                { "envoy-fail-closed": { namespace: ["default"] } },
                'the policy pack config: envoy-fail-closed: setting "namespace" is ["default"]: expected one of envoy-fail-closed\'s settings (namespaces) or enforcementLevel: did you mean "namespaces"?',
            ],
            [{ "envoy-fail-closed": { namespaces: "default" } }, 'the policy pack config: envoy-fail-closed: setting "namespaces" is "default": expected a list of strings'],
            [
                { "waf-coverage": { exemptNamespace: ["edge"], targetsElsewhere: "Gateway shop/eg" } },
                'the policy pack config: waf-coverage: setting "exemptNamespace" is ["edge"]: expected one of waf-coverage\'s settings (exemptNamespaces, targetsElsewhere, namespaceLabels) or enforcementLevel: did you mean "exemptNamespaces"?; waf-coverage: setting "targetsElsewhere" is "Gateway shop/eg": expected a list of strings',
            ],
            [
                { "waf-coverage": { namespaceLabels: { shop: { "istio-injection": true } } } },
                'the policy pack config: waf-coverage: setting "namespaceLabels" is {"shop":{"istio-injection":true}}: expected an object of names to objects of strings',
            ],
            [{ "waf-coverage": { namespaceLabels: ["shop"] } }, 'the policy pack config: waf-coverage: setting "namespaceLabels" is ["shop"]: expected an object of names to objects of strings'],
            [
                { "sigsci-agent-resources": { cpu: "1" } },
                'the policy pack config: sigsci-agent-resources: setting "cpu" is "1": expected no setting (sigsci-agent-resources has none; only enforcementLevel)',
            ],
        ];
        for (const [config, message] of refused) assert.throws(() => violations(GUIDE, config), { message }, JSON.stringify(config));
        // Pulumi's own key beside the settings is no setting of the rule's.
        assert.deepStrictEqual(Object.keys(violations(GUIDE, { "envoy-fail-closed": { namespaces: ["default"], enforcementLevel: "mandatory" } })), ["envoy-fail-closed"]);
    });

    it("waf-coverage leaves out the namespaces its config exempts, and only those", () => {
        const objects = copy(GUIDE);
        delete find(objects, "NetworkPolicy", "helloworld").spec.ingress[0].ports;
        assert.deepStrictEqual(Object.keys(violations(objects, { "waf-coverage": { exemptNamespaces: ["edge"] } })), ["waf-coverage"]);
        assert.deepStrictEqual(violations(objects, { "waf-coverage": { exemptNamespaces: ["default"] } }), {});
    });
});

describe("policy pack: the guide's own YAML, loaded as plain resources", () => {
    const objects = loadAll(fs.readFileSync(path.join(REPO, "tests/fixtures/guide-kubernetes-envoy.yaml"), "utf8")) as any[];

    it("finds what the guide's example leaves out, and cannot vouch for an Envoy config baked into an image", () => {
        const agent = "Deployment default/helloworld: container sigsci-agent";
        assert.deepStrictEqual(violations(objects), {
            // What cannot be verified is not covered: mandatory, like a proven gap.
            "waf-coverage": [
                "Deployment default/helloworld: container envoy-frontproxy runs Envoy with /etc/envoy/envoy.yaml, which no ConfigMap or Secret among the objects provides (it may be baked into the image): its inspection path cannot be verified; mount the bootstrap from a ConfigMap or Secret among the objects [envoy-config-unreadable]",
            ],
            // The example defines the sigsci-tmp volume but mounts it in no container.
            "sigsci-agent-filesystem": [
                `${agent}: its root filesystem is read-only but nothing writable is mounted at /sigsci/tmp, where the agent writes its RPC socket and cache; mount an emptyDir there (the guide's sigsci-tmp) [agent-tmp-missing]`,
            ],
            // The guide advises preStop sleep 30 in its text, not in the example.
            "sigsci-agent-shutdown": [
                `${agent}: no preStop sleep, so the agent stops at once while Envoy still sends it requests; add lifecycle.preStop.exec.command ["sleep", "30"] (the guide) [agent-no-prestop]`,
            ],
            // The example pulls latest IfNotPresent, which the guide's own text warns leaves agents stagnant.
            "sigsci-agent-image-pull": [
                `${agent}: image signalsciences/sigsci-agent:latest with imagePullPolicy IfNotPresent: each node keeps the first latest it pulled, so agents differ and never update; use Always (or Never with a manually updated image), or pin a version with IfNotPresent (the guide) [agent-pull-policy]`,
            ],
            "sigsci-agent-resources": [
                `${agent}: no cpu or memory request, so the scheduler may place it where it cannot get them and it is evicted first under pressure; request what it needs (Fastly suggests a full core and 512Mi to start, then load-testing) [agent-no-requests]`,
            ],
        });
    });

    it("keeps the credentials the guide's way: from its Secret, not in a ConfigMap", () => {
        const found = violations(objects);
        assert.strictEqual(found["sigsci-agent-credentials"], undefined);
        assert.strictEqual(found["sigsci-agent-keys-not-in-configmaps"], undefined);
    });
});

describe("policy pack: a preview, with names a provider picks at creation still unknown", () => {
    /** The guide's objects as a first preview sees them: the auto-named ConfigMap and Secret, and every reference to them, unknown. */
    function preview(extraConfigMap = false) {
        const objects = copy(GUIDE);
        const cm = find(objects, "ConfigMap", "*");
        const secret = find(objects, "Secret", "*");
        const deployment = find(objects, "Deployment", "helloworld");
        cm.metadata.name = UNKNOWN_STRING;
        secret.metadata.name = UNKNOWN_STRING;
        deployment.spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name = UNKNOWN_STRING;
        for (const e of container(deployment, "sigsci-agent").env) if (e.valueFrom?.secretKeyRef) e.valueFrom.secretKeyRef.name = UNKNOWN_STRING;
        const other = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other", namespace: "default" }, data: { a: "b" } };
        if (extraConfigMap) objects.push(other);
        const resources = resourcesOf(objects, (o) => (o === deployment ? { spec: extraConfigMap ? [cm, secret, other] : [cm, secret] } : {}));
        return { objects, resources };
    }

    it("follows each unknown reference to the one ConfigMap or Secret it depends on, and judges the stack", () => {
        const { objects, resources } = preview();
        assert.deepStrictEqual(violations(objects, {}, resources), {});
        // A fault is still found through the resolved reference.
        const broken = preview();
        const cm = broken.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
        const config = JSON.parse((cm.props as any).data["envoy.json"]);
        clusterOf(config, "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = 9998;
        const edited = copy(broken.objects);
        find(edited, "ConfigMap", "*").data["envoy.json"] = JSON.stringify(config);
        const deployment = find(edited, "Deployment", "helloworld");
        const resources2 = resourcesOf(edited, (o) => (o === deployment ? { spec: [find(edited, "ConfigMap", "*"), find(edited, "Secret", "*")] } : {}));
        assert.deepStrictEqual(Object.keys(violations(edited, {}, resources2)), ["waf-coverage"]);
    });

    it("says it cannot judge when a reference could name several objects (advisory, from the SDK), naming the object, never passes on a guess", () => {
        const { resources } = preview(true);
        const p = POLICIES.find((x) => x.name === "waf-coverage") as StackValidationPolicy;
        assert.throws(
            () => p.validateStack({ resources, getConfig: () => ({}) } as any, () => assert.fail("no verdict on a guess")),
            (e: unknown) =>
                e instanceof UnknownValueError && (e as Error).message === "Deployment default/helloworld: string value at .spec.template.spec.volumes.0.configMap.name can't be known during preview",
        );
    });

    it("is not held up by unknown values no check reads, and reports a known violation whatever else is unknown", () => {
        const { objects, resources } = preview();
        const waf = POLICIES.find((x) => x.name === "waf-coverage") as StackValidationPolicy;
        const judge = (rs: PolicyResource[]) => {
            const found: string[] = [];
            let held: string | undefined;
            try {
                waf.validateStack({ resources: rs, getConfig: () => ({}) } as any, (m: string) => found.push(m));
            } catch (e) {
                if (!(e instanceof UnknownValueError)) throw e;
                held = (e as Error).message;
            }
            return { found, held };
        };
        // A build-id annotation and a label on the NetworkPolicy: values no check reads.
        const noisy = copy(objects);
        find(noisy, "Deployment", "helloworld").metadata.annotations = { "build-id": UNKNOWN_STRING };
        const np = find(noisy, "NetworkPolicy", "helloworld");
        np.metadata.labels = { ...np.metadata.labels, team: UNKNOWN_STRING };
        delete np.spec.ingress[0].ports; // a known violation: the app's port open around Envoy
        const deployment = find(noisy, "Deployment", "helloworld");
        const rs = resourcesOf(noisy, (o) => (o === deployment ? { spec: [find(noisy, "ConfigMap", "*"), find(noisy, "Secret", "*")] } : {}));
        assert.deepStrictEqual(judge(rs), {
            found: ["Deployment default/helloworld: NetworkPolicy default/helloworld admits the app's port 8080, around Envoy: admit only Envoy's listener port [app-bypass]"],
            held: undefined,
        });
        // A workload whose image is unknown may run Envoy: it alone is held back (advisory,
        // naming the value), and the known violation is still reported.
        const batch = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "batch", namespace: "jobs" },
            spec: { selector: { matchLabels: { app: "batch" } }, template: { metadata: { labels: { app: "batch" } }, spec: { containers: [{ name: "worker", image: UNKNOWN_STRING }] } } },
        };
        assert.deepStrictEqual(judge([...rs, ...resourcesOf([batch])]), {
            found: ["Deployment default/helloworld: NetworkPolicy default/helloworld admits the app's port 8080, around Envoy: admit only Envoy's listener port [app-bypass]"],
            held: "Deployment jobs/batch: string value at .spec.template.spec.containers.0.image can't be known during preview",
        });
        // The resource policies skip kinds they do not judge, whatever is unknown in them.
        const secret = resourcesOf([{ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "default" }, stringData: { accesskeyid: UNKNOWN_STRING } }]);
        assert.deepStrictEqual(violations([], {}, secret), {});
        assert.deepStrictEqual(violations(objects, {}, resources), {});
    });

    it("converts the stack into the model once per preview, for every stack policy", () => {
        const { resources } = preview();
        assert.strictEqual(judgeStack(resources), judgeStack([...resources]));
        assert.notStrictEqual(judgeStack(resources), judgeStack(resources.slice(1)));
    });

    it("names an object whose name the provider picks at creation by its resource name, in references and messages", () => {
        const { objects, resources } = preview();
        const config = { "envoy-fail-closed": { namespaces: ["default"] } };
        assert.ok(violations(objects, config, resources)["envoy-fail-closed"]);
        const cm = resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
        const keys = resourcesOf([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: UNKNOWN_STRING, namespace: "default" }, data: { accesskeyid: "AKID-0123456789" } }]);
        (keys[0] as any).name = "agent-env";
        assert.deepStrictEqual(violations([], {}, keys), {
            "sigsci-agent-keys-not-in-configmaps": [
                "ConfigMap default/agent-env-(named at creation): data key accesskeyid holds an agent key, readable by anyone who may read ConfigMaps; keep the keys in a Secret (accesskeyid and secretaccesskey, the guide) and rotate these [agent-keys-in-configmap]",
            ],
        });
        assert.ok(cm);
    });

    it("runs the resource policies over unknown references, which they do not read, and holds back on unknown values they would read", () => {
        const { objects, resources } = preview();
        assert.deepStrictEqual(violations(objects, {}, resources), {});
        const agent = copy(GUIDE);
        container(find(agent, "Deployment", "helloworld"), "sigsci-agent").securityContext.readOnlyRootFilesystem = UNKNOWN_STRING;
        const p = POLICIES.find((x) => x.name === "sigsci-agent-filesystem") as ResourceValidationPolicy;
        const [deployment] = resourcesOf([find(agent, "Deployment", "helloworld")]);
        assert.throws(() => (p.validateResource as any)({ ...deployment, getConfig: () => ({}) }, () => assert.fail("no verdict on a guess")), {
            message: "Deployment default/helloworld: string value at .spec.template.spec.containers.2.securityContext.readOnlyRootFilesystem can't be known during preview",
        });
    });
});

describe("policy pack: GUIDE_KEYS never reach a message", () => {
    it("even when a stack puts them in literal env values", () => {
        const objects = copy(GUIDE);
        for (const e of container(find(objects, "Deployment", "helloworld"), "sigsci-agent").env) {
            if (e.name === "SIGSCI_ACCESSKEYID") e.value = GUIDE_KEYS.accessKeyId;
            if (e.name === "SIGSCI_SECRETACCESSKEY") e.value = GUIDE_KEYS.secretAccessKey;
            if (e.valueFrom) delete e.valueFrom;
        }
        const text = JSON.stringify(violations(objects));
        assert.ok(text.includes("agent-key-literal"));
        assert.ok(!text.includes(GUIDE_KEYS.accessKeyId) && !text.includes(GUIDE_KEYS.secretAccessKey));
    });
});
