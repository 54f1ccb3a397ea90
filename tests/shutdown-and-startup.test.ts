// The timings of a pod's start and stop, against each other: the pod is not Ready before an
// agent answers Envoy, and on shutdown Envoy drains first, the app outlives it, the agent
// outlives both, and the grace period covers it all. Pure settings and builders: no runtime.
import * as assert from "assert";
import { EnvoyAppArgs } from "../sdk";
import { envoyConfigObject } from "../sdk/envoy/config";
import { appDeployment, envoyDrainCommand } from "../sdk/kube/envoy-app";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { resolveAgentServiceSettings } from "../sdk/settings/agent-service";
import { agentDeployment } from "../sdk/kube/agent-service";
import { isNativeSidecar, preStopSeconds } from "../sdk/traffic/kube";
import { verifyTraffic } from "../sdk/traffic";
import { validateKubernetesObject } from "./support/kube-schema";
import { envoyAppObjects } from "./support/objects";
import { guideArgs } from "../tools/fixtures";

function pod(args: EnvoyAppArgs) {
    const s = resolveAppSettings("helloworld", args as any);
    const spec = appDeployment(s, { configMapName: "cm", secretName: "secret" }).spec.template.spec as any;
    const c = Object.fromEntries([...(spec.initContainers ?? []), ...spec.containers].map((x: any) => [x.name, x]));
    return { s, spec, envoy: c.envoy, app: c.app, agent: c["sigsci-agent"] };
}

/**
 * When a container gets SIGTERM after the pod starts terminating: after its preStop hook, and a
 * native sidecar not before every regular container has exited (the kubelet's order, KEP-753).
 */
function sigtermAt(spec: any, container: any): number {
    const regular = Math.max(0, ...spec.containers.map(preStopSeconds));
    return isNativeSidecar(spec, container) ? Math.max(preStopSeconds(container), regular) : preStopSeconds(container);
}

/** The pod of both forms of the sidecar: a regular container, and a native sidecar. */
const FORMS: [string, (args: EnvoyAppArgs) => EnvoyAppArgs][] = [
    ["a regular sidecar", (a) => a],
    ["a native sidecar", (a) => ({ ...a, agent: { ...a.agent, nativeSidecar: true } })],
];

