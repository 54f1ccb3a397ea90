// The alerts of an app (a PrometheusRule's groups): each means requests are, or may soon be,
// passing without an agent. With fail-open (the default) nothing else shows it: requests keep
// flowing and the pods stay Ready. Every expression names only series of the app's own config,
// aggregated by the app's namespace and instance label, and every rule carries the app's name
// and namespace as labels, so Alertmanager tells the apps apart and can route by them.
import { AGENT_SERIES, STATSD_EXPORTER } from "./agent-metrics";
import { accessLogSeries, clusterSeries, filterSeries, InspectionStats, selector, Series } from "./series";

/** What the alerts of one app are about. */
export interface AlertScope {
    app: string;
    /** The app's namespace, when the component knows it (else the provider's: the app's instance label alone scopes the series). */
    namespace?: string;
    /** The target labels every scraped series of the app carries. */
    target: Record<string, string>;
    /** Where the runbooks are. */
    runbook: string;
}

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string> & { severity: "critical" | "warning" };
    annotations: { summary: string; description: string; runbook: string };
}

/** The part of the uninspected requests that pages someone (over 5 minutes); below it, a warning. */
export const UNINSPECTED_CRITICAL_RATIO = 0.01;

/** The labels series are summed by: the app, wherever it runs. */
const BY = "namespace, app_kubernetes_io_instance";

/** `sum by (app) (increase(s[window]))` over several series, added (an empty list is none). */
const increase = (series: Series[], scope: Record<string, string>, window: string) => series.map((s) => `sum by (${BY}) (increase(${selector(s, scope)}[${window}]))`).join(" + ");

const where = (scope: AlertScope) => ({ ...scope.target, ...(scope.namespace !== undefined ? { namespace: scope.namespace } : {}) });
const ruleLabels = (scope: AlertScope, severity: "critical" | "warning") => ({ severity, app: scope.app, ...(scope.namespace !== undefined ? { namespace: scope.namespace } : {}) });
const appRef = (scope: AlertScope) => (scope.namespace !== undefined ? `${scope.namespace}/${scope.app}` : scope.app);

