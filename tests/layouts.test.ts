// Fastly's other two Kubernetes layouts, from the same package with the same proof: Envoy
// Gateway (GatewayWaf: the agents as an ext_proc service an EnvoyExtensionPolicy attaches to a
// Gateway or its routes) and Istio (IstioApp: the agent beside the app, and an EnvoyFilter that
// inserts ext_proc into the injected sidecar). Each object is held to its schema (the Kubernetes
// types, the vendored CRDs, Envoy's protos for the filters an EnvoyFilter inserts), and the one
// traffic model follows both to the agents: each planted fault ends in its exact finding.
import * as assert from "assert";
import { analyzeTraffic, Finding, GatewayWaf, InputError, IstioApp, IstioAppArgs, verifyTraffic } from "../sdk";
import { GATEWAY_FIXTURE, ISTIO_NAMESPACE_FIXTURE, LAYOUT_SCENARIOS } from "../tools/scenarios";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { envoyMessageProblems } from "./support/envoy-schema";
import { validateAnyObject } from "./support/kube-schema";
import { appRun, frontFilters, objectsOf } from "./support/objects";
import { runProgram } from "./support/pulumi-mocks";
import { container, copy, find } from "./support/traffic-fixtures";
import { ISTIO_SIDECAR_PORTS } from "../sdk/vocabulary/istio";

const error = (object: string, code: Finding["code"], message: string): Finding => ({ code, severity: "error", object, message });
const env = (c: any) => Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));