describe("shutdown order", () => {
    it("sidecar defaults: Envoy drains 15 s, the app stops at 20 s, the agent at 30 s (the guide), the pod is killed at 45 s", () => {
        const { envoy, app, agent, spec } = pod(guideArgs());
        assert.deepStrictEqual(envoy.lifecycle, { preStop: { exec: { command: envoyDrainCommand(9901, 15) } } });
        assert.deepStrictEqual(envoy.args.slice(-2), ["--drain-time-s", "15"], "listeners close when the drain ends");
        assert.deepStrictEqual(app.lifecycle, { preStop: { sleep: { seconds: 20 } } }, "Kubernetes' own sleep: no shell needed in the app's image");
        assert.deepStrictEqual(agent.lifecycle, { preStop: { exec: { command: ["sleep", "30"] } } }, "the guide's preStop");
        assert.strictEqual(spec.terminationGracePeriodSeconds, 45);
        const [e, a, g] = [preStopSeconds(envoy), preStopSeconds(app), preStopSeconds(agent)];
        assert.ok(e < a && a <= g && g < spec.terminationGracePeriodSeconds, `${e} < ${a} <= ${g} < ${spec.terminationGracePeriodSeconds}`);
    });

    it("drains Envoy through its loopback admin interface: fail readiness, graceful drain, then keep serving", () => {
        assert.deepStrictEqual(envoyDrainCommand(9901, 15), [
            "/bin/bash",
            "-c",
            "admin() { exec 3<>/dev/tcp/127.0.0.1/9901 && printf 'POST %s HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n' \"$1\" >&3 && read -t 2 -r _ <&3; exec 3<&-; }; admin /healthcheck/fail; admin '/drain_listeners?graceful'; sleep 15",
        ]);
    });

    it("follows a longer Envoy drain: the app and the agent outlive it by default", () => {
        const { envoy, app, agent, spec } = pod(guideArgs({ envoy: { preStopSleepSeconds: 40 } }));
        assert.strictEqual(preStopSeconds(envoy), 40);
        assert.deepStrictEqual(app.lifecycle.preStop.sleep, { seconds: 45 });
        assert.deepStrictEqual(agent.lifecycle.preStop.exec.command, ["sleep", "45"]);
        assert.strictEqual(spec.terminationGracePeriodSeconds, 60);
    });

    it("agent Service layout: no sidecar, so the app's sleep sets the grace period; the agent pods keep serving 40 s", () => {
        const { agent, app, spec } = pod(guideArgs({ agentService: { create: {} } }));
        assert.strictEqual(agent, undefined);
        assert.strictEqual(preStopSeconds(app), 20);
        assert.strictEqual(spec.terminationGracePeriodSeconds, 35);
        const agents = agentDeployment(resolveAgentServiceSettings("agents", { credentials: { existingSecretName: "s" } }), "s").spec.template.spec as any;
        assert.deepStrictEqual(agents.containers[0].lifecycle, { preStop: { exec: { command: ["sleep", "40"] } } });
        assert.strictEqual(agents.terminationGracePeriodSeconds, 55);
    });

    it("uses Kubernetes' sleep for Envoy images without a shell (distroless), or when asked", () => {
        const distroless = pod(guideArgs({ envoy: { image: "envoyproxy/envoy:distroless-v1.39.5" } }));
        assert.deepStrictEqual(distroless.envoy.lifecycle, { preStop: { sleep: { seconds: 15 } } });
        const asked = pod(guideArgs({ envoy: { gracefulDrain: false } }));
        assert.deepStrictEqual(asked.envoy.lifecycle, { preStop: { sleep: { seconds: 15 } } });
    });

    it("leaves Envoy's hook out for a zero drain, and the app still outlives Envoy", () => {
        const { envoy, app, spec } = pod(guideArgs({ envoy: { preStopSleepSeconds: 0 } }));
        assert.strictEqual(envoy.lifecycle, undefined);
        assert.ok(!envoy.args.includes("--drain-time-s"));
        assert.deepStrictEqual(app.lifecycle.preStop.sleep, { seconds: 5 });
        assert.strictEqual(spec.terminationGracePeriodSeconds, 45);
    });

    it("keeps every native sleep within the grace period, as the API server requires", () => {
        for (const args of [guideArgs(), guideArgs({ agentService: { create: {} } }), guideArgs({ envoy: { preStopSleepSeconds: 300 } })]) {
            const { spec } = pod(args);
            for (const c of spec.containers) if (c.lifecycle?.preStop?.sleep) assert.ok(c.lifecycle.preStop.sleep.seconds <= spec.terminationGracePeriodSeconds, c.name);
        }
    });
});

