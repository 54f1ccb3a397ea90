// What a sigsci-agent container does, read the way the agent reads its settings: a command-line
// flag over an environment variable (SIGSCI_ + the option's name in upper case, dashes to
// underscores) over its config file (`agent.conf`, at SIGSCI_CONFIG or /etc/sigsci/agent.conf):
// where it listens for Envoy, in which mode, with or without TLS, and how Kubernetes can tell
// that it is up. A setting whose value the objects do not show is unknown, never assumed.
import { AGENT_CONFIG_FILE, AGENT_DEFAULT_CLIENT_IP_HEADER, AGENT_NAME, AGENT_OPTIONS, AGENT_PRESTOP_SECONDS, AGENT_VARIABLE_PREFIX, agentVariable } from "../vocabulary/agent";
import { ADDRESSES } from "../vocabulary/envoy";
import { IPV4_ADDRESS } from "../vocabulary/kubernetes";
import { allContainers, graceSeconds, isLoopback, isNativeSidecar, preStopSeconds } from "./kube";
import { ObjectIndex } from "./objects";
import { commandLine, ContainerEnv, containerEnv, envValue, EnvValue, isKnown, mountedFile, optionValue, programName } from "./process";

export interface AgentListener {
    container: any;
    /** `host` of the gRPC address (`""` for every address). */
    host: string;
    port: number;
    extProc: boolean;
    expectsResponseData: boolean;
    tls: boolean;
    /** Port of the startup probe listener, when set. */
    startupPort?: number;
    /** The request header it takes the client's address from (lower case), or why the objects do not show it. */
    clientIpHeader: string | { unknown: string };
}

/** `host:port`, `:port` or `[v6]:port`. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
    const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(value);
    if (!m) return undefined;
    return { host: m[1] ?? m[2] ?? "", port: Number(m[3]) };
}

/**
 * An agent container's own shutdown, as Fastly's guide prescribes it: a preStop sleep, and a
 * grace period longer than it. One check, for the guide (every agent) and the traffic model
 * (the agents on an inspection path) alike, so a defect is one finding.
 */
export function agentShutdownFindings(container: any, pod: any): { code: "agent-no-prestop" | "agent-grace-short"; message: string }[] {
    // A native sidecar outlives the pod's other containers by the kubelet's own order: no sleep is needed.
    if (isNativeSidecar(pod, container)) return [];
    const sleep = preStopSeconds(container);
    if (sleep === 0) {
        return [
            {
                code: "agent-no-prestop",
                message: `container ${container.name}: no preStop sleep, so the agent stops at once while Envoy still sends it requests; add lifecycle.preStop.exec.command ["sleep", "${AGENT_PRESTOP_SECONDS}"] (the guide)`,
            },
        ];
    }
    const grace = graceSeconds(pod);
    if (grace <= sleep) {
        return [
            {
                code: "agent-grace-short",
                message: `container ${container.name}: its preStop sleeps ${sleep} s but the pod's terminationGracePeriodSeconds is ${grace}, so it is killed before its drain ends; give the pod more than ${sleep} s`,
            },
        ];
    }
    return [];
}

/** Is this container the agent? Its image, its program, or a SIGSCI_ variable it sets. */
export function isAgentContainer(container: any): boolean {
    if (String(container?.image ?? "").includes(AGENT_NAME)) return true;
    if ((Array.isArray(container?.env) ? container.env : []).some((e: any) => String(e?.name).startsWith(AGENT_VARIABLE_PREFIX))) return true;
    if ((Array.isArray(container?.envFrom) ? container.envFrom : []).some((e: any) => String(e?.prefix ?? "").startsWith(AGENT_VARIABLE_PREFIX))) return true;
    return commandLine(container).argv.some((w) => programName(w) === AGENT_NAME);
}

const TRUE = ["1", "true", "TRUE", "True", "yes", "on"];

