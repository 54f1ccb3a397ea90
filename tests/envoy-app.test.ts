// The EnvoyApp component in the sidecar layout, checked object by object against Fastly's
// Kubernetes Envoy guide (../shared/seed/kubernetes-envoy-guide.txt) and the real schemas. The
// objects come from the components' plan; what needs the Pulumi runtime (parenting, secrets,
// outputs) is checked on the component itself.
import * as assert from "assert";
import { EnvoyApp, EnvoyAppArgs } from "../sdk";
import { ACCESS_KEY_ID, guideArgs, SECRET_ACCESS_KEY } from "../tools/fixtures";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { appRun, AppRun, cluster, frontFilters, frontManager } from "./support/objects";
import { autoName, isWrappedSecret, plainStrings, Run, runProgram, valueOf } from "./support/pulumi-mocks";

const COMPONENT = "sigsci-envoy:index:EnvoyApp";
const OUTPUTS = ["agentGrpcEndpoint", "namespace", "secretName", "configMapName", "deploymentName", "serviceName", "frontUrl", "acknowledgedFindings"] as const;

/** The component under Pulumi's mock runtime: what it registers, as what, and its outputs. */
async function registered(args: EnvoyAppArgs, name = "helloworld") {
    const run = await runProgram(() => new EnvoyApp(name, args));
    const outputs: Record<string, any> = {};
    for (const key of OUTPUTS) outputs[key] = await valueOf<unknown>(run.result[key]);
    return { run, outputs };
}

describe("EnvoyApp component, the guide's example, under the Pulumi runtime", () => {
    let run: Run<EnvoyApp>;
    let outputs: Record<string, string | undefined>;
    before(async () => {
        ({ run, outputs } = await registered(guideArgs()));
    });

    it("registers its six objects as children of the component, named from its name", () => {
        const children = run.resources.filter((x) => x.type !== COMPONENT);
        assert.deepStrictEqual(children.map((c) => `${c.type} ${c.name}`).sort(), [
            "kubernetes:apps/v1:Deployment helloworld",
            "kubernetes:core/v1:ConfigMap helloworld-envoy-config",
            "kubernetes:core/v1:Secret helloworld-sigsci-credentials",
            "kubernetes:core/v1:Service helloworld",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy helloworld",
            "kubernetes:policy/v1:PodDisruptionBudget helloworld",
        ]);
        for (const c of children) assert.ok(c.urn.includes(`::${COMPONENT}$${c.type}::`), `${c.urn} is not parented to the component`);
    });

    it("leaves the ConfigMap's name to the provider, so a changed config is a new ConfigMap", () => {
        const configMap = run.one("kubernetes:core/v1:ConfigMap");
        assert.strictEqual(configMap.inputs.immutable, true);
        assert.strictEqual(configMap.inputs.metadata.name, undefined);
    });

    it("keeps the credentials in a Secret with the guide's keys, as secrets", () => {
        const secret = run.one("kubernetes:core/v1:Secret");
        assert.ok(isWrappedSecret(secret.inputs.stringData), "stringData reaches the engine as a secret");
        assert.deepStrictEqual(secret.inputs.stringData.value, { accesskeyid: ACCESS_KEY_ID, secretaccesskey: SECRET_ACCESS_KEY });
        assert.strictEqual(secret.inputs.data, undefined);
        assert.strictEqual(secret.inputs.immutable, true);
        assert.strictEqual(secret.inputs.type, "Opaque");
        assert.strictEqual(secret.inputs.metadata.name, undefined, "the provider names it, so new keys make a new Secret");
    });

    it("never shows the credentials in plaintext in any registered input or output", () => {
        for (const res of run.resources) {
            for (const [at, s] of plainStrings(res.inputs)) {
                assert.ok(!s.includes(ACCESS_KEY_ID) && !s.includes(SECRET_ACCESS_KEY), `${res.type} ${res.name} ${at} holds a credential in plaintext`);
            }
        }
        const component = run.one(COMPONENT);
        assert.ok(!JSON.stringify(component.inputs).includes(ACCESS_KEY_ID));
        assert.ok(!JSON.stringify(component.inputs).includes(SECRET_ACCESS_KEY));
        for (const v of Object.values(outputs)) assert.ok(!String(v).includes(ACCESS_KEY_ID) && !String(v).includes(SECRET_ACCESS_KEY));
    });

    it("outputs the agent endpoint, the object names, the namespace and the front URL", () => {
        assert.deepStrictEqual(outputs, {
            agentGrpcEndpoint: "127.0.0.1:9999",
            namespace: "default",
            secretName: autoName("helloworld-sigsci-credentials"),
            configMapName: autoName("helloworld-envoy-config"),
            deploymentName: "helloworld",
            serviceName: "helloworld",
            frontUrl: "http://helloworld.default.svc.cluster.local:8000",
            acknowledgedFindings: [],
        });
    });
});

