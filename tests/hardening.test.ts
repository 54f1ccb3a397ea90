// Hardening: restricted-profile and manifest-lint checks over every layout, property-based
// checks of random configurations, a secrets audit, and the pinned identity of every child.
import * as assert from "assert";
import fc from "fast-check";
import { parse } from "yaml";
import { AgentService, EnvoyApp, InputError, verifyTraffic } from "../sdk";
import { manifestStream, redactedObjects } from "../sdk/render/manifests";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { lintManifests, LintOptions } from "./support/manifest-lint";
import { kubernetesObjects, plainStrings, Run, runProgram, valueOf } from "./support/pulumi-mocks";
import { corruption, Scenario, scenario } from "./support/scenarios";

const GUIDE_LATEST = ["signalsciences/sigsci-agent:latest", "signalsciences/example-helloworld:latest"];
const lint = (objects: any[], options: LintOptions = {}) => lintManifests(objects, { latestAllowed: GUIDE_LATEST, ...options });
const keys = { accessKeyId: "AKID-0123456789", secretAccessKey: "SECRET-abcdefghij" };
const helloworld = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };

const LAYOUTS: [string, () => unknown, LintOptions?][] = [
    ["sidecar (the guide's example)", () => new EnvoyApp("helloworld", { app: helloworld, credentials: keys })],
    ["sidecar with ext_proc, startup probe and an existing Secret", () => new EnvoyApp("helloworld", { app: helloworld, credentials: { existingSecretName: "sigsci.site" }, inspection: { integration: "ext_proc" }, agent: { startupProbe: true } }), { externalSecrets: ["sigsci.site"] }],
    ["the app's own agent Service, autoscaled, with TLS", () => new EnvoyApp("helloworld", { app: helloworld, credentials: keys, replicas: 3, agentService: { create: { autoscaling: { maxReplicas: 6 }, tls: { secretName: "agent-tls" } }, tlsCaSecretName: "agent-ca" } }), { externalSecrets: ["agent-tls", "agent-ca"] }],
    ["a shared agent Service with ext_proc and two apps", () => {
        const agents = new AgentService("agents", { credentials: keys, namespace: "waf", clientNamespaces: ["shop", "blog"], integration: "ext_proc", replicas: 3 });
        new EnvoyApp("shop", { namespace: "shop", app: { image: "registry.example.com/shop:1.0" }, inspection: { integration: "ext_proc" }, agentService: agents.link() });
        new EnvoyApp("blog", { namespace: "blog", app: { image: "registry.example.com/blog:1.0" }, inspection: { integration: "ext_proc" }, agentService: agents.link() });
    }],
];

describe("manifest lint (restricted profile, kube-score and kube-linter checklists)", () => {
    for (const [layout, program, options] of LAYOUTS) {
        it(`passes for ${layout}`, async () => {
            const objects = kubernetesObjects(await runProgram(program));
            assert.deepStrictEqual(lint(objects, options), []);
        });
    }

    it("finds what it looks for", async () => {
        const objects = kubernetesObjects(await runProgram(LAYOUTS[0][1]));
        const broken = JSON.parse(JSON.stringify(objects.filter((o) => o.kind !== "NetworkPolicy")));
        const pod = broken.find((o: any) => o.kind === "Deployment").spec.template.spec;
        pod.containers[0].securityContext.readOnlyRootFilesystem = false;
        pod.containers[2].env.push({ name: "SIGSCI_SECRETACCESSKEY", value: "x" });
        delete pod.containers[1].resources.limits.memory;
        assert.deepStrictEqual(lint(broken), [
            "Deployment default/helloworld container envoy: root filesystem is writable",
            "Deployment default/helloworld container app: no memory limit",
            "Deployment default/helloworld container sigsci-agent: SIGSCI_SECRETACCESSKEY is a literal value",
            "Deployment default/helloworld: no NetworkPolicy",
        ]);
    });
});

// ---- property-based checks -------------------------------------------------------------

function runScenario(s: Scenario): Promise<Run<{ app: EnvoyApp; agents?: AgentService }>> {
    return runProgram(() => {
        const agents = s.shared ? new AgentService("agents", s.shared) : undefined;
        const app = new EnvoyApp(s.name, agents ? { ...s.args, agentService: agents.link() } : s.args);
        return { app, agents };
    });
}

