// Resolution shared by both components: the agent container, credentials, resources,
// labels, grace periods and the port and address rules. Inputs arrive with every Pulumi
// output resolved; every check refuses with the input's path.
import * as pulumi from "@pulumi/pulumi";
import { AgentContainer, ContainerResources, Integration as IntegrationValues, IpFamily, IpFamily as IpFamilyValues } from "../args";
import { imageTag } from "../traffic/kube";
import { ADDRESSES } from "../vocabulary/envoy";
import * as check from "./checks";
import { AGENT_IMAGE, AGENT_SERVICE_DEFAULTS, DEFAULTS, NAMES } from "./defaults";
import { mention, refuse, sameAs } from "./errors";
import { FIELDS, onlyFields } from "./fields";
import { isPending, known, PENDING } from "./pending";
import { agentPullPolicy, imageVersion, pullPolicy } from "./images";
import { AgentSettings, Integration, Resources } from "./types";
import { AGENT_OPTION_NAME, AGENT_OPTIONS, AGENT_STARTUP_PROBE_SINCE, CLIENT_IP_HEADER } from "../vocabulary/agent";
import { IPV4_ADDRESS } from "../vocabulary/kubernetes";
import { ISTIO_SIDECAR_PORTS } from "../vocabulary/istio";
import { AGENT_METRICS_EXPORTER_PORT } from "../vocabulary/package";

/** Args as the resolvers see them: every Pulumi output already resolved. */
export type Plain<T> = pulumi.Unwrap<T>;

/** Options the components set themselves, and the input that controls each. */
const MANAGED_AGENT_OPTIONS: Readonly<Record<string, string>> = {
    [AGENT_OPTIONS.accessKeyId]: "credentials",
    [AGENT_OPTIONS.secretAccessKey]: "credentials",
    [AGENT_OPTIONS.grpcAddress]: "agent.grpcPort",
    [AGENT_OPTIONS.expectResponseData]: "inspection.expectResponseData",
    [AGENT_OPTIONS.extProc]: "inspection.integration",
    [AGENT_OPTIONS.rpcAddress]: "agent.tmpMountPath",
    [AGENT_OPTIONS.sharedCacheDir]: "agent.tmpMountPath",
    [AGENT_OPTIONS.startupListener]: "agent.startupProbe",
    [AGENT_OPTIONS.clientIpHeader]: "envoy.xffTrustedHops",
    [AGENT_OPTIONS.grpcCert]: "tls",
    [AGENT_OPTIONS.grpcKey]: "tls",
    [AGENT_OPTIONS.statsdAddress]: "agent.metrics",
};

export function resolveResources(input: string, given: Plain<ContainerResources> | undefined, defaults: Resources): Resources {
    const g = check.plainObject(input, given, FIELDS.ContainerResources) as Plain<ContainerResources> | undefined;
    const part = (kind: "requests" | "limits") => {
        const p = check.plainObject(`${input}.${kind}`, g?.[kind], FIELDS.ResourceQuantities) as { cpu?: unknown; memory?: unknown } | undefined;
        return {
            cpu: check.quantity(`${input}.${kind}.cpu`, p?.cpu, defaults[kind].cpu),
            memory: check.quantity(`${input}.${kind}.memory`, p?.memory, defaults[kind].memory),
        };
    };
    const resources = { requests: part("requests"), limits: part("limits") };
    // Kubernetes refuses a request above its limit. A request left to its default follows a
    // lower limit given (as Kubernetes defaults a request to its limit); one given is refused.
    for (const r of ["cpu", "memory"] as const) {
        const request = resources.requests[r];
        const limit = resources.limits[r];
        if (request === undefined || limit === undefined || !known(request, limit) || check.quantityValue(request) <= check.quantityValue(limit)) continue;
        const requestGiven = known(g, g?.requests) && (g?.requests as { cpu?: unknown; memory?: unknown } | undefined)?.[r] !== undefined;
        if (!requestGiven) resources.requests[r] = limit;
        else refuse(`${input}.requests.${r}`, request, `at most ${input}.limits.${r} (${mention(`${input}.limits.${r}`, limit)}${limit === defaults.limits[r] ? ", its default" : ""})`);
    }
    return resources;
}

export const INTEGRATIONS: readonly Integration[] = Object.values(IntegrationValues);

