// The Prometheus series Envoy exports about an app's inspection, derived from the app's own
// bootstrap (read by the traffic model): the stat prefixes of the connection managers whose
// chains inspect, their integrations, the agent clusters they call and whether response data
// travels through the gRPC access log. The alerts and the dashboard name only these series.
//
// Envoy's Prometheus names (source/common/config/well_known_names.cc, the stats formatter):
// `envoy_` + the stat name with its tags extracted and `.` as `_`; `http.<prefix>.` becomes the
// label `envoy_http_conn_manager_prefix`, `cluster.<name>.` the label `envoy_cluster_name`.
// Counters keep their name (no `_total`); histograms add `_bucket`, `_sum` and `_count`. The
// ext_authz and ext_proc filters count under `http.<prefix>.ext_authz.` / `.ext_proc.` when
// they have no `stat_prefix` of their own (the package's bootstrap sets none).
import { EnvoyModel } from "../traffic/envoy";
import { Integration } from "../settings/types";

/** What the series of an app's inspection are derived from. */
export interface InspectionStats {
    /** The connection managers whose default chain inspects, by stat prefix, with the integration of their filter. */
    managers: { statPrefix: string; integration: Integration }[];
    /** The clusters the inspection filters call. */
    agentClusters: string[];
    /** Response data goes to the agent through the gRPC access log (ext_authz with response data). */
    accessLog: boolean;
}

/** The inspection of a bootstrap, as its stats show it: every listener reachable from outside the pod. */
export function inspectionStats(model: EnvoyModel): InspectionStats {
    const managers = new Map<string, Integration>();
    const clusters = new Set<string>();
    let accessLog = false;
    for (const listener of model.listeners.filter((l) => l.exposed)) {
        for (const hcm of listener.hcms) {
            for (const chain of hcm.chains.filter((c) => c.label === "")) {
                for (const f of chain.inspection) {
                    managers.set(hcm.statPrefix, f.integration);
                    if (f.cluster !== undefined) clusters.add(f.cluster);
                }
            }
            if (hcm.accessLogClusters.length > 0) accessLog = true;
        }
    }
    return { managers: [...managers].map(([statPrefix, integration]) => ({ statPrefix, integration })), agentClusters: [...clusters], accessLog };
}

/** A series: its Prometheus name and the labels Envoy's tag extraction gives it. */
export interface Series {
    name: string;
    labels: Record<string, string>;
}

/** An HTTP connection manager's stat (`http.<prefix>.<stat>`). */
export const httpSeries = (statPrefix: string, stat: string): Series => ({ name: `envoy_http_${stat.replace(/\./g, "_")}`, labels: { envoy_http_conn_manager_prefix: statPrefix } });

/** A cluster's stat (`cluster.<name>.<stat>`). */
export const clusterSeries = (cluster: string, stat: string): Series => ({ name: `envoy_cluster_${stat.replace(/\./g, "_")}`, labels: { envoy_cluster_name: cluster } });

/** The gRPC access logger's own stat (`access_logs.grpc_access_log.<stat>`): no tag is extracted. */
export const accessLogSeries = (stat: string): Series => ({ name: `envoy_access_logs_grpc_access_log_${stat}`, labels: {} });

/** The stats of each integration's filter that the alerts and the dashboard read. */
export const FILTER_STATS = {
    ext_authz: { inspected: ["ok", "denied"], decided: ["ok", "denied", "error"], blocked: ["denied"], failedOpen: ["failure_mode_allowed"], errors: ["error"] },
    ext_proc: { inspected: ["streams_started"], decided: ["streams_started"], blocked: [] as string[], failedOpen: ["failure_mode_allowed"], errors: ["streams_failed", "message_timeouts"] },
} as const;

/** `stat` of each inspecting connection manager's filter. */
export function filterSeries(stats: InspectionStats, pick: (f: (typeof FILTER_STATS)[Integration]) => readonly string[]): Series[] {
    return stats.managers.flatMap((m) => pick(FILTER_STATS[m.integration]).map((stat) => httpSeries(m.statPrefix, `${m.integration}.${stat}`)));
}

/** A series as a PromQL selector, with `scope` (the app's target labels) beside its own labels. */
export function selector(s: Series, scope: Record<string, string>, suffix = ""): string {
    const matchers = Object.entries({ ...s.labels, ...scope }).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return `${s.name}${suffix}{${matchers.join(",")}}`;
}
