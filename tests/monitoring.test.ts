// Monitoring objects of an EnvoyApp (opt in): a PodMonitor that scrapes exactly the app's Envoys,
// a PrometheusRule whose alerts mean "requests are passing without an agent", a Grafana
// dashboard. Each object is held to the Prometheus Operator's CRDs, each expression to PromQL's
// grammar (Prometheus' own parser), and each series it names to the stats Envoy exports for the
// app's own bootstrap, derived here from the bootstrap and Envoy's naming rules, independently
// of the package's code.
import * as assert from "assert";
import { parser } from "@prometheus-io/lezer-promql";
import { EnvoyApp } from "../sdk";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { validateAnyObject } from "./support/kube-schema";
import { envoyAppObjects, one } from "./support/objects";
import { runProgram } from "./support/pulumi-mocks";

const ALL = { podMonitor: true, alerts: true, dashboard: true };

/** The Envoy stats a bootstrap exports for its inspection, as Envoy names them (its filter and cluster stats docs). */
function emittedStats(config: any): Set<string> {
    const out = new Set<string>();
    const hcms = (config.static_resources.listeners as any[]).flatMap((l) => l.filter_chains.flatMap((c: any) => c.filters.map((f: any) => f.typed_config)));
    for (const hcm of hcms) {
        for (const f of hcm.http_filters ?? []) {
            if (f.name === "envoy.filters.http.ext_authz") for (const s of ["ok", "denied", "error", "disabled", "failure_mode_allowed"]) out.add(`http.${hcm.stat_prefix}.ext_authz.${s}`);
            if (f.name === "envoy.filters.http.ext_proc")
                for (const s of ["streams_started", "stream_msgs_sent", "stream_msgs_received", "streams_closed", "streams_failed", "failure_mode_allowed", "message_timeouts"])
                    out.add(`http.${hcm.stat_prefix}.ext_proc.${s}`);
        }
        if ((hcm.access_log ?? []).some((a: any) => a.name === "envoy.access_loggers.http_grpc")) for (const s of ["logs_written", "logs_dropped"]) out.add(`access_logs.grpc_access_log.${s}`);
    }
    for (const c of config.static_resources.clusters) for (const s of ["membership_healthy", "membership_total", "upstream_rq_timeout", "upstream_rq_time"]) out.add(`cluster.${c.name}.${s}`);
    return out;
}

/** A stat's Prometheus series (Envoy's default tag extraction, well_known_names.cc): name and tag labels. */
function prometheusSeries(stat: string): string[] {
    const http = /^http\.([^.]+)\.(.+)$/.exec(stat);
    const cluster = /^cluster\.([^.]+)\.(.+)$/.exec(stat);
    const [name, labels] = http
        ? [`envoy_http_${http[2]}`, `envoy_http_conn_manager_prefix=${http[1]}`]
        : cluster
          ? [`envoy_cluster_${cluster[2]}`, `envoy_cluster_name=${cluster[1]}`]
          : [`envoy_${stat}`, ""];
    const base = name.replace(/\./g, "_");
    // upstream_rq_time is a histogram: its buckets, sum and count.
    return (stat.endsWith(".upstream_rq_time") ? ["_bucket", "_sum", "_count"].map((s) => base + s) : [base]).map((n) => `${n}{${labels}}`);
}

/** Every vector selector of a PromQL expression, with its Envoy tag labels only (`name{label=value}`); throws on a syntax error. */
function selectorsOf(expr: string): string[] {
    const text = expr.replace(/\$__rate_interval/g, "5m");
    const tree = parser.parse(text);
    const out: string[] = [];
    tree.iterate({
        enter: (n) => {
            if (n.type.isError) throw new Error(`not PromQL at ${n.from}: ${text}`);
            if (n.name !== "VectorSelector") return;
            const node = n.node;
            const name = text.slice(node.getChild("Identifier")!.from, node.getChild("Identifier")!.to);
            const matchers = (node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher") ?? []).map((m) => [
                text.slice(m.getChild("LabelName")!.from, m.getChild("LabelName")!.to),
                JSON.parse(text.slice(m.getChild("StringLiteral")!.from, m.getChild("StringLiteral")!.to)),
            ]);
            const tags = matchers.filter(([k]) => k.startsWith("envoy_")).map(([k, v]) => `${k}=${v}`);
            out.push(`${name}{${tags.join(",")}}`);
        },
    });
    return out;
}

/** The scope labels of every selector (the app's target labels), apart from Envoy's tags. */
function scopesOf(expr: string): Record<string, string>[] {
    const text = expr.replace(/\$__rate_interval/g, "5m");
    const out: Record<string, string>[] = [];
    parser.parse(text).iterate({
        enter: (n) => {
            if (n.name !== "VectorSelector") return;
            const matchers = n.node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher") ?? [];
            out.push(
                Object.fromEntries(
                    matchers
                        .map((m) => [
                            text.slice(m.getChild("LabelName")!.from, m.getChild("LabelName")!.to),
                            JSON.parse(text.slice(m.getChild("StringLiteral")!.from, m.getChild("StringLiteral")!.to)),
                        ])
                        .filter(([k]) => !k.startsWith("envoy_")),
                ),
            );
        },
    });
    return out;
}

