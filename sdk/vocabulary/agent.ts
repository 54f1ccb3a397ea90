// The Fastly Next-Gen WAF agent's names: its options and their environment variables, its
// container and files. The containers are written with them and read back by the traffic model,
// the guide check and the policy pack: one home each.

/** The agent's options the package sets or reads, by their documented names (Fastly's agent configuration reference). */
export const AGENT_OPTIONS = {
    accessKeyId: "accesskeyid",
    secretAccessKey: "secretaccesskey",
    grpcAddress: "envoy-grpc-address",
    extProc: "envoy-extproc-enabled",
    expectResponseData: "envoy-expect-response-data",
    grpcCert: "envoy-grpc-cert",
    grpcKey: "envoy-grpc-key",
    rpcAddress: "rpc-address",
    sharedCacheDir: "shared-cache-dir",
    startupListener: "startup-probe-listener",
    clientIpHeader: "client-ip-header",
    serverFlavor: "server-flavor",
    statsdAddress: "statsd-address",
    config: "config",
} as const;

/** Agent option names: lower-case words joined by dashes. */
export const AGENT_OPTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** An option's environment variable, by the agent's rule: `envoy-grpc-address` -> `SIGSCI_ENVOY_GRPC_ADDRESS`. */
export const agentVariable = (option: string) => `SIGSCI_${option.toUpperCase().replace(/-/g, "_")}`;

/** The prefix of every agent variable: a container setting one is the agent. */
export const AGENT_VARIABLE_PREFIX = "SIGSCI_";

/** The agent keys, by option ("These variables must be set or the agent will not start", the guide). */
export const AGENT_KEY_OPTIONS: readonly string[] = [AGENT_OPTIONS.accessKeyId, AGENT_OPTIONS.secretAccessKey];

/** The agent's program, container and image name. */
export const AGENT_NAME = "sigsci-agent";

/** The guide's temporary volume of the agent image, where rpc-address and shared-cache-dir default to files. */
export const AGENT_TMP_DIR = "/sigsci/tmp";

/** The agent's own config file, unless `config` names another. */
export const AGENT_CONFIG_FILE = "/etc/sigsci/agent.conf";

/** The guide's `preStop: exec: command: ["sleep", "30"]`. */
export const AGENT_PRESTOP_SECONDS = 30;

/** The keys of the credentials Secret (the guide's). */
export const AGENT_SECRET_KEYS = { accessKeyId: "accesskeyid", secretAccessKey: "secretaccesskey" } as const;

/** The agent's startup probe path (agent 4.51+): 503 until its rules are loaded, then 200. */
export const AGENT_STARTUP_PATH = "/startup";

/** The first agent release with the startup probe listener (Fastly: "agent versions 4.51.0 and above"). */
export const AGENT_STARTUP_PROBE_SINCE = [4, 51, 0] as const;

/**
 * The request header the agent takes the client's address from (its `client-ip-header`): one
 * Envoy writes itself, over anything a client sent, with the address it trusts (the agent's
 * default, X-Forwarded-For, holds whatever a client put there).
 */
export const CLIENT_IP_HEADER = "x-sigsci-client-ip";

/** The agent's own `client-ip-header` when none is set (Fastly's agent configuration reference). */
export const AGENT_DEFAULT_CLIENT_IP_HEADER = "X-Forwarded-For";

/**
 * The metrics the agent sends to StatsD when `statsd-address` is set (Fastly, "Agent StatsD
 * metrics"): counters since the last update, gauges of the moment. It has no Prometheus endpoint.
 */
export const AGENT_STATSD_METRICS = {
    counters: ["sigsci.agent.waf.total", "sigsci.agent.waf.error", "sigsci.agent.waf.allow", "sigsci.agent.waf.block", "sigsci.agent.signal.<NAME>"],
    gauges: [
        "sigsci.agent.waf.perf.decision_time.50pct",
        "sigsci.agent.waf.perf.decision_time.95pct",
        "sigsci.agent.waf.perf.decision_time.99pct",
        "sigsci.agent.waf.perf.queue_time.50pct",
        "sigsci.agent.waf.perf.queue_time.95pct",
        "sigsci.agent.waf.perf.queue_time.99pct",
        "sigsci.agent.rpc.connections.open",
        "sigsci.agent.runtime.cpu_pct",
        "sigsci.agent.runtime.mem.sys_bytes",
        "sigsci.agent.runtime.uptime",
    ],
} as const;