export function alertRules(stats: InspectionStats, scope: AlertScope): { name: string; rules: AlertRule[] }[] {
    const w = where(scope);
    const app = appRef(scope);
    const rules: AlertRule[] = [];
    const failedOpen = filterSeries(stats, (f) => f.failedOpen);
    const decided = filterSeries(stats, (f) => f.decided);
    if (failedOpen.length > 0) {
        rules.push({
            alert: "SigsciEnvoyRequestsUninspected",
            expr: `(${increase(failedOpen, w, "5m")}) / (${increase(decided, w, "5m")}) > ${UNINSPECTED_CRITICAL_RATIO}`,
            for: "2m",
            labels: ruleLabels(scope, "critical"),
            annotations: {
                summary: `${app}: requests pass without WAF inspection`,
                description: `Envoy let more than ${UNINSPECTED_CRITICAL_RATIO * 100}% of the requests of ${app} through uninspected (fail-open) over the last 5 minutes, because no agent answered in time ({{ $value | humanizePercentage }}).`,
                runbook: `Check the agents: kubectl get pods and logs of the sigsci-agent containers, their readiness, and Envoy's agent cluster health. ${scope.runbook}`,
            },
        });
        rules.push({
            alert: "SigsciEnvoySomeRequestsUninspected",
            expr: `${increase(failedOpen, w, "5m")} > 0`,
            for: "0m",
            labels: ruleLabels(scope, "warning"),
            annotations: {
                summary: `${app}: some requests passed without WAF inspection`,
                description: `Envoy let requests of ${app} through uninspected (fail-open) in the last 5 minutes ({{ $value | humanize }}): an agent did not answer in time.`,
                runbook: `Compare the agent's decision time with inspection.timeout, and the agents' CPU with their limits. ${scope.runbook}`,
            },
        });
    }
    const errors = filterSeries(stats, (f) => f.errors);
    if (errors.length > 0)
        rules.push({
            alert: "SigsciEnvoyAgentCallsFailing",
            expr: `${increase(errors, w, "5m")} > 0`,
            for: "5m",
            labels: ruleLabels(scope, "warning"),
            annotations: {
                summary: `${app}: Envoy's calls to the agent keep failing`,
                description: `Calls from Envoy to the agent failed or timed out for ${app} in every 5-minute window of the last 5 minutes ({{ $value | humanize }} in the last one): with fail-open those requests passed uninspected, with fail-closed they were refused.`,
                runbook: `Compare the agent's latency with inspection.timeout, and the agents' CPU with their limits. ${scope.runbook}`,
            },
        });
    for (const cluster of stats.agentClusters)
        rules.push({
            alert: "SigsciEnvoyNoHealthyAgent",
            // Longer than a pod's start (the startup probes wait for the agent): a pod still starting is not an outage.
            expr: `min by (namespace, pod) (${selector(clusterSeries(cluster, "membership_healthy"), w)}) == 0`,
            for: "3m",
            labels: ruleLabels(scope, "critical"),
            annotations: {
                summary: `${app}: an Envoy has no healthy agent`,
                description: `Envoy pod {{ $labels.pod }} of ${app} has had no healthy host in its agent cluster ${cluster} for 3 minutes: every request it serves passes uninspected (fail-open) or is refused (fail-closed).`,
                runbook: `The sidecar agent or the agent Service's pods are down or unreachable (NetworkPolicy, DNS). ${scope.runbook}`,
            },
        });
    if (stats.accessLog)
        rules.push({
            alert: "SigsciEnvoyResponseDataDropped",
            expr: `${increase([accessLogSeries("logs_dropped")], w, "10m")} > 0`,
            for: "0m",
            labels: ruleLabels(scope, "warning"),
            annotations: {
                summary: `${app}: response data to the agent dropped`,
                description: `Envoy dropped response data meant for the agent ({{ $value | humanize }} in 10 minutes): the WAF saw those requests but not their responses.`,
                runbook: `The agent reads the gRPC access log too slowly: check its CPU. ${scope.runbook}`,
            },
        });
    rules.push({
        alert: "SigsciEnvoyMetricsAbsent",
        // Envoy's own targets: not the agents' exporters, which the same PodMonitor may scrape.
        expr: `absent(${selector({ name: "up", labels: {} }, w).replace(/}$/, `,endpoint!=${JSON.stringify(STATSD_EXPORTER.metricsPortName)}}`)} == 1)`,
        for: "10m",
        labels: ruleLabels(scope, "warning"),
        annotations: {
            summary: `${app}: Prometheus scrapes no Envoy of the app`,
            description: `No Envoy target of ${app} has been up for 10 minutes: the alerts above cannot fire.`,
            runbook: `Check the PodMonitor (or the scrape annotations) and that the pods run. ${scope.runbook}`,
        },
    });
    return [{ name: `sigsci-envoy.${scope.app}`, rules }];
}

/**
 * The alerts on the agents' own metrics (from their statsd-exporter): decisions the agent could
 * not make, and agents gone. For an app's sidecar agents or an agent fleet.
 */
export function agentAlertRules(scope: AlertScope & { what: string }): AlertRule[] {
    const w = where(scope);
    const errors = selector({ name: AGENT_SERIES.requests, labels: { result: "error" } }, w);
    return [
        {
            alert: "SigsciAgentDecisionErrors",
            // The exporter creates the error series at the first error: a series new in the window counts too.
            expr: `sum by (${BY}) (increase(${errors}[5m])) > 0 or sum by (${BY}) (${errors} unless ${errors} offset 5m) > 0`,
            for: "5m",
            labels: ruleLabels(scope, "warning"),
            annotations: {
                summary: `${scope.what}: the agent fails to decide requests`,
                description: `The sigsci-agent of ${scope.what} counted decision errors for 5 minutes.`,
                runbook: `Read the agent's log (kubectl logs -c sigsci-agent) and the site's Agents page in the Next-Gen WAF console. ${scope.runbook}`,
            },
        },
        {
            alert: "SigsciAgentMetricsAbsent",
            // The agent reports its uptime on every flush; the exporter drops what it stopped receiving (ttl).
            expr: `absent(${selector({ name: AGENT_SERIES.uptime, labels: {} }, w)})`,
            for: "10m",
            labels: ruleLabels(scope, "warning"),
            annotations: {
                summary: `${scope.what}: no agent metrics`,
                description: `No sigsci-agent of ${scope.what} has reported metrics for 10 minutes: the agents are down, or their exporter is not scraped.`,
                runbook: `Check the agent pods and the statsd-exporter container beside each agent. ${scope.runbook}`,
            },
        },
    ];
}
