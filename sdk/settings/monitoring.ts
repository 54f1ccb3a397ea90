// Resolves an EnvoyApp's monitoring objects: which exist (plain switches, like networkPolicy),
// and the labels Prometheus and Grafana select them by. They all read Envoy's metrics.
import { AgentMonitoring, EnvoyMonitoring } from "../args";
import * as check from "./checks";
import { DEFAULTS } from "./defaults";
import { refuse } from "./errors";
import { FIELDS } from "./fields";
import { isPending, known } from "./pending";
import { Plain } from "./shared";
import { AgentMonitoringSettings, MonitoringSettings } from "./types";

export function resolveMonitoring(given: Plain<EnvoyMonitoring> | undefined, metrics: boolean): MonitoringSettings {
    const m = check.plainObject("monitoring", given, FIELDS.EnvoyMonitoring) ?? {};
    if (isPending(m)) return m as never;
    const out: MonitoringSettings = {
        podMonitor: check.bool("monitoring.podMonitor", m.podMonitor, DEFAULTS.monitoring.podMonitor),
        alerts: check.bool("monitoring.alerts", m.alerts, DEFAULTS.monitoring.alerts),
        dashboard: check.bool("monitoring.dashboard", m.dashboard, DEFAULTS.monitoring.dashboard),
        prometheusLabels: check.labels("monitoring.prometheusLabels", m.prometheusLabels),
        dashboardLabels: m.dashboardLabels === undefined ? { ...DEFAULTS.monitoring.dashboardLabels } : check.labels("monitoring.dashboardLabels", m.dashboardLabels),
    };
    // Every one of them reads Envoy's /stats/prometheus: without it they would watch nothing.
    if (known(metrics) && !metrics) {
        for (const key of ["podMonitor", "alerts", "dashboard"] as const) {
            if (out[key] === true) refuse(`monitoring.${key}`, true, "false while envoy.metrics is false (it reads Envoy's metrics; turn them on)");
        }
    }
    return out;
}

/** An agent fleet's monitoring objects: they read the agents' own metrics (`agent.metrics`). */
export function resolveAgentMonitoring(at: string, given: Plain<AgentMonitoring> | undefined, agentMetrics: boolean): AgentMonitoringSettings {
    const m = check.plainObject(`${at}monitoring`, given, FIELDS.AgentMonitoring) ?? {};
    if (isPending(m)) return m as never;
    const out: AgentMonitoringSettings = {
        podMonitor: check.bool(`${at}monitoring.podMonitor`, m.podMonitor, DEFAULTS.monitoring.podMonitor),
        alerts: check.bool(`${at}monitoring.alerts`, m.alerts, DEFAULTS.monitoring.alerts),
        prometheusLabels: check.labels(`${at}monitoring.prometheusLabels`, m.prometheusLabels),
    };
    if (known(agentMetrics) && !agentMetrics) {
        for (const key of ["podMonitor", "alerts"] as const) {
            if (out[key] === true) refuse(`${at}monitoring.${key}`, true, `false while ${at}agent.metrics is false (it reads the agents' own metrics; turn them on)`);
        }
    }
    return out;
}
