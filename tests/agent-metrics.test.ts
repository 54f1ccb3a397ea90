// The agent's own metrics (agent.metrics, opt in): the agent has no Prometheus endpoint and sends
// StatsD, so a statsd-exporter beside it receives them on the pod's loopback and serves them
// under the names of the package's mapping. Held here: the pod wiring (the agent's address is the
// exporter's), the mapping against every metric Fastly documents (statsd_exporter's glob rules),
// the series the alerts and dashboards name against what the mapping gives, and the objects
// against their schemas and the traffic verifier.
import * as assert from "assert";
import { load } from "js-yaml";
import { parser } from "@prometheus-io/lezer-promql";
import { AGENT_SERIES, STATSD_EXPORTER, STATSD_MAPPING } from "../sdk/monitoring/agent-metrics";
import { AGENT_STATSD_METRICS } from "../sdk/vocabulary/agent";
import { verifyTraffic } from "../sdk/traffic";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { validateAnyObject } from "./support/kube-schema";
import { envoyAppObjects, objectsOf, one } from "./support/objects";

/** statsd_exporter's glob match: `*` is one dot-separated part, `$n` the n-th; the first mapping that matches wins. */
function mapped(metric: string): { name: string; labels: Record<string, string> } | undefined {
    for (const m of STATSD_MAPPING.mappings) {
        const re = new RegExp(`^${m.match.replace(/\./g, "\\.").replace(/\*/g, "([^.]+)")}$`);
        const hit = re.exec(metric);
        if (!hit) continue;
        const sub = (t: string) => t.replace(/\$\{?(\d)\}?/g, (_, n) => hit[Number(n)]);
        return { name: sub(m.name), labels: Object.fromEntries(Object.entries(("labels" in m ? m.labels : {}) as Record<string, string>).map(([k, v]) => [k, sub(v)])) };
    }
    return undefined;
}

const podOf = (objects: any[], name: string) => one(objects, "Deployment", name).spec.template.spec;
const containerOf = (spec: any, name: string) => [...(spec.initContainers ?? []), ...spec.containers].find((c: any) => c.name === name);

