// An app's Grafana dashboard: requests inspected and let through uninspected, the agent's
// blocks and failing calls, the agent call latency against the configured timeout, and the
// healthy agents each Envoy sees. Plain JSON of Grafana's dashboard model, with a Prometheus
// data source variable; every query names only series of the app's own config.
import { createHash } from "crypto";
import { AGENT_SERIES } from "./agent-metrics";
import { clusterSeries, filterSeries, InspectionStats, selector, Series } from "./series";

export interface DashboardScope {
    app: string;
    namespace?: string;
    /** The target labels every scraped series of the app carries. */
    target: Record<string, string>;
    /** The inspection timeout in milliseconds, drawn as the latency panel's threshold. */
    timeoutMs: number;
    /** The sidecar agents export their own metrics (agent.metrics). */
    agentMetrics: boolean;
}

const rate = (series: Series[], where: Record<string, string>) => series.map((s) => `sum(rate(${selector(s, where)}[$__rate_interval]))`).join(" + ");

export function dashboard(stats: InspectionStats, scope: DashboardScope): Record<string, unknown> {
    const where = { ...scope.target, ...(scope.namespace !== undefined ? { namespace: scope.namespace } : {}) };
    const app = scope.namespace !== undefined ? `${scope.namespace}/${scope.app}` : scope.app;
    const panel = (title: string, unit: string, targets: { expr: string; legend: string }[], extra: Record<string, unknown> = {}) => ({ title, unit, targets, ...extra });
    const panels = [
        panel("Requests inspected", "reqps", [
            {
                expr: rate(
                    filterSeries(stats, (f) => f.inspected),
                    where,
                ),
                legend: "inspected",
            },
        ]),
        panel(
            "Requests passed uninspected (fail-open)",
            "reqps",
            [
                {
                    expr: rate(
                        filterSeries(stats, (f) => f.failedOpen),
                        where,
                    ),
                    legend: "uninspected",
                },
            ],
            { alarm: true },
        ),
        panel(
            "Agent call errors and timeouts",
            "reqps",
            [
                {
                    expr: rate(
                        filterSeries(stats, (f) => f.errors),
                        where,
                    ),
                    legend: "errors",
                },
            ],
            { alarm: true },
        ),
        ...(filterSeries(stats, (f) => f.blocked).length > 0
            ? [
                  panel("Requests the WAF blocked (406)", "reqps", [
                      {
                          expr: rate(
                              filterSeries(stats, (f) => f.blocked),
                              where,
                          ),
                          legend: "blocked",
                      },
                  ]),
              ]
            : []),
        ...stats.agentClusters.flatMap((c) => {
            const bucket = selector(clusterSeries(c, "upstream_rq_time"), where, "_bucket");
            // ext_authz: one call per request, its time the agent's answer. (An ext_proc stream lasts
            // as long as the request and its response: its time is not the agent's; the agent's own
            // decision time, with agent.metrics, is.)
            const authzOnly = stats.managers.every((m) => m.integration === "ext_authz");
            return [
                ...(authzOnly
                    ? [
                          panel(
                              `Agent call latency (${c}) against the ${scope.timeoutMs} ms timeout`,
                              "ms",
                              [0.5, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${bucket}[$__rate_interval])))`, legend: `p${q * 100}` })),
                              { thresholdMs: scope.timeoutMs },
                          ),
                      ]
                    : []),
                panel(`Healthy agents per Envoy pod (${c})`, "short", [{ expr: `min by (pod) (${selector(clusterSeries(c, "membership_healthy"), where)})`, legend: "{{pod}}" }]),
            ];
        }),
        // The agent's own view, from its exporter: how long it takes to decide, and what it could not.
        ...(scope.agentMetrics
            ? [
                  panel(
                      `Agent decision time against the ${scope.timeoutMs} ms timeout`,
                      "ms",
                      ["50pct", "95pct", "99pct"].map((p) => ({ expr: `max(${selector({ name: AGENT_SERIES.decisionTime, labels: { percentile: p } }, where)})`, legend: p })),
                      { thresholdMs: scope.timeoutMs },
                  ),
                  panel("Agent decisions by result", "reqps", [
                      {
                          expr: `sum by (result) (rate(${selector({ name: AGENT_SERIES.requests, labels: {} }, where).replace(/}$/, ',result!="total"}')}[$__rate_interval]))`,
                          legend: "{{result}}",
                      },
                  ]),
              ]
            : []),
    ];
    // A stable uid per app (at most 40 characters): the sidecar replaces the dashboard, never duplicates it.
    const uid = `sigsci-envoy-${createHash("sha256").update(app).digest("hex").slice(0, 16)}`;
    return {
        uid,
        title: `sigsci-envoy: ${app}`,
        tags: ["sigsci-envoy", "waf", "envoy"],
        schemaVersion: 39,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: { list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus" }] },
        panels: panels.map((p, i) => ({
            id: i + 1,
            type: "timeseries",
            title: p.title,
            datasource: { type: "prometheus", uid: "${datasource}" },
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            fieldConfig: {
                defaults: {
                    unit: p.unit,
                    ...("thresholdMs" in p
                        ? {
                              thresholds: {
                                  mode: "absolute",
                                  steps: [
                                      { color: "green", value: null },
                                      { color: "red", value: p.thresholdMs },
                                  ],
                              },
                              custom: { thresholdsStyle: { mode: "line" } },
                          }
                        : "alarm" in p
                          ? {
                                thresholds: {
                                    mode: "absolute",
                                    steps: [
                                        { color: "green", value: null },
                                        { color: "red", value: 0.001 },
                                    ],
                                },
                                custom: { thresholdsStyle: { mode: "area" } },
                            }
                          : {}),
                },
                overrides: [],
            },
            targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legend, datasource: { type: "prometheus", uid: "${datasource}" } })),
        })),
    };
}
