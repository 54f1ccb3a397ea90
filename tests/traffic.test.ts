// The traffic-path verifier (sdk/traffic): each planted fault makes it fail with the exact
// finding, and every layout, integration, example, stack and generated program passes it.
import * as assert from "assert";
import fc from "fast-check";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgentService, AgentServiceArgs, EnvoyApp, EnvoyAppArgs, Finding, verifyTraffic, analyzeTraffic } from "../sdk";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { renderMentions } from "../sdk/settings/errors";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { REPO } from "../tools/paths";
import { stackNames } from "../tools/render";
import { evaluate } from "../sdk/render/evaluate";
import { GATEWAY_FIXTURE, ISTIO_NAMESPACE_FIXTURE, Spec } from "../tools/scenarios";
import { objectsOf } from "./support/objects";
import { renderedStack } from "./support/stacks";
import { kubernetesObjects, runProgram } from "./support/pulumi-mocks";
import { clusterOf, container, copy, editEnvoyConfig, find, hcmOf } from "./support/traffic-fixtures";

const KEYS = GUIDE_KEYS;
/** Fastly's guide: helloworld with the agent sidecar, ext_authz and response data. */
const GUIDE_SIDECAR: Spec = [{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }];
/** One agent Service in `waf`, shared by the app `shop` in `shop` (ext_authz and response data). */
const SHARED_SERVICE: Spec = [
    { component: "AgentService", name: "agents", args: { credentials: KEYS, namespace: "waf", clientNamespaces: ["shop"] } },
    { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: { image: "registry.example.com/shop:1.0" } }, linkTo: "agents" },
];

const error = (object: string, code: Finding["code"], message: string): Finding => ({ code, severity: "error", object, message });
const warning = (object: string, code: Finding["code"], message: string): Finding => ({ code, severity: "warning", object, message });
const CLIENT_RISK =
    "a client can choose the address the WAF's IP rules, rate limits and reports see; have a header_mutation filter before it set the header the agent reads (SIGSCI_CLIENT_IP_HEADER, e.g. x-sigsci-client-ip) to %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% with append_action OVERWRITE_IF_EXISTS_OR_ADD, and set use_remote_address: true (with xff_num_trusted_hops for the proxies in front)";
const agentEnv = (o: any[], name: string) => container(find(o, "Deployment", "helloworld"), "sigsci-agent").env.find((e: any) => e.name === name);
const removeAgentEnv = (o: any[], name: string) => {
    const agent = container(find(o, "Deployment", "helloworld"), "sigsci-agent");
    agent.env = agent.env.filter((e: any) => e.name !== name);
};
const GUIDE = "Deployment default/helloworld";
const SHOP = "Deployment shop/shop";
// The shop pods' labels, sorted: the recommended ones (version from the image tag 1.0) and the one the agents admit.
const SHOP_LABELS =
    '{"app.kubernetes.io/component":"envoy-app","app.kubernetes.io/instance":"shop","app.kubernetes.io/managed-by":"pulumi","app.kubernetes.io/name":"shop","app.kubernetes.io/version":"1.0","sigsci-envoy/agent-service":"agents"}';
const FRONT = "listener front (0.0.0.0:8000)";

