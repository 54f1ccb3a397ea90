// Hardening: restricted-profile and manifest-lint checks over every layout, property-based
// checks of random configurations, a secrets audit, and the pinned identity of every child.
import * as assert from "assert";
import fc from "fast-check";
import { AgentService, EnvoyApp, InputError, verifyTraffic } from "../sdk";
import { manifestStream, redactedObjects } from "../sdk/render/manifests";
import { EXTERNAL_SECRETS, SCENARIOS, Spec, specProgram } from "../tools/scenarios";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { lintManifests, LintOptions } from "./support/manifest-lint";
import { envoyConfigOf, envoyText, objectsOf, one } from "./support/objects";
import { kubernetesObjects, plainStrings, runProgram, valueOf } from "./support/pulumi-mocks";
import { corruption, Scenario, scenario } from "./support/scenarios";

const GUIDE_LATEST = ["signalsciences/sigsci-agent:latest", "signalsciences/example-helloworld:latest"];
const lint = (objects: any[], options: LintOptions = {}) => lintManifests(objects, { latestAllowed: GUIDE_LATEST, ...options });

describe("manifest lint (restricted profile, kube-score and kube-linter checklists)", () => {
    for (const [name, spec] of Object.entries(SCENARIOS)) {
        it(`passes for ${name}`, () => {
            assert.deepStrictEqual(lint(objectsOf(spec), { externalSecrets: EXTERNAL_SECRETS[name] ?? [] }), []);
        });
    }

    it("finds what it looks for", () => {
        const broken = objectsOf(SCENARIOS["sidecar-ext-authz"]).filter((o) => o.kind !== "NetworkPolicy");
        const pod = one(broken, "Deployment").spec.template.spec;
        pod.containers[0].securityContext.readOnlyRootFilesystem = false;
        pod.containers[2].env.push({ name: "SIGSCI_SECRETACCESSKEY", value: "x" });
        delete pod.containers[1].resources.limits.memory;
        assert.deepStrictEqual(lint(broken), [
            "Deployment helloworld container envoy: root filesystem is writable",
            "Deployment helloworld container app: no memory limit",
            "Deployment helloworld container sigsci-agent: SIGSCI_SECRETACCESSKEY is a literal value",
            "Deployment helloworld: no NetworkPolicy",
        ]);
    });
});

// ---- property-based checks -------------------------------------------------------------

/** A random scenario as a program described as data: a shared agent Service first, when it has one. */
function specOf(s: Scenario): Spec {
    if (!s.shared) return [{ component: "EnvoyApp", name: s.name, args: s.args }];
    return [
        { component: "AgentService", name: "agents", args: s.shared },
        { component: "EnvoyApp", name: s.name, args: s.args, linkTo: "agents" },
    ];
}

