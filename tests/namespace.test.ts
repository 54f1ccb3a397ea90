// Namespace from the provider: given no namespace, the components leave `metadata.namespace`
// unset, so the Kubernetes provider's namespace applies (the one the user gave the provider, or
// its kubeconfig's); their outputs name the namespace the provider reports. Every request still
// reaches an agent, and an app that could not is loud, not silent.
import * as assert from "assert";
import { AgentService, EnvoyApp, verifyTraffic } from "../sdk";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { objectsOf, one } from "./support/objects";
import { kubernetesObjects, runProgram, valueOf } from "./support/pulumi-mocks";

const helloworld = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };

describe("namespace from the provider", () => {
    it("leaves metadata.namespace unset on every object of both components, and admits the agents' own namespace", () => {
        const objects = objectsOf([
            { component: "EnvoyApp", name: "web", args: guideArgs({ agentService: { create: {} } }) },
            { component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS } },
            { component: "EnvoyApp", name: "shop", args: { app: helloworld }, linkTo: "agents" },
        ]);
        for (const o of objects) assert.ok(!("namespace" in o.metadata), `${o.kind} ${o.metadata.name}`);
        // A peer without a namespaceSelector is the policy's own namespace, whatever its name.
        assert.deepStrictEqual(one(objects, "NetworkPolicy", "agents").spec.ingress[0].from, [{ podSelector: { matchLabels: { "sigsci-envoy/agent-service": "agents" } } }]);
        assert.deepStrictEqual(verifyTraffic(objects), []);
    });

    it("names the namespace the provider reports in every output, and links an app by the bare Service name", async () => {
        const run = await runProgram(
            () => {
                const agents = new AgentService("agents", { credentials: GUIDE_KEYS });
                const shop = new EnvoyApp("shop", { app: helloworld, agentService: agents.link() });
                const web = new EnvoyApp("web", guideArgs({ agentService: { create: {} } }));
                return { agents, shop, web };
            },
            {},
            { providerNamespace: "team-a" },
        );
        assert.deepStrictEqual(run.errors, []);
        const { agents, shop, web } = run.result;
        assert.strictEqual(await valueOf(agents.namespace), "team-a");
        assert.strictEqual(await valueOf(agents.grpcEndpoint), "agents.team-a.svc.cluster.local:9999");
        assert.deepStrictEqual(await valueOf(agents.clientNamespaces), ["team-a"]);
        assert.strictEqual(await valueOf(shop.namespace), "team-a");
        assert.strictEqual(await valueOf(shop.frontUrl), "http://shop.team-a.svc.cluster.local:8000");
        assert.strictEqual(await valueOf(web.agentGrpcEndpoint), "web-agent.team-a.svc.cluster.local:9999");
        // Envoy dials the bare name: it resolves in the pod's own namespace, the only one the agents admit.
        const config = JSON.parse(kubernetesObjects(run).find((o) => o.kind === "ConfigMap" && o.metadata.labels["app.kubernetes.io/instance"] === "shop").data["envoy.json"]);
        const agentCluster = config.static_resources.clusters.find((c: any) => c.name === "sigsci-agent");
        assert.deepStrictEqual(agentCluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, { address: "agents", port_value: 9999 });
    });

    it("makes an app in another namespace fail loudly: its Envoy resolves no agent, so its pod never turns Ready", () => {
        const objects = objectsOf([
            { component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS } },
            { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: helloworld }, linkTo: "agents" },
        ]);
        const findings = verifyTraffic(objects);
        assert.deepStrictEqual(
            findings.map((f) => `${f.code} ${f.object}`),
            ["agent-unresolved Deployment shop/shop"],
        );
        // The startup probe waits for an agent that passes Envoy's health check: none ever does here.
        const envoy = one(objects, "Deployment", "shop").spec.template.spec.containers.find((c: any) => c.name === "envoy");
        assert.strictEqual(envoy.startupProbe.httpGet.path, "/inspection-ready");
    });
});