describe("traffic-path verifier: planted faults", () => {
    const guide = objectsOf(GUIDE_SIDECAR);
    const shared = objectsOf(SHARED_SERVICE);

    it("finds nothing in the untouched objects, and follows each path to its agent", () => {
        assert.deepStrictEqual(verifyTraffic(guide), []);
        assert.deepStrictEqual(verifyTraffic(shared), []);
        const sidecarHop = { via: "loopback 127.0.0.1:9999", workload: GUIDE, container: "sigsci-agent", listen: "127.0.0.1:9999" };
        assert.deepStrictEqual(analyzeTraffic(guide).paths, [
            {
                envoy: GUIDE,
                namespace: "default",
                listener: "front 0.0.0.0:8000",
                integration: "ext_authz",
                failOpen: true,
                calls: [
                    { role: "filter", cluster: "sigsci-agent", agents: [sidecarHop] },
                    { role: "access log", cluster: "sigsci-agent", agents: [sidecarHop] },
                ],
            },
        ]);
        const serviceHop = { via: "Service waf/agents:9999", workload: "Deployment waf/agents", container: "sigsci-agent", listen: "0.0.0.0:9999" };
        assert.deepStrictEqual(
            analyzeTraffic(shared).paths[0].calls.map((c) => c.agents),
            [[serviceHop], [serviceHop]],
        );
    });

    const policy = () => "NetworkPolicy waf/agents";
    const FAULTS: [string, "guide" | "shared", (o: any[]) => void, () => Finding[]][] = [
        [
            "an app in a namespace the agent Service does not admit",
            "shared",
            (o) => o.forEach((x) => x.metadata.namespace === "shop" && (x.metadata.namespace = "blog")),
            () => [
                error(
                    "Deployment blog/shop",
                    "agent-policy-blocks",
                    `${policy()} on the agent pods of Deployment waf/agents admits no pod of namespace blog labelled ${SHOP_LABELS} on port 9999: ext_authz on ${FRONT} never reaches an agent`,
                ),
            ],
        ],
        [
            "Envoy dialing a port the Service does not serve",
            "shared",
            (o) => editEnvoyConfig(o, "shop", (c) => (clusterOf(c, "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = 9998)),
            () => [error(SHOP, "agent-port-missing", `ext_authz on ${FRONT} dials Service waf/agents on port 9998, which the Service does not serve (ports 9999)`)],
        ],
        [
            "an app pod without the label the agents admit",
            "shared",
            (o) => delete find(o, "Deployment", "shop").spec.template.metadata.labels["sigsci-envoy/agent-service"],
            () => [
                error(
                    SHOP,
                    "agent-policy-blocks",
                    `${policy()} on the agent pods of Deployment waf/agents admits no pod of namespace shop labelled ${SHOP_LABELS.replace(',"sigsci-envoy/agent-service":"agents"', "")} on port 9999: ext_authz on ${FRONT} never reaches an agent`,
                ),
            ],
        ],
        [
            "an agent policy whose peer lacks the app's namespace",
            "shared",
            (o) => (find(o, "NetworkPolicy", "agents").spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values = ["waf"]),
            () => [
                error(
                    SHOP,
                    "agent-policy-blocks",
                    `${policy()} on the agent pods of Deployment waf/agents admits no pod of namespace shop labelled ${SHOP_LABELS} on port 9999: ext_authz on ${FRONT} never reaches an agent`,
                ),
            ],
        ],
        [
            "a Service target port no agent container has",
            "shared",
            (o) => (find(o, "Service", "agents").spec.ports[0].targetPort = "gprc"),
            () => [error(SHOP, "agent-target-port", 'Service waf/agents forwards port 9999 to target port "gprc", which names no container port of Deployment waf/agents: those pods get no traffic')],
        ],
        [
            "a sidecar listening on another port",
            "guide",
            (o) => (agentEnv(o, "SIGSCI_ENVOY_GRPC_ADDRESS").value = "127.0.0.1:9998"),
            () => [error(GUIDE, "agent-not-listening", `ext_authz on ${FRONT} dials 127.0.0.1:9999 in the pod, but no agent container listens there (SIGSCI_ENVOY_GRPC_ADDRESS: 127.0.0.1:9998)`)],
        ],
        // The guide's own localhost: the agent resolves it, and it may listen on ::1 where Envoy dials 127.0.0.1.
        [
            "a sidecar listening on a host name",
            "guide",
            (o) => (agentEnv(o, "SIGSCI_ENVOY_GRPC_ADDRESS").value = "localhost:9999"),
            () => [
                error(
                    GUIDE,
                    "agent-unverifiable",
                    `ext_authz on ${FRONT} dials 127.0.0.1:9999 in the pod, but the agent container sigsci-agent's envoy-grpc-address (SIGSCI_ENVOY_GRPC_ADDRESS) names the host "localhost", which the agent resolves itself (localhost may be 127.0.0.1 or ::1); give an address such as 127.0.0.1: whether it listens there cannot be verified`,
                ),
            ],
        ],
        [
            "Envoy dialing its sidecar by a host name",
            "guide",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    const cluster = clusterOf(c, "sigsci-agent");
                    cluster.type = "STRICT_DNS";
                    cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = "localhost";
                }),
            () => [
                error(
                    GUIDE,
                    "dns-unverifiable",
                    `ext_authz on ${FRONT} dials localhost:9999, a name Envoy resolves itself (localhost may be ::1 or 127.0.0.1, by the cluster's dns_lookup_family): which agent listener it reaches cannot be verified; dial 127.0.0.1`,
                ),
            ],
        ],
        // Whose address the agent judges: still inspected (warnings), but a client could choose it.
        [
            "an agent reading the client's address from X-Forwarded-For",
            "guide",
            (o) => removeAgentEnv(o, "SIGSCI_CLIENT_IP_HEADER"),
            () => [
                warning(
                    GUIDE,
                    "client-address-unproven",
                    `ext_authz on ${FRONT} asks the agent of ${GUIDE} (container sigsci-agent), which takes the client's address from X-Forwarded-For (its default client-ip-header), whose entries a client writes: ${CLIENT_RISK}`,
                ),
            ],
        ],
        [
            "no filter writing the header the agent reads",
            "guide",
            (o) => editEnvoyConfig(o, undefined, (c) => hcmOf(c, "front").http_filters.shift()),
            () => [
                warning(
                    GUIDE,
                    "client-address-unproven",
                    `ext_authz on ${FRONT} asks the agent of ${GUIDE} (container sigsci-agent), which takes the client's address from x-sigsci-client-ip, a header nothing before envoy.filters.http.ext_authz is shown to write from the address Envoy trusts: ${CLIENT_RISK}`,
                ),
            ],
        ],
        [
            "the header written after the agent is asked",
            "guide",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    const filters = hcmOf(c, "front").http_filters;
                    filters.splice(1, 0, filters.shift());
                }),
            () => [
                warning(
                    GUIDE,
                    "client-address-unproven",
                    `ext_authz on ${FRONT} asks the agent of ${GUIDE} (container sigsci-agent), which takes the client's address from x-sigsci-client-ip, a header nothing before envoy.filters.http.ext_authz is shown to write from the address Envoy trusts: ${CLIENT_RISK}`,
                ),
            ],
        ],
        [
            "the header appended to what a client sent",
            "guide",
            (o) => editEnvoyConfig(o, undefined, (c) => (hcmOf(c, "front").http_filters[0].typed_config.mutations.request_mutations[0].append.append_action = "APPEND_IF_EXISTS_OR_ADD")),
            () => [
                warning(
                    GUIDE,
                    "client-address-unproven",
                    `ext_authz on ${FRONT} asks the agent of ${GUIDE} (container sigsci-agent), which takes the client's address from x-sigsci-client-ip, a header nothing before envoy.filters.http.ext_authz is shown to write from the address Envoy trusts: ${CLIENT_RISK}`,
                ),
            ],
        ],
        [
            "the header filter configured per route",
            "guide",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    hcmOf(c, "front").route_config.virtual_hosts[0].routes[0].typed_per_filter_config = {
                        "envoy.filters.http.header_mutation": { "@type": "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutationPerRoute", mutations: {} },
                    };
                }),
            () => [
                warning(
                    GUIDE,
                    "client-address-unproven",
                    `ext_authz on ${FRONT} asks the agent of ${GUIDE} (container sigsci-agent), which takes the client's address from x-sigsci-client-ip, a header nothing before envoy.filters.http.ext_authz is shown to write from the address Envoy trusts: ${CLIENT_RISK}`,
                ),
            ],
        ],
        [
            "Envoy trusting the last X-Forwarded-For entry",
            "guide",
            (o) => editEnvoyConfig(o, undefined, (c) => delete hcmOf(c, "front").use_remote_address),
            () => [
                warning(
                    GUIDE,
                    "client-address-unproven",
                    `ext_authz on ${FRONT} asks the agent of ${GUIDE} (container sigsci-agent), which takes the client's address from x-sigsci-client-ip, written from the address Envoy trusts, but without use_remote_address Envoy trusts the last X-Forwarded-For entry, which a client writes: ${CLIENT_RISK}`,
                ),
            ],
        ],
        [
            "an agent in ext_proc mode behind ext_authz",
            "guide",
            (o) => container(find(o, "Deployment", "helloworld"), "sigsci-agent").env.push({ name: "SIGSCI_ENVOY_EXTPROC_ENABLED", value: "true" }),
            () => [
                error(
                    GUIDE,
                    "agent-mode-mismatch",
                    "Envoy's ext_authz filter calls the agent of Deployment default/helloworld (container sigsci-agent), which runs in ext_proc mode: its calls fail and requests pass uninspected",
                ),
            ],
        ],
        [
            "an agent that does not expect the response data Envoy sends",
            "guide",
            (o) => {
                const agent = container(find(o, "Deployment", "helloworld"), "sigsci-agent");
                agent.env = agent.env.filter((e: any) => e.name !== "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA");
            },
            () => [
                error(
                    GUIDE,
                    "agent-mode-mismatch",
                    "Envoy sends response data through its gRPC access log, but the agent of Deployment default/helloworld (container sigsci-agent) does not expect it (SIGSCI_ENVOY_EXPECT_RESPONSE_DATA=1)",
                ),
            ],
        ],
        [
            "ext_authz and the access log through a headless Service",
            "shared",
            (o) => {
                const svc = find(o, "Service", "agents");
                svc.spec.clusterIP = "None";
                delete svc.spec.sessionAffinity;
            },
            () => [
                error(
                    SHOP,
                    "pairing",
                    "ext_authz and the access log reach the agents through headless Service waf/agents, which spreads the check and the response of one request over different agent pods: use a ClusterIP Service with sessionAffinity: ClientIP, or ext_proc",
                ),
            ],
        ],
        [
            "a pod policy that admits every port",
            "guide",
            (o) => delete find(o, "NetworkPolicy", "helloworld").spec.ingress[0].ports,
            () => [error(GUIDE, "app-bypass", "NetworkPolicy default/helloworld admits the app's port 8080, around Envoy: admit only Envoy's listener port")],
        ],
        [
            "no pod policy at all",
            "guide",
            (o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "helloworld")), 1),
            () => [
                error(
                    GUIDE,
                    "app-bypass",
                    "no NetworkPolicy restricts ingress to the pod, so the app's port 8080 can be reached around Envoy (unless the app listens on loopback only): admit only Envoy's listener port",
                ),
            ],
        ],
        [
            "a Service port straight to the app",
            "guide",
            (o) => find(o, "Service", "helloworld").spec.ports.push({ name: "direct", port: 8080, targetPort: "app" }),
            () => [error(GUIDE, "app-bypass", "Service default/helloworld forwards port 8080 straight to the app's port 8080, around Envoy: target Envoy's listener")],
        ],
        [
            "a pod that turns Ready without waiting for the agent",
            "guide",
            (o) => {
                // Both gates go: Envoy's probe on its agent health check and the agent's own /startup probe.
                delete container(find(o, "Deployment", "helloworld"), "envoy").startupProbe;
                delete container(find(o, "Deployment", "helloworld"), "sigsci-agent").startupProbe;
            },
            () => [
                error(
                    GUIDE,
                    "ready-before-inspection",
                    "the pod can turn Ready before its agent answers: no probe waits for cluster sigsci-agent (an Envoy probe on a health_check filter that requires it healthy under active health checks, or an agent probe on /startup or a reachable gRPC port), so the first requests can pass uninspected",
                ),
            ],
        ],
        [
            "an app that stops before Envoy has drained",
            "guide",
            (o) => delete container(find(o, "Deployment", "helloworld"), "app").lifecycle,
            () => [
                error(
                    GUIDE,
                    "shutdown-order",
                    "container app gets SIGTERM after 0 s, before Envoy has drained (15 s): requests in flight through Envoy fail; give it a preStop sleep longer than Envoy's",
                ),
            ],
        ],
        [
            "a sidecar agent that stops before the app",
            "guide",
            (o) => (container(find(o, "Deployment", "helloworld"), "sigsci-agent").lifecycle.preStop.exec.command = ["sleep", "10"]),
            () => [
                error(
                    GUIDE,
                    "shutdown-order",
                    "agent container sigsci-agent gets SIGTERM after 10 s, before the 20 s the other containers serve: their last requests pass uninspected; its preStop sleep must be at least 20 s",
                ),
            ],
        ],
        [
            "a grace period the agent's drain does not fit in",
            "guide",
            (o) => (find(o, "Deployment", "helloworld").spec.template.spec.terminationGracePeriodSeconds = 30),
            () => [
                error(
                    GUIDE,
                    "agent-grace-short",
                    "container sigsci-agent: its preStop sleeps 30 s but the pod's terminationGracePeriodSeconds is 30, so it is killed before its drain ends; give the pod more than 30 s",
                ),
            ],
        ],
        [
            "a sidecar agent with no preStop at all: one finding",
            "guide",
            (o) => delete container(find(o, "Deployment", "helloworld"), "sigsci-agent").lifecycle,
            () => [
                error(
                    GUIDE,
                    "agent-no-prestop",
                    'container sigsci-agent: no preStop sleep, so the agent stops at once while Envoy still sends it requests; add lifecycle.preStop.exec.command ["sleep", "30"] (the guide)',
                ),
            ],
        ],
        [
            "Envoy's admin interface on the pod address, and a listener forwarding all of it",
            "guide",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    c.admin.address.socket_address.address = "0.0.0.0";
                    hcmOf(c, "readiness").route_config.virtual_hosts[0].routes[0].match = { prefix: "/" };
                }),
            () => [
                error(
                    GUIDE,
                    "admin-exposed",
                    "Envoy's admin interface listens on 0.0.0.0:9901, reachable on the pod's address: anyone who reaches it can reconfigure or stop Envoy; bind it to 127.0.0.1",
                ),
                error(
                    GUIDE,
                    "admin-exposed",
                    "listener readiness (0.0.0.0:9902) forwards prefix / (virtual host readiness) to Envoy's admin interface (cluster envoy-admin): only the exact paths /ready, /stats/prometheus may be exposed",
                ),
            ],
        ],
        [
            "ext_authz turned off for a route",
            "guide",
            (o) =>
                editEnvoyConfig(o, undefined, (c) => {
                    hcmOf(c, "front").route_config.virtual_hosts[0].routes[0].typed_per_filter_config = {
                        "envoy.filters.http.ext_authz": { "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute", disabled: true },
                    };
                }),
            () => [error(GUIDE, "listener-uninspected", `${FRONT} forwards prefix / (virtual host app) to cluster app uninspected: envoy.filters.http.ext_authz is turned off for this route`)],
        ],
        [
            "ext_authz placed after the router",
            "guide",
            (o) => editEnvoyConfig(o, undefined, (c) => hcmOf(c, "front").http_filters.reverse()),
            () => [
                error(GUIDE, "listener-uninspected", `${FRONT} forwards prefix / (virtual host app) to cluster app uninspected: envoy.filters.http.ext_authz comes after the router and never runs`),
            ],
        ],
        [
            "a default-deny egress policy on the app's namespace",
            "shared",
            (o) => o.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny-egress", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Egress"] } }),
            () => [
                error(SHOP, "envoy-egress-blocks", "NetworkPolicy shop/deny-egress allows the pod no DNS (UDP 53): Envoy cannot resolve agents.waf.svc.cluster.local"),
                error(
                    SHOP,
                    "envoy-egress-blocks",
                    `NetworkPolicy shop/deny-egress allows the pod no egress to the agents of Deployment waf/agents on port 9999: ext_authz on ${FRONT} never reaches an agent`,
                ),
            ],
        ],
        [
            "an agent serving TLS to an Envoy that speaks plain gRPC",
            "shared",
            (o) => container(find(o, "Deployment", "agents"), "sigsci-agent").env.push({ name: "SIGSCI_ENVOY_GRPC_CERT", value: "/sigsci/tls/tls.crt" }),
            () => [error(SHOP, "agent-tls-mismatch", "the agent of Deployment waf/agents serves TLS (SIGSCI_ENVOY_GRPC_CERT), but cluster sigsci-agent speaks plain gRPC")],
        ],
        [
            "an agent cluster without HTTP/2",
            "shared",
            (o) => editEnvoyConfig(o, "shop", (c) => delete clusterOf(c, "sigsci-agent").typed_extension_protocol_options),
            () => [error(SHOP, "agent-not-http2", "cluster sigsci-agent does not speak HTTP/2, which the agent's gRPC listener needs: declare explicit_http_config.http2_protocol_options")],
        ],
        [
            "agent pods without a readiness probe",
            "shared",
            (o) => delete container(find(o, "Deployment", "agents"), "sigsci-agent").readinessProbe,
            () => [
                error(
                    "Deployment waf/agents",
                    "agent-unready-endpoints",
                    "agent container sigsci-agent has no readiness probe: its Service sends Envoy to it as soon as it starts, before it listens; probe its gRPC port",
                ),
            ],
        ],
        [
            "an agent Service that selects no pods",
            "shared",
            (o) => (find(o, "Service", "agents").spec.selector = { app: "nothing" }),
            () => [error(SHOP, "agent-no-pods", `ext_authz on ${FRONT} reaches Service waf/agents, whose selector {"app":"nothing"} picks no pods among the objects`)],
        ],
        [
            "an inspection filter whose cluster is missing",
            "guide",
            (o) => editEnvoyConfig(o, undefined, (c) => (c.static_resources.clusters = c.static_resources.clusters.filter((x: any) => x.name !== "sigsci-agent"))),
            () => [
                error(GUIDE, "inspection-cluster-missing", `ext_authz on ${FRONT} calls cluster sigsci-agent, which the bootstrap does not define: every call fails`),
                error(
                    GUIDE,
                    "ready-before-inspection",
                    "the pod can turn Ready before its agent answers: no probe waits for cluster sigsci-agent (an Envoy probe on a health_check filter that requires it healthy under active health checks, or an agent probe on /startup or a reachable gRPC port), so the first requests can pass uninspected",
                ),
            ],
        ],
        [
            "an autoscaled, paired agent fleet larger than its Envoy pods",
            "shared",
            (o) =>
                o.push({
                    apiVersion: "autoscaling/v2",
                    kind: "HorizontalPodAutoscaler",
                    metadata: { name: "agents", namespace: "waf" },
                    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "agents" }, minReplicas: 2, maxReplicas: 5 },
                }),
            () => [
                {
                    code: "agent-fleet-unused",
                    severity: "warning",
                    object: "Deployment waf/agents",
                    message:
                        "its autoscaler may run 5 agent pods, but with ext_authz and the access log each Envoy pod keeps one agent pod (Service waf/agents, sessionAffinity: ClientIP) and at most 1 Envoy pod reaches it: lower maxReplicas to 1 or use ext_proc",
                },
            ],
        ],
        [
            "an Envoy whose config is not among the objects",
            "guide",
            (o) => o.splice(o.indexOf(find(o, "ConfigMap", "helloworld-envoy-config")), 1),
            () => [
                error(
                    GUIDE,
                    "envoy-config-unreadable",
                    `container envoy runs Envoy with /etc/envoy/envoy.json, on ConfigMap default/${find(guide, "ConfigMap", "helloworld-envoy-config").metadata.name} (volume envoy-config), which is not among the objects: its inspection path cannot be verified; mount the bootstrap from a ConfigMap or Secret among the objects`,
                ),
            ],
        ],
    ];
    for (const [fault, base, plant, expected] of FAULTS) {
        it(`fails on ${fault}`, () => {
            const objects = copy(base === "guide" ? guide : shared);
            plant(objects);
            assert.deepStrictEqual(verifyTraffic(objects), expected());
        });
    }

    it("accepts the agent's own startup probe as the readiness gate of a sidecar", () => {
        const objects = copy(guide);
        delete container(find(objects, "Deployment", "helloworld"), "envoy").startupProbe;
        const agent = container(find(objects, "Deployment", "helloworld"), "sigsci-agent");
        // Fastly's startup-probe guide: the listener variable, its port, and httpGet /startup.
        assert.ok(agent.env.some((e: any) => e.name === "SIGSCI_STARTUP_PROBE_LISTENER" && e.value === "0.0.0.0:2024"));
        assert.ok(agent.ports.some((p: any) => p.name === "startup" && p.containerPort === 2024));
        assert.deepStrictEqual(agent.startupProbe, { httpGet: { path: "/startup", port: "startup" }, periodSeconds: 2, failureThreshold: 90 });
        assert.deepStrictEqual(verifyTraffic(objects), []);
        // Pointing the probe at another path leaves nothing that waits for the rules.
        agent.startupProbe.httpGet.path = "/healthz";
        assert.deepStrictEqual(
            verifyTraffic(objects).map((f) => f.code),
            ["ready-before-inspection"],
        );
    });

    it("resolves a Service name the way the pod's resolver expands it, and a numeric target port", () => {
        const dial = (host: string, edit?: (o: any[]) => void) => {
            const objects = copy(shared);
            editEnvoyConfig(objects, "shop", (c) => (clusterOf(c, "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = host));
            edit?.(objects);
            return verifyTraffic(objects);
        };
        for (const host of ["agents.waf", "agents.waf.svc", "agents.waf.svc.cluster.local", "agents.waf.svc.cluster.local."]) assert.deepStrictEqual(dial(host), [], host);
        // A bare name resolves in the client's own namespace, where there is no such Service.
        assert.deepStrictEqual(dial("agents"), [
            error(SHOP, "agent-unresolved", `ext_authz on ${FRONT} dials agents:9999, which names no Service among the objects: the agents behind it cannot be verified`),
        ]);
        assert.deepStrictEqual(dial("agents.waf.svc.example.org"), [
            error(SHOP, "agent-unresolved", `ext_authz on ${FRONT} dials agents.waf.svc.example.org:9999, which names no Service among the objects: the agents behind it cannot be verified`),
        ]);
        assert.deepStrictEqual(
            dial("agents.waf", (o) => (find(o, "Service", "agents").spec.ports[0].targetPort = 9999)),
            [],
        );
        assert.deepStrictEqual(
            dial("agents.waf", (o) => (find(o, "Service", "agents").spec.ports[0].targetPort = 9998)),
            [error(SHOP, "agent-not-listening", `ext_authz on ${FRONT} reaches Deployment waf/agents on port 9998 through Service waf/agents, but no agent listens there`)],
        );
    });

    it("reads namespace labels from Namespace objects, and a namespace without the admitted label is refused", () => {
        const objects = copy(shared);
        const peer = find(objects, "NetworkPolicy", "agents").spec.ingress[0].from[0];
        peer.namespaceSelector = { matchLabels: { team: "shop" } };
        assert.strictEqual(verifyTraffic(objects).length, 1);
        objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "shop" } } });
        assert.deepStrictEqual(verifyTraffic(objects), []);
    });
});