/** `key = "value"` lines of an agent.conf (its TOML subset). */
function parseAgentConf(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const line of text.split(/\r?\n/)) {
        const m = /^\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^#\s]*))/.exec(line);
        if (m) out.set(m[1], m[2] ?? m[3] ?? m[4] ?? "");
    }
    return out;
}

/** The agent's settings, as the agent reads them: flags, then environment, then its config file. */
export class AgentSettings {
    private readonly argv: string[];
    private readonly argvUnknown?: string;
    /** Why no setting of the agent's is known: a wrapper that may set its environment and flags. */
    private readonly wrapped?: string;
    private readonly env: ContainerEnv;
    private readonly file: Map<string, string> | { opaque: string } | undefined;

    constructor(
        index: ObjectIndex,
        namespace: string,
        pod: any,
        readonly container: any,
    ) {
        this.env = containerEnv(index, namespace, container);
        const cl = commandLine(container, this.env);
        this.argv = cl.argv;
        // A shell script is read only in the plain form `[mkdir|chmod|cp|ln|echo|true ... &&]* exec
        // <path>/sigsci-agent [flags] [2>&1]`; any other (variables set, unset or expanded, other
        // commands, comments, background jobs, redirections from files) may change what runs, and
        // with which settings: none of them is then known. So is a command that is not the agent.
        const viaEnv = programName(cl.argv[0]) === "env";
        const raw = [...(Array.isArray(container?.command) ? container.command : []), ...(Array.isArray(container?.args) ? container.args : [])].map(String);
        const flag = raw.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w));
        const script = cl.viaShell ? (raw[flag + 1] ?? "").trim() : "";
        const plainScript = /^(?:(?:mkdir|chmod|cp|ln|echo|true)(?:\s[^;&|$`#()<>\\'"]*)?\s*&&\s*)*exec\s+\S*sigsci-agent(?:\s+[^;&|$`#()<>\\]*?)?(?:\s+2>&1)?$/.test(script);
        const runsAgent = programName(cl.argv[0]) === AGENT_NAME || cl.argv.includes("exec");
        this.wrapped = viaEnv
            ? "set by the env command it is started through"
            : cl.viaShell && !plainScript
              ? "set by the shell script it is started through"
              : Array.isArray(container?.command) && !runsAgent
                ? `unknown: its command runs ${programName(cl.argv[0])}, not ${AGENT_NAME}`
                : undefined;
        this.argvUnknown = cl.unknown;
        const path = this.flag(AGENT_OPTIONS.config) ?? envValue(this.env, agentVariable(AGENT_OPTIONS.config)) ?? { value: AGENT_CONFIG_FILE };
        if (!isKnown(path)) this.file = { opaque: `the config file's path is ${path.unknown}` };
        else {
            const f = mountedFile(index, namespace, pod, container, path.value);
            this.file = "text" in f ? parseAgentConf(f.text) : "opaque" in f ? { opaque: `its config file ${path.value} is on ${f.opaque}` } : undefined;
        }
    }

    private flag(option: string): EnvValue | undefined {
        if (this.wrapped !== undefined) return { unknown: this.wrapped };
        const v = optionValue(this.argv, [`--${option}`, `-${option}`]);
        if (v !== undefined) return { value: v };
        return this.argvUnknown !== undefined ? { unknown: `its command line has ${this.argvUnknown}` } : undefined;
    }

    /** An option's value, unknown (with why), or undefined when no source sets it. */
    get(option: string): EnvValue | undefined {
        const flag = this.flag(option);
        if (flag && isKnown(flag)) return flag;
        const env = envValue(this.env, agentVariable(option));
        if (env && isKnown(env)) return flag ?? env;
        if (flag || env) return flag ?? env;
        if (this.file instanceof Map) return this.file.has(option) ? { value: this.file.get(option)! } : undefined;
        return this.file ? { unknown: this.file.opaque } : undefined;
    }
}

/** The agent's Envoy gRPC listener; `unknown` names a setting the objects do not show; undefined when it has none. */
export function agentListener(settings: AgentSettings): AgentListener | { unknown: string } | undefined {
    const read = (o: string) => settings.get(o);
    const address = read(AGENT_OPTIONS.grpcAddress);
    if (address === undefined) return undefined;
    if (!isKnown(address)) return { unknown: `${AGENT_OPTIONS.grpcAddress} (${agentVariable(AGENT_OPTIONS.grpcAddress)}) is ${address.unknown}` };
    const listen = parseListenAddress(address.value);
    if (!listen) return undefined;
    // A name is resolved by the agent itself (localhost: 127.0.0.1 or ::1), so where it listens is not in the objects.
    if (listen.host !== "" && !IPV4_ADDRESS.test(listen.host) && !listen.host.includes(":")) {
        return {
            unknown: `${AGENT_OPTIONS.grpcAddress} (${agentVariable(AGENT_OPTIONS.grpcAddress)}) names the host ${JSON.stringify(listen.host)}, which the agent resolves itself (localhost may be 127.0.0.1 or ::1); give an address such as ${ADDRESSES.loopback}`,
        };
    }
    for (const o of [AGENT_OPTIONS.extProc, AGENT_OPTIONS.expectResponseData, AGENT_OPTIONS.grpcCert]) {
        const v = read(o);
        if (v !== undefined && !isKnown(v)) return { unknown: `${o} (${agentVariable(o)}) is ${v.unknown}` };
    }
    const value = (o: string) => {
        const v = read(o);
        return v !== undefined && isKnown(v) ? v.value : undefined;
    };
    const startup = value(AGENT_OPTIONS.startupListener);
    const header = read(AGENT_OPTIONS.clientIpHeader) ?? { value: AGENT_DEFAULT_CLIENT_IP_HEADER };
    return {
        container: settings.container,
        ...listen,
        extProc: TRUE.includes(value(AGENT_OPTIONS.extProc) ?? ""),
        expectsResponseData: TRUE.includes(value(AGENT_OPTIONS.expectResponseData) ?? ""),
        tls: (value(AGENT_OPTIONS.grpcCert) ?? "") !== "",
        startupPort: startup === undefined ? undefined : parseListenAddress(startup)?.port,
        clientIpHeader: isKnown(header) ? header.value.toLowerCase() : { unknown: `${AGENT_OPTIONS.clientIpHeader} (${agentVariable(AGENT_OPTIONS.clientIpHeader)}) is ${header.unknown}` },
    };
}

export interface PodAgents {
    listeners: AgentListener[];
    /** Agent containers whose listener the objects do not show. */
    unknown: { container: any; why: string }[];
}

/** The agent listeners of a pod. */
export function agentListeners(index: ObjectIndex, namespace: string, pod: any): PodAgents {
    const out: PodAgents = { listeners: [], unknown: [] };
    for (const c of allContainers(pod).filter(isAgentContainer)) {
        const l = agentListener(new AgentSettings(index, namespace, pod, c));
        if (l === undefined) continue;
        if ("unknown" in l) out.unknown.push({ container: c, why: l.unknown });
        else out.listeners.push(l);
    }
    return out;
}

/** A listener bound to every address (or the pod's) answers other pods; a loopback one only its own pod. */
export function listensOnPodAddress(a: AgentListener): boolean {
    return !isLoopback(a.host);
}

/** Does a dial to `address` inside the pod reach this listener? */
export function answersLoopback(a: AgentListener, address: string): boolean {
    if (a.host === "" || a.host === ADDRESSES.any || a.host === ADDRESSES.anyV6) return true;
    // Host names never get here: an agent's is unverifiable, and so is Envoy's dialing one.
    const v4Loopback = (x: string) => /^127\./.test(x) || /^::ffff:127\./i.test(x) || x === ADDRESSES.any;
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