const byName = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const sorted = (objects: any[]) => [...objects].sort((a, b) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`));

describe("random valid configurations (fast-check)", () => {
    it("always give strictly valid objects that agree with each other and pass the traffic-path verifier", () => {
        fc.assert(
            fc.property(scenario, (s) => {
                const objects = objectsOf(specOf(s));
                for (const o of objects) validateKubernetesObject(o);
                const external = [s.args.credentials?.existingSecretName, s.shared?.credentials.existingSecretName].filter((x): x is string => typeof x === "string");
                assert.deepStrictEqual(lint(objects, { externalSecrets: external, latestAllowed: [...GUIDE_LATEST] }), []);

                const deployment = byName(objects, "Deployment", s.name);
                const service = byName(objects, "Service", s.name);
                const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.labels["app.kubernetes.io/instance"] === s.name);
                validateEnvoyConfig(envoyText(configMap));
                const config = envoyConfigOf(configMap);
                // Every request reaches an agent (the traffic-path verifier: tests/traffic.test.ts).
                assert.deepStrictEqual(
                    verifyTraffic(objects).filter((f) => f.severity === "error"),
                    [],
                );
                const pod = deployment.spec.template.spec;
                const envoy = pod.containers.find((c: any) => c.name === "envoy");
                // Envoy's listener port = the container port = the Service's target port.
                const listener = config.static_resources.listeners.find((l: any) => l.name === "front");
                const containerPort = envoy.ports.find((p: any) => p.name === service.spec.ports[0].targetPort).containerPort;
                assert.strictEqual(listener.address.socket_address.port_value, containerPort);
                assert.strictEqual(containerPort, s.args.port);
                // The agent cluster's endpoint = where the agent listens.
                const endpoint = config.static_resources.clusters.find((c: any) => c.name === "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
                const sidecar = pod.containers.find((c: any) => c.name === "sigsci-agent");
                if (sidecar) {
                    // The sidecar listens on the pod's loopback only, where Envoy dials it.
                    const listen = sidecar.env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS").value;
                    assert.strictEqual(listen, `127.0.0.1:${endpoint.port_value}`);
                    assert.strictEqual(endpoint.address, "127.0.0.1");
                } else {
                    const agentService = objects.find((o) => o.kind === "Service" && `${o.metadata.name}.${o.metadata.namespace}.svc.cluster.local` === endpoint.address);
                    assert.ok(agentService, `no Service answers ${endpoint.address}`);
                    assert.strictEqual(agentService.spec.ports[0].port, endpoint.port_value);
                    const agents = objects.find((o) => o.kind === "Deployment" && o.metadata.name === agentService.metadata.name);
                    const listen = agents.spec.template.spec.containers[0].env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS").value;
                    assert.strictEqual(listen, `0.0.0.0:${endpoint.port_value}`);
                    // The agents' policy admits this app's pods.
                    const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === agents.metadata.name && o.metadata.namespace === agents.metadata.namespace);
                    const from = policy.spec.ingress[0].from[0];
                    for (const [k, v] of Object.entries(from.podSelector.matchLabels)) assert.strictEqual(deployment.spec.template.metadata.labels[k], v);
                    assert.ok(from.namespaceSelector.matchExpressions[0].values.includes(deployment.metadata.namespace));
                }
            }),
            { numRuns: 40 },
        );
    });

    // Under the Pulumi runtime: the components register exactly the objects of their plan (what
    // the rest of the suite checks without the runtime, the golden files included), and no
    // credential is ever shown in plain text.
    it("register exactly their plan's objects under the Pulumi runtime, and never show a credential", async function () {
        this.timeout(60000);
        await fc.assert(
            fc.asyncProperty(scenario, async (s) => {
                const run = await runProgram(() => {
                    const agents = s.shared ? new AgentService("agents", s.shared) : undefined;
                    return new EnvoyApp(s.name, agents ? { ...s.args, agentService: agents.link() } : s.args);
                });
                assert.deepStrictEqual(run.errors, []);
                assert.deepStrictEqual(sorted(kubernetesObjects(run)), sorted(objectsOf(specOf(s))));
                // Secrets audit: registered inputs, outputs, rendered YAML.
                const rendered = manifestStream(redactedObjects(run.resources));
                const outputs = await Promise.all(
                    Object.values({ ...run.result })
                        .filter((v) => v && typeof (v as any).apply === "function")
                        .map((v) => valueOf(v as any)),
                );
                for (const secret of s.plaintexts) {
                    for (const r of run.resources) for (const [at, text] of plainStrings(r.inputs)) assert.ok(!text.includes(secret), `${r.type} ${r.name} ${at}`);
                    assert.ok(!rendered.includes(secret), "rendered YAML");
                    assert.ok(!JSON.stringify(outputs).includes(secret), "outputs");
                }
            }),
            { numRuns: 8 },
        );
    });
});

describe("random invalid configurations (fast-check)", () => {
    it("always give a clear InputError, never a TypeError or a crash, and never show a credential", () => {
        fc.assert(
            fc.property(scenario, corruption, (s, [, corrupt]) => {
                const args: any = JSON.parse(JSON.stringify(s.args));
                corrupt(args);
                try {
                    new EnvoyApp(s.name, args);
                } catch (e) {
                    assert.ok(e instanceof InputError, `${(e as Error).name}: ${(e as Error).message}`);
                    assert.match(e.message, /^sigsci-envoy: invalid "[^"]+": got .+; expected .+/);
                    for (const secret of s.plaintexts) assert.ok(!e.message.includes(secret));
                    return;
                }
                assert.fail("accepted a bad configuration");
            }),
            { numRuns: 200 },
        );
    });

    it("refuses anything at all that is not an args object with an InputError", () => {
        fc.assert(
            fc.property(fc.anything(), (junk) => {
                assert.throws(() => new EnvoyApp("helloworld", junk as any), InputError);
                assert.throws(() => new AgentService("agents", junk as any), InputError);
            }),
            { numRuns: 200 },
        );
    });
});

// ---- stability --------------------------------------------------------------------------

describe("stability", () => {
    /**
     * The identity (type, parent, name) of every child. Changing one replaces running
     * resources: a change that makes this test fail must add `aliases` for the old identity.
     */
    const IDENTITIES: Record<string, string[]> = {
        "sidecar-ext-authz": [
            "sigsci-envoy:index:EnvoyApp::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:apps/v1:Deployment::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:ConfigMap::helloworld-envoy-config",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:Secret::helloworld-sigsci-credentials",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:Service::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:networking.k8s.io/v1:NetworkPolicy::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:policy/v1:PodDisruptionBudget::helloworld",
        ],
        // 0.2.0 renamed the agent Service's autoscaler, budget and policy from `<name>-agent`
        // to `<name>` (one naming rule); their aliases are pinned below.
        "agent-service-tls": [
            "sigsci-envoy:index:AgentService$kubernetes:apps/v1:Deployment::helloworld-agent",
            "sigsci-envoy:index:AgentService$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::helloworld-agent",
            "sigsci-envoy:index:AgentService$kubernetes:core/v1:Secret::helloworld-agent-sigsci-credentials",
            "sigsci-envoy:index:AgentService$kubernetes:core/v1:Service::helloworld-agent",
            "sigsci-envoy:index:AgentService$kubernetes:networking.k8s.io/v1:NetworkPolicy::helloworld-agent",
            "sigsci-envoy:index:AgentService$kubernetes:policy/v1:PodDisruptionBudget::helloworld-agent",
            "sigsci-envoy:index:EnvoyApp$kubernetes:apps/v1:Deployment::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:ConfigMap::helloworld-envoy-config",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:Service::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:networking.k8s.io/v1:NetworkPolicy::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:policy/v1:PodDisruptionBudget::helloworld",
            "sigsci-envoy:index:EnvoyApp$sigsci-envoy:index:AgentService::helloworld-agent",
            "sigsci-envoy:index:EnvoyApp::helloworld",
        ],
    };
    /** The aliases each renamed child carries: the identity it had before 0.2.0. */
    const ALIASES: Record<string, string[]> = {
        "agent-service-tls": [
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler helloworld-agent <- helloworld-agent-agent",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy helloworld-agent <- helloworld-agent-agent",
            "kubernetes:policy/v1:PodDisruptionBudget helloworld-agent <- helloworld-agent-agent",
        ],
    };
    for (const [scenarioName, expected] of Object.entries(IDENTITIES)) {
        it(`pins the children's names, types, parents and aliases: ${scenarioName}`, async () => {
            const run = await runProgram(specProgram(SCENARIOS[scenarioName]));
            const urns = run.resources.map((r) => r.urn.split("::").slice(2).join("::")).sort();
            assert.deepStrictEqual(urns, [...expected].sort(), "a child's identity changed: running resources would be replaced; add aliases for the old identity");
            const aliases = run.resources.flatMap((r) => r.aliases.map((a) => `${r.type} ${r.name} <- ${a}`)).sort();
            assert.deepStrictEqual(aliases, ALIASES[scenarioName] ?? []);
        });
    }

    // What the golden files, the lint and most tests read is the plan; the components must
    // register exactly its objects (the random configurations above check the same).
    for (const [scenarioName, spec] of Object.entries(SCENARIOS)) {
        it(`registers exactly the plan's objects under the Pulumi runtime: ${scenarioName}`, async () => {
            const run = await runProgram(specProgram(spec));
            assert.deepStrictEqual(run.errors, []);
            assert.deepStrictEqual(sorted(kubernetesObjects(run)), sorted(objectsOf(spec)));
        });
    }
});