// ---- every layout, integration and response-data choice ---------------------------------

type Inspection = EnvoyAppArgs["inspection"];
const INSPECTIONS: [string, Inspection][] = [
    ["ext_authz with response data", {}],
    ["ext_authz without response data", { expectResponseData: false }],
    ["ext_proc", { integration: "ext_proc" }],
];
const helloworld = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };

/** Each layout: the program, and how Envoy reaches the agent (`via` of every hop). */
const LAYOUTS: [string, (i: Inspection) => Spec, (i: Inspection) => string][] = [
    ["sidecar", (i) => [{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ inspection: i }) }], () => "loopback 127.0.0.1:9999"],
    [
        "the app's own agent Service",
        (i) => [{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ inspection: i, replicas: 2, agentService: { create: { autoscaling: { maxReplicas: 2 } } } }) }],
        (i) => `Service default/helloworld-agent:9999${i?.integration === "ext_proc" || i?.expectResponseData === false ? " (headless)" : ""}`,
    ],
    [
        "the app's own agent Service with TLS",
        (i) => [
            {
                component: "EnvoyApp",
                name: "helloworld",
                args: guideArgs({ namespace: "default", inspection: i, agentService: { create: { tls: { secretName: "agent-tls" } }, tlsCaSecretName: "agent-ca" } }),
            },
        ],
        (i) => `Service default/helloworld-agent:9999${i?.integration === "ext_proc" || i?.expectResponseData === false ? " (headless)" : ""}`,
    ],
    [
        "a shared agent Service in another namespace",
        (i) => [
            {
                component: "AgentService",
                name: "agents",
                args: { credentials: KEYS, namespace: "waf", clientNamespaces: ["shop", "blog"], replicas: 3, integration: i?.integration, expectResponseData: i?.expectResponseData },
            },
            { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: helloworld, inspection: i }, linkTo: "agents" },
            { component: "EnvoyApp", name: "blog", args: { namespace: "blog", app: helloworld, inspection: i }, linkTo: "agents" },
        ],
        (i) => `Service waf/agents:9999${i?.integration === "ext_proc" || i?.expectResponseData === false ? " (headless)" : ""}`,
    ],
];