describe("EnvoyApp, sidecar layout, the guide's example", () => {
    const r: AppRun = appRun(guideArgs());

    it("emits only objects that the Kubernetes schema accepts, unknown fields refused", () => {
        assert.strictEqual(r.objects.length, 6);
        for (const o of r.objects) validateKubernetesObject(o);
    });

    it("emits an Envoy config that Envoy's v3 protos accept", () => {
        validateEnvoyConfig(r.envoyText);
    });

    it("runs the agent as the guide's sidecar: credentials from secretKeyRef, gRPC on the loopback port 9999, response data expected", () => {
        const agent = r.containers["sigsci-agent"];
        const secretName = autoName("helloworld-sigsci-credentials");
        assert.deepStrictEqual(agent.env, [
            { name: "SIGSCI_ACCESSKEYID", valueFrom: { secretKeyRef: { name: secretName, key: "accesskeyid" } } },
            { name: "SIGSCI_SECRETACCESSKEY", valueFrom: { secretKeyRef: { name: secretName, key: "secretaccesskey" } } },
            { name: "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA", value: "1" },
            // The guide's localhost, as the IPv4 loopback Envoy dials (localhost may resolve to ::1 first).
            { name: "SIGSCI_ENVOY_GRPC_ADDRESS", value: "127.0.0.1:9999" },
            // The guide's optional startup probe (agent 4.51.0+, which latest is), on so the pod waits for the rules.
            { name: "SIGSCI_STARTUP_PROBE_LISTENER", value: "0.0.0.0:2024" },
            // The agent's client-ip-header, moved off its X-Forwarded-For default to the header Envoy overwrites.
            { name: "SIGSCI_CLIENT_IP_HEADER", value: "x-sigsci-client-ip" },
        ]);
        assert.strictEqual(agent.image, "signalsciences/sigsci-agent:latest");
        assert.strictEqual(agent.imagePullPolicy, "Always", "the guide: latest with Always keeps the agent current");
        assert.deepStrictEqual(agent.ports, [
            { name: "grpc", containerPort: 9999, protocol: "TCP" },
            { name: "startup", containerPort: 2024, protocol: "TCP" },
        ]);
        assert.strictEqual(agent.securityContext.readOnlyRootFilesystem, true);
        assert.deepStrictEqual(agent.volumeMounts, [{ name: "sigsci-tmp", mountPath: "/sigsci/tmp" }]);
        assert.deepStrictEqual(agent.lifecycle, { preStop: { exec: { command: ["sleep", "30"] } } });
        // Fastly's startup-probe example: httpGet /startup every 2 s, up to 90 times.
        assert.deepStrictEqual(agent.startupProbe, { httpGet: { path: "/startup", port: "startup" }, failureThreshold: 90, periodSeconds: 2 });
        assert.deepStrictEqual(agent.resources, { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
    });

    it("gives the pod the guide's emptyDir and a grace period longer than the preStop sleep", () => {
        const pod = r.byKind("Deployment").spec.template.spec;
        assert.deepStrictEqual(pod.volumes, [
            { name: "envoy-config", configMap: { name: autoName("helloworld-envoy-config") } },
            { name: "app-tmp", emptyDir: { sizeLimit: "256Mi" } },
            { name: "sigsci-tmp", emptyDir: {} },
        ]);
        assert.strictEqual(pod.terminationGracePeriodSeconds, 45);
        assert.strictEqual(pod.automountServiceAccountToken, false);
        assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepStrictEqual(
            pod.containers.map((c: any) => c.name),
            ["envoy", "app", "sigsci-agent"],
        );
    });

    it("runs the app as the guide does: helloworld with its listen address, behind Envoy", () => {
        const app = r.containers.app;
        assert.strictEqual(app.image, "signalsciences/example-helloworld:latest");
        assert.deepStrictEqual(app.args, ["localhost:8080"]);
        assert.deepStrictEqual(app.ports, [{ name: "app", containerPort: 8080, protocol: "TCP" }]);
        assert.strictEqual(app.env, undefined);
    });

    it("runs Envoy on the front port 8000 with the generated config mounted read-only", () => {
        const envoy = r.containers.envoy;
        assert.match(envoy.image, /^envoyproxy\/envoy:v\d+\.\d+\.\d+$/);
        assert.strictEqual(envoy.imagePullPolicy, "IfNotPresent");
        // One worker per CPU of its 1-CPU limit; listeners close after the 15 s drain.
        assert.deepStrictEqual(envoy.args, ["-c", "/etc/envoy/envoy.json", "--log-level", "info", "--disable-hot-restart", "--concurrency", "1", "--drain-time-s", "15"]);
        assert.deepStrictEqual(envoy.volumeMounts, [{ name: "envoy-config", mountPath: "/etc/envoy", readOnly: true }]);
        assert.deepStrictEqual(envoy.ports, [
            { name: "http", containerPort: 8000, protocol: "TCP" },
            { name: "envoy-ready", containerPort: 9902, protocol: "TCP" },
        ]);
        assert.deepStrictEqual(envoy.readinessProbe.httpGet, { path: "/ready", port: "envoy-ready" });
    });

    it("gives every container the restricted security defaults", () => {
        for (const c of Object.values(r.containers)) {
            assert.strictEqual(c.securityContext.runAsNonRoot, true, c.name);
            assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false, c.name);
            assert.deepStrictEqual(c.securityContext.capabilities, { drop: ["ALL"] }, c.name);
            assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true, c.name);
            assert.ok(c.securityContext.runAsUser > 0, c.name);
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory, c.name);
        }
    });

    it("listens on 0.0.0.0:8000 and routes every request to the app on 127.0.0.1:8080", () => {
        const front = r.envoyConfig.static_resources.listeners.find((l: any) => l.name === "front");
        assert.deepStrictEqual(front.address, { socket_address: { address: "0.0.0.0", port_value: 8000 } });
        assert.deepStrictEqual(frontManager(r.envoyConfig).route_config.virtual_hosts, [{ name: "app", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "app" } }] }]);
        assert.deepStrictEqual(cluster(r.envoyConfig, "app").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address, {
            socket_address: { address: "127.0.0.1", port_value: 8080 },
        });
    });

    it("asks the agent about every request with ext_authz over gRPC, then routes (router last)", () => {
        const filters = frontFilters(r.envoyConfig);
        assert.deepStrictEqual(
            filters.map((f: any) => f.name),
            ["envoy.filters.http.header_mutation", "envoy.filters.http.ext_authz", "envoy.filters.http.router"],
        );
        assert.deepStrictEqual(filters[1].typed_config, {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
            transport_api_version: "V3",
            grpc_service: { envoy_grpc: { cluster_name: "sigsci-agent" }, timeout: "0.2s" },
            failure_mode_allow: true,
            with_request_body: { max_request_bytes: 8192, allow_partial_message: true },
        });
    });

    it("sends response data to the agent through the gRPC access logger, with the x-sigsci-* headers", () => {
        const [log] = frontManager(r.envoyConfig).access_log;
        assert.strictEqual(log.name, "envoy.access_loggers.http_grpc");
        assert.deepStrictEqual(log.typed_config.common_config, {
            log_name: "sigsci-agent",
            transport_api_version: "V3",
            grpc_service: { envoy_grpc: { cluster_name: "sigsci-agent" }, timeout: "0.2s" },
        });
        for (const h of ["x-sigsci-request-id", "x-sigsci-waf-response"]) assert.ok(log.typed_config.additional_request_headers_to_log.includes(h), h);
        assert.deepStrictEqual(log.typed_config.additional_response_headers_to_log, ["date", "server", "content-type", "content-length"]);
    });

    it("reaches the agent over HTTP/2 declared the v3 way, at the agent's own address", () => {
        const agent = cluster(r.envoyConfig, "sigsci-agent");
        assert.strictEqual(agent.http2_protocol_options, undefined, "the cluster-level field is deprecated");
        assert.deepStrictEqual(agent.typed_extension_protocol_options, {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                explicit_http_config: { http2_protocol_options: {} },
            },
        });
        assert.deepStrictEqual(agent.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address, {
            socket_address: { address: "127.0.0.1", port_value: 9999 },
        });
        assert.strictEqual(agent.connect_timeout, "0.25s");
    });

    it("keeps Envoy's admin interface on loopback and exposes only /ready for the probe and /stats/prometheus (metrics, on by default)", () => {
        assert.deepStrictEqual(r.envoyConfig.admin, { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } });
        const readiness = r.envoyConfig.static_resources.listeners.find((l: any) => l.name === "readiness");
        const routes = readiness.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
        assert.deepStrictEqual(routes, [
            { match: { path: "/ready" }, route: { cluster: "envoy-admin" } },
            { match: { path: "/stats/prometheus" }, route: { cluster: "envoy-admin" } },
        ]);
    });

    it("fronts Envoy with a Service whose named target port is Envoy's listener", () => {
        const service = r.byKind("Service");
        const deployment = r.byKind("Deployment");
        assert.deepStrictEqual(service.spec, {
            type: "ClusterIP",
            selector: { "app.kubernetes.io/instance": "helloworld", "app.kubernetes.io/component": "envoy-app" },
            ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }],
            // Envoy listens on 0.0.0.0: a cluster that would give the Service an IPv6 address refuses it instead.
            ipFamilies: ["IPv4"],
            ipFamilyPolicy: "SingleStack",
        });
        const target = r.containers.envoy.ports.find((p: any) => p.name === service.spec.ports[0].targetPort);
        assert.strictEqual(target.containerPort, 8000);
        assert.deepStrictEqual(deployment.spec.selector.matchLabels, service.spec.selector);
        for (const [k, v] of Object.entries(service.spec.selector)) assert.strictEqual(deployment.spec.template.metadata.labels[k], v);
    });

    it("labels every object with the recommended app.kubernetes.io labels (no version from a latest tag), and leaves the namespace to the provider", () => {
        for (const o of r.objects) {
            assert.ok(!("namespace" in o.metadata), `${o.kind} ${o.metadata.name}`);
            // The application is the app itself (Kubernetes' common labels); what it is part of is the user's to say.
            assert.deepStrictEqual(o.metadata.labels, {
                "app.kubernetes.io/name": "helloworld",
                "app.kubernetes.io/instance": "helloworld",
                "app.kubernetes.io/component": "envoy-app",
                "app.kubernetes.io/managed-by": "pulumi",
            });
        }
    });

    it("rolls the pods when the Envoy config or the credentials change: both are immutable and referenced by name", () => {
        assert.strictEqual(r.byKind("ConfigMap").immutable, true);
        assert.strictEqual(r.byKind("Secret").immutable, true);
        const pod = r.byKind("Deployment").spec.template.spec;
        assert.strictEqual(pod.volumes[0].configMap.name, r.byKind("ConfigMap").metadata.name);
        assert.strictEqual(r.containers["sigsci-agent"].env[0].valueFrom.secretKeyRef.name, r.byKind("Secret").metadata.name);
    });
});