/** The agent's side of an integration: ext_proc carries the response on its stream, ext_authz may expect it from the access log. */
export function resolveWiring(at: string, integration: Integration, expectResponseData: unknown): { integration: Integration; expectResponseData: boolean } {
    if (integration === "ext_proc") {
        if (expectResponseData === true) refuse(at, true, 'false or nothing with integration "ext_proc" (the response travels on the ext_proc stream)');
        return { integration, expectResponseData: false };
    }
    return { integration, expectResponseData: check.bool(at, expectResponseData, DEFAULTS.inspection.expectResponseData) };
}

/** Where an agent runs: what it listens on, and how long it keeps serving when stopped. */
export interface AgentPlacement {
    listenHost: string;
    /** What the kubelet-probed startup listener binds: every address of the pod's families (the kubelet probes the pod's address). */
    probeHost: string;
    preStopSleepSeconds: number;
    /** Beside other containers in their pod (it may be a native sidecar), or the pod's main container (an agent Service's). */
    sidecar: boolean;
}

/** Every address of the families a pod listens on: `0.0.0.0`, or `::` (both families, as the agent binds it) with IPv6. */
export const anyAddressOf = (ipFamily: IpFamily): string => (ipFamily === "IPv4" ? NAMES.anyAddress : ADDRESSES.anyV6);

/** The sidecar answers only its own pod; its startup probe, the kubelet on the pod's address. */
export function sidecarAgent(ipFamily: IpFamily, preStopSleepSeconds: number): AgentPlacement {
    return { listenHost: NAMES.loopback, probeHost: anyAddressOf(ipFamily), preStopSleepSeconds, sidecar: true };
}
/** An agent Service's pods answer on every address of the pod: IPv4's, or (with IPv6) both families'. */
export function serviceAgent(ipFamily: IpFamily): AgentPlacement {
    return { listenHost: anyAddressOf(ipFamily), probeHost: anyAddressOf(ipFamily), preStopSleepSeconds: AGENT_SERVICE_DEFAULTS.preStopSleepSeconds, sidecar: false };
}

/** Does the agent image serve the startup probe (4.51.0+)? `latest` and untagged do; a custom tag or a digest cannot be told. */
export function hasStartupProbe(image: string): boolean {
    if (image.includes("@")) return false;
    const tag = imageTag(image);
    if (tag === undefined || tag === "latest") return true;
    const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
    if (!m) return false;
    const version = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    const since = AGENT_STARTUP_PROBE_SINCE;
    for (let i = 0; i < 3; i++) if (version[i] !== since[i]) return version[i] > since[i];
    return true;
}

export const IP_FAMILIES: readonly IpFamily[] = Object.values(IpFamilyValues);