describe("traffic paths of every layout and integration", () => {
    for (const [layout, program, via] of LAYOUTS) {
        for (const [inspection, i] of INSPECTIONS) {
            it(`${layout}, ${inspection}: every request reaches an agent`, () => {
                const report = analyzeTraffic(objectsOf(program(i)));
                assert.deepStrictEqual(report.findings, []);
                assert.ok(report.paths.length >= 1);
                for (const p of report.paths) {
                    assert.strictEqual(p.integration, i?.integration ?? "ext_authz");
                    assert.deepStrictEqual(
                        p.calls.map((c) => c.role),
                        i?.integration === "ext_proc" || i?.expectResponseData === false ? ["filter"] : ["filter", "access log"],
                    );
                    for (const call of p.calls) {
                        assert.ok(call.agents.length >= 1, `${p.envoy} ${call.role} reaches no agent`);
                        for (const hop of call.agents) assert.strictEqual(hop.via, via(i));
                    }
                }
            });
        }
    }
});
describe("linking a shared agent Service", () => {
    it("refuses an app in a namespace the service does not admit: at once when the link is plain, and when it holds outputs", async () => {
        // A fleet whose settings are known links with plain values: the app is refused as it is constructed.
        const thrown: string[] = [];
        const plain = await runProgram(() => {
            const agents = new AgentService("agents", { credentials: KEYS, namespace: "waf" });
            try {
                new EnvoyApp("shop", { namespace: "shop", app: helloworld, agentService: agents.link() });
            } catch (e) {
                thrown.push((e as Error).message);
            }
        });
        assert.deepStrictEqual(thrown, [
            'sigsci-envoy: invalid "namespace": got "shop"; expected a namespace the shared agent Service at agents.waf.svc.cluster.local:9999 admits (its clientNamespaces: ["waf"]): add "shop" to that AgentService\'s clientNamespaces, or deploy app "shop" into one of them',
        ]);
        assert.deepStrictEqual(
            plain.resources.filter((r) => r.name === "shop"),
            [],
            "the app registers nothing",
        );
        // In the provider's namespace, admitting named ones, its address waits on the provider: the link holds outputs.
        const run = await runProgram(() => {
            const agents = new AgentService("agents", { credentials: KEYS, clientNamespaces: ["web"] });
            return new EnvoyApp("shop", { namespace: "shop", app: helloworld, agentService: agents.link() });
        });
        assert.deepStrictEqual(
            run.errors.map((e) => e.message),
            [
                'sigsci-envoy: invalid "namespace": got "shop"; expected a namespace the shared agent Service at agents.default.svc.cluster.local:9999 admits (its clientNamespaces: ["web"]): add "shop" to that AgentService\'s clientNamespaces, or deploy app "shop" into one of them',
            ],
        );
        assert.deepStrictEqual(
            run.resources.filter((r) => r.name === "shop"),
            [],
            "the app registers nothing",
        );
    });

    it("links a fleet whose settings are known with plain values, and makes the app's children wait for the fleet", async () => {
        const run = await runProgram(() => {
            const agents = new AgentService("agents", { credentials: KEYS, namespace: "waf", clientNamespaces: ["shop"] });
            const link = agents.link();
            assert.ok(!Object.values(link).some((v) => pulumi.Output.isInstance(v)), "every value plain");
            return new EnvoyApp("shop", { namespace: "shop", app: helloworld, agentService: link });
        });
        assert.deepStrictEqual(run.errors, []);
        // Its Deployment waits for the fleet's objects (dependsOn a component: its children).
        const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "shop")!;
        const fleet = run.resources.filter((r) => r.urn.includes("sigsci-envoy:index:AgentService$")).map((r) => r.urn);
        assert.ok(fleet.length >= 4);
        assert.deepStrictEqual(
            fleet.filter((urn) => !deployment.dependencies.includes(urn)),
            [],
        );
    });

    it("logs a warning when an app's own paired fleet may outgrow its Envoy pods", async () => {
        const run = await runProgram(() => new EnvoyApp("web", guideArgs({ replicas: 2, agentService: { create: { autoscaling: { maxReplicas: 5 } } } })));
        assert.deepStrictEqual(run.errors, []);
        // The settings' warnings mark the values of inputs they show (hidden if one was a secret).
        const expected = resolveAppSettings("web", guideArgs({ replicas: 2, agentService: { create: { autoscaling: { maxReplicas: 5 } } } }) as any).warnings.map((w) => renderMentions(w));
        assert.strictEqual(expected.length, 1);
        assert.match(expected[0], /^agentService\.create\.autoscaling\.maxReplicas: /);
        assert.deepStrictEqual(run.warnings, expected);
    });
});

