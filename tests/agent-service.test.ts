// The agent as a separately scaled Service (AgentService), and EnvoyApps that use one. The
// objects come from the components' plan; the outputs and parenting from the components under
// the Pulumi runtime.
import * as assert from "assert";
import { AgentService, AgentServiceArgs, EnvoyApp } from "../sdk";
import { agentServiceChildren } from "../sdk/kube/plan";
import { ACCESS_KEY_ID, guideArgs, SECRET_ACCESS_KEY } from "../tools/fixtures";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { agentServiceOf, appRun, cluster, envoyConfigOf, envoyText, objectsOf, one } from "./support/objects";
import { autoName, plainStrings, runProgram, valueOf } from "./support/pulumi-mocks";

const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };

function agents(args: AgentServiceArgs, name = "agents") {
    const { objects } = agentServiceOf(name, args);
    const kind = (k: string) => objects.filter((o) => o.kind === k);
    return { objects, kind, one: (k: string) => one(objects, k) };
}

describe("AgentService", () => {
    it("runs the agent on the pod address behind a ClusterIP Service with client-IP affinity", () => {
        const r = agents({ credentials, namespace: "waf" });
        assert.deepStrictEqual(r.objects.map((o) => o.kind).sort(), ["Deployment", "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service"]);
        for (const o of r.objects) validateKubernetesObject(o);
        const pod = r.one("Deployment").spec.template.spec;
        const [agent] = pod.containers;
        const secret = autoName("agents-sigsci-credentials");
        assert.deepStrictEqual(agent.env, [
            { name: "SIGSCI_ACCESSKEYID", valueFrom: { secretKeyRef: { name: secret, key: "accesskeyid" } } },
            { name: "SIGSCI_SECRETACCESSKEY", valueFrom: { secretKeyRef: { name: secret, key: "secretaccesskey" } } },
            { name: "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA", value: "1" },
            { name: "SIGSCI_ENVOY_GRPC_ADDRESS", value: "0.0.0.0:9999" },
            // Fastly's startup probe (agent 4.51.0+): /startup answers 200 once the rules are loaded.
            { name: "SIGSCI_STARTUP_PROBE_LISTENER", value: "0.0.0.0:2024" },
            // The client IP comes from the header each Envoy writes from its own trusted address, never X-Forwarded-For.
            { name: "SIGSCI_CLIENT_IP_HEADER", value: "x-sigsci-client-ip" },
        ]);
        assert.strictEqual(agent.securityContext.readOnlyRootFilesystem, true);
        assert.deepStrictEqual(agent.startupProbe, { httpGet: { path: "/startup", port: "startup" }, periodSeconds: 2, failureThreshold: 90 });
        assert.deepStrictEqual(agent.readinessProbe, { tcpSocket: { port: "grpc" }, periodSeconds: 5, failureThreshold: 3 });
        // No Service in the namespace can inject SIGSCI_* variables the agent would read as options.
        assert.strictEqual(pod.enableServiceLinks, false);
        // The guide's 30 s, raised to 40 so every Envoy drops the pod from DNS first (30 s CoreDNS cache + 5 s refresh + margin).
        assert.deepStrictEqual(agent.lifecycle.preStop.exec.command, ["sleep", "40"]);
        assert.deepStrictEqual(pod.volumes, [{ name: "sigsci-tmp", emptyDir: {} }]);
        assert.strictEqual(pod.terminationGracePeriodSeconds, 55);
        assert.strictEqual(r.one("Deployment").spec.replicas, 2);
        const labels = { "app.kubernetes.io/name": "sigsci-agent", "app.kubernetes.io/instance": "agents" };
        assert.deepStrictEqual(pod.topologySpreadConstraints, [
            // Only the current rollout's pods count (matchLabelKeys), so a rollout does not skew the new ones by the old ones leaving.
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels }, matchLabelKeys: ["pod-template-hash"] },
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels }, matchLabelKeys: ["pod-template-hash"] },
        ]);
        assert.deepStrictEqual(r.one("Service").spec, {
            type: "ClusterIP",
            selector: labels,
            ports: [{ name: "grpc", port: 9999, targetPort: "grpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" }],
            sessionAffinity: "ClientIP",
            ipFamilies: ["IPv4"],
            ipFamilyPolicy: "SingleStack",
        });
        // An agent pod that runs but is not Ready never blocks a node drain.
        assert.deepStrictEqual(r.one("PodDisruptionBudget").spec, { maxUnavailable: 1, selector: { matchLabels: labels }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
        assert.deepStrictEqual(r.one("NetworkPolicy").spec, {
            podSelector: { matchLabels: labels },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        {
                            namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["waf"] }] },
                            podSelector: { matchLabels: { "sigsci-envoy/agent-service": "agents" } },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 9999 }],
                },
            ],
        });
        // One naming rule: every object but the provider-named Secret carries the component's name.
        assert.deepStrictEqual(
            r.objects.filter((o) => o.kind !== "Secret").map((o) => o.metadata.name),
            ["agents", "agents", "agents", "agents"],
        );
    });

    it("scales with an autoscaler and then leaves replicas to it", () => {
        const r = agents({ credentials, autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilization: 60, memoryUtilization: 80 } });
        for (const o of r.objects) validateKubernetesObject(o);
        assert.ok(!("replicas" in r.one("Deployment").spec), "server-side apply would fight the autoscaler");
        assert.deepStrictEqual(r.one("HorizontalPodAutoscaler").metadata.name, "agents");
        assert.deepStrictEqual(r.one("HorizontalPodAutoscaler").spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "agents" },
            minReplicas: 3,
            maxReplicas: 12,
            metrics: [
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
                { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
            ],
            // Gentler than Kubernetes' default (5 minutes, all at once): each removed agent drains and moves its Envoys' streams.
            behavior: { scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: "Percent", value: 25, periodSeconds: 60 }] } },
        });
        const tuned = agents({ credentials, autoscaling: { maxReplicas: 12, scaleDownStabilizationSeconds: 120, scaleDownPercentPerMinute: 50 } });
        assert.deepStrictEqual(tuned.one("HorizontalPodAutoscaler").spec.behavior, { scaleDown: { stabilizationWindowSeconds: 120, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } });
        for (const [autoscaling, message] of [
            [{ maxReplicas: 4, scaleDownStabilizationSeconds: 3601 }, 'sigsci-envoy: invalid "autoscaling.scaleDownStabilizationSeconds": got 3601; expected a whole number from 0 to 3600'],
            [{ maxReplicas: 4, scaleDownPercentPerMinute: 0 }, 'sigsci-envoy: invalid "autoscaling.scaleDownPercentPerMinute": got 0; expected a whole number from 1 to 100'],
        ] as const)
            assert.throws(() => agents({ credentials, autoscaling }), { message });
    });

    it("serves TLS from the given Secret, and is headless when no response data is expected", () => {
        const r = agents({ credentials: { existingSecretName: "sigsci.site" }, namespace: "waf", tls: { secretName: "agents-tls" }, expectResponseData: false });
        assert.strictEqual(r.kind("Secret").length, 0);
        for (const o of r.objects) validateKubernetesObject(o);
        const pod = r.one("Deployment").spec.template.spec;
        const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef.name]));
        assert.strictEqual(env.SIGSCI_ENVOY_GRPC_CERT, "/sigsci/tls/tls.crt");
        assert.strictEqual(env.SIGSCI_ENVOY_GRPC_KEY, "/sigsci/tls/tls.key");
        assert.strictEqual(env.SIGSCI_ACCESSKEYID, "sigsci.site");
        assert.strictEqual(env.SIGSCI_ENVOY_EXPECT_RESPONSE_DATA, undefined);
        assert.deepStrictEqual(pod.volumes[1], { name: "sigsci-tls", secret: { secretName: "agents-tls" } });
        assert.deepStrictEqual(pod.containers[0].volumeMounts[1], { name: "sigsci-tls", mountPath: "/sigsci/tls", readOnly: true });
        assert.strictEqual(r.one("Service").spec.sessionAffinity, undefined);
        // Nothing to pair: a headless Service lets Envoy resolve every agent pod and balance over them.
        assert.strictEqual(r.one("Service").spec.clusterIP, "None");
    });

    it("publishes its endpoint, labels and names as outputs, and keeps the keys out of every registered input", async () => {
        const run = await runProgram(() => new AgentService("agents", { credentials, namespace: "waf", autoscaling: { maxReplicas: 4 } }));
        const a = run.result;
        assert.strictEqual(await valueOf(a.grpcEndpoint), "agents.waf.svc.cluster.local:9999");
        assert.deepStrictEqual(await valueOf(a.clientLabels), { "sigsci-envoy/agent-service": "agents" });
        assert.deepStrictEqual(await valueOf(a.clientNamespaces), ["waf"]);
        assert.strictEqual(await valueOf(a.autoscalerName), "agents");
        assert.strictEqual(await valueOf(a.secretName), autoName("agents-sigsci-credentials"));
        for (const res of run.resources) for (const [at, s] of plainStrings(res.inputs)) assert.ok(!s.includes(SECRET_ACCESS_KEY), `${res.name} ${at}`);
    });

    it("keeps the identity of the objects an earlier release named <name>-agent (aliases)", async () => {
        const run = await runProgram(() => new AgentService("agents", { credentials, autoscaling: { maxReplicas: 4 } }));
        const kinds = ["autoscaling/v2:HorizontalPodAutoscaler", "policy/v1:PodDisruptionBudget", "networking.k8s.io/v1:NetworkPolicy"];
        for (const kind of kinds) assert.strictEqual(run.one(`kubernetes:${kind}`).name, "agents");
        // An alias is a resource option the mock runtime does not record: the plan carries it.
        for (const c of agentServiceChildren("agents", { secret: true, autoscaler: true, metrics: false }).filter((x) => kinds.some((k) => k.endsWith(`:${x.kind}`)))) {
            assert.deepStrictEqual(c.aliases, ["agents-agent"], c.kind);
        }
    });
});

