// Observability, opt in: Envoy's Prometheus stats on the readiness listener (one more exact,
// read-only admin path; the admin interface stays on loopback), the scrape annotations the
// common Prometheus setups read, and a NetworkPolicy that lets the scraper reach that port.
import * as assert from "assert";
import { verifyTraffic } from "../sdk";
import { READ_ONLY_ADMIN_PATHS } from "../sdk/traffic";
import { guideArgs } from "../tools/fixtures";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { appRun, envoyAppObjects, one } from "./support/objects";

const readinessRoutes = (config: any) => config.static_resources.listeners.find((l: any) => l.name === "readiness").filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;

describe("Envoy metrics (on by default)", () => {
    const off = appRun(guideArgs({ envoy: { metrics: false } }));
    const on = appRun(guideArgs());

    it("are off with metrics: false: the readiness listener forwards only /ready, no scrape annotations, only the front port admitted", () => {
        assert.deepStrictEqual(readinessRoutes(off.envoyConfig), [{ match: { path: "/ready" }, route: { cluster: "envoy-admin" } }]);
        assert.strictEqual(off.byKind("Deployment").spec.template.metadata.annotations, undefined);
        assert.deepStrictEqual(one(envoyAppObjects("helloworld", guideArgs({ envoy: { metrics: false } })), "NetworkPolicy").spec.ingress, [{ ports: [{ protocol: "TCP", port: 8000 }] }]);
    });

    it("serve /stats/prometheus from the admin cluster on the readiness port, by exact path, with the admin interface still on loopback", () => {
        assert.deepStrictEqual(readinessRoutes(on.envoyConfig), [
            { match: { path: "/ready" }, route: { cluster: "envoy-admin" } },
            { match: { path: "/stats/prometheus" }, route: { cluster: "envoy-admin" } },
        ]);
        assert.deepStrictEqual(on.envoyConfig.admin.address.socket_address, { address: "127.0.0.1", port_value: 9901 });
        // Both paths are ones the traffic model accepts as read-only: nothing else of the admin API leaks.
        for (const r of readinessRoutes(on.envoyConfig)) assert.ok(READ_ONLY_ADMIN_PATHS.includes(r.match.path), r.match.path);
        validateEnvoyConfig(on.envoyText);
    });

    it("annotate the pods for annotation-based scraping, on the named readiness port, and admit that port in the NetworkPolicy", () => {
        assert.deepStrictEqual(on.byKind("Deployment").spec.template.metadata.annotations, { "prometheus.io/scrape": "true", "prometheus.io/port": "9902", "prometheus.io/path": "/stats/prometheus" });
        assert.deepStrictEqual(
            on.containers.envoy.ports.find((p: any) => p.containerPort === 9902),
            { name: "envoy-ready", containerPort: 9902, protocol: "TCP" },
        );
        const objects = envoyAppObjects("helloworld", guideArgs());
        assert.deepStrictEqual(one(objects, "NetworkPolicy").spec.ingress, [
            {
                ports: [
                    { protocol: "TCP", port: 8000 },
                    { protocol: "TCP", port: 9902 },
                ],
            },
        ]);
        for (const o of objects) validateKubernetesObject(o);
        // The extra port reaches only Envoy's read-only admin paths, never the app: every request is still inspected.
        assert.deepStrictEqual(verifyTraffic(objects), []);
    });

    it("follow a moved readiness port, and let the user's own annotations win", () => {
        const moved = appRun(guideArgs({ envoy: { metrics: true, readinessPort: 15090 }, pod: { annotations: { "prometheus.io/scrape": "false", team: "web" } } }));
        assert.deepStrictEqual(moved.byKind("Deployment").spec.template.metadata.annotations, {
            "prometheus.io/scrape": "false",
            "prometheus.io/port": "15090",
            "prometheus.io/path": "/stats/prometheus",
            team: "web",
        });
        assert.strictEqual(moved.envoyConfig.static_resources.listeners.find((l: any) => l.name === "readiness").address.socket_address.port_value, 15090);
    });

    it("refuse a value that is not a boolean, naming the input", () => {
        assert.throws(() => appRun(guideArgs({ envoy: { metrics: "yes" as any } })), { message: 'sigsci-envoy: invalid "envoy.metrics": got "yes"; expected true or false' });
    });
});