describe("Envoy Gateway layout (GatewayWaf)", () => {
    const objects = objectsOf(LAYOUT_SCENARIOS["gateway-waf"]);
    const all = [...objects, ...GATEWAY_FIXTURE];
    const GW = "Gateway shop/eg";

    it("creates the agent fleet Fastly's Envoy Gateway guide runs, and every object is schema-valid", () => {
        for (const o of all) validateAnyObject(o);
        assert.deepStrictEqual(
            objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name.replace(/-[0-9a-f]{8}$/, "")}`),
            [
                "Secret waf/waf-agent-sigsci-credentials",
                "Deployment waf/waf-agent",
                "Service waf/waf-agent",
                "PodDisruptionBudget waf/waf-agent",
                "NetworkPolicy waf/waf-agent",
                "EnvoyExtensionPolicy shop/waf",
                "BackendTrafficPolicy shop/waf",
                "ReferenceGrant waf/waf",
                "NetworkPolicy waf/waf-gateway-proxies",
            ],
        );
        const agent = container(find(objects, "Deployment", "waf-agent"), "sigsci-agent");
        const e = env(agent);
        // The guide: ext_proc, every address on 9999, its server flavor, a gRPC readiness probe on the same port.
        assert.deepStrictEqual([e.SIGSCI_ENVOY_EXTPROC_ENABLED, e.SIGSCI_ENVOY_GRPC_ADDRESS, e.SIGSCI_SERVER_FLAVOR], ["true", "0.0.0.0:9999", "envoy-gateway"]);
        assert.deepStrictEqual(agent.readinessProbe, { grpc: { port: 9999 }, periodSeconds: 5, failureThreshold: 3 });
        // Envoy Gateway's proxies trust their peer and write it to x-envoy-external-address: the agent reads that.
        assert.strictEqual(e.SIGSCI_CLIENT_IP_HEADER, "x-envoy-external-address");
    });

    it("attaches an EnvoyExtensionPolicy to the Gateway that sends request headers and body, and response headers, to the agents", () => {
        assert.deepStrictEqual(find(objects, "EnvoyExtensionPolicy", "waf").spec, {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "eg" }],
            extProc: [
                {
                    backendRefs: [{ name: "waf-agent", namespace: "waf", port: 9999 }],
                    processingMode: { request: { body: "Buffered" }, response: {} },
                    failOpen: true,
                    messageTimeout: "200ms",
                },
            ],
        });
        // A buffered body up to 1 MiB reaches the agent whole (Envoy's connection buffer is 32 KiB).
        assert.deepStrictEqual(find(objects, "BackendTrafficPolicy", "waf").spec, {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "eg" }],
            requestBuffer: { limit: "1048576" },
        });
        // The agents are in another namespace: a ReferenceGrant there lets the policy reach their Service.
        assert.deepStrictEqual(find(objects, "ReferenceGrant", "waf").spec, {
            from: [{ group: "gateway.envoyproxy.io", kind: "EnvoyExtensionPolicy", namespace: "shop" }],
            to: [{ group: "", kind: "Service", name: "waf-agent" }],
        });
        // Exactly Envoy Gateway's proxies of this Gateway reach the agents' port.
        assert.deepStrictEqual(find(objects, "NetworkPolicy", "waf-gateway-proxies").spec, {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "sigsci-agent", "app.kubernetes.io/instance": "waf-agent" } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
                            podSelector: {
                                matchLabels: {
                                    "app.kubernetes.io/name": "envoy",
                                    "app.kubernetes.io/component": "proxy",
                                    "app.kubernetes.io/managed-by": "envoy-gateway",
                                    "gateway.envoyproxy.io/owning-gateway-name": "eg",
                                    "gateway.envoyproxy.io/owning-gateway-namespace": "shop",
                                },
                            },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 9999 }],
                },
            ],
        });
    });

    it("is proven to inspect every route every team attaches to the Gateway, through the ReferenceGrant and the proxies' NetworkPolicy", () => {
        const r = analyzeTraffic(all);
        assert.deepStrictEqual(r.findings, []);
        assert.deepStrictEqual(r.paths, [
            {
                envoy: GW,
                namespace: "shop",
                listener: "http 0.0.0.0:80",
                integration: "ext_proc",
                failOpen: true,
                calls: [
                    {
                        role: "filter",
                        cluster: "envoyextensionpolicy/shop/waf/extproc/0",
                        agents: [{ via: "Service waf/waf-agent:9999 (headless)", workload: "Deployment waf/waf-agent", container: "sigsci-agent", listen: "0.0.0.0:9999" }],
                    },
                ],
            },
        ]);
    });

    it("covers named routes instead, a streamed body without a request buffer, and an agent fleet created elsewhere", () => {
        const routes = objectsOf([
            {
                component: "GatewayWaf",
                name: "api",
                args: {
                    namespace: "shop",
                    routes: [{ name: "web" }, { kind: "GRPCRoute", name: "orders" }],
                    inspection: { body: "Streamed", timeout: "1.5s", failOpen: false },
                    existingAgentService: { name: "agents", namespace: "waf" },
                },
            },
        ]);
        for (const o of routes) validateAnyObject(o);
        assert.deepStrictEqual(
            routes.map((o) => o.kind),
            ["EnvoyExtensionPolicy", "ReferenceGrant", "NetworkPolicy"],
        );
        const spec = find(routes, "EnvoyExtensionPolicy", "api").spec;
        assert.deepStrictEqual(spec.targetRefs, [
            { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "web" },
            { group: "gateway.networking.k8s.io", kind: "GRPCRoute", name: "orders" },
        ]);
        assert.deepStrictEqual(spec.extProc[0], {
            backendRefs: [{ name: "agents", namespace: "waf", port: 9999 }],
            processingMode: { request: { body: "Streamed" }, response: {} },
            failOpen: false,
            messageTimeout: "1s500ms",
        });
        // Without the owning Gateway, any of Envoy Gateway's proxies; the fleet's pods by its AgentService's selector.
        assert.deepStrictEqual(find(routes, "NetworkPolicy", "api-gateway-proxies").spec.podSelector, {
            matchLabels: { "app.kubernetes.io/name": "sigsci-agent", "app.kubernetes.io/instance": "agents" },
        });
    });

    const FAULTS: [string, (o: any[]) => void, Finding[]][] = [
        [
            "a route policy of another team's that replaces the Gateway's and has no extProc",
            (o) =>
                o.push({
                    apiVersion: "gateway.envoyproxy.io/v1alpha1",
                    kind: "EnvoyExtensionPolicy",
                    metadata: { name: "headers", namespace: "blog" },
                    spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "blog" }], wasm: [{ code: { type: "HTTP", http: { url: "https://example.com/x.wasm" } } }] },
                }),
            [
                error(
                    "EnvoyExtensionPolicy blog/headers",
                    "envoy-unverifiable",
                    "EnvoyExtensionPolicy blog/headers has wasm extensions, which may answer or rewrite requests themselves: whether its targets are inspected cannot be verified",
                ),
                error(
                    GW,
                    "listener-uninspected",
                    "listener http (0.0.0.0:80) of Gateway shop/eg forwards HTTPRoute blog/blog rule 0 uninspected: EnvoyExtensionPolicy blog/headers, the most specific policy for it, has no extProc (it replaces any the Gateway has)",
                ),
            ],
        ],
        [
            "a Gateway that admits ListenerSets, whose listeners are not followed",
            (o) => (find(o, "Gateway", "eg").spec.allowedListeners = { namespaces: { from: "Same" } }),
            [
                error(
                    GW,
                    "envoy-unverifiable",
                    "Gateway shop/eg admits ListenerSets (spec.allowedListeners): their listeners, routes and the policies on them are not followed, so whether their requests are inspected cannot be verified",
                ),
            ],
        ],
        [
            "a GatewayClass of another controller, which ignores Envoy Gateway's policies",
            (o) =>
                o.push({
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "GatewayClass",
                    metadata: { name: find(o, "Gateway", "eg").spec.gatewayClassName },
                    spec: { controllerName: "istio.io/gateway-controller" },
                }),
            [
                error(
                    GW,
                    "envoy-unverifiable",
                    "GatewayClass eg of Gateway shop/eg belongs to controller istio.io/gateway-controller, not Envoy Gateway's (gateway.envoyproxy.io/gatewayclass-controller): its EnvoyExtensionPolicies do not apply, so whether its requests are inspected cannot be verified",
                ),
            ],
        ],
        [
            "a route with an ExtensionRef filter, which an extension resolves",
            (o) => (o.find((x) => x.kind === "HTTPRoute").spec.rules[0].filters = [{ type: "ExtensionRef", extensionRef: { group: "example.io", kind: "Bypass", name: "x" } }]),
            [
                error(
                    GW,
                    "envoy-unverifiable",
                    "HTTPRoute shop/web rule 0 has an ExtensionRef filter (Bypass x), which an extension of Envoy Gateway's resolves: what it does to the route cannot be verified",
                ),
            ],
        ],
        [
            "a Gateway whose proxies an EnvoyProxy configures (its bootstrap, its filter order)",
            (o) => (find(o, "Gateway", "eg").spec.infrastructure = { parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "custom" } }),
            [
                error(
                    GW,
                    "envoy-unverifiable",
                    "Gateway shop/eg has spec.infrastructure.parametersRef, an EnvoyProxy shop/custom, which is not among the objects (its bootstrap and filter order may change what the proxies run): whether its requests are inspected cannot be verified",
                ),
            ],
        ],
        [
            "a GatewayClass whose proxies an EnvoyProxy configures",
            (o) =>
                o.push({
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "GatewayClass",
                    metadata: { name: find(o, "Gateway", "eg").spec.gatewayClassName },
                    spec: {
                        controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
                        parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "custom", namespace: "envoy-gateway-system" },
                    },
                }),
            [
                error(
                    GW,
                    "envoy-unverifiable",
                    "GatewayClass eg of Gateway shop/eg has spec.parametersRef, an EnvoyProxy envoy-gateway-system/custom, which is not among the objects (its bootstrap and filter order may change what the proxies run): whether its requests are inspected cannot be verified",
                ),
            ],
        ],
        [
            "an EnvoyPatchPolicy on the Gateway, which may remove the ext_proc filter",
            (o) =>
                o.push({
                    apiVersion: "gateway.envoyproxy.io/v1alpha1",
                    kind: "EnvoyPatchPolicy",
                    metadata: { name: "strip", namespace: "shop" },
                    spec: {
                        targetRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "eg" },
                        type: "JSONPatch",
                        jsonPatches: [
                            {
                                type: "type.googleapis.com/envoy.config.listener.v3.Listener",
                                name: "shop/eg/http",
                                operation: { op: "remove", path: "/default_filter_chain/filters/0/typed_config/http_filters/0" },
                            },
                        ],
                    },
                }),
            [
                error(
                    GW,
                    "envoy-unverifiable",
                    "EnvoyPatchPolicy shop/strip patches the Envoy config Envoy Gateway generates for Gateway shop/eg: whether its requests are inspected cannot be verified",
                ),
            ],
        ],
        [
            "a policy whose target is not among the objects",
            (o) => find(o, "EnvoyExtensionPolicy", "waf").spec.targetRefs.push({ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "elsewhere" }),
            [
                error(
                    "EnvoyExtensionPolicy shop/waf",
                    "envoy-unverifiable",
                    "EnvoyExtensionPolicy shop/waf attaches to HTTPRoute shop/elsewhere, which is not among the objects: whether its requests are inspected cannot be verified; verify the policy together with the Gateway and its routes (sigsci-envoy verify)",
                ),
            ],
        ],
        [
            "a policy on one route while another team's route shares the Gateway",
            (o) => (find(o, "EnvoyExtensionPolicy", "waf").spec.targetRefs = [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "web" }]),
            [error(GW, "listener-uninspected", "listener http (0.0.0.0:80) of Gateway shop/eg forwards HTTPRoute blog/blog rule 0 uninspected: no EnvoyExtensionPolicy with extProc covers it")],
        ],
        [
            "agents in another namespace without a ReferenceGrant",
            (o) => o.splice(o.indexOf(find(o, "ReferenceGrant", "waf")), 1),
            [
                error(
                    GW,
                    "agent-unresolved",
                    "EnvoyExtensionPolicy shop/waf sends its requests to Service waf/waf-agent, which no ReferenceGrant in namespace waf lets an EnvoyExtensionPolicy of namespace shop reach: Envoy Gateway drops the agent and lets the requests through uninspected (failOpen); add a ReferenceGrant",
                ),
            ],
        ],
        [
            "agents that do not admit Envoy Gateway's proxies",
            (o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "waf-gateway-proxies")), 1),
            [
                error(
                    GW,
                    "agent-policy-blocks",
                    'NetworkPolicy waf/waf-agent on the agent pods of Deployment waf/waf-agent admits no pod of namespace envoy-gateway-system labelled {"app.kubernetes.io/component":"proxy","app.kubernetes.io/managed-by":"envoy-gateway","app.kubernetes.io/name":"envoy","gateway.envoyproxy.io/owning-gateway-name":"eg","gateway.envoyproxy.io/owning-gateway-namespace":"shop"} on port 9999: ext_proc on listener http (0.0.0.0:80) never reaches an agent',
                ),
            ],
        ],
        [
            "a TCP listener on the Gateway",
            (o) => find(o, "Gateway", "eg").spec.listeners.push({ name: "db", protocol: "TCP", port: 5432 }),
            [error(GW, "listener-uninspected", "listener db (0.0.0.0:5432) proxies raw TCP to cluster TCP routes: no HTTP filter, so no inspection, sees that traffic")],
        ],
        [
            "a policy that leaves processingMode out, so Envoy Gateway sends nothing",
            (o) => delete find(o, "EnvoyExtensionPolicy", "waf").spec.extProc[0].processingMode,
            ["web", "blog"].map((r) =>
                error(
                    GW,
                    "listener-uninspected",
                    `listener http (0.0.0.0:80) forwards HTTPRoute ${r === "web" ? "shop" : "blog"}/${r} rule 0 to cluster httproute/${r === "web" ? "shop" : "blog"}/${r}/rule/0/backend/0 uninspected: envoy.filters.http.ext_proc/envoyextensionpolicy/shop/waf/extproc/0: processingMode is left out, so Envoy Gateway sends the agent nothing`,
                ),
            ),
        ],
        [
            "a route's backend that a NodePort Service also exposes",
            (o) => (find(o, "Service", "web").spec.type = "NodePort"),
            [
                error(
                    GW,
                    "app-bypass",
                    "Service shop/web (NodePort) exposes the pods behind Service shop/web, which Gateway shop/eg routes to, on the nodes or a load balancer: requests there reach the app around the Gateway and its WAF; make it a ClusterIP Service",
                ),
            ],
        ],
        [
            "agents not in ext_proc mode",
            (o) =>
                (container(find(o, "Deployment", "waf-agent"), "sigsci-agent").env = container(find(o, "Deployment", "waf-agent"), "sigsci-agent").env.filter(
                    (e: any) => e.name !== "SIGSCI_ENVOY_EXTPROC_ENABLED",
                )),
            [
                error(
                    GW,
                    "agent-mode-mismatch",
                    "Envoy's ext_proc filter calls the agent of Deployment waf/waf-agent (container sigsci-agent), which is not in ext_proc mode (SIGSCI_ENVOY_EXTPROC_ENABLED=true): its calls fail and requests pass uninspected",
                ),
            ],
        ],
    ];
    for (const [fault, plant, expected] of FAULTS) {
        it(`fails on ${fault}`, () => {
            const planted = copy(all);
            plant(planted);
            for (const o of planted) validateAnyObject(o);
            assert.deepStrictEqual(verifyTraffic(planted), expected);
        });
    }

    it("follows an EnvoyProxy among the objects that only sizes and places the proxies; one that sets their bootstrap cannot be verified", () => {
        const planted = copy(all);
        find(planted, "Gateway", "eg").spec.infrastructure = { parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "sized" } };
        const proxy = {
            apiVersion: "gateway.envoyproxy.io/v1alpha1",
            kind: "EnvoyProxy",
            metadata: { name: "sized", namespace: "shop" },
            spec: {
                provider: { type: "Kubernetes", kubernetes: { envoyDeployment: { replicas: 3 }, envoyService: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } } } },
            } as any,
        };
        planted.push(proxy);
        assert.deepStrictEqual(verifyTraffic(planted), []);
        proxy.spec.bootstrap = { type: "Merge", value: "static_resources: {}" };
        assert.deepStrictEqual(verifyTraffic(planted), [
            error(
                GW,
                "envoy-unverifiable",
                "Gateway shop/eg has spec.infrastructure.parametersRef, an EnvoyProxy shop/sized that sets bootstrap, which the model does not follow: whether its requests are inspected cannot be verified",
            ),
        ]);
    });

    it("admits routes by the namespaces' name label without their Namespace objects; by any other label, cannot verify", () => {
        const planted = copy(all);
        const listener = find(planted, "Gateway", "eg").spec.listeners[0];
        listener.allowedRoutes = { namespaces: { from: "Selector", selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["shop", "blog"] }] } } };
        assert.deepStrictEqual(verifyTraffic(planted), []);
        listener.allowedRoutes.namespaces.selector = { matchLabels: { team: "web" } };
        assert.deepStrictEqual(
            verifyTraffic(planted).map((f) => f.code),
            ["envoy-unverifiable", "envoy-unverifiable"],
        );
    });

    it("reads a policy's processingMode.request given as null (YAML's `request:`) as left out", () => {
        const planted = copy(all);
        find(planted, "EnvoyExtensionPolicy", "waf").spec.extProc[0].processingMode.request = null;
        assert.deepStrictEqual(
            verifyTraffic(planted).map((f) => [f.code, f.message.split(": ").slice(-1)[0]]),
            [
                ["listener-uninspected", "processingMode.request is left out, so the requests are not sent to the agent"],
                ["listener-uninspected", "processingMode.request is left out, so the requests are not sent to the agent"],
            ],
        );
    });

    it("refuses what Envoy Gateway could not use, naming the input, with nothing registered", async () => {
        const cases: [any, string][] = [
            [{ namespace: "shop", credentials: GUIDE_KEYS }, 'sigsci-envoy: invalid "gateway": got nothing; expected either gateway (every route of its HTTP listeners) or routes (those routes only)'],
            [
                { namespace: "shop", gateway: "eg", routes: [{ name: "web" }], credentials: GUIDE_KEYS },
                'sigsci-envoy: invalid "gateway": got "eg"; expected either gateway (every route of its HTTP listeners) or routes (those routes only)',
            ],
            [
                { namespace: "shop", gateway: "eg" },
                'sigsci-envoy: invalid "credentials": got nothing; expected the agent keys (or existingSecretName) for the agent fleet the component creates, or existingAgentService',
            ],
            [
                { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, existingAgentService: { name: "agents" } },
                'sigsci-envoy: invalid "credentials": got "(set)"; expected nothing with existingAgentService (that fleet holds its own credentials and settings)',
            ],
            [
                { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, inspection: { body: "Streamed", maxRequestBytes: 65536 } },
                'sigsci-envoy: invalid "inspection.maxRequestBytes": got 65536; expected nothing with inspection.body "Streamed" (only a Buffered body has a request buffer)',
            ],
            [
                { gateway: "eg", credentials: GUIDE_KEYS, agentNamespace: "waf" },
                'sigsci-envoy: invalid "namespace": got nothing; expected a namespace when the agents are in another one: the ReferenceGrant that lets the policy reach them names the policy\'s namespace',
            ],
            [
                { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, agents: { agent: { options: { "server-flavor": "x" } } } },
                'sigsci-envoy: invalid "agents.agent.options.server-flavor": got "x"; expected no value here: the component sets it ("envoy-gateway", Fastly\'s Envoy Gateway guide)',
            ],
            [
                { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, inspection: { body: "buffered" } },
                'sigsci-envoy: invalid "inspection.body": got "buffered"; expected one of "Buffered", "BufferedPartial", "Streamed": did you mean "Buffered"?',
            ],
        ];
        const thrown: string[] = [];
        const run = await runProgram(() => {
            for (const [args] of cases) {
                try {
                    new GatewayWaf("waf", args);
                } catch (e) {
                    assert.ok(e instanceof InputError, String(e));
                    thrown.push(e.message);
                }
            }
        });
        assert.deepStrictEqual(
            thrown,
            cases.map(([, message]) => message),
        );
        assert.deepStrictEqual(run.resources, []);
    });

    it("registers its policies and its own agent fleet as its children, and says where the agents are", async () => {
        let component: GatewayWaf | undefined;
        const run = await runProgram(() => {
            component = new GatewayWaf("waf", { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, agentNamespace: "waf" });
        });
        assert.deepStrictEqual(run.errors, []);
        const parents = run.resources.map((r) => `${r.type} ${r.name} <- ${r.urn.split("::")[2].split("$").slice(-2, -1)[0] ?? "(stack)"}`).sort();
        assert.ok(parents.includes("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyExtensionPolicy waf <- sigsci-envoy:index:GatewayWaf"), parents.join("\n"));
        assert.ok(parents.includes("sigsci-envoy:index:AgentService waf-agent <- sigsci-envoy:index:GatewayWaf"), parents.join("\n"));
        const output = (o: any) => new Promise((resolve) => o.apply(resolve));
        assert.deepStrictEqual(await output(component!.targets), ["Gateway/eg"]);
        assert.strictEqual(await output(component!.agentGrpcEndpoint), "waf-agent.waf.svc.cluster.local:9999");
        assert.strictEqual(await output(component!.policyName), "waf");
    });
});

describe("Istio layout (IstioApp)", () => {
    const objects = objectsOf(LAYOUT_SCENARIOS["istio-app"]);
    // Judged with the namespace it runs in (the cluster's): without it, injection cannot be verified.
    const judged = [...objects, ...copy(ISTIO_NAMESPACE_FIXTURE)];
    const labelNamespace = (o: any[], labels: Record<string, string>) => (find(o, "Namespace", "shop").metadata.labels = labels);
    const APP = "Deployment shop/shop";

    it("runs the agent beside the app on the pod's loopback, asks Istio for its sidecar, and serves the port as HTTP", () => {
        for (const o of objects) validateAnyObject(o);
        assert.deepStrictEqual(
            objects.map((o) => o.kind),
            ["Secret", "Deployment", "Service", "PodDisruptionBudget", "EnvoyFilter"],
        );
        const template = find(objects, "Deployment", "shop").spec.template;
        assert.strictEqual(template.metadata.labels["sidecar.istio.io/inject"], "true");
        assert.deepStrictEqual(
            template.spec.containers.map((c: any) => c.name),
            ["app", "sigsci-agent"],
        );
        const e = env(container(find(objects, "Deployment", "shop"), "sigsci-agent"));
        assert.deepStrictEqual([e.SIGSCI_ENVOY_EXTPROC_ENABLED, e.SIGSCI_ENVOY_GRPC_ADDRESS, e.SIGSCI_CLIENT_IP_HEADER], ["true", "127.0.0.1:9999", "x-sigsci-client-ip"]);
        assert.deepStrictEqual(
            template.spec.volumes.map((v: any) => v.name),
            ["app-tmp", "sigsci-tmp"],
        );
        assert.deepStrictEqual(find(objects, "Service", "shop").spec.ports, [{ name: "http", port: 8080, targetPort: "app", protocol: "TCP", appProtocol: "http" }]);
        // A revisioned control plane is asked by its revision instead.
        const revised = objectsOf([{ component: "IstioApp", name: "shop", args: { app: { image: "shop:1" }, credentials: GUIDE_KEYS, istio: { revision: "canary" } } }]);
        const labels = find(revised, "Deployment", "shop").spec.template.metadata.labels;
        assert.deepStrictEqual([labels["istio.io/rev"], labels["sidecar.istio.io/inject"]], ["canary", undefined]);
    });

    it("inserts the client address, the buffer and ext_proc before the sidecar's inbound router, and the agent's cluster, for exactly these pods", () => {
        const spec = find(objects, "EnvoyFilter", "shop").spec;
        assert.deepStrictEqual(spec.workloadSelector, { labels: { "app.kubernetes.io/instance": "shop", "app.kubernetes.io/component": "istio-app" } });
        const match = {
            context: "SIDECAR_INBOUND",
            listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.router" } } } },
        };
        assert.deepStrictEqual(
            spec.configPatches.map((p: any) => [p.applyTo, p.patch.operation, p.patch.value.name]),
            [
                ["HTTP_FILTER", "INSERT_BEFORE", "envoy.filters.http.header_mutation"],
                ["HTTP_FILTER", "INSERT_BEFORE", "envoy.filters.http.buffer"],
                ["HTTP_FILTER", "INSERT_BEFORE", "envoy.filters.http.ext_proc"],
                ["CLUSTER", "ADD", "sigsci-agent"],
            ],
        );
        for (const p of spec.configPatches.slice(0, 3)) assert.deepStrictEqual(p.match, match);
        // The sidecar does not trust X-Forwarded-For: the agent sees the connection's own peer.
        assert.strictEqual(spec.configPatches[0].patch.value.typed_config.mutations.request_mutations[0].append.header.value, "%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT%");
        // Each inserted value is a valid Envoy message of its slot.
        for (const p of spec.configPatches) {
            const type = p.applyTo === "CLUSTER" ? "envoy.config.cluster.v3.Cluster" : "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter";
            assert.deepStrictEqual(envoyMessageProblems(type, p.patch.value), [], p.patch.value.name);
        }
        // The same inspection as the plain Envoy layout's, filter for filter: one builder for both.
        const plain = frontFilters(appRun(guideArgs({ inspection: { integration: "ext_proc" } })).envoyConfig);
        assert.deepStrictEqual(spec.configPatches[1].patch.value, plain[1]);
        assert.deepStrictEqual(spec.configPatches[2].patch.value, plain[2]);
    });

    it("is proven to inspect every inbound request of the app's port, through the sidecar to the agent in the pod", () => {
        const r = analyzeTraffic(judged);
        assert.deepStrictEqual(r.findings, []);
        assert.deepStrictEqual(r.paths, [
            {
                envoy: APP,
                namespace: "shop",
                listener: "inbound|8080 0.0.0.0:8080",
                integration: "ext_proc",
                failOpen: true,
                calls: [{ role: "filter", cluster: "sigsci-agent", agents: [{ via: "loopback 127.0.0.1:9999", workload: APP, container: "sigsci-agent", listen: "127.0.0.1:9999" }] }],
            },
        ]);
    });

    it("runs the agent as a native sidecar when asked: before the app and after it, still proven inspected", () => {
        const [spec] = LAYOUT_SCENARIOS["istio-app"] as { component: "IstioApp"; name: string; args: IstioAppArgs }[];
        const native = objectsOf([{ ...spec, args: { ...spec.args, agent: { nativeSidecar: true } } }]);
        const pod = find(native, "Deployment", "shop").spec.template.spec;
        assert.deepStrictEqual(
            pod.initContainers.map((c: any) => [c.name, c.restartPolicy]),
            [["sigsci-agent", "Always"]],
        );
        assert.deepStrictEqual(
            pod.containers.map((c: any) => c.name),
            ["app"],
        );
        for (const o of native) validateAnyObject(o);
        assert.deepStrictEqual(verifyTraffic([...native, ...copy(ISTIO_NAMESPACE_FIXTURE)]), []);
    });

    const FAULTS: [string, (o: any[]) => void, Finding[]][] = [
        [
            "inspection ADDed with a filterClass, which recent Istio appends after the router",
            (o) => {
                for (const p of find(o, "EnvoyFilter", "shop").spec.configPatches.filter((x: any) => x.applyTo === "HTTP_FILTER")) {
                    p.patch.operation = "ADD";
                    p.patch.filterClass = "AUTHZ";
                    delete p.match.listener.filterChain.filter.subFilter;
                }
            },
            [
                ...[0, 1, 2].map((i) =>
                    error(
                        APP,
                        "envoy-unverifiable",
                        `EnvoyFilter shop/shop configPatches[${i}] ADDs with filterClass AUTHZ: where that puts the filter depends on the Istio version (recent ones append it after the router); insert it before the router instead`,
                    ),
                ),
                error(
                    APP,
                    "listener-uninspected",
                    "listener inbound|8080 (0.0.0.0:8080) forwards prefix / (virtual host inbound) to cluster inbound|8080|| uninspected: no ext_authz or ext_proc filter runs before the router",
                ),
            ],
        ],
        [
            "patches matching the app's port by portNumber but another by destinationPort (both must match)",
            (o) => {
                for (const p of find(o, "EnvoyFilter", "shop").spec.configPatches.filter((x: any) => x.applyTo === "HTTP_FILTER")) {
                    p.match.listener.portNumber = 8080;
                    p.match.listener.filterChain.destinationPort = 1234;
                }
            },
            [
                error(
                    APP,
                    "listener-uninspected",
                    "listener inbound|8080 (0.0.0.0:8080) forwards prefix / (virtual host inbound) to cluster inbound|8080|| uninspected: no ext_authz or ext_proc filter runs before the router",
                ),
            ],
        ],
        [
            "an EnvoyFilter with empty workloadSelector labels (every workload of its namespace) removing ext_proc",
            (o) =>
                o.push({
                    apiVersion: "networking.istio.io/v1alpha3",
                    kind: "EnvoyFilter",
                    metadata: { name: "strip", namespace: "shop" },
                    spec: {
                        workloadSelector: { labels: {} },
                        configPatches: [
                            {
                                applyTo: "HTTP_FILTER",
                                match: {
                                    context: "SIDECAR_INBOUND",
                                    listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager", subFilter: { name: "envoy.filters.http.ext_proc" } } } },
                                },
                                patch: { operation: "REMOVE" },
                            },
                        ],
                    },
                }),
            [
                error(
                    APP,
                    "envoy-unverifiable",
                    "EnvoyFilter shop/strip configPatches[0] REMOVE envoy.filters.http.ext_proc, which the model does not follow among Istio's own HTTP filters: whether requests into these pods are inspected cannot be verified",
                ),
            ],
        ],
        [
            "a namespace labelled istio-injection with a value other than enabled (which turns every webhook off)",
            (o) => labelNamespace(o, { "istio-injection": "yes" }),
            [
                error(
                    APP,
                    "listener-uninspected",
                    'EnvoyFilter shop/shop selects Deployment shop/shop, but its pods get no istio-proxy (namespace shop is labelled istio-injection: yes, which only "enabled" turns on and which turns every other selector off): nothing inspects their requests',
                ),
            ],
        ],
        [
            "pods annotated sidecar.istio.io/inject: false in an injecting namespace",
            (o) => {
                labelNamespace(o, { "istio-injection": "enabled" });
                const t = find(o, "Deployment", "shop").spec.template;
                delete t.metadata.labels["sidecar.istio.io/inject"];
                t.metadata.annotations = { "sidecar.istio.io/inject": "false" };
            },
            [
                error(
                    APP,
                    "listener-uninspected",
                    'EnvoyFilter shop/shop selects Deployment shop/shop, but its pods get no istio-proxy (its pods are annotated sidecar.istio.io/inject: "false"): nothing inspects their requests',
                ),
            ],
        ],
        [
            "capture turned off through the pod's ProxyConfig (interceptionMode NONE)",
            (o) => (find(o, "Deployment", "shop").spec.template.metadata.annotations = { "proxy.istio.io/config": '{"interceptionMode":"NONE"}' }),
            [
                error(
                    APP,
                    "app-bypass",
                    "Service shop/shop port http of Deployment shop/shop (8080) is not captured by the sidecar (proxy.istio.io/config interceptionMode: NONE): its requests reach the app around the proxy, uninspected",
                ),
            ],
        ],
        [
            "the pod's interface excluded from capture",
            (o) => (find(o, "Deployment", "shop").spec.template.metadata.annotations = { "traffic.sidecar.istio.io/excludeInterfaces": "eth0" }),
            [
                error(
                    APP,
                    "app-bypass",
                    "Service shop/shop port http of Deployment shop/shop (8080) is not captured by the sidecar (traffic.sidecar.istio.io/excludeInterfaces: eth0): its requests reach the app around the proxy, uninspected",
                ),
            ],
        ],
        [
            "a container merely named istio-proxy, without the init container that captures traffic",
            (o) => {
                // An already-injected template (the injector's status on it), but no init container that captures traffic.
                const t = find(o, "Deployment", "shop").spec.template;
                t.metadata.annotations = { "sidecar.istio.io/status": '{"containers":["istio-proxy"]}' };
                t.spec.containers.push({ name: "istio-proxy", image: "busybox:1.37" });
            },
            [
                error(
                    APP,
                    "workload-unverifiable",
                    'whether Istio injects its proxy into the pods of Deployment shop/shop, which EnvoyFilter shop/shop patches, cannot be verified: its pods hold a container named istio-proxy, but no istio-init or istio-validation init container that would capture their traffic; label the pods sidecar.istio.io/inject: "true" or include the Namespace',
                ),
            ],
        ],
        [
            "a namespace whose injection is disabled",
            (o) => labelNamespace(o, { "istio-injection": "disabled" }),
            [
                error(
                    APP,
                    "listener-uninspected",
                    "EnvoyFilter shop/shop selects Deployment shop/shop, but its pods get no istio-proxy (namespace shop is labelled istio-injection: disabled): nothing inspects their requests",
                ),
            ],
        ],
        [
            "pods that ask for the sidecar, in a namespace not among the objects (labelled istio-injection: disabled, it would turn their request off)",
            (o) => o.splice(o.indexOf(find(o, "Namespace", "shop")), 1),
            [
                error(
                    APP,
                    "workload-unverifiable",
                    'whether Istio injects its proxy into the pods of Deployment shop/shop, which EnvoyFilter shop/shop patches, cannot be verified: its pods ask for it, but namespace shop is not among the objects, and labelled istio-injection with any value but "enabled" it turns injection off; include the Namespace (or declare its labels: the policy pack\'s namespaceLabels)',
                ),
            ],
        ],
        [
            "pods that do not ask for the sidecar, in a namespace not among the objects",
            (o) => {
                delete find(o, "Deployment", "shop").spec.template.metadata.labels["sidecar.istio.io/inject"];
                o.splice(o.indexOf(find(o, "Namespace", "shop")), 1);
            },
            [
                error(
                    APP,
                    "workload-unverifiable",
                    'whether Istio injects its proxy into the pods of Deployment shop/shop, which EnvoyFilter shop/shop patches, cannot be verified: neither its pods (sidecar.istio.io/inject: "true", or istio.io/rev) nor namespace shop (not among the objects) ask for it; label the pods sidecar.istio.io/inject: "true" or include the Namespace',
                ),
            ],
        ],
        [
            "capture turned off through the pod's ProxyConfig by the field's proto name (interception_mode)",
            (o) => (find(o, "Deployment", "shop").spec.template.metadata.annotations = { "proxy.istio.io/config": "interception_mode: NONE" }),
            [
                error(
                    APP,
                    "app-bypass",
                    "Service shop/shop port http of Deployment shop/shop (8080) is not captured by the sidecar (proxy.istio.io/config interceptionMode: NONE): its requests reach the app around the proxy, uninspected",
                ),
            ],
        ],
        [
            "the agent cluster's circuit breaker set to 0 through the pod's ProxyConfig runtimeValues",
            (o) =>
                (find(o, "Deployment", "shop").spec.template.metadata.annotations = {
                    "proxy.istio.io/config": JSON.stringify({ runtimeValues: { "circuit_breakers.sigsci-agent.default.max_requests": "0" } }),
                }),
            [
                error(
                    APP,
                    "agent-unverifiable",
                    'cluster sigsci-agent, which ext_proc on listener inbound|8080 (0.0.0.0:8080) calls, has a circuit breaker limit of 0 through the runtime (circuit_breakers.sigsci-agent.default.max_requests: "0"), over which every call overflows: whether calls reach an agent at all cannot be verified (a fail-open filter lets every failed call through)',
                ),
            ],
        ],
        [
            "the app's port excluded from the sidecar's capture",
            (o) => (find(o, "Deployment", "shop").spec.template.metadata.annotations = { "traffic.sidecar.istio.io/excludeInboundPorts": "8080" }),
            [
                error(
                    APP,
                    "app-bypass",
                    "Service shop/shop port http of Deployment shop/shop (8080) is not captured by the sidecar (traffic.sidecar.istio.io/excludeInboundPorts): its requests reach the app around the proxy, uninspected",
                ),
            ],
        ],
        [
            "a Service port Istio proxies as TCP",
            (o) => {
                const port = find(o, "Service", "shop").spec.ports[0];
                port.name = "tcp-web";
                delete port.appProtocol;
            },
            [
                error(
                    APP,
                    "listener-uninspected",
                    "Service shop/shop port tcp-web of Deployment shop/shop (8080) is a TCP port to Istio (by its name or appProtocol): the sidecar proxies it without HTTP filters, so nothing inspects its requests; name it http",
                ),
            ],
        ],
        [
            "a workloadSelector that picks no pods",
            (o) => (find(o, "EnvoyFilter", "shop").spec.workloadSelector.labels["app.kubernetes.io/instance"] = "web"),
            [
                error(
                    "EnvoyFilter shop/shop",
                    "listener-uninspected",
                    'EnvoyFilter shop/shop inserts an inspection filter, but its workloadSelector {"app.kubernetes.io/instance":"web","app.kubernetes.io/component":"istio-app"} picks no pods among the objects of namespace shop: the workload it was meant for is not inspected; select its pods\' labels',
                ),
                error(
                    APP,
                    "listener-uninspected",
                    "agent container sigsci-agent listens on the pod's loopback (127.0.0.1:9999), which only its own pod reaches, but nothing in the pod calls it: no Envoy container, and no EnvoyFilter puts an inspection filter into Istio's sidecar for these pods; the requests of the app beside it are not inspected",
                ),
            ],
        ],
        [
            "an EnvoyFilter that is gone",
            (o) => o.splice(o.indexOf(find(o, "EnvoyFilter", "shop")), 1),
            [
                error(
                    APP,
                    "listener-uninspected",
                    "agent container sigsci-agent listens on the pod's loopback (127.0.0.1:9999), which only its own pod reaches, but nothing in the pod calls it: no Envoy container, and no EnvoyFilter puts an inspection filter into Istio's sidecar for these pods; the requests of the app beside it are not inspected",
                ),
            ],
        ],
        [
            "ext_proc inserted after the router",
            (o) => {
                const p = find(o, "EnvoyFilter", "shop").spec.configPatches[2];
                p.patch.operation = "ADD";
            },
            [
                error(
                    APP,
                    "listener-uninspected",
                    "listener inbound|8080 (0.0.0.0:8080) forwards prefix / (virtual host inbound) to cluster inbound|8080|| uninspected: envoy.filters.http.ext_proc comes after the router and never runs",
                ),
            ],
        ],
        [
            "a selector that picks a second workload without an agent",
            (o) => {
                const web = copy(find(o, "Deployment", "shop"));
                web.metadata.name = "web";
                web.spec.template.spec.containers = web.spec.template.spec.containers.filter((c: any) => c.name !== "sigsci-agent");
                o.push(web);
            },
            [
                error(
                    "Deployment shop/web",
                    "agent-not-listening",
                    "ext_proc on listener inbound|8080 (0.0.0.0:8080) dials 127.0.0.1:9999 in the pod, but no agent container listens there (SIGSCI_ENVOY_GRPC_ADDRESS: none)",
                ),
                error(
                    "Deployment shop/web",
                    "ready-before-inspection",
                    "the pod can turn Ready before its agent answers: no probe waits for cluster sigsci-agent (an Envoy probe on a health_check filter that requires it healthy under active health checks, or an agent probe on /startup or a reachable gRPC port), so the first requests can pass uninspected",
                ),
            ],
        ],
    ];
    for (const [fault, plant, expected] of FAULTS) {
        it(`fails on ${fault}`, () => {
            const planted = copy(judged);
            plant(planted);
            // (A planted Namespace is the cluster's, not an object of the package's.)
            for (const o of planted) if (o.kind !== "Namespace") validateAnyObject(o);
            assert.deepStrictEqual(verifyTraffic(planted), expected);
        });
    }

    it("reads the capture mode as the injector does: the annotation over the pod's ProxyConfig; an interface other than eth0 cannot be judged", () => {
        const planted = copy(judged);
        find(planted, "Deployment", "shop").spec.template.metadata.annotations = { "sidecar.istio.io/interceptionMode": "REDIRECT", "proxy.istio.io/config": "interceptionMode: NONE" };
        assert.deepStrictEqual(verifyTraffic(planted), []);
        find(planted, "Deployment", "shop").spec.template.metadata.annotations = { "traffic.sidecar.istio.io/excludeInterfaces": "net1" };
        assert.deepStrictEqual(verifyTraffic(planted), [
            error(
                APP,
                "workload-unverifiable",
                "whether the sidecar of Deployment shop/shop captures its inbound traffic cannot be verified: traffic.sidecar.istio.io/excludeInterfaces names net1, and which interface the Service's traffic arrives on is not in the objects",
            ),
        ]);
    });

    it("cannot verify a sidecar whose inbound listeners a Sidecar resource gives (no Sidecar CRD is vendored: the object is not schema-checked)", () => {
        const planted = copy(judged);
        planted.push({
            apiVersion: "networking.istio.io/v1",
            kind: "Sidecar",
            metadata: { name: "s", namespace: "shop" },
            spec: { ingress: [{ port: { number: 8080, protocol: "TCP", name: "tcp" }, defaultEndpoint: "127.0.0.1:8080" }] },
        });
        assert.deepStrictEqual(verifyTraffic(planted), [
            error(
                APP,
                "envoy-unverifiable",
                "Sidecar shop/s gives Deployment shop/shop's sidecar ingress listeners of its own (their protocols, endpoints and TLS), which the model does not follow: whether requests into these pods are inspected cannot be verified",
            ),
        ]);
    });

    it("keeps the app and the agent off every port of Istio's sidecar, which its injector adds to the pod", () => {
        const ports = Object.keys(ISTIO_SIDECAR_PORTS).map(Number);
        assert.deepStrictEqual(ports, [15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);
        const mesh = (args: object) => objectsOf([{ component: "IstioApp", name: "shop", args: { app: { image: "shop:1" }, credentials: GUIDE_KEYS, ...args } }]);
        const uses = "which clashes with Istio's sidecar in the same pod (the injected istio-proxy uses 15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053 and 15090)";
        for (const port of ports) {
            for (const [input, args] of [
                ["app.port", { app: { image: "shop:1", port } }],
                ["agent.grpcPort", { agent: { grpcPort: port } }],
                ["agent.startupProbePort", { agent: { startupProbePort: port } }],
            ] as const)
                assert.throws(() => mesh(args), { message: `sigsci-envoy: invalid "${input}": got ${port}; expected a port other than ${port}, ${uses}` }, `${input} ${port}`);
        }
        // A port beside them is the app's to take; an EnvoyApp's pod has no Istio sidecar.
        const beside = find(mesh({ app: { image: "shop:1", port: 15002 } }), "Deployment", "shop").spec.template.spec;
        assert.strictEqual(beside.containers.find((c: any) => c.name === "app").ports[0].containerPort, 15002);
        assert.doesNotThrow(() => objectsOf([{ component: "EnvoyApp", name: "web", args: guideArgs({ app: { image: "a:1", port: 15006 } }) }]));
    });

    it("refuses what the mesh could not use, naming the input, and registers the plan's objects with its outputs", async () => {
        const thrown: string[] = [];
        let app: IstioApp | undefined;
        const run = await runProgram(() => {
            try {
                new IstioApp("shop", { app: { image: "shop:1" }, credentials: GUIDE_KEYS, istio: { revision: "Canary" } });
            } catch (e) {
                thrown.push((e as Error).message);
            }
            app = new IstioApp("web", { namespace: "shop", app: { image: "shop:1", port: 8080 }, credentials: GUIDE_KEYS });
        });
        assert.deepStrictEqual(thrown, [
            'sigsci-envoy: invalid "istio.revision": got "Canary"; expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit',
        ]);
        assert.deepStrictEqual(run.errors, []);
        assert.ok(
            run.resources.every((r) => !r.name.startsWith("shop")),
            "nothing of the refused one",
        );
        const output = (o: any) => new Promise((resolve) => o.apply(resolve));
        assert.strictEqual(await output(app!.url), "http://web.shop.svc.cluster.local:8080");
        assert.strictEqual(await output(app!.agentGrpcEndpoint), "127.0.0.1:9999");
        assert.strictEqual(await output(app!.envoyFilterName), "web");
    });
});