describe("EnvoyApp inputs", () => {
    it("uses an existing Secret instead of creating one", async () => {
        const args = guideArgs({ credentials: { existingSecretName: "sigsci.my-site-name-here" } });
        const r = appRun(args);
        assert.strictEqual(r.objects.filter((o) => o.kind === "Secret").length, 0);
        const refs = r.containers["sigsci-agent"].env.slice(0, 2).map((e: any) => e.valueFrom.secretKeyRef);
        assert.deepStrictEqual(refs, [
            { name: "sigsci.my-site-name-here", key: "accesskeyid" },
            { name: "sigsci.my-site-name-here", key: "secretaccesskey" },
        ]);
        assert.strictEqual((await registered(args)).outputs.secretName, "sigsci.my-site-name-here");
        for (const o of r.objects) validateKubernetesObject(o);
    });

    it("keeps the agent's port in agreement everywhere: env, container port, Envoy cluster, output", async () => {
        const args = guideArgs({ agent: { grpcPort: 9100 } });
        const r = appRun(args);
        const agent = r.containers["sigsci-agent"];
        assert.deepStrictEqual(
            agent.env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS"),
            { name: "SIGSCI_ENVOY_GRPC_ADDRESS", value: "127.0.0.1:9100" },
        );
        assert.strictEqual(agent.ports[0].containerPort, 9100);
        assert.strictEqual(cluster(r.envoyConfig, "sigsci-agent").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 9100);
        assert.strictEqual((await registered(args)).outputs.agentGrpcEndpoint, "127.0.0.1:9100");
    });

    it("moves rpc-address and shared-cache-dir with the temp mount, as the guide says", () => {
        const r = appRun(guideArgs({ agent: { tmpMountPath: "/var/sigsci" } }));
        const agent = r.containers["sigsci-agent"];
        assert.deepStrictEqual(agent.volumeMounts, [{ name: "sigsci-tmp", mountPath: "/var/sigsci" }]);
        const env = Object.fromEntries(agent.env.map((e: any) => [e.name, e.value]));
        assert.strictEqual(env.SIGSCI_RPC_ADDRESS, "/var/sigsci/sigsci.sock");
        assert.strictEqual(env.SIGSCI_SHARED_CACHE_DIR, "/var/sigsci/cache");
    });

    it("turns the agent's startup probe on only for images known to serve it, and off when asked", () => {
        const probeOf = (agent: Record<string, unknown>) => appRun(guideArgs({ agent })).containers["sigsci-agent"];
        // Fastly: "Startup probes are available in agent versions 4.51.0 and above".
        for (const image of [
            "signalsciences/sigsci-agent",
            "signalsciences/sigsci-agent:latest",
            "signalsciences/sigsci-agent:4.51.0",
            "signalsciences/sigsci-agent:4.70.0",
            "registry.example.com:5000/sigsci-agent:v5.0",
        ]) {
            assert.ok(probeOf({ image }).startupProbe, image);
        }
        // Older, unknown tags and digests: the listener may not exist, and the pod would never start.
        for (const image of [
            "signalsciences/sigsci-agent:4.50.9",
            "signalsciences/sigsci-agent:3.99.0",
            "signalsciences/sigsci-agent:stable",
            "signalsciences/sigsci-agent@sha256:" + "a".repeat(64),
        ]) {
            const agent = probeOf({ image });
            assert.strictEqual(agent.startupProbe, undefined, image);
            assert.ok(!agent.env.some((e: any) => e.name === "SIGSCI_STARTUP_PROBE_LISTENER"), image);
            assert.deepStrictEqual(
                agent.ports.map((p: any) => p.name),
                ["grpc"],
                image,
            );
        }
        assert.ok(probeOf({ image: "signalsciences/sigsci-agent:stable", startupProbe: true }).startupProbe);
        const off = probeOf({ startupProbe: false });
        assert.strictEqual(off.startupProbe, undefined);
        assert.ok(!off.env.some((e: any) => e.name === "SIGSCI_STARTUP_PROBE_LISTENER"));
    });

    it("keeps the startup probe on a port of choice, other agent options by their documented names, and a longer preStop", () => {
        const r = appRun(guideArgs({ agent: { startupProbePort: 2100, preStopSleepSeconds: 60, options: { "max-procs": "2", "upload-interval": "60s" } } }));
        const agent = r.containers["sigsci-agent"];
        const env = agent.env.slice(4);
        assert.deepStrictEqual(env, [
            { name: "SIGSCI_STARTUP_PROBE_LISTENER", value: "0.0.0.0:2100" },
            { name: "SIGSCI_CLIENT_IP_HEADER", value: "x-sigsci-client-ip" },
            { name: "SIGSCI_MAX_PROCS", value: "2" },
            { name: "SIGSCI_UPLOAD_INTERVAL", value: "60s" },
        ]);
        assert.deepStrictEqual(agent.startupProbe, { httpGet: { path: "/startup", port: "startup" }, failureThreshold: 90, periodSeconds: 2 });
        assert.deepStrictEqual(agent.ports[1], { name: "startup", containerPort: 2100, protocol: "TCP" });
        assert.deepStrictEqual(agent.lifecycle.preStop.exec.command, ["sleep", "60"]);
        // The app keeps its default (Envoy's 15 s + 5); only the agent and the grace period grow.
        assert.strictEqual(r.byKind("Deployment").spec.template.spec.terminationGracePeriodSeconds, 75);
        for (const o of r.objects) validateKubernetesObject(o);
    });

    it("without response data: no access logger and no SIGSCI_ENVOY_EXPECT_RESPONSE_DATA", () => {
        const r = appRun(guideArgs({ inspection: { expectResponseData: false } }));
        assert.strictEqual(frontManager(r.envoyConfig).access_log, undefined);
        assert.ok(!r.containers["sigsci-agent"].env.some((e: any) => e.name === "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA"));
        validateEnvoyConfig(r.envoyText);
    });

    it("fails closed with 503 when asked, so an agent outage is told apart from a block", () => {
        const r = appRun(guideArgs({ inspection: { failOpen: false, timeout: "0.5s", maxRequestBytes: 65536, allowPartialMessage: false } }));
        const authz = frontFilters(r.envoyConfig)[1].typed_config;
        assert.strictEqual(authz.failure_mode_allow, false);
        assert.deepStrictEqual(authz.status_on_error, { code: "ServiceUnavailable" });
        assert.deepStrictEqual(authz.with_request_body, { max_request_bytes: 65536, allow_partial_message: false });
        assert.strictEqual(authz.grpc_service.timeout, "0.5s");
        validateEnvoyConfig(r.envoyText);
    });

    it("sets app, Envoy, Service, namespace, replicas and labels from the inputs", async () => {
        const args = guideArgs({
            namespace: "shop",
            replicas: 3,
            port: 8443,
            labels: { team: "payments" },
            serviceAccountName: "shop-api",
            automountServiceAccountToken: true,
            app: {
                image: "registry.example.com/shop/api:2.4.1",
                port: 3000,
                command: ["/api"],
                env: [
                    { name: "MODE", value: "prod" },
                    { name: "DB_PASSWORD", secretName: "db", secretKey: "password" },
                ],
                resources: { limits: { memory: "1Gi" } },
                readOnlyRootFilesystem: false,
            },
            envoy: { image: "envoyproxy/envoy:v1.38.7", logLevel: "warning" },
            service: { type: "LoadBalancer", port: 80 },
        });
        const r = appRun(args);
        for (const o of r.objects) {
            validateKubernetesObject(o);
            assert.strictEqual(o.metadata.namespace, "shop");
            assert.strictEqual(o.metadata.labels.team, "payments");
        }
        const d = r.byKind("Deployment");
        assert.strictEqual(d.spec.replicas, 3);
        assert.deepStrictEqual(r.containers.app.command, ["/api"]);
        assert.deepStrictEqual(r.containers.app.env, [
            { name: "MODE", value: "prod" },
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ]);
        assert.deepStrictEqual(r.containers.app.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "1Gi" } });
        assert.strictEqual(r.containers.app.securityContext.readOnlyRootFilesystem, false);
        assert.strictEqual(r.containers.app.imagePullPolicy, "IfNotPresent");
        assert.strictEqual(d.spec.template.spec.serviceAccountName, "shop-api");
        assert.strictEqual(d.spec.template.spec.automountServiceAccountToken, true);
        assert.deepStrictEqual(r.containers.envoy.args.slice(2, 4), ["--log-level", "warning"]);
        assert.strictEqual(r.containers.envoy.ports[0].containerPort, 8443);
        assert.strictEqual(cluster(r.envoyConfig, "app").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 3000);
        assert.deepStrictEqual(r.byKind("Service").spec.type, "LoadBalancer");
        assert.deepStrictEqual(r.byKind("Service").spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
        assert.strictEqual((await registered(args)).outputs.frontUrl, "http://helloworld.shop.svc.cluster.local:80");
    });

    it("merges extra Envoy settings over the generated config", () => {
        const r = appRun(guideArgs({ envoy: { extraConfig: { layered_runtime: { layers: [{ name: "static", static_layer: { "overload.global_downstream_max_connections": 50000 } }] } } } }));
        assert.deepStrictEqual(r.envoyConfig.layered_runtime.layers[0].name, "static");
        assert.deepStrictEqual(
            frontFilters(r.envoyConfig).map((f: any) => f.name),
            ["envoy.filters.http.header_mutation", "envoy.filters.http.ext_authz", "envoy.filters.http.router"],
        );
        validateEnvoyConfig(r.envoyText);
    });

    it("uses a whole Envoy config of the user's own, verbatim", async () => {
        const own = "static_resources:\n  listeners: []\n";
        const r = appRun(guideArgs({ envoy: { configOverride: own } }));
        // As YAML (or JSON) text: Envoy reads it with its YAML loader, by the file's extension.
        assert.deepStrictEqual(r.byKind("ConfigMap").data, { "envoy.yaml": own });
        assert.deepStrictEqual(r.containers.envoy.args.slice(0, 2), ["-c", "/etc/envoy/envoy.yaml"]);
    });
});
