// An EnvoyApp's monitoring objects: the PodMonitor that scrapes its Envoys, the PrometheusRule
// with its alerts and the ConfigMap with its Grafana dashboard. The series they name come from
// the app's own bootstrap (sdk/monitoring/series.ts); the pods are found by the app's selector.
import { envoyConfigValue } from "../envoy/config";
import { STATSD_EXPORTER } from "../monitoring/agent-metrics";
import { agentAlertRules, alertRules } from "../monitoring/alerts";
import { dashboard } from "../monitoring/dashboard";
import { inspectionStats } from "../monitoring/series";
import { NAMES } from "../settings/defaults";
import { AgentServiceSettings, AppSettings } from "../settings/types";
import { envoyModel } from "../traffic/envoy";
import { ENVOY_ADMIN_PATHS } from "../vocabulary/envoy";
import { namedMeta } from "./workload";

/** The pod label each scraped series of an app carries, as Prometheus names it: the PodMonitor's target label, and what annotation-based scrape jobs map pod labels to. */
export const TARGET_POD_LABEL = "app.kubernetes.io/instance";
const prometheusLabelName = (label: string) => label.replace(/[^a-zA-Z0-9_]/g, "_");

/** Where the runbooks are: the package's docs, shipped with it. */
const RUNBOOK = "Runbook: sigsci-envoy's docs/metrics.md, 'Metrics and alerts'.";

function scope(s: Pick<AppSettings, "name" | "namespace">) {
    return { app: s.name, namespace: s.namespace, target: { [prometheusLabelName(TARGET_POD_LABEL)]: s.name } };
}

function statsOf(s: AppSettings) {
    return inspectionStats(envoyModel(envoyConfigValue(s)));
}

/** What an app's or a fleet's PodMonitor and PrometheusRule carry: its name, and its labels with those Prometheus selects by. */
const prometheusMeta = (s: AppSettings | AgentServiceSettings) => ({ ...namedMeta(s), labels: { ...s.labels, ...s.monitoring.prometheusLabels } });

/** A PodMonitor of the component's pods, with its instance label on every series. */
function podMonitor(s: AppSettings | AgentServiceSettings, endpoints: { port: string; path: string }[]) {
    return { metadata: prometheusMeta(s), spec: { selector: { matchLabels: s.selectorLabels }, podTargetLabels: [TARGET_POD_LABEL], podMetricsEndpoints: endpoints } };
}

const EXPORTER_ENDPOINT = { port: STATSD_EXPORTER.metricsPortName, path: STATSD_EXPORTER.metricsPath };

/** Scrapes each Envoy pod's read-only `/stats/prometheus` on its readiness port (and its agent's exporter). */
export function envoyPodMonitor(s: AppSettings) {
    return podMonitor(s, [{ port: NAMES.envoyReadinessPortName, path: ENVOY_ADMIN_PATHS.prometheus }, ...(s.agent?.metrics ? [EXPORTER_ENDPOINT] : [])]);
}

export function envoyAlerts(s: AppSettings) {
    return {
        metadata: prometheusMeta(s),
        spec: {
            groups: alertRules(statsOf(s), { ...scope(s), runbook: RUNBOOK }).map((g) =>
                s.agent?.metrics ? { ...g, rules: [...g.rules, ...agentAlertRules({ ...scope(s), runbook: RUNBOOK, what: `${s.namespace ? `${s.namespace}/` : ""}${s.name}` })] } : g,
            ),
        },
    };
}

/** The dashboard's ConfigMap: Grafana's sidecar loads every ConfigMap with its label (`grafana_dashboard: "1"` by default). */
export function envoyDashboardConfigMap(s: AppSettings) {
    const timeoutMs = Math.round(Number(s.inspection.timeout.replace(/s$/, "")) * 1000);
    const json = dashboard(statsOf(s), { ...scope(s), timeoutMs, agentMetrics: s.agent?.metrics === true });
    return {
        metadata: { ...namedMeta(s), name: dashboardName(s.name), labels: { ...s.labels, ...s.monitoring.dashboardLabels } },
        data: { [`${s.name}.json`]: `${JSON.stringify(json, null, 2)}\n` },
    };
}

export const dashboardName = (name: string) => `${name}-dashboard`;

/** Scrapes each agent pod's statsd-exporter. */
export function agentPodMonitor(s: AgentServiceSettings) {
    return podMonitor(s, [EXPORTER_ENDPOINT]);
}

export function agentAlerts(s: AgentServiceSettings) {
    const what = `agent fleet ${s.namespace ? `${s.namespace}/` : ""}${s.name}`;
    return {
        metadata: prometheusMeta(s),
        spec: { groups: [{ name: `sigsci-envoy.${s.name}`, rules: agentAlertRules({ ...scope({ name: s.name, namespace: s.namespace }), runbook: RUNBOOK, what }) }] },
    };
}