/** Settings of the agent container shared by the sidecar and the agent Service; `at` is the input's path. */
export function resolveAgent(at: string, given: Plain<AgentContainer> | undefined, placement: AgentPlacement, wiring: { integration: Integration; expectResponseData: boolean }): AgentSettings {
    const g = check.plainObject(at, given, FIELDS.AgentContainer) as Plain<AgentContainer> | undefined;
    const image = check.image(`${at}.image`, g?.image, AGENT_IMAGE);
    const tmpMountPath = check.absolutePath(`${at}.tmpMountPath`, g?.tmpMountPath, DEFAULTS.agentTmpMountPath);
    const startup = check.bool(`${at}.startupProbe`, g?.startupProbe, known(image) ? hasStartupProbe(image) : PENDING);
    if (known(startup) && startup === false && g?.startupProbePort !== undefined)
        refuse(`${at}.startupProbePort`, g.startupProbePort, `nothing unless ${at}.startupProbe is true (no listener serves it otherwise)`);
    const nativeSidecar = check.bool(`${at}.nativeSidecar`, g?.nativeSidecar, DEFAULTS.agentNativeSidecar);
    if (nativeSidecar === true && !placement.sidecar) refuse(`${at}.nativeSidecar`, true, "false: an agent Service's agent is its pod's main container, not a sidecar");
    // A native sidecar is stopped only after every other container has exited: no sleep needs to approximate that.
    const defaultStop = known(nativeSidecar) ? (nativeSidecar ? 0 : placement.preStopSleepSeconds) : PENDING;
    const options: Record<string, string> = {};
    const givenOptions = check.plainObject(`${at}.options`, g?.options) ?? {};
    for (const [name, value] of Object.entries(givenOptions)) {
        if (!AGENT_OPTION_NAME.test(name)) refuse(`${at}.options key`, name, 'an agent option name in lower case with dashes, such as "max-procs"');
        // An agent key given as an option is a credential: never shown.
        const shown = MANAGED_AGENT_OPTIONS[name] === "credentials" ? "(set)" : value;
        if (Object.prototype.hasOwnProperty.call(MANAGED_AGENT_OPTIONS, name))
            refuse(`${at}.options.${name}`, shown, `no value here: the component sets it; use "${MANAGED_AGENT_OPTIONS[name].replace(/^agent\./, `${at}.`)}"`);
        if (typeof value !== "string" && !isPending(value)) refuse(`${at}.options.${name}`, value, "a string");
        options[name] = value as string;
    }
    return {
        image,
        pullPolicy: pullPolicy(`${at}.imagePullPolicy`, g?.imagePullPolicy, image, agentPullPolicy),
        listenHost: placement.listenHost,
        probeHost: placement.probeHost,
        clientIpHeader: CLIENT_IP_HEADER,
        grpcPort: check.port(`${at}.grpcPort`, g?.grpcPort, DEFAULTS.agentGrpcPort),
        tmpMountPath,
        preStopSleepSeconds: check.int(`${at}.preStopSleepSeconds`, g?.preStopSleepSeconds, defaultStop, 0, 3600),
        nativeSidecar,
        metrics: check.bool(`${at}.metrics`, g?.metrics, DEFAULTS.agentMetrics),
        startupProbe: startup
            ? {
                  port: check.port(`${at}.startupProbePort`, g?.startupProbePort, DEFAULTS.agentStartupProbePort),
                  failureThreshold: DEFAULTS.agentStartupProbeFailureThreshold,
                  periodSeconds: DEFAULTS.agentStartupProbePeriodSeconds,
              }
            : undefined,
        // Only the agent's side of the integration: the inspection's other settings are Envoy's.
        integration: wiring.integration,
        expectResponseData: wiring.expectResponseData,
        resources: resolveResources(`${at}.resources`, g?.resources, DEFAULTS.resources.agent),
        options,
    };
}

/** The grace period: given, or the longest preStop sleep plus a margin; always longer than that sleep. */
export function resolveGrace(at: string, given: unknown, preStopSleepSeconds: number, sleepInput: string): number {
    const grace = check.int(at, given, known(preStopSleepSeconds) ? preStopSleepSeconds + DEFAULTS.terminationGraceMarginSeconds : PENDING, 1, 86400);
    if (known(grace, preStopSleepSeconds) && grace <= preStopSleepSeconds)
        refuse(at, grace, `more seconds than ${sleepInput} (${mention(sleepInput, preStopSleepSeconds)}), so the drain ends before the pod is killed`);
    return grace;
}

/**
 * A port that a container the component adds itself listens on, which no input may take: its
 * number, and what a refusal says it clashes with.
 */
export interface ReservedPort {
    port: number;
    /** Completes "a port other than <port>, which clashes with ...". */
    clash: string;
}

/**
 * The port of the metrics exporter beside an agent whose metrics are on (`metricsInput`, e.g.
 * `agent.metrics`); none while they are off or not known yet.
 */
export function metricsExporterPorts(metrics: boolean, metricsInput: string): ReservedPort[] {
    if (metrics !== true) return [];
    return [{ port: AGENT_METRICS_EXPORTER_PORT, clash: `the metrics exporter's port in the same pod (the statsd-exporter that ${metricsInput} adds beside the agent)` }];
}

/** The ports of Istio's sidecar, which its injector adds to an IstioApp's pods. */
export function istioSidecarPorts(): ReservedPort[] {
    const all = Object.keys(ISTIO_SIDECAR_PORTS).map(Number);
    const listed = `${all.slice(0, -1).join(", ")} and ${all[all.length - 1]}`;
    return all.map((port) => ({ port, clash: `Istio's sidecar in the same pod (the injected istio-proxy uses ${listed})` }));
}

/**
 * Refuses two listeners of one pod on the same port: they share one network namespace. Each
 * entry says whether its port was given: the refusal names a port the user set, never a
 * default they did not (that one is named as the other side). `reserved` are the ports of
 * containers the component (or Istio's injector) adds, which no input may take.
 */
