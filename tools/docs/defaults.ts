// docs/defaults.md's "Defaults, and why" table, generated: each row names the inputs it is about, and
// their defaults are printed from the same source as docs/reference.md (settings/defaults.ts,
// which sdk/args.ts's @default tags must quote); the why is written here. `npm run docs` writes
// it between that page's markers, and a test fails when the page is out of date.
import { defaultText, INPUT_DEFAULTS } from "../../sdk/settings/defaults";
import { betweenMarkers } from "./markers";

interface Row {
    setting: string;
    /** Inputs by their type and field (`EnvoyProxy.image`), as docs/reference.md lists them, and how the table names each. */
    inputs: [string, string][];
    why: string;
}

const ROWS: Row[] = [
    { setting: "front port", inputs: [["EnvoyAppArgs.port", "port"]], why: "the guide's front proxy" },
    { setting: "app", inputs: [["AppContainer.port", "app.port"]], why: "the guide's helloworld on `localhost:8080`; Envoy dials the IPv4 loopback address `127.0.0.1`, so no DNS lookup is involved" },
    { setting: "agent gRPC", inputs: [["AgentContainer.grpcPort", "agent.grpcPort"]], why: "the guide's port, as `SIGSCI_ENVOY_GRPC_ADDRESS=127.0.0.1:9999` in the sidecar: the IPv4 loopback Envoy dials (the guide's `localhost` may resolve to `::1`); Envoy's `sigsci-agent` cluster, the container port and the `agentGrpcEndpoint` output are all derived from it" },
    { setting: "integration", inputs: [["WafInspection.integration", "inspection.integration"], ["WafInspection.expectResponseData", "inspection.expectResponseData"]], why: "the guide's ext_authz filter, and its gRPC access log with `SIGSCI_ENVOY_EXPECT_RESPONSE_DATA=1`" },
    { setting: "inspection timeout", inputs: [["WafInspection.timeout", "inspection.timeout"]], why: "Fastly's samples, and Envoy's own default" },
    { setting: "request body", inputs: [["WafInspection.maxRequestBytes", "inspection.maxRequestBytes"], ["WafInspection.allowPartialMessage", "inspection.allowPartialMessage"]], why: "what Fastly's samples send; with ext_authz larger bodies are inspected in part instead of refused" },
    {
        setting: "**fail mode**",
        inputs: [["WafInspection.failOpen", "inspection.failOpen"]],
        why: "Fastly's language modules fail open: an agent restart, upgrade (`latest` pulls on every start) or overload must not take the application down. Set `inspection.failOpen: false` to fail closed; Envoy then answers 503 (`status_on_error`), so an agent outage is told apart from a WAF block (406)",
    },
    { setting: "agent image", inputs: [["AgentContainer.image", "agent.image"], ["AgentContainer.imagePullPolicy", "agent.imagePullPolicy"]], why: "the guide: latest with `Always` keeps the agent current. Pin a version in production" },
    { setting: "Envoy image", inputs: [["EnvoyProxy.image", "envoy.image"], ["EnvoyProxy.imagePullPolicy", "envoy.imagePullPolicy"]], why: "a current, pinned release" },
    { setting: "agent temp volume", inputs: [["AgentContainer.tmpMountPath", "agent.tmpMountPath"]], why: "the guide's `emptyDir` `sigsci-tmp` beside a read-only root; when moved, `rpc-address` and `shared-cache-dir` follow" },
    {
        setting: "agent shutdown",
        inputs: [["AgentContainer.preStopSleepSeconds", "agent.preStopSleepSeconds"], ["EnvoyAppArgs.terminationGracePeriodSeconds", "terminationGracePeriodSeconds"]],
        why: "the guide's drain; the grace period must exceed the sleep (Kubernetes' default is exactly 30); see [Shutdown](verification.md#shutdown)",
    },
    { setting: "Envoy shutdown", inputs: [["EnvoyProxy.preStopSleepSeconds", "envoy.preStopSleepSeconds"], ["EnvoyProxy.gracefulDrain", "envoy.gracefulDrain"]], why: "Envoy exits at once on SIGTERM; its preStop fails its readiness and drains gracefully while the pod leaves its Services" },
    { setting: "app shutdown", inputs: [["AppContainer.preStopSleepSeconds", "app.preStopSleepSeconds"]], why: "Kubernetes' own `preStop: sleep`: it outlives Envoy's drain, so no request in flight loses the app" },
    { setting: "Envoy workers", inputs: [["EnvoyProxy.concurrency", "envoy.concurrency"]], why: "without `--concurrency` Envoy starts one worker per hardware thread of the node, each with its own connections to the agent, and is throttled at its limit" },
    {
        setting: "agent startup probe",
        inputs: [["AgentContainer.startupProbe", "agent.startupProbe"], ["AgentContainer.startupProbePort", "agent.startupProbePort"]],
        why: "the guide offers it for when the agent should inspect only once it has loaded your rules (`SIGSCI_STARTUP_PROBE_LISTENER`, `GET /startup`, 90 x 2 s): the pod is not Ready before. The cost: a pod that cannot reach Fastly's cloud never turns Ready, so a rollout stalls rather than run without your rules; `false` keeps the guide's fast start. Envoy's own startup probe (`/inspection-ready`) waits for its health check to reach an agent either way",
    },
    {
        setting: "client address",
        inputs: [["EnvoyProxy.xffTrustedHops", "envoy.xffTrustedHops"]],
        why: "Envoy writes the address it trusts (`use_remote_address: true`, and that many X-Forwarded-For entries) to `x-sigsci-client-ip`, and the agent reads that (`SIGSCI_CLIENT_IP_HEADER`): its default, `X-Forwarded-For`, holds whatever a client wrote there; see [The client's address](cluster.md#the-clients-address)",
    },
    { setting: "IP family", inputs: [["EnvoyAppArgs.ipFamily", "ipFamily"]], why: "listeners on `0.0.0.0` and Services `SingleStack` IPv4: Envoy cannot bind `::` where a pod has no IPv6; `IPv6` or `DualStack` for such clusters" },
    {
        setting: "Service links",
        inputs: [["PodOptions.enableServiceLinks", "pod.enableServiceLinks"]],
        why: "Kubernetes puts `<SERVICE>_PORT`-style variables for every Service of the namespace into each container: a Service named `sigsci-...` would give the agent `SIGSCI_*` variables, which it reads as options",
    },
    { setting: "agent resources", inputs: [["AgentContainer.resources", "agent.resources"]], why: "Fastly's sizing guidance: about one core and at least 500 MB per agent, then load-test" },
    {
        setting: "Envoy admin",
        inputs: [["EnvoyProxy.adminPort", "envoy.adminPort"], ["EnvoyProxy.readinessPort", "envoy.readinessPort"]],
        why: "the admin interface listens on `127.0.0.1` only, never reachable from outside the pod; the readiness listener serves only `/ready` (readiness), `/inspection-ready` (the startup probe, answered by Envoy itself) and, with `envoy.metrics`, `/stats/prometheus`",
    },
];

/** The page that holds the table, from the repository root. */
export const DEFAULTS_FILE = "docs/defaults.md";

export const DEFAULTS_START = "<!-- defaults: generated by npm run docs from tools/docs/defaults.ts -->";
export const DEFAULTS_END = "<!-- /defaults -->";

/** The table, each default as docs/reference.md gives it. */
export function defaultsTable(): string {
    const cell = (row: Row) =>
        row.inputs
            .map(([input, name]) => {
                if (!(input in INPUT_DEFAULTS)) throw new Error(`tools/docs/defaults.ts: ${input} has no default in settings/defaults.ts`);
                return `\`${name}\`: ${defaultText(INPUT_DEFAULTS[input]).replace(/\|/g, "\\|")}`;
            })
            .join("; ");
    return ["| setting | default | why |", "| --- | --- | --- |", ...ROWS.map((r) => `| ${r.setting} | ${cell(r)} | ${r.why} |`)].join("\n");
}

/** `page` with the table between its markers. */
export function withDefaultsTable(page: string): string {
    return betweenMarkers(page, DEFAULTS_FILE, DEFAULTS_START, DEFAULTS_END, defaultsTable());
}
