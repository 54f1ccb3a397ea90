// Resolution shared by both components: the agent container, credentials, resources,
// labels, grace periods and the port and address rules. Inputs arrive with every Pulumi
// output resolved; every check refuses with the input's path.
import * as pulumi from "@pulumi/pulumi";
import { AgentContainer, ContainerResources } from "../args";
import * as check from "./checks";
import { AGENT_IMAGE, AGENT_SERVICE_DEFAULTS, DEFAULTS } from "./defaults";
import { refuse } from "./errors";
import { agentPullPolicy, pullPolicy } from "./images";
import { AgentSettings, Integration, Resources } from "./types";

/** Args as the resolvers see them: every Pulumi output already resolved. */
export type Plain<T> = pulumi.Unwrap<T>;

/** Agent option names: lower-case words joined by dashes, as in Fastly's agent configuration reference. */
const AGENT_OPTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Options the components set themselves, and the input that controls each. */
const MANAGED_AGENT_OPTIONS: Record<string, string> = {
    "accesskeyid": "credentials",
    "secretaccesskey": "credentials",
    "envoy-grpc-address": "agent.grpcPort",
    "envoy-expect-response-data": "inspection.expectResponseData",
    "envoy-extproc-enabled": "inspection.integration",
    "rpc-address": "agent.tmpMountPath",
    "shared-cache-dir": "agent.tmpMountPath",
    "startup-probe-listener": "agent.startupProbe",
    "envoy-grpc-cert": "tls",
    "envoy-grpc-key": "tls",
};

/** An agent option's environment variable, by the guide's rule: `max-procs` -> `SIGSCI_MAX_PROCS`. */
export function agentOptionEnvName(option: string): string {
    return `SIGSCI_${option.toUpperCase().replace(/-/g, "_")}`;
}

export function resolveResources(input: string, given: Plain<ContainerResources> | undefined, defaults: Resources): Resources {
    const g = check.plainObject(input, given) as Plain<ContainerResources> | undefined;
    const part = (kind: "requests" | "limits") => {
        const p = check.plainObject(`${input}.${kind}`, g?.[kind]) as { cpu?: unknown; memory?: unknown } | undefined;
        return {
            cpu: check.quantity(`${input}.${kind}.cpu`, p?.cpu, defaults[kind].cpu),
            memory: check.quantity(`${input}.${kind}.memory`, p?.memory, defaults[kind].memory),
        };
    };
    const resources = { requests: part("requests"), limits: part("limits") };
    // Kubernetes refuses a request above its limit.
    for (const r of ["cpu", "memory"] as const) {
        const request = resources.requests[r];
        const limit = resources.limits[r];
        if (request !== undefined && limit !== undefined && check.quantityValue(request) > check.quantityValue(limit)) {
            refuse(`${input}.requests.${r}`, request, `at most ${input}.limits.${r} (${JSON.stringify(limit)})`);
        }
    }
    return resources;
}

export const INTEGRATIONS: readonly Integration[] = ["ext_authz", "ext_proc"];

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
    preStopSleepSeconds: number;
}

/** The sidecar answers only its own pod. */
export const SIDECAR_AGENT: AgentPlacement = { listenHost: "localhost", preStopSleepSeconds: DEFAULTS.agentPreStopSleepSeconds };
/** An agent Service's pods answer on the pod address. */
export const SERVICE_AGENT: AgentPlacement = { listenHost: "0.0.0.0", preStopSleepSeconds: AGENT_SERVICE_DEFAULTS.preStopSleepSeconds };

