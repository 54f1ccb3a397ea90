// Turns user inputs (already unwrapped from Pulumi outputs) into checked, defaulted settings.
// Every input is checked here, before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { AgentContainer, AgentServiceLink, AgentServiceSettings as AgentServiceSettingsArgs, AppContainer, ContainerResources, EnvoyAppArgs, EnvVar, WafInspection } from "../args";
import { clientLabelsFor, resolveAgentServiceParts } from "./agent-service";
import * as check from "./checks";
import { DEFAULTS, ENVOY_IMAGE, AGENT_IMAGE } from "./defaults";
import { refuse } from "./errors";
import { agentPullPolicy, defaultPullPolicy, pullPolicy } from "./images";
import { AgentEndpointSettings, AgentServiceLinkSettings, AgentSettings, AppSettings, EnvVarSetting, InspectionSettings, Integration, Resources } from "./types";

/** Args as the resolvers see them: every Pulumi output already resolved. */
export type Plain<T> = pulumi.Unwrap<T>;

const ENVOY_LOG_LEVELS = ["trace", "debug", "info", "warning", "warn", "error", "critical", "off"] as const;
const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer"] as const;
/** Agent option names: lower-case words joined by dashes, as in Fastly's agent configuration reference. */
const AGENT_OPTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Options the components set themselves, and the input that controls each. */
const MANAGED_AGENT_OPTIONS: Record<string, string> = {
    "accesskeyid": "credentials",
    "secretaccesskey": "credentials",
    "envoy-grpc-address": "agent.grpcPort",
    "envoy-expect-response-data": "inspection.expectResponseData",
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

function httpPath(input: string, value: unknown): string {
    if (typeof value !== "string" || !/^\/[\x21-\x7e]*$/.test(value)) refuse(input, value, 'an absolute HTTP path such as "/healthz"');
    return value;
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

export function resolveInspection(given: Plain<WafInspection> | undefined): InspectionSettings {
    const g = check.plainObject("inspection", given) as Plain<WafInspection> | undefined;
    const d = DEFAULTS.inspection;
    const integration = check.oneOf("inspection.integration", g?.integration, INTEGRATIONS, d.integration);
    const extProc = integration === "ext_proc";
    if (extProc && g?.allowPartialMessage !== undefined) refuse("inspection.allowPartialMessage", g.allowPartialMessage, 'nothing with integration "ext_proc" (the buffer filter answers 413 to larger bodies)');
    return {
        integration,
        failOpen: check.bool("inspection.failOpen", g?.failOpen, d.failOpen),
        timeout: check.duration("inspection.timeout", g?.timeout, d.timeout),
        // Envoy buffers this much per request in memory; 8 MiB is a generous ceiling.
        maxRequestBytes: check.int("inspection.maxRequestBytes", g?.maxRequestBytes, extProc ? d.extProcMaxRequestBytes : d.maxRequestBytes, 1, 8 * 1024 * 1024),
        allowPartialMessage: extProc ? false : check.bool("inspection.allowPartialMessage", g?.allowPartialMessage, d.allowPartialMessage),
        expectResponseData: resolveWiring("inspection.expectResponseData", integration, g?.expectResponseData).expectResponseData,
    };
}

/** Settings of the agent container shared by the sidecar and the agent Service; `at` is the input's path. */
export function resolveAgent(at: string, given: Plain<AgentContainer> | undefined, listenHost: string, wiring: { integration: Integration; expectResponseData: boolean }): AgentSettings {
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
        listenHost,
        grpcPort: check.port(`${at}.grpcPort`, g?.grpcPort, DEFAULTS.agentGrpcPort),
        tmpMountPath: tmpMountPath.replace(/\/+$/, ""),
        preStopSleepSeconds: check.int(`${at}.preStopSleepSeconds`, g?.preStopSleepSeconds, DEFAULTS.agentPreStopSleepSeconds, 0, 3600),
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

function resolveEnv(given: Plain<EnvVar>[] | undefined): EnvVarSetting[] {
    if (given === undefined) return [];
    if (!Array.isArray(given)) refuse("app.env", given, "a list of {name, value} or {name, secretName, secretKey}");
    const seen = new Set<string>();
    return given.map((e, i) => {
        const at = `app.env[${i}]`;
        check.plainObject(at, e);
        const name = check.str(`${at}.name`, e.name);
        if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) refuse(`${at}.name`, name, "an environment variable name (letters, digits, '_', '-', '.', not starting with a digit)");
        if (seen.has(name)) refuse(`${at}.name`, name, "a name not already used by another app.env entry");
        seen.add(name);
        const fromSecret = e.secretName !== undefined || e.secretKey !== undefined;
        if (fromSecret === (e.value !== undefined)) refuse(at, { name }, "either value, or secretName with secretKey");
        if (!fromSecret) return { name, value: check.str(`${at}.value`, e.value, "") };
        return {
            name,
            secretName: check.dns1123Subdomain(`${at}.secretName`, e.secretName),
            secretKey: check.str(`${at}.secretKey`, e.secretKey),
        };
    });
}

function resolveApp(given: Plain<AppContainer> | undefined): AppSettings["app"] {
    if (given === undefined) refuse("app", given, "the application container, at least {image}");
    const g = check.plainObject("app", given) as Plain<AppContainer>;
    const image = check.image("app.image", g.image);
    return {
        containerName: check.dns1123Label("app.containerName", g.containerName, DEFAULTS.appContainerName),
        image,
        pullPolicy: pullPolicy("app.imagePullPolicy", g.imagePullPolicy, image, defaultPullPolicy),
        port: check.port("app.port", g.port, DEFAULTS.appPort),
        args: check.stringList("app.args", g.args),
        command: check.stringList("app.command", g.command),
        env: resolveEnv(g.env),
        resources: resolveResources("app.resources", g.resources, DEFAULTS.resources.app),
        runAsUser: check.int("app.runAsUser", g.runAsUser, DEFAULTS.appRunAsUser, 1, 2147483647),
        readOnlyRootFilesystem: check.bool("app.readOnlyRootFilesystem", g.readOnlyRootFilesystem, true),
        tmpVolume: check.bool("app.tmpVolume", g.tmpVolume, true),
        readinessProbePath: g.readinessProbePath === undefined ? undefined : httpPath("app.readinessProbePath", g.readinessProbePath),
    };
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

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A `host:port` endpoint, host a DNS name or an IPv4 address. */
export function parseEndpoint(at: string, value: unknown): AgentEndpointSettings {
    const m = typeof value === "string" ? /^([^:]+):(\d+)$/.exec(value) : null;
    const accepted = 'host:port, e.g. "agents.waf.svc.cluster.local:9999" (an AgentService\'s grpcEndpoint)';
    if (!m) refuse(at, value, accepted);
    const [, host, portText] = m;
    const port = Number(portText);
    if (!(IPV4.test(host) || (host.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host))) || port < 1 || port > 65535) refuse(at, value, accepted);
    return { host, port };
}

export function isIpAddress(host: string): boolean {
    return IPV4.test(host);
}

function resolveAgentServiceLink(name: string, namespace: string, args: Plain<EnvoyAppArgs>, inspection: InspectionSettings): AgentServiceLinkSettings {
    const link = check.plainObject("agentService", args.agentService) as Plain<AgentServiceLink>;
    if (args.agent !== undefined) refuse("agent", "(set)", "nothing when agentService is given: the agent runs in the agent Service (set agentService.create.agent)");
    if ((link.create === undefined) === (link.endpoint === undefined)) refuse("agentService", link, "either agentService.create or agentService.endpoint");
    const tlsCaSecretName = link.tlsCaSecretName === undefined ? undefined : check.dns1123Subdomain("agentService.tlsCaSecretName", link.tlsCaSecretName);
    if (link.create !== undefined) {
        resolveCredentials("credentials", args.credentials);
        const create = check.plainObject("agentService.create", link.create) as Plain<AgentServiceSettingsArgs>;
        const childName = agentServiceNameFor(name);
        const parts = resolveAgentServiceParts("agentService.create.", childName, namespace, create, inspection);
        if (parts.tlsSecretName !== undefined && tlsCaSecretName === undefined) refuse("agentService.tlsCaSecretName", undefined, "the Secret with ca.crt that signs agentService.create.tls, so Envoy can verify the agent");
        if (parts.tlsSecretName === undefined && tlsCaSecretName !== undefined) refuse("agentService.tlsCaSecretName", tlsCaSecretName, "nothing unless agentService.create.tls is given (the agent would not speak TLS)");
        return { endpoint: parts.endpoint, clientLabels: clientLabelsFor(childName), tlsCaSecretName };
    }
    if (args.credentials !== undefined) refuse("credentials", "(set)", "nothing when agentService.endpoint is given: the shared agent Service holds the credentials");
    if (link.integration !== undefined && link.integration !== inspection.integration) {
        refuse("inspection.integration", inspection.integration, `${JSON.stringify(link.integration)}, as the shared agent Service runs (agentService.integration)`);
    }
    const expects = link.expectResponseData;
    if (expects !== undefined && expects !== inspection.expectResponseData) {
        refuse("inspection.expectResponseData", inspection.expectResponseData, `${expects}, as the shared agent Service expects (agentService.expectResponseData)`);
    }
    return { endpoint: parseEndpoint("agentService.endpoint", link.endpoint), clientLabels: check.labels("agentService.clientLabels", link.clientLabels), tlsCaSecretName };
}

/** The name of the agent Service an EnvoyApp creates for itself. */
export function agentServiceNameFor(appName: string): string {
    return dns1035Name("name", `${appName}-agent`);
}

function dns1035Name(input: string, value: string): string {
    if (value.length > 63) refuse(input, value.replace(/-agent$/, ""), "at most 57 characters when the app creates its own agent Service (named <name>-agent)");
    return value;
}

export function resolveAppSettings(name: string, args: Plain<EnvoyAppArgs>): AppSettings {
    check.dns1035Label("name", name);
    if (typeof args !== "object" || args === null) refuse("args", args, "an object with at least {app, credentials}");
    const namespace = check.dns1123Label("namespace", args.namespace, DEFAULTS.namespace);
    const inspection = resolveInspection(args.inspection);
    const useService = args.agentService !== undefined;
    const existingSecretName = useService ? undefined : resolveCredentials("credentials", args.credentials).existingSecretName;
    const agent = useService ? undefined : resolveAgent("agent", args.agent, "localhost", inspection);
    const agentService = useService ? resolveAgentServiceLink(name, namespace, args, inspection) : undefined;
    const app = resolveApp(args.app);
    const frontPort = check.port("port", args.port, DEFAULTS.frontPort);
    const e = check.plainObject("envoy", args.envoy) ?? {};
    const envoyImage = check.image("envoy.image", e.image, ENVOY_IMAGE);
    const envoy: AppSettings["envoy"] = {
        image: envoyImage,
        pullPolicy: pullPolicy("envoy.imagePullPolicy", e.imagePullPolicy, envoyImage, defaultPullPolicy),
        logLevel: check.oneOf("envoy.logLevel", e.logLevel, ENVOY_LOG_LEVELS, DEFAULTS.envoyLogLevel),
        adminPort: check.port("envoy.adminPort", e.adminPort, DEFAULTS.envoyAdminPort),
        readinessPort: check.port("envoy.readinessPort", e.readinessPort, DEFAULTS.envoyReadinessPort),
        preStopSleepSeconds: check.int("envoy.preStopSleepSeconds", e.preStopSleepSeconds, DEFAULTS.envoyPreStopSleepSeconds, 0, 3600),
        resources: resolveResources("envoy.resources", e.resources as Plain<ContainerResources>, DEFAULTS.resources.envoy),
        extraConfig: check.plainObject("envoy.extraConfig", e.extraConfig),
        configOverride: e.configOverride === undefined ? undefined : check.str("envoy.configOverride", e.configOverride),
    };
    if (envoy.extraConfig && envoy.configOverride) refuse("envoy.extraConfig", "(set)", "nothing when envoy.configOverride is given (merge your settings into that config)");
    checkDistinctPorts([
        ["port", frontPort],
        ["app.port", app.port],
        ["envoy.adminPort", envoy.adminPort],
        ["envoy.readinessPort", envoy.readinessPort],
        ["agent.grpcPort", agent?.grpcPort],
        ["agent.startupProbePort", agent?.startupProbe?.port],
    ]);
    if (agent && agent.preStopSleepSeconds < envoy.preStopSleepSeconds) {
        refuse("agent.preStopSleepSeconds", agent.preStopSleepSeconds, `at least envoy.preStopSleepSeconds (${envoy.preStopSleepSeconds}), so the agent outlives Envoy's drain`);
    }
    const grace = agent
        ? resolveGrace("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, agent.preStopSleepSeconds, "agent.preStopSleepSeconds")
        : resolveGrace("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, envoy.preStopSleepSeconds, "envoy.preStopSleepSeconds");
    const s = check.plainObject("service", args.service) ?? {};
    const extraLabels = { ...check.labels("labels", args.labels), ...(agentService?.clientLabels ?? {}) };
    const { labels, selectorLabels } = standardLabels(name, "envoy-app", extraLabels);
    return {
        name,
        namespace,
        replicas: check.int("replicas", args.replicas, DEFAULTS.replicas, 0, 10000),
        maxUnavailable: check.int("maxUnavailable", args.maxUnavailable, 1, 1, 10000),
        networkPolicy: check.bool("networkPolicy", args.networkPolicy, true),
        serviceAccountName: args.serviceAccountName === undefined ? undefined : check.dns1123Subdomain("serviceAccountName", args.serviceAccountName),
        automountServiceAccountToken: check.bool("automountServiceAccountToken", args.automountServiceAccountToken, false),
        labels,
        selectorLabels,
        frontPort,
        terminationGracePeriodSeconds: grace,
        existingSecretName,
        app,
        envoy,
        inspection,
        agent,
        agentService,
        service: {
            type: check.oneOf("service.type", s.type, SERVICE_TYPES, DEFAULTS.serviceType),
            port: check.port("service.port", s.port, frontPort),
        },
    };
}
