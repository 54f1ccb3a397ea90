// What a sigsci-agent container does, read from its environment the way the agent reads it:
// where it listens for Envoy, in which mode, with or without TLS, and how Kubernetes can tell
// that it is up.
import { allContainers, hasEnv, isLoopback, literalEnv } from "./kube";

export interface AgentListener {
    container: any;
    /** `host` of SIGSCI_ENVOY_GRPC_ADDRESS (`""` for every address). */
    host: string;
    port: number;
    extProc: boolean;
    expectsResponseData: boolean;
    tls: boolean;
    /** Port of SIGSCI_STARTUP_PROBE_LISTENER, when set. */
    startupPort?: number;
}

/** `host:port`, `:port` or `[v6]:port`. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
    const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(value);
    if (!m) return undefined;
    return { host: m[1] ?? m[2] ?? "", port: Number(m[3]) };
}

export function isAgentContainer(container: any): boolean {
    return /sigsci-agent/.test(String(container?.image ?? "")) || (container?.env ?? []).some((e: any) => /^SIGSCI_/.test(String(e?.name)));
}

const TRUE = ["1", "true", "TRUE", "True", "yes"];

/** The agent's Envoy gRPC listener, or undefined when it has none this model can read. */
export function agentListener(container: any): AgentListener | undefined {
    const env = literalEnv(container);
    const address = env.SIGSCI_ENVOY_GRPC_ADDRESS;
    const listen = address === undefined ? undefined : parseListenAddress(address);
    if (!listen) return undefined;
    const startup = env.SIGSCI_STARTUP_PROBE_LISTENER === undefined ? undefined : parseListenAddress(env.SIGSCI_STARTUP_PROBE_LISTENER);
    return {
        container,
        ...listen,
        extProc: TRUE.includes(env.SIGSCI_ENVOY_EXTPROC_ENABLED ?? ""),
        expectsResponseData: TRUE.includes(env.SIGSCI_ENVOY_EXPECT_RESPONSE_DATA ?? ""),
        tls: hasEnv(container, "SIGSCI_ENVOY_GRPC_CERT"),
        startupPort: startup?.port,
    };
}

export function agentListeners(pod: any): AgentListener[] {
    return allContainers(pod).filter(isAgentContainer).map(agentListener).filter((a): a is AgentListener => a !== undefined);
}

/** A listener bound to every address (or the pod's) answers other pods; a loopback one only its own pod. */
export function listensOnPodAddress(a: AgentListener): boolean {
    return !isLoopback(a.host);
}

/** Does a dial to `address` inside the pod reach this listener? */
export function answersLoopback(a: AgentListener, address: string): boolean {
    if (a.host === "" || a.host === "0.0.0.0" || a.host === "::") return true;
    const v4Loopback = (x: string) => x === "localhost" || /^127\./.test(x);
    return a.host === address || (v4Loopback(a.host) && v4Loopback(address));
}

/**
 * Does one of the agent container's probes pass only once the agent is up? The startup
 * listener's `/startup` (200 once rules are loaded), or a TCP/gRPC probe on a listener the
 * kubelet can reach (not one bound to loopback).
 */
export function agentProbeProvesListening(a: AgentListener): boolean {
    const c = a.container;
    const ports = (c.ports ?? []) as any[];
    const number = (p: unknown) => (typeof p === "number" ? p : ports.find((x) => x.name === p)?.containerPort);
    for (const probe of [c.startupProbe, c.readinessProbe]) {
        if (!probe) continue;
        if (probe.httpGet?.path === "/startup" && a.startupPort !== undefined && number(probe.httpGet.port) === a.startupPort) return true;
        const port = number(probe.tcpSocket?.port ?? probe.grpc?.port);
        if (port === a.port && listensOnPodAddress(a)) return true;
    }
    return false;
}