const byName = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe("random valid configurations (fast-check)", () => {
    it("always give strictly valid objects that agree with each other, and never show a credential", async function () {
        this.timeout(120000);
        await fc.assert(
            fc.asyncProperty(scenario, async (s) => {
                const run = await runScenario(s);
                const objects = kubernetesObjects(run);
                for (const o of objects) validateKubernetesObject(o);
                const external = [s.args.credentials?.existingSecretName, s.shared?.credentials.existingSecretName].filter((x): x is string => typeof x === "string");
                assert.deepStrictEqual(lint(objects, { externalSecrets: external, latestAllowed: [...GUIDE_LATEST] }), []);

                const deployment = byName(objects, "Deployment", s.name);
                const service = byName(objects, "Service", s.name);
                const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.labels["app.kubernetes.io/instance"] === s.name);
                validateEnvoyConfig(configMap.data["envoy.yaml"]);
                const config = parse(configMap.data["envoy.yaml"]);
                // Every request reaches an agent (the traffic-path verifier: tests/traffic.test.ts).
                assert.deepStrictEqual(verifyTraffic(objects).filter((f) => f.severity === "error"), []);
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
                    const listen = sidecar.env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS").value;
                    assert.strictEqual(listen, `localhost:${endpoint.port_value}`);
                    assert.strictEqual(endpoint.address, "127.0.0.1");
                } else {
                    const agentService = objects.find((o) => o.kind === "Service" && `${o.metadata.name}.${o.metadata.namespace}.svc.cluster.local` === endpoint.address);
                    assert.ok(agentService, `no Service answers ${endpoint.address}`);
                    assert.strictEqual(agentService.spec.ports[0].port, endpoint.port_value);
                    const agents = objects.find((o) => o.kind === "Deployment" && o.metadata.name === agentService.metadata.name);
                    const listen = agents.spec.template.spec.containers[0].env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS").value;
                    assert.strictEqual(listen, `0.0.0.0:${endpoint.port_value}`);
                    // The agents' policy admits this app's pods.
                    const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name !== s.name && o.metadata.namespace === agents.metadata.namespace);
                    const from = policy.spec.ingress[0].from[0];
                    for (const [k, v] of Object.entries(from.podSelector.matchLabels)) assert.strictEqual(deployment.spec.template.metadata.labels[k], v);
                    assert.ok(from.namespaceSelector.matchExpressions[0].values.includes(deployment.metadata.namespace));
                }
                // Secrets audit: registered inputs, outputs, rendered YAML.
                const rendered = manifestStream(redactedObjects(run.resources));
                const outputs = await Promise.all(Object.values({ ...run.result.app }).filter((v) => v && typeof (v as any).apply === "function").map((v) => valueOf(v as any)));
                for (const secret of s.plaintexts) {
                    for (const r of run.resources) for (const [at, text] of plainStrings(r.inputs)) assert.ok(!text.includes(secret), `${r.type} ${r.name} ${at}`);
                    assert.ok(!rendered.includes(secret), "rendered YAML");
                    assert.ok(!JSON.stringify(outputs).includes(secret), "outputs");
                }
            }),
            { numRuns: 40 },
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
    it("gives identical objects on every evaluation of the same inputs", async () => {
        for (const [, program] of LAYOUTS) {
            const first = kubernetesObjects(await runProgram(program));
            const second = kubernetesObjects(await runProgram(program));
            assert.deepStrictEqual(second, first);
        }
    });

    /**
     * The identity (type, parent, name) of every child. Changing one replaces running
     * resources: a change that makes this test fail must add `aliases` for the old identity.
     */
    const IDENTITIES: Record<string, string[]> = {
        "sidecar (the guide's example)": [
            "sigsci-envoy:index:EnvoyApp::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:apps/v1:Deployment::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:ConfigMap::helloworld-envoy-config",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:Secret::helloworld-sigsci-credentials",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:Service::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:networking.k8s.io/v1:NetworkPolicy::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:policy/v1:PodDisruptionBudget::helloworld",
        ],
        "the app's own agent Service, autoscaled, with TLS": [
            "sigsci-envoy:index:AgentService$kubernetes:apps/v1:Deployment::helloworld-agent",
            "sigsci-envoy:index:AgentService$kubernetes:autoscaling/v2:HorizontalPodAutoscaler::helloworld-agent-agent",
            "sigsci-envoy:index:AgentService$kubernetes:core/v1:Secret::helloworld-agent-sigsci-credentials",
            "sigsci-envoy:index:AgentService$kubernetes:core/v1:Service::helloworld-agent",
            "sigsci-envoy:index:AgentService$kubernetes:networking.k8s.io/v1:NetworkPolicy::helloworld-agent-agent",
            "sigsci-envoy:index:AgentService$kubernetes:policy/v1:PodDisruptionBudget::helloworld-agent-agent",
            "sigsci-envoy:index:EnvoyApp$kubernetes:apps/v1:Deployment::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:ConfigMap::helloworld-envoy-config",
            "sigsci-envoy:index:EnvoyApp$kubernetes:core/v1:Service::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:networking.k8s.io/v1:NetworkPolicy::helloworld",
            "sigsci-envoy:index:EnvoyApp$kubernetes:policy/v1:PodDisruptionBudget::helloworld",
            "sigsci-envoy:index:EnvoyApp$sigsci-envoy:index:AgentService::helloworld-agent",
            "sigsci-envoy:index:EnvoyApp::helloworld",
        ],
    };
    for (const [layout, expected] of Object.entries(IDENTITIES)) {
        it(`pins the children's names, types and parents: ${layout}`, async () => {
            const program = LAYOUTS.find(([l]) => l === layout)![1];
            const urns = (await runProgram(program)).resources.map((r) => r.urn.split("::").slice(2).join("::")).sort();
            assert.deepStrictEqual(urns, [...expected].sort(), "a child's identity changed: running resources would be replaced; add aliases for the old identity");
        });
    }
});
