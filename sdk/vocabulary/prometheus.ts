// The Prometheus Operator's names the package writes: its API group and version (PodMonitor,
// PrometheusRule: monitoring.coreos.com/v1, vendored from v0.93.0 under tools/schemas/crds).
export const PROMETHEUS_OPERATOR_API = "monitoring.coreos.com/v1";