/** Settings of the agent container shared by the sidecar and the agent Service; `at` is the input's path. */
export function resolveAgent(at: string, given: Plain<AgentContainer> | undefined, placement: AgentPlacement, wiring: { integration: Integration; expectResponseData: boolean }): AgentSettings {
    const g = check.plainObject(at, given) as Plain<AgentContainer> | undefined;
    const image = check.image(`${at}.image`, g?.image, AGENT_IMAGE);
    const tmpMountPath = check.str(`${at}.tmpMountPath`, g?.tmpMountPath, DEFAULTS.agentTmpMountPath);
    if (!/^\/[^\0]*$/.test(tmpMountPath) || tmpMountPath === "/") refuse(`${at}.tmpMountPath`, tmpMountPath, "an absolute path other than /");
    const startup = check.bool(`${at}.startupProbe`, g?.startupProbe, false);
    const options: Record<string, string> = {};
    const givenOptions = check.plainObject(`${at}.options`, g?.options) ?? {};
    for (const [name, value] of Object.entries(givenOptions)) {
        if (!AGENT_OPTION_NAME.test(name)) refuse(`${at}.options key`, name, 'an agent option name in lower case with dashes, such as "max-procs"');
        if (MANAGED_AGENT_OPTIONS[name]) refuse(`${at}.options.${name}`, value, `no value here: the component sets it; use "${MANAGED_AGENT_OPTIONS[name].replace(/^agent\./, `${at}.`)}"`);
        if (typeof value !== "string") refuse(`${at}.options.${name}`, value, "a string");
        options[name] = value;
    }
    return {
        image,
        pullPolicy: pullPolicy(`${at}.imagePullPolicy`, g?.imagePullPolicy, image, agentPullPolicy),
        listenHost: placement.listenHost,
        grpcPort: check.port(`${at}.grpcPort`, g?.grpcPort, DEFAULTS.agentGrpcPort),
        tmpMountPath: tmpMountPath.replace(/\/+$/, ""),
        preStopSleepSeconds: check.int(`${at}.preStopSleepSeconds`, g?.preStopSleepSeconds, placement.preStopSleepSeconds, 0, 3600),
        startupProbe: startup
            ? {
                  port: check.port(`${at}.startupProbePort`, g?.startupProbePort, DEFAULTS.agentStartupProbePort),
                  failureThreshold: DEFAULTS.agentStartupProbeFailureThreshold,
                  periodSeconds: DEFAULTS.agentStartupProbePeriodSeconds,
              }
            : undefined,
        ...wiring,
        resources: resolveResources(`${at}.resources`, g?.resources, DEFAULTS.resources.agent),
        options,
    };
}

/** The grace period: given, or the longest preStop sleep plus a margin; always longer than that sleep. */
export function resolveGrace(at: string, given: unknown, preStopSleepSeconds: number, sleepInput: string): number {
    const grace = check.int(at, given, preStopSleepSeconds + DEFAULTS.terminationGraceMarginSeconds, 1, 86400);
    if (grace <= preStopSleepSeconds) refuse(at, grace, `more seconds than ${sleepInput} (${preStopSleepSeconds}), so the drain ends before the pod is killed`);
    return grace;
}

/** Refuses two listeners of one pod on the same port: they share one network namespace. */
export function checkDistinctPorts(ports: [string, number | undefined][]): void {
    const owner = new Map<number, string>();
    for (const [input, p] of ports) {
        if (p === undefined) continue;
        const other = owner.get(p);
        if (other !== undefined) refuse(input, p, `a port not already used by "${other}" in the same pod`);
        owner.set(p, input);
    }
}

/** Labels of every object of one component; the selector uses only the stable pair. */
export function standardLabels(name: string, component: string, extra: Record<string, string>) {
    const selectorLabels = { "app.kubernetes.io/name": component, "app.kubernetes.io/instance": name };
    return {
        selectorLabels,
        labels: { ...extra, ...selectorLabels, "app.kubernetes.io/part-of": "sigsci-envoy", "app.kubernetes.io/managed-by": "pulumi" },
    };
}

export function resolveCredentials(at: string, given: unknown): { existingSecretName?: string } {
    const g = check.plainObject(at, given) as { accessKeyId?: unknown; secretAccessKey?: unknown; existingSecretName?: unknown } | undefined;
    const hasKeys = g?.accessKeyId !== undefined || g?.secretAccessKey !== undefined;
    const hasExisting = g?.existingSecretName !== undefined;
    const accepted = `either both ${at}.accessKeyId and ${at}.secretAccessKey, or ${at}.existingSecretName`;
    // The key values are secrets: messages name which were given, never what they hold.
    const given_ = () => ({ accessKeyId: g?.accessKeyId !== undefined ? "(set)" : undefined, secretAccessKey: g?.secretAccessKey !== undefined ? "(set)" : undefined, existingSecretName: g?.existingSecretName });
    if (hasKeys === hasExisting) refuse(at, given_(), accepted);
    if (hasKeys && (g?.accessKeyId === undefined || g?.secretAccessKey === undefined)) refuse(at, given_(), accepted);
    return hasExisting ? { existingSecretName: check.dns1123Subdomain(`${at}.existingSecretName`, g?.existingSecretName) } : {};
}

export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpAddress(host: string): boolean {
    return IPV4.test(host);
}