// ---- every example and committed stack ---------------------------------------------------

/** Each example under its own project name, with the config it reads, once per stack it knows. */
const EXAMPLES: [string, string, Record<string, string>][] = [
    ["sidecar-basics", "dev", {}],
    ["istio-app", "dev", {}],
    ["gateway-waf", "dev", {}],
    ["existing-secret", "dev", {}],
    ["shared-agent-service", "dev", {}],
    ["two-environments", "staging", { appImage: "registry.example.com/web:1.0" }],
    ["two-environments", "production", { appImage: "registry.example.com/web:1.0" }],
];

describe("traffic paths of every example and stack", () => {
    for (const [example, stack, extra] of EXAMPLES) {
        it(`example ${example} (${stack})`, async () => {
            const project = `sigsci-${example}`;
            const config = Object.fromEntries(Object.entries({ accessKeyId: "AKID", secretAccessKey: "SECRET", ...extra }).map(([k, v]) => [`${project}:${k}`, v]));
            const main = path.join(REPO, "bin/examples", example, "index.js");
            delete require.cache[require.resolve(main)];
            const { resources } = await evaluate(() => require(main), { config, project, stack });
            // The Gateway the GatewayWaf attaches to, and the namespace Istio injects into, are the cluster's: verified with them.
            const cluster = example === "gateway-waf" ? GATEWAY_FIXTURE : example === "istio-app" ? ISTIO_NAMESPACE_FIXTURE : [];
            const report = analyzeTraffic([...kubernetesObjects({ resources } as any), ...cluster]);
            assert.deepStrictEqual(report.findings, []);
            assert.ok(report.paths.length >= 1);
        });
    }

    for (const stack of stackNames().filter((s) => s !== "gateway" && s !== "mesh")) {
        it(`stack ${stack}`, async () => {
            const r = await renderedStack(stack);
            const report = analyzeTraffic(r.objects);
            assert.deepStrictEqual(report.findings, []);
            assert.ok(report.paths.length >= 1);
            assert.ok(r.summary.includes(`  traffic paths: ${report.paths.length} inspected listener${report.paths.length === 1 ? "" : "s"} verified, no findings`), r.summary.join("\n"));
        });
    }

    it("stack mesh, with the namespace of the cluster it runs in", async () => {
        const r = await renderedStack("mesh");
        const report = analyzeTraffic([...r.objects, ...ISTIO_NAMESPACE_FIXTURE]);
        assert.deepStrictEqual(report.findings, []);
        assert.strictEqual(report.paths.length, 1);
        // Alone, whether Istio honours the pods' request for its sidecar turns on a namespace not among the objects.
        assert.deepStrictEqual(
            analyzeTraffic(r.objects).findings.map((f) => [f.object, f.code, f.severity]),
            [["Deployment shop/helloworld", "workload-unverifiable", "error"]],
        );
        assert.ok(r.summary.includes("  traffic paths: 0 inspected listeners verified; not every path can be verified: 1 finding (1 cannot verify)"), r.summary.join("\n"));
    });

    it("stack gateway, with the Gateway and the routes of the cluster it attaches to (another stack's)", async () => {
        const r = await renderedStack("gateway");
        const report = analyzeTraffic([...r.objects, ...GATEWAY_FIXTURE]);
        assert.deepStrictEqual(report.findings, []);
        // The Gateway's one HTTP listener, through the policy on the Gateway to the agents in waf.
        assert.strictEqual(report.paths.length, 1);
        // Alone, the policy's target is not among the objects: cannot verify, never "no findings".
        assert.deepStrictEqual(
            analyzeTraffic(r.objects).findings.map((f) => [f.object, f.code, f.severity]),
            [["EnvoyExtensionPolicy shop/sigsci-waf", "envoy-unverifiable", "error"]],
        );
    });
});