export function checkDistinctPorts(ports: [input: string, port: number | undefined, given: boolean][], reserved: ReservedPort[] = []): void {
    const owner = new Map<number, { input: string; given: boolean }>();
    for (const [input, p, given] of ports) {
        if (p === undefined || isPending(p)) continue;
        const taken = reserved.find((r) => r.port === p);
        if (taken !== undefined) refuse(input, p, `a port other than ${mention(input, p)}, which clashes with ${taken.clash}`);
        const other = owner.get(p);
        if (other !== undefined) {
            if (!given && other.given) refuse(other.input, p, `a port not already used by "${input}" (its default) in the same pod${sameAs(input)}`);
            refuse(input, p, `a port not already used by "${other.input}"${other.given ? "" : " (its default)"} in the same pod${sameAs(other.input)}`);
        }
        owner.set(p, { input, given });
    }
}

/**
 * Kubernetes' recommended labels on every object of one component. The selector uses only the
 * stable pair (name, instance): a Deployment's selector cannot change, and a version in it
 * would orphan the old pods at every upgrade.
 */
/** How a component labels its objects (NAMES.envoyAppKind, ...): see there. */
export interface ComponentKind {
    /** The application's name; none: the component's own name. */
    name?: string;
    component: string;
    selectBy: "name" | "component";
    partOf?: string;
}

export function standardLabels(name: string, kind: ComponentKind, image: string, extra: Record<string, string>, input = "labels") {
    const appName = kind.name ?? name;
    const selectorLabels: Record<string, string> =
        kind.selectBy === "name" ? { "app.kubernetes.io/name": appName, "app.kubernetes.io/instance": name } : { "app.kubernetes.io/instance": name, "app.kubernetes.io/component": kind.component };
    const version = isPending(image) ? undefined : imageVersion(image);
    const own: Record<string, string> = {
        "app.kubernetes.io/name": appName,
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/component": kind.component,
        ...(version !== undefined ? { "app.kubernetes.io/version": version } : {}),
        ...(kind.partOf !== undefined ? { "app.kubernetes.io/part-of": kind.partOf } : {}),
        "app.kubernetes.io/managed-by": "pulumi",
    };
    // The component's own labels are not the user's to set: one given would be silently replaced.
    if (!isPending(extra))
        for (const key of Object.keys(extra))
            if (key in own || key === "app.kubernetes.io/version") refuse(`${input}.${key}`, extra[key], `a label the component does not set itself (it sets ${key})`);
    return { selectorLabels, labels: { ...extra, ...own } };
}

/** The agent keys, and what each is called in messages. */
export const AGENT_KEYS = [
    ["accessKeyId", "the Agent Access Key"],
    ["secretAccessKey", "the Agent Secret Key"],
] as const;

/** An agent key's value: a non-empty string, never shown in a message. */
export function checkAgentKey(key: (typeof AGENT_KEYS)[number][0], value: unknown): void {
    check.secretString(`credentials.${key}`, value, AGENT_KEYS.find(([k]) => k === key)![1]);
}

/** Which form the credentials take: the keys (the component creates the Secret) or an existing Secret's name. */
export interface CredentialsForm {
    existingSecretName?: string;
    createSecret: boolean;
}

export function resolveCredentials(at: string, given: unknown): CredentialsForm {
    // A whole credentials object still to come: which of the two forms it is, is not known yet.
    if (isPending(given)) return { existingSecretName: PENDING, createSecret: PENDING };
    const g = check.plainObject(at, given) as { accessKeyId?: unknown; secretAccessKey?: unknown; existingSecretName?: unknown } | undefined;
    onlyFields(at, g, FIELDS.AgentCredentials);
    const hasKeys = g?.accessKeyId !== undefined || g?.secretAccessKey !== undefined;
    const hasExisting = g?.existingSecretName !== undefined;
    const accepted = `either both ${at}.accessKeyId and ${at}.secretAccessKey, or ${at}.existingSecretName`;
    // The key values are secrets: messages name which were given, never what they hold.
    const given_ = () => ({
        accessKeyId: g?.accessKeyId !== undefined ? "(set)" : undefined,
        secretAccessKey: g?.secretAccessKey !== undefined ? "(set)" : undefined,
        existingSecretName: g?.existingSecretName,
    });
    if (hasKeys === hasExisting) refuse(at, given_(), accepted);
    if (hasKeys && (g?.accessKeyId === undefined || g?.secretAccessKey === undefined)) refuse(at, given_(), accepted);
    return hasExisting ? { existingSecretName: check.dns1123Subdomain(`${at}.existingSecretName`, g?.existingSecretName), createSecret: false } : { createSecret: true };
}

export function isIpAddress(host: string): boolean {
    return IPV4_ADDRESS.test(host);
}