describe("the sidecar agent in both forms: regular, and native (agent.nativeSidecar)", () => {
    for (const [form, as] of FORMS) {
        describe(form, () => {
            it("orders the shutdown: Envoy drains, the app outlives it, the agent outlives both, all within the grace period", () => {
                for (const args of [guideArgs(), guideArgs({ envoy: { preStopSleepSeconds: 40 } }), guideArgs({ app: { image: "shop:1", preStopSleepSeconds: 50 } })]) {
                    const { envoy, app, agent, spec } = pod(as(args));
                    const [e, a, g] = [sigtermAt(spec, envoy), sigtermAt(spec, app), sigtermAt(spec, agent)];
                    assert.ok(e < a && a <= g && g < spec.terminationGracePeriodSeconds, `${form}: ${e} < ${a} <= ${g} < ${spec.terminationGracePeriodSeconds}`);
                    for (const c of [...(spec.initContainers ?? []), ...spec.containers])
                        if (c.lifecycle?.preStop?.sleep) assert.ok(c.lifecycle.preStop.sleep.seconds <= spec.terminationGracePeriodSeconds, c.name);
                }
            });

            it("is proven inspected, schema-valid, and meets Fastly's guide (the policy pack's checks)", () => {
                for (const args of [guideArgs(), guideArgs({ inspection: { integration: "ext_proc" } })]) {
                    const objects = envoyAppObjects("helloworld", as(args));
                    for (const o of objects) validateKubernetesObject(o);
                    assert.deepStrictEqual(verifyTraffic(objects), []);
                }
            });
        });
    }

    it("as a native sidecar: an init container that runs for the pod's life, started (its startup probe passed) before Envoy and the app, with no preStop sleep", () => {
        const { spec, agent, app } = pod(guideArgs({ agent: { nativeSidecar: true } }));
        assert.deepStrictEqual(
            spec.initContainers.map((c: any) => [c.name, c.restartPolicy]),
            [["sigsci-agent", "Always"]],
        );
        assert.deepStrictEqual(
            spec.containers.map((c: any) => c.name),
            ["envoy", "app"],
        );
        // The kubelet starts the next container once this one's startup probe passes: the agent has its rules before Envoy takes a request.
        assert.deepStrictEqual(agent.startupProbe.httpGet, { path: "/startup", port: "startup" });
        assert.strictEqual(agent.lifecycle, undefined, "the kubelet stops it after the others: no sleep approximates that");
        assert.strictEqual(spec.terminationGracePeriodSeconds, preStopSeconds(app) + 15, "the app's sleep sets the grace period");
    });

    it("finds an agent init container that is not a sidecar: it would run before the pod, never beside it", () => {
        const objects = envoyAppObjects("helloworld", guideArgs({ agent: { nativeSidecar: true } }));
        const spec = objects.find((o) => o.kind === "Deployment").spec.template.spec;
        delete spec.initContainers[0].restartPolicy;
        assert.deepStrictEqual(
            verifyTraffic(objects).map((f) => f.code),
            ["agent-not-listening"],
        );
    });

    it("is for a sidecar only: an agent Service's agent is its pod's main container", () => {
        assert.throws(() => resolveAgentServiceSettings("agents", { credentials: { existingSecretName: "s" }, agent: { nativeSidecar: true } }), {
            message: "sigsci-envoy: invalid \"agent.nativeSidecar\": got true; expected false: an agent Service's agent is its pod's main container, not a sidecar",
        });
    });
});

describe("startup", () => {
    it("keeps the pod from turning Ready until an agent passes Envoy's health check, for as long as Fastly's agent startup example waits", () => {
        const { envoy, s } = pod(guideArgs());
        assert.deepStrictEqual(envoy.startupProbe, { httpGet: { path: "/inspection-ready", port: "envoy-ready" }, periodSeconds: 2, failureThreshold: 90 });
        assert.deepStrictEqual(envoy.readinessProbe, { httpGet: { path: "/ready", port: "envoy-ready" }, periodSeconds: 5, failureThreshold: 3 });
        const config = envoyConfigObject(s) as any;
        const readiness = config.static_resources.listeners.find((l: any) => l.name === "readiness").filter_chains[0].filters[0].typed_config;
        assert.deepStrictEqual(readiness.http_filters[0].typed_config, {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
            pass_through_mode: false,
            headers: [{ name: ":path", string_match: { exact: "/inspection-ready" } }],
            cluster_min_healthy_percentages: { "sigsci-agent": { value: 1 } },
        });
        const agent = config.static_resources.clusters.find((c: any) => c.name === "sigsci-agent");
        // A check every 5 s even before any traffic (Envoy's default would wait a minute), so the probe passes within seconds of the agent.
        assert.deepStrictEqual(agent.health_checks, [{ timeout: "1s", interval: "5s", no_traffic_interval: "5s", unhealthy_threshold: 2, healthy_threshold: 1, tcp_health_check: {} }]);
    });

    it("runs one Envoy worker per CPU of its limit, rounded up, unless told otherwise", () => {
        const workers = (envoy: EnvoyAppArgs["envoy"]) => pod(guideArgs({ envoy })).envoy.args.slice(5, 7);
        assert.deepStrictEqual(workers(undefined), ["--concurrency", "1"]);
        assert.deepStrictEqual(workers({ resources: { limits: { cpu: "2500m" } } }), ["--concurrency", "3"]);
        assert.deepStrictEqual(workers({ resources: { requests: { cpu: "100m" }, limits: { cpu: "250m" } } }), ["--concurrency", "1"]);
        assert.deepStrictEqual(workers({ concurrency: 4 }), ["--concurrency", "4"]);
    });
});