// ---- generated programs --------------------------------------------------------------------

interface GeneratedApp {
    name: string;
    namespace: string;
    replicas: number;
    /** A sidecar, an agent Service of its own, or one of the shared ones (by index). */
    layout: "sidecar" | "own" | number;
    integration: "ext_authz" | "ext_proc";
    expectResponseData: boolean;
    ownMaxAgents: number;
}

interface GeneratedService {
    name: string;
    namespace: string;
    integration: "ext_authz" | "ext_proc";
    expectResponseData: boolean;
    maxAgents?: number;
}

/** Several apps in several namespaces: sidecars, apps with their own agent Service, apps sharing one of one or two. */
const generatedProgram = fc
    .record({
        services: fc.array(
            fc.record({
                namespace: fc.constantFrom("waf", "security"),
                integration: fc.constantFrom<"ext_authz" | "ext_proc">("ext_authz", "ext_proc"),
                expectResponseData: fc.boolean(),
                maxAgents: fc.option(fc.integer({ min: 2, max: 8 }), { nil: undefined }),
            }),
            { minLength: 0, maxLength: 2 },
        ),
        apps: fc.array(
            fc.record({
                namespace: fc.constantFrom("shop", "blog", "default"),
                replicas: fc.integer({ min: 1, max: 4 }),
                layout: fc.oneof(fc.constantFrom<"sidecar" | "own">("sidecar", "own"), fc.nat(1)),
                integration: fc.constantFrom<"ext_authz" | "ext_proc">("ext_authz", "ext_proc"),
                expectResponseData: fc.boolean(),
                ownMaxAgents: fc.integer({ min: 1, max: 6 }),
            }),
            { minLength: 1, maxLength: 5 },
        ),
    })
    .map(({ services, apps }) => {
        const svcs: GeneratedService[] = services.map((s, i) => ({ ...s, name: `agents${i}`, expectResponseData: s.integration === "ext_proc" ? false : s.expectResponseData }));
        const generated: GeneratedApp[] = apps.map((a, i) => {
            const layout = typeof a.layout === "number" ? (svcs.length === 0 ? "sidecar" : a.layout % svcs.length) : a.layout;
            const shared = typeof layout === "number" ? svcs[layout] : undefined;
            const integration = shared?.integration ?? a.integration;
            return { ...a, name: `app${i}`, layout, integration, expectResponseData: shared ? shared.expectResponseData : integration === "ext_proc" ? false : a.expectResponseData };
        });
        return { services: svcs, apps: generated };
    });

