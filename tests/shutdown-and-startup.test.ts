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
import { preStopSeconds } from "../sdk/traffic/kube";
import { guideArgs } from "../tools/fixtures";

function pod(args: EnvoyAppArgs) {
    const s = resolveAppSettings("helloworld", args as any);
    const spec = appDeployment(s, { configMapName: "cm", secretName: "secret" }).spec.template.spec as any;
    const c = Object.fromEntries(spec.containers.map((x: any) => [x.name, x]));
    return { s, spec, envoy: c.envoy, app: c.app, agent: c["sigsci-agent"] };
}

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