describe("the agent's own metrics (agent.metrics)", () => {
    it("are off by default: no exporter, no mapping, no StatsD address", () => {
        const objects = envoyAppObjects("web", guideArgs());
        const spec = podOf(objects, "web");
        assert.strictEqual(containerOf(spec, "statsd-exporter"), undefined);
        assert.ok(!containerOf(spec, "sigsci-agent").env.some((e: any) => e.name === "SIGSCI_STATSD_ADDRESS"));
        assert.ok(!objects.some((o) => o.metadata.name === "web-statsd-mapping"));
    });

    const LAYOUTS: [string, any[], string][] = [
        ["an EnvoyApp's sidecar", envoyAppObjects("web", guideArgs({ namespace: "shop", agent: { metrics: true } })), "web"],
        ["an EnvoyApp's native sidecar", envoyAppObjects("web", guideArgs({ namespace: "shop", agent: { metrics: true, nativeSidecar: true } })), "web"],
        ["an agent fleet", objectsOf([{ component: "AgentService", name: "agents", args: { namespace: "waf", credentials: GUIDE_KEYS, agent: { metrics: true } } }]), "agents"],
        [
            "an IstioApp",
            objectsOf([
                { component: "IstioApp", name: "shop", args: { namespace: "shop", app: { image: "registry.example.com/shop:1.0", port: 8080 }, credentials: GUIDE_KEYS, agent: { metrics: true } } },
            ]),
            "shop",
        ],
    ];
    for (const [where, objects, name] of LAYOUTS) {
        it(`run an exporter beside ${where}: StatsD on the pod's loopback where the agent sends it, Prometheus on port 9102, admitted by the NetworkPolicy, still proven inspected`, () => {
            const spec = podOf(objects, name);
            const exporter = containerOf(spec, "statsd-exporter");
            const agent = containerOf(spec, "sigsci-agent");
            const statsd = agent.env.find((e: any) => e.name === "SIGSCI_STATSD_ADDRESS").value;
            assert.strictEqual(statsd, "127.0.0.1:9125");
            assert.ok(exporter.args.includes(`--statsd.listen-udp=${statsd}`), exporter.args.join(" "));
            assert.ok(exporter.args.includes("--statsd.listen-tcp="), "no TCP listener on the pod's address");
            assert.deepStrictEqual(exporter.ports, [{ name: "agent-metrics", containerPort: 9102, protocol: "TCP" }]);
            // The mapping is the ConfigMap the exporter reads.
            const mount = exporter.volumeMounts[0];
            const volume = spec.volumes.find((v: any) => v.name === mount.name);
            const mapping = one(objects, "ConfigMap", volume.configMap.name);
            assert.ok(exporter.args.includes(`--statsd.mapping-config=${mount.mountPath}/${Object.keys(mapping.data)[0]}`));
            assert.deepStrictEqual(load(Object.values(mapping.data)[0] as string), STATSD_MAPPING);
            // (An IstioApp has no NetworkPolicy of its own.)
            const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === name);
            if (where !== "an IstioApp")
                assert.ok(
                    policy.spec.ingress.some((r: any) => r.ports.some((p: any) => p.port === 9102)),
                    JSON.stringify(policy.spec.ingress),
                );
            for (const o of objects) validateAnyObject(o);
            // (An IstioApp's proof needs its namespace's sidecar injection; the others stand alone.)
            if (where !== "an IstioApp") assert.deepStrictEqual(verifyTraffic(objects), []);
        });
    }

    it("map every metric Fastly documents to one Prometheus series of the mapping's, counters ending in _total", () => {
        const documented = [...AGENT_STATSD_METRICS.counters, ...AGENT_STATSD_METRICS.gauges].map((m) => m.replace("<NAME>", "SQLI"));
        const series = new Set<string>();
        for (const metric of documented) {
            const m = mapped(metric);
            assert.ok(m, `${metric} maps to nothing`);
            assert.match(m!.name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, metric);
            for (const k of Object.keys(m!.labels)) assert.match(k, /^[a-zA-Z_][a-zA-Z0-9_]*$/, metric);
            if ((AGENT_STATSD_METRICS.counters as readonly string[]).includes(metric.replace("SQLI", "<NAME>"))) assert.match(m!.name, /_total$/, metric);
            series.add(m!.name);
        }
        assert.deepStrictEqual(mapped("sigsci.agent.waf.perf.decision_time.95pct"), { name: AGENT_SERIES.decisionTime, labels: { percentile: "95pct" } });
        assert.deepStrictEqual(mapped("sigsci.agent.waf.error"), { name: AGENT_SERIES.requests, labels: { result: "error" } });
        // Every name the package uses is one the mapping gives.
        assert.deepStrictEqual(
            Object.values(AGENT_SERIES).filter((n) => !series.has(n)),
            [],
        );
    });

    it("are scraped, alerted on and drawn by the app's monitoring, and by an agent fleet's own", () => {
        const app = envoyAppObjects("web", guideArgs({ namespace: "shop", agent: { metrics: true }, monitoring: { podMonitor: true, alerts: true, dashboard: true } }));
        assert.deepStrictEqual(
            one(app, "PodMonitor").spec.podMetricsEndpoints.map((e: any) => e.port),
            ["envoy-ready", "agent-metrics"],
        );
        const fleet = objectsOf([
            { component: "AgentService", name: "agents", args: { namespace: "waf", credentials: GUIDE_KEYS, agent: { metrics: true }, monitoring: { podMonitor: true, alerts: true } } },
        ]);
        assert.deepStrictEqual(one(fleet, "PodMonitor").spec.podMetricsEndpoints, [{ port: "agent-metrics", path: "/metrics" }]);
        for (const o of [...app, ...fleet]) validateAnyObject(o);
        const exprs = [
            ...one(app, "PrometheusRule").spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)),
            ...one(fleet, "PrometheusRule").spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)),
            ...JSON.parse(one(app, "ConfigMap", "web-dashboard").data["web.json"]).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)),
        ];
        const names = new Set<string>();
        for (const expr of exprs) {
            const text = expr.replace(/\$__rate_interval/g, "5m");
            parser.parse(text).iterate({
                enter: (n) => {
                    if (n.type.isError) throw new Error(`not PromQL: ${text}`);
                    if (n.name === "VectorSelector") names.add(text.slice(n.node.getChild("Identifier")!.from, n.node.getChild("Identifier")!.to));
                },
            });
        }
        const agentNames = [...names].filter((n) => n.startsWith("sigsci_"));
        assert.deepStrictEqual(agentNames.sort(), [AGENT_SERIES.decisionTime, AGENT_SERIES.requests, AGENT_SERIES.uptime].sort());
        const alerts = one(fleet, "PrometheusRule").spec.groups[0].rules.map((r: any) => r.alert);
        assert.deepStrictEqual(alerts, ["SigsciAgentDecisionErrors", "SigsciAgentMetricsAbsent"]);
    });

    it("keep every other listener of the pod off the exporter's port, in every component that runs it, and leave that port free without them", () => {
        const port = STATSD_EXPORTER.metricsPort;
        const app = (more: object = {}) => ({ image: "registry.example.com/web:1.0", ...more });
        // [the component, its objects with metrics on or off, the input set to the exporter's port, the input that turns metrics on]
        const CASES: [string, (metrics: boolean) => unknown, string, string][] = [
            ["EnvoyApp", (metrics) => envoyAppObjects("web", guideArgs({ port, agent: { metrics } })), "port", "agent.metrics"],
            ["EnvoyApp", (metrics) => envoyAppObjects("web", guideArgs({ app: app({ port }), agent: { metrics } })), "app.port", "agent.metrics"],
            ["EnvoyApp", (metrics) => envoyAppObjects("web", guideArgs({ envoy: { adminPort: port }, agent: { metrics } })), "envoy.adminPort", "agent.metrics"],
            ["EnvoyApp", (metrics) => envoyAppObjects("web", guideArgs({ envoy: { readinessPort: port }, agent: { metrics } })), "envoy.readinessPort", "agent.metrics"],
            ["EnvoyApp", (metrics) => envoyAppObjects("web", guideArgs({ agent: { metrics, grpcPort: port } })), "agent.grpcPort", "agent.metrics"],
            ["EnvoyApp", (metrics) => envoyAppObjects("web", guideArgs({ agent: { metrics, startupProbePort: port } })), "agent.startupProbePort", "agent.metrics"],
            [
                "EnvoyApp (its own agent Service)",
                (metrics) => envoyAppObjects("web", guideArgs({ agentService: { create: { agent: { metrics, grpcPort: port } } } })),
                "agentService.create.agent.grpcPort",
                "agentService.create.agent.metrics",
            ],
            [
                "EnvoyApp (its own agent Service)",
                (metrics) => envoyAppObjects("web", guideArgs({ agentService: { create: { agent: { metrics, startupProbePort: port } } } })),
                "agentService.create.agent.startupProbePort",
                "agentService.create.agent.metrics",
            ],
            [
                "AgentService",
                (metrics) => objectsOf([{ component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, agent: { metrics, grpcPort: port } } }]),
                "agent.grpcPort",
                "agent.metrics",
            ],
            [
                "AgentService",
                (metrics) => objectsOf([{ component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, agent: { metrics, startupProbePort: port } } }]),
                "agent.startupProbePort",
                "agent.metrics",
            ],
            [
                "GatewayWaf",
                (metrics) =>
                    objectsOf([
                        {
                            component: "GatewayWaf",
                            name: "waf",
                            args: { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, agents: { agent: { metrics, grpcPort: port } }, proxies: { namespace: "eg-system" } },
                        },
                    ]),
                "agents.agent.grpcPort",
                "agents.agent.metrics",
            ],
            ["IstioApp", (metrics) => objectsOf([{ component: "IstioApp", name: "shop", args: { app: app({ port }), credentials: GUIDE_KEYS, agent: { metrics } } }]), "app.port", "agent.metrics"],
            [
                "IstioApp",
                (metrics) => objectsOf([{ component: "IstioApp", name: "shop", args: { app: app(), credentials: GUIDE_KEYS, agent: { metrics, grpcPort: port } } }]),
                "agent.grpcPort",
                "agent.metrics",
            ],
            [
                "IstioApp",
                (metrics) => objectsOf([{ component: "IstioApp", name: "shop", args: { app: app(), credentials: GUIDE_KEYS, agent: { metrics, startupProbePort: port } } }]),
                "agent.startupProbePort",
                "agent.metrics",
            ],
        ];
        for (const [component, objects, input, metrics] of CASES) {
            assert.throws(
                () => objects(true),
                {
                    message: `sigsci-envoy: invalid "${input}": got ${port}; expected a port other than ${port}, which clashes with the metrics exporter's port in the same pod (the statsd-exporter that ${metrics} adds beside the agent)`,
                },
                `${component}: ${input}`,
            );
            assert.doesNotThrow(() => objects(false), `${component}: ${input} without metrics`);
        }
    });

    it("refuse what would watch nothing, and an agent option the component manages", () => {
        assert.throws(() => objectsOf([{ component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, monitoring: { podMonitor: true } } }]), {
            message: `sigsci-envoy: invalid "monitoring.podMonitor": got true; expected false while agent.metrics is false (it reads the agents' own metrics; turn them on)`,
        });
        assert.throws(() => envoyAppObjects("web", guideArgs({ agent: { options: { "statsd-address": "10.0.0.1:8125" } } })), {
            message: 'sigsci-envoy: invalid "agent.options.statsd-address": got "10.0.0.1:8125"; expected no value here: the component sets it; use "agent.metrics"',
        });
    });
});