/** A generated program as data: the shared services first, admitting the namespaces of their apps. */
function generatedSpec({ services, apps }: { services: GeneratedService[]; apps: GeneratedApp[] }): Spec {
    const spec: Spec = services.map((s) => {
        const users = apps.filter((a) => a.layout === services.indexOf(s));
        const clientNamespaces = [...new Set(users.map((a) => a.namespace))];
        const scaling: Partial<AgentServiceArgs> = s.maxAgents ? { autoscaling: { minReplicas: 2, maxReplicas: s.maxAgents } } : { replicas: 2 };
        return {
            component: "AgentService",
            name: s.name,
            args: {
                credentials: KEYS,
                namespace: s.namespace,
                integration: s.integration,
                expectResponseData: s.expectResponseData,
                ...(clientNamespaces.length > 0 ? { clientNamespaces } : {}),
                ...scaling,
            },
        };
    });
    for (const a of apps) {
        const base: EnvoyAppArgs = {
            namespace: a.namespace,
            replicas: a.replicas,
            app: helloworld,
            inspection: { integration: a.integration, ...(a.integration === "ext_proc" ? {} : { expectResponseData: a.expectResponseData }) },
        };
        if (a.layout === "sidecar") spec.push({ component: "EnvoyApp", name: a.name, args: { ...base, credentials: KEYS } });
        else if (a.layout === "own")
            spec.push({ component: "EnvoyApp", name: a.name, args: { ...base, credentials: KEYS, agentService: { create: { autoscaling: { minReplicas: 1, maxReplicas: a.ownMaxAgents } } } } });
        else spec.push({ component: "EnvoyApp", name: a.name, args: base, linkTo: services[a.layout].name });
    }
    return spec;
}

