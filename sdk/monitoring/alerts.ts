// The alerts of an app (a PrometheusRule's groups): each means requests are, or may soon be,
// passing without an agent. With fail-open (the default) nothing else shows it: requests keep
// flowing and the pods stay Ready. Every expression names only series of the app's own config.
import { AGENT_SERIES } from "./agent-metrics";
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
    labels: { severity: "critical" | "warning" };
    annotations: { summary: string; description: string; runbook: string };
}

/** `sum(increase(s[window]))` over several series (an empty list is none). */
const increase = (series: Series[], scope: Record<string, string>, window: string) => series.map((s) => `sum(increase(${selector(s, scope)}[${window}]))`).join(" + ");

export function alertRules(stats: InspectionStats, scope: AlertScope): { name: string; rules: AlertRule[] }[] {
    const where = { ...scope.target, ...(scope.namespace !== undefined ? { namespace: scope.namespace } : {}) };
    const app = scope.namespace !== undefined ? `${scope.namespace}/${scope.app}` : scope.app;
    const rules: AlertRule[] = [];
    const failedOpen = filterSeries(stats, (f) => f.failedOpen);
    if (failedOpen.length > 0)
        rules.push({
            alert: "SigsciEnvoyRequestsUninspected",
            expr: `${increase(failedOpen, where, "5m")} > 0`,
            for: "0m",
            labels: { severity: "critical" },
            annotations: {
                summary: `${app}: requests passed without WAF inspection`,
                description: `Envoy let requests of ${app} through uninspected (fail-open) because no agent answered in time, {{ $value | humanize }} in the last 5 minutes.`,
                runbook: `Check the agents: kubectl get pods and logs of the sigsci-agent containers, their readiness, and Envoy's agent cluster health. ${scope.runbook}`,
            },
        });
    const errors = filterSeries(stats, (f) => f.errors);
    if (errors.length > 0)
        rules.push({
            alert: "SigsciEnvoyAgentCallsFailing",
            expr: `${increase(errors, where, "5m")} > 0`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: `${app}: Envoy's calls to the agent fail`,
                description: `Calls from Envoy to the agent failed or timed out for ${app} for 5 minutes ({{ $value | humanize }} in the last 5 minutes): with fail-open those requests passed uninspected, with fail-closed they were refused.`,
                runbook: `Compare the agent's latency with inspection.timeout, and the agents' CPU with their limits. ${scope.runbook}`,
            },
        });
    for (const cluster of stats.agentClusters)
        rules.push({
            alert: "SigsciEnvoyNoHealthyAgent",
            expr: `min(${selector(clusterSeries(cluster, "membership_healthy"), where)}) == 0`,
            for: "1m",
            labels: { severity: "critical" },
            annotations: {
                summary: `${app}: an Envoy has no healthy agent`,
                description: `At least one Envoy pod of ${app} has no healthy host in its agent cluster ${cluster}: every request it serves passes uninspected (fail-open) or is refused (fail-closed).`,
                runbook: `The sidecar agent or the agent Service's pods are down or unreachable (NetworkPolicy, DNS). ${scope.runbook}`,
            },
        });
    if (stats.accessLog)
        rules.push({
            alert: "SigsciEnvoyResponseDataDropped",
            expr: `${increase([accessLogSeries("logs_dropped")], where, "10m")} > 0`,
            for: "0m",
            labels: { severity: "warning" },
            annotations: {
                summary: `${app}: response data to the agent dropped`,
                description: `Envoy dropped response data meant for the agent ({{ $value | humanize }} in 10 minutes): the WAF saw those requests but not their responses.`,
                runbook: `The agent reads the gRPC access log too slowly: check its CPU. ${scope.runbook}`,
            },
        });
    rules.push({
        alert: "SigsciEnvoyMetricsAbsent",
        expr: `absent(${selector({ name: "up", labels: {} }, where)} == 1)`,
        for: "10m",
        labels: { severity: "warning" },
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
 * not make, and agents gone from Prometheus. For an app's sidecar agents or an agent fleet.
 */
export function agentAlertRules(scope: AlertScope & { what: string }): AlertRule[] {
    const where = { ...scope.target, ...(scope.namespace !== undefined ? { namespace: scope.namespace } : {}) };
    const errors = selector({ name: AGENT_SERIES.requests, labels: { result: "error" } }, where);
    return [
        {
            alert: "SigsciAgentDecisionErrors",
            expr: `sum(increase(${errors}[5m])) > 0`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: `${scope.what}: the agent fails to decide requests`,
                description: `The sigsci-agent of ${scope.what} counted decision errors for 5 minutes ({{ $value | humanize }} in the last 5 minutes).`,
                runbook: `Read the agent's log (kubectl logs -c sigsci-agent) and the site's Agents page in the Next-Gen WAF console. ${scope.runbook}`,
            },
        },
        {
            alert: "SigsciAgentMetricsAbsent",
            expr: `absent(${selector({ name: AGENT_SERIES.requests, labels: { result: "total" } }, where)})`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: `${scope.what}: no agent metrics`,
                description: `No sigsci-agent of ${scope.what} has reported metrics for 10 minutes: the agents are down, or their exporter is not scraped.`,
                runbook: `Check the agent pods and the statsd-exporter container beside each agent. ${scope.runbook}`,
            },
        },
    ];
}
