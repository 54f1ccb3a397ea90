// The package's own names that several layers share: what it writes on objects, and how its
// messages stand in for a value they must not show.

/** The annotation on a Deployment whose app acknowledged verifier findings (envoy.acknowledgeVerifierFindings): their codes, comma-separated. */
export const ACKNOWLEDGED_FINDINGS_ANNOTATION = "sigsci-envoy/acknowledged-findings";

/** What a message shows in place of a value that arrived as a secret. */
export const SECRET_SHOWN = "(a secret value)";

/** `app.kubernetes.io/part-of` of the WAF's own objects (the agent fleets, a GatewayWaf's policies). */
export const PACKAGE_PART_OF = "sigsci-envoy";

/**
 * The port the agent's metrics exporter (the statsd_exporter beside an agent with
 * `agent.metrics`) serves Prometheus on, on the pod's address: no other listener of its pod may
 * take it.
 */
export const AGENT_METRICS_EXPORTER_PORT = 9102;