describe("traffic paths of generated programs (fast-check)", () => {
    it("every app of every generated program reaches an agent, and only an idle paired fleet is warned about", () => {
        fc.assert(
            fc.property(generatedProgram, (program) => {
                const { services, apps } = program;
                const spec = generatedSpec(program);
                const findings = verifyTraffic(objectsOf(spec));
                // Expected warnings, counted independently: a paired (ext_authz + response data),
                // autoscaled fleet larger than the Envoy pods that reach it.
                const expected: string[] = [];
                for (const s of services) {
                    const envoyPods = apps.filter((a) => a.layout === services.indexOf(s)).reduce((n, a) => n + a.replicas, 0);
                    if (s.expectResponseData && s.maxAgents !== undefined && envoyPods > 0 && s.maxAgents > envoyPods) expected.push(`Deployment ${s.namespace}/${s.name}`);
                }
                const own = apps.filter((a) => a.layout === "own" && a.expectResponseData && a.ownMaxAgents > a.replicas);
                for (const a of own) expected.push(`Deployment ${a.namespace}/${a.name}-agent`);
                assert.deepStrictEqual(
                    findings.filter((f) => f.severity === "error"),
                    [],
                );
                assert.deepStrictEqual(findings.map((f) => `${f.code} ${f.object}`).sort(), expected.map((o) => `agent-fleet-unused ${o}`).sort());
                // The app that creates its own fleet warns when it is declared (logged by the
                // component: "logs a warning when an app's own paired fleet ..." above).
                const warned = spec.filter((c) => c.component === "EnvoyApp" && !c.linkTo && resolveAppSettings(c.name, c.args as any).warnings.length > 0).map((c) => c.name);
                assert.deepStrictEqual(warned.sort(), own.map((a) => a.name).sort());
            }),
            { numRuns: 40 },
        );
    });
});