const CASES: [string, any][] = [
    ["sidecar, ext_authz with response data", guideArgs({ namespace: "shop", monitoring: ALL })],
    ["sidecar, ext_proc", guideArgs({ namespace: "shop", inspection: { integration: "ext_proc" }, monitoring: ALL })],
    ["an agent Service of its own, ext_proc", guideArgs({ namespace: "shop", inspection: { integration: "ext_proc" }, agentService: { create: {} }, monitoring: ALL })],
];

describe("monitoring objects (opt in)", () => {
    it("are none by default", () => {
        const kinds = envoyAppObjects("web", guideArgs()).map((o) => o.kind);
        for (const k of ["PodMonitor", "PrometheusRule"]) assert.ok(!kinds.includes(k), k);
        assert.strictEqual(kinds.filter((k) => k === "ConfigMap").length, 1, "only the Envoy config");
    });

    for (const [what, args] of CASES) {
        describe(what, () => {
            const objects = envoyAppObjects("web", args);
            const config = JSON.parse(Object.values(objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("web-envoy-config")).data)[0] as string);
            const emitted = new Set([...emittedStats(config)].flatMap(prometheusSeries));
            const rule = one(objects, "PrometheusRule", "web");
            const dashboardJson = JSON.parse(one(objects, "ConfigMap", "web-dashboard").data["web.json"]);
            const exprs = [...rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)), ...dashboardJson.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr))];

            it("are valid against the Prometheus Operator's CRDs and Kubernetes' schema", () => {
                for (const o of objects) validateAnyObject(o);
            });

            it("scrape exactly the app's Envoy pods, on the port and path that serve its stats", () => {
                const monitor = one(objects, "PodMonitor", "web");
                const deployment = one(objects, "Deployment", "web");
                assert.deepStrictEqual(monitor.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
                const envoy = deployment.spec.template.spec.containers.find((c: any) => c.name === "envoy");
                const [endpoint] = monitor.spec.podMetricsEndpoints;
                const port = envoy.ports.find((p: any) => p.name === endpoint.port);
                const readiness = config.static_resources.listeners.find((l: any) => l.address.socket_address.port_value === port.containerPort);
                const routes = readiness.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
                assert.ok(
                    routes.some((r: any) => r.match.path === endpoint.path),
                    `${endpoint.path} is served on ${port.name}`,
                );
                assert.deepStrictEqual(monitor.spec.podTargetLabels, ["app.kubernetes.io/instance"]);
                // Other apps' agent fleets are not scraped by it: an agent Service's pods carry other labels.
                for (const d of objects.filter((o) => o.kind === "Deployment" && o !== deployment))
                    assert.ok(!Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
            });

            it("name only series Envoy exports for this app's config, scoped to the app, in valid PromQL", () => {
                assert.ok(exprs.length >= 6, String(exprs.length));
                const named = exprs.flatMap(selectorsOf).filter((s) => !s.startsWith("up{"));
                assert.deepStrictEqual(
                    named.filter((s) => !emitted.has(s)),
                    [],
                );
                // (`up` also leaves out the agents' exporters: `endpoint`.)
                for (const scope of exprs.flatMap(scopesOf)) assert.deepStrictEqual({ ...scope, endpoint: undefined }, { app_kubernetes_io_instance: "web", namespace: "shop", endpoint: undefined });
            });

            it("alert on requests let through uninspected, failing agent calls, no healthy agent, and Envoy gone from Prometheus", () => {
                const integration = args.inspection?.integration ?? "ext_authz";
                const alerts = Object.fromEntries(rule.spec.groups[0].rules.map((r: any) => [r.alert, r]));
                assert.deepStrictEqual(Object.keys(alerts), [
                    "SigsciEnvoyRequestsUninspected",
                    "SigsciEnvoySomeRequestsUninspected",
                    "SigsciEnvoyAgentCallsFailing",
                    "SigsciEnvoyNoHealthyAgent",
                    ...(integration === "ext_authz" ? ["SigsciEnvoyResponseDataDropped"] : []),
                    "SigsciEnvoyMetricsAbsent",
                ]);
                // Critical above 1% of the requests the agent was asked about; any at all is a warning.
                const decided = integration === "ext_authz" ? ["ok", "denied", "error"] : ["streams_started"];
                assert.deepStrictEqual(selectorsOf(alerts.SigsciEnvoyRequestsUninspected.expr), [
                    `envoy_http_${integration}_failure_mode_allowed{envoy_http_conn_manager_prefix=front}`,
                    ...decided.map((s) => `envoy_http_${integration}_${s}{envoy_http_conn_manager_prefix=front}`),
                ]);
                assert.match(alerts.SigsciEnvoyRequestsUninspected.expr, / > 0\.01$/);
                assert.deepStrictEqual(selectorsOf(alerts.SigsciEnvoyNoHealthyAgent.expr), ["envoy_cluster_membership_healthy{envoy_cluster_name=sigsci-agent}"]);
                assert.strictEqual(alerts.SigsciEnvoyRequestsUninspected.labels.severity, "critical");
                assert.strictEqual(alerts.SigsciEnvoySomeRequestsUninspected.labels.severity, "warning");
                // Each alert names its app, so Alertmanager neither merges two apps' nor fails to route them.
                for (const r of Object.values(alerts) as any[]) assert.deepStrictEqual({ app: r.labels.app, namespace: r.labels.namespace }, { app: "web", namespace: "shop" }, r.alert);
                for (const r of Object.values(alerts) as any[]) if (!r.expr.startsWith("absent(")) assert.match(r.expr, /by \((namespace, app_kubernetes_io_instance|namespace, pod)\)/, r.alert);
                for (const r of Object.values(alerts) as any[]) assert.ok(r.annotations.runbook.includes("docs/metrics.md"), r.alert);
            });

            it("draw the agent call latency against the configured timeout, where a call's time is the agent's (ext_authz)", () => {
                const latency = dashboardJson.panels.find((p: any) => p.title.startsWith("Agent call latency"));
                if ((args.inspection?.integration ?? "ext_authz") === "ext_proc") {
                    // An ext_proc stream lasts as long as the request and its response: not the agent's time.
                    assert.strictEqual(latency, undefined);
                    return;
                }
                assert.deepStrictEqual(latency.fieldConfig.defaults.thresholds.steps[1], { color: "red", value: 200 });
                assert.deepStrictEqual(selectorsOf(latency.targets[0].expr), ["envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=sigsci-agent}"]);
            });
        });
    }

    it("follow the stat prefix of a bootstrap of the user's: one source of truth", () => {
        const generated = envoyAppObjects("web", guideArgs({ namespace: "shop" }));
        const text = Object.values(one(generated, "ConfigMap").data)[0] as string;
        const override = text.replace(/"stat_prefix": "front"/, '"stat_prefix": "edge"');
        const objects = envoyAppObjects("web", guideArgs({ namespace: "shop", envoy: { configOverride: override }, monitoring: { alerts: true } }));
        const expr = one(objects, "PrometheusRule").spec.groups[0].rules[0].expr;
        assert.deepStrictEqual(selectorsOf(expr), [
            "envoy_http_ext_authz_failure_mode_allowed{envoy_http_conn_manager_prefix=edge}",
            ...["ok", "denied", "error"].map((s) => `envoy_http_ext_authz_${s}{envoy_http_conn_manager_prefix=edge}`),
        ]);
    });

    it("carry the labels Prometheus and Grafana select them by", () => {
        const objects = envoyAppObjects("web", guideArgs({ monitoring: { ...ALL, prometheusLabels: { release: "kube-prometheus-stack" }, dashboardLabels: { grafana_dashboard: "waf" } } }));
        assert.strictEqual(one(objects, "PodMonitor").metadata.labels.release, "kube-prometheus-stack");
        assert.strictEqual(one(objects, "PrometheusRule").metadata.labels.release, "kube-prometheus-stack");
        assert.strictEqual(one(objects, "ConfigMap", "web-dashboard").metadata.labels.grafana_dashboard, "waf");
        assert.strictEqual(one(envoyAppObjects("web", guideArgs({ monitoring: { dashboard: true } })), "ConfigMap", "web-dashboard").metadata.labels.grafana_dashboard, "1");
    });

    it("refuse what would watch nothing, naming the input", () => {
        assert.throws(() => envoyAppObjects("web", guideArgs({ envoy: { metrics: false }, monitoring: { alerts: true } })), {
            message: 'sigsci-envoy: invalid "monitoring.alerts": got true; expected false while envoy.metrics is false (it reads Envoy\'s metrics; turn them on)',
        });
        assert.throws(() => envoyAppObjects("web", guideArgs({ monitoring: { serviceMonitor: true } as any })), /invalid "monitoring.serviceMonitor"/);
    });

    it("register as Prometheus Operator resources and a ConfigMap, children of the app, the Envoy ConfigMap still the one the pods mount", async () => {
        const run = await runProgram(() => new EnvoyApp("web", { ...guideArgs(), credentials: GUIDE_KEYS, monitoring: ALL }));
        assert.deepStrictEqual(run.errors, []);
        // The URN's type chain names the parent: sigsci-envoy:index:EnvoyApp$kubernetes:...
        for (const type of ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "kubernetes:monitoring.coreos.com/v1:PrometheusRule"])
            assert.ok(run.one(type).urn.includes(`sigsci-envoy:index:EnvoyApp$${type}::web`), run.one(type).urn);
        const configMaps = run.all("kubernetes:core/v1:ConfigMap").map((r) => r.name);
        assert.deepStrictEqual(configMaps.sort(), ["web-dashboard", "web-envoy-config"]);
        const volumes = run.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.volumes;
        assert.ok(
            volumes.some((v: any) => v.configMap?.name.startsWith("web-envoy-config")),
            JSON.stringify(volumes),
        );
    });
});
