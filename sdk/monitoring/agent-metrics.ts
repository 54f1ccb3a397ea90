// The agent's own metrics in Prometheus: the agent sends StatsD (its only metrics output) to a
// statsd_exporter beside it on the pod's loopback, which serves them to Prometheus under the
// names of this mapping (one source of truth for the exporter's config, the alerts and the
// dashboard). The StatsD names are Fastly's (vocabulary/agent.ts, AGENT_STATSD_METRICS).
import { AGENT_METRICS_EXPORTER_PORT } from "../vocabulary/package";

/** Where the exporter listens: StatsD over UDP from the agent, on loopback; Prometheus on the pod's address. */
export const STATSD_EXPORTER = {
    image: "prom/statsd-exporter:v0.30.0",
    containerName: "statsd-exporter",
    statsdPort: 9125,
    metricsPort: AGENT_METRICS_EXPORTER_PORT,
    metricsPortName: "agent-metrics",
    metricsPath: "/metrics",
    /** Its own health endpoint (statsd_exporter main.go). */
    healthPath: "/-/healthy",
    mappingDir: "/etc/statsd-exporter",
    mappingFile: "mapping.yaml",
    volume: "statsd-mapping",
    /** The image runs as nobody. */
    runAsUser: 65534,
} as const;

/** The Prometheus series the mapping gives (statsd_exporter glob mappings: `*` is one dot-separated part, the first match wins). */
export const AGENT_SERIES = {
    /** Requests the agent decided, by `result`: total, allow, block, error (a counter). */
    requests: "sigsci_agent_waf_requests_total",
    /** The agent's decision time in milliseconds, by `percentile` (50pct, 95pct, 99pct; a gauge). */
    decisionTime: "sigsci_agent_waf_decision_time_milliseconds",
    queueTime: "sigsci_agent_waf_queue_time_milliseconds",
    signals: "sigsci_agent_signals_total",
    rpcConnections: "sigsci_agent_rpc_connections_open",
    cpuPercent: "sigsci_agent_runtime_cpu_percent",
    memoryBytes: "sigsci_agent_runtime_memory_sys_bytes",
    uptime: "sigsci_agent_runtime_uptime",
} as const;

/**
 * The exporter's mapping config (statsd_exporter `--statsd.mapping-config`). Series the agent
 * stopped sending expire after two minutes (its flushes come about every 30 s), so a gone agent
 * shows as absent rather than as its last values forever.
 */
export const STATSD_MAPPING = {
    defaults: { ttl: "2m" },
    mappings: [
        { match: "sigsci.agent.waf.perf.decision_time.*", name: AGENT_SERIES.decisionTime, labels: { percentile: "$1" } },
        { match: "sigsci.agent.waf.perf.queue_time.*", name: AGENT_SERIES.queueTime, labels: { percentile: "$1" } },
        { match: "sigsci.agent.waf.*", name: AGENT_SERIES.requests, labels: { result: "$1" } },
        { match: "sigsci.agent.signal.*", name: AGENT_SERIES.signals, labels: { signal: "$1" } },
        // Custom signals are named `site.<name>` or `corp.<name>`.
        { match: "sigsci.agent.signal.*.*", name: AGENT_SERIES.signals, labels: { signal: "$1.$2" } },
        { match: "sigsci.agent.rpc.connections.open", name: AGENT_SERIES.rpcConnections },
        { match: "sigsci.agent.runtime.cpu_pct", name: AGENT_SERIES.cpuPercent },
        { match: "sigsci.agent.runtime.mem.sys_bytes", name: AGENT_SERIES.memoryBytes },
        { match: "sigsci.agent.runtime.uptime", name: AGENT_SERIES.uptime },
    ],
};