describe("EnvoyApp with an agent Service", () => {
    it("creates its own agent Service: the pod holds only Envoy and the app, Envoy resolves the Service by DNS", () => {
        const r = appRun(guideArgs({ agentService: { create: { replicas: 3 } } }));
        for (const o of r.objects) validateKubernetesObject(o);
        validateEnvoyConfig(r.envoyText);
        assert.deepStrictEqual(Object.keys(r.containers), ["envoy", "app"]);
        const pod = r.byKind("Deployment");
        assert.deepStrictEqual(pod.spec.template.spec.volumes, [
            { name: "envoy-config", configMap: { name: autoName("helloworld-envoy-config") } },
            { name: "app-tmp", emptyDir: { sizeLimit: "256Mi" } },
        ]);
        assert.strictEqual(pod.spec.template.metadata.labels["sigsci-envoy/agent-service"], "helloworld-agent");
        // No sidecar: the app's preStop sleep (Envoy's 15 s drain + 5) is the longest, plus 15.
        assert.strictEqual(pod.spec.template.spec.terminationGracePeriodSeconds, 35);
        const agent = cluster(r.envoyConfig, "sigsci-agent");
        assert.strictEqual(agent.type, "STRICT_DNS");
        // In the provider's namespace, whose name is not known: the bare Service name, which the
        // pod's resolver looks up in the pod's own namespace, the agent Service's too.
        assert.deepStrictEqual(agent.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address, {
            socket_address: { address: "helloworld-agent", port_value: 9999 },
        });
        const agents = one(r.objects, "Deployment", "helloworld-agent");
        assert.strictEqual(agents.spec.replicas, 3);
        const service = one(r.objects, "Service", "helloworld-agent");
        assert.strictEqual(service.metadata.namespace, undefined);
        assert.strictEqual(`${service.metadata.name}:${service.spec.ports[0].port}`, "helloworld-agent:9999");
        // With a namespace: its full name.
        const named = appRun(guideArgs({ namespace: "shop", agentService: { create: {} } }));
        assert.strictEqual(cluster(named.envoyConfig, "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address, "helloworld-agent.shop.svc.cluster.local");
    });

    it("parents its agent Service to itself and the agent Service's objects to that, and reads the endpoint from it", async () => {
        const run = await runProgram(() => new EnvoyApp("helloworld", guideArgs({ agentService: { create: { replicas: 3 } } })));
        const agentDeployment = run.one("kubernetes:apps/v1:Deployment", "helloworld-agent");
        assert.ok(agentDeployment.urn.includes("::sigsci-envoy:index:AgentService$kubernetes:apps/v1:Deployment::"), agentDeployment.urn);
        assert.ok(run.one("sigsci-envoy:index:AgentService").urn.endsWith("::sigsci-envoy:index:EnvoyApp$sigsci-envoy:index:AgentService::helloworld-agent"));
        // The output names the namespace the provider put the Service in (the mock provider's: default).
        assert.strictEqual(await valueOf(run.result.agentGrpcEndpoint), "helloworld-agent.default.svc.cluster.local:9999");
        assert.strictEqual(await valueOf(run.result.namespace), "default");
        assert.strictEqual(await valueOf(run.result.secretName), autoName("helloworld-agent-sigsci-credentials"));
    });

    it("verifies the agent's certificate when the service speaks TLS", () => {
        const r = appRun(guideArgs({ namespace: "default", agentService: { create: { tls: { secretName: "agent-tls" } }, tlsCaSecretName: "agent-ca" } }));
        validateEnvoyConfig(r.envoyText);
        for (const o of r.objects) validateKubernetesObject(o);
        const host = "helloworld-agent.default.svc.cluster.local";
        assert.deepStrictEqual(cluster(r.envoyConfig, "sigsci-agent").transport_socket, {
            name: "envoy.transport_sockets.tls",
            typed_config: {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                sni: host,
                common_tls_context: {
                    alpn_protocols: ["h2"],
                    validation_context: { trusted_ca: { filename: "/etc/envoy/agent-ca/ca.crt" }, match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: host } }] },
                },
            },
        });
        assert.deepStrictEqual(r.containers.envoy.volumeMounts[1], { name: "agent-ca", mountPath: "/etc/envoy/agent-ca", readOnly: true });
        const volumes = r.byKind("Deployment").spec.template.spec.volumes;
        assert.deepStrictEqual(volumes[2], { name: "agent-ca", secret: { secretName: "agent-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    });

    it("lets two apps share one agent Service: both point at it, its policy admits both, nothing is duplicated", () => {
        const objects = objectsOf([
            { component: "AgentService", name: "agents", args: { credentials, namespace: "waf", clientNamespaces: ["shop", "blog"], autoscaling: { maxReplicas: 10 } } },
            { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: { image: "registry.example.com/shop:1.0" } }, linkTo: "agents" },
            { component: "EnvoyApp", name: "blog", args: { namespace: "blog", app: { image: "registry.example.com/blog:1.0" } }, linkTo: "agents" },
        ]);
        for (const o of objects) validateKubernetesObject(o);
        assert.strictEqual(objects.filter((o) => o.kind === "Secret").length, 1);
        assert.deepStrictEqual(
            objects
                .filter((o) => o.kind === "Deployment")
                .map((d) => d.metadata.name)
                .sort(),
            ["agents", "blog", "shop"],
        );
        const policy = one(objects, "NetworkPolicy", "agents").spec.ingress[0].from[0];
        for (const app of ["shop", "blog"]) {
            const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.namespace === app);
            validateEnvoyConfig(envoyText(cm));
            const address = cluster(envoyConfigOf(cm), "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
            assert.deepStrictEqual(address, { address: "agents.waf.svc.cluster.local", port_value: 9999 });
            const d = objects.find((o) => o.kind === "Deployment" && o.metadata.name === app);
            assert.deepStrictEqual(
                d.spec.template.spec.containers.map((c: any) => c.name),
                ["envoy", "app"],
            );
            for (const [k, v] of Object.entries(policy.podSelector.matchLabels)) assert.strictEqual(d.spec.template.metadata.labels[k], v, `${app} pod lacks ${k}`);
            assert.ok(policy.namespaceSelector.matchExpressions[0].values.includes(d.metadata.namespace));
        }
    });

    it("gives a shared app the service's endpoint and no Secret of its own", async () => {
        const run = await runProgram(() => {
            const shared = new AgentService("agents", { credentials, namespace: "waf", clientNamespaces: ["shop"] });
            return new EnvoyApp("shop", { namespace: "shop", app: { image: "registry.example.com/shop:1.0" }, agentService: shared.link() });
        });
        assert.strictEqual(await valueOf(run.result.agentGrpcEndpoint), "agents.waf.svc.cluster.local:9999");
        assert.strictEqual(await valueOf(run.result.secretName), undefined);
    });
});
