// Resolves an EnvoyApp's inputs into checked, defaulted settings, before any resource exists.
import {
    AgentServiceLink,
    AgentServiceSettings as AgentServiceSettingsArgs,
    AppContainer,
    ContainerResources,
    EnvoyAppArgs,
    EnvoyLogLevel,
    EnvVar,
    ExternalTrafficPolicy,
    ServiceType,
    WafInspection,
} from "../args";
import { agentServiceSettings, endpointText } from "./agent-service";
import * as check from "./checks";
import { resolveMonitoring } from "./monitoring";
import { resolvePod } from "./pod";
import { DEFAULTS, ENVOY_IMAGE, NAMES } from "./defaults";
import { YAMLException } from "js-yaml";
import { loadEnvoyYaml } from "../vocabulary/envoy-yaml";
import { kindOf, mention, refuse, refuseAs, refuseKind, sameAs } from "./errors";
import { FIELDS, onlyFields } from "./fields";
import { isPending, known, PENDING } from "./pending";
import { defaultPullPolicy, pullPolicy } from "./images";
import { IPV4_ADDRESS } from "../vocabulary/kubernetes";
import { CLIENT_IP_HEADER } from "../vocabulary/agent";
import {
    checkDistinctPorts,
    INTEGRATIONS,
    IP_FAMILIES,
    metricsExporterPorts,
    Plain,
    resolveAgent,
    resolveCredentials,
    resolveGrace,
    resolveResources,
    resolveWiring,
    sidecarAgent,
    standardLabels,
} from "./shared";
import { pairedFleetWarning } from "../traffic/verify";
import { INSPECTION_TIMEOUT_LIMITS, MAX_XFF_TRUSTED_HOPS } from "../vocabulary/envoy";
import { AgentEndpointSettings, AgentServiceLinkSettings, AppSettings, EnvVarSetting, InspectionSettings, IpFamily } from "./types";

const ENVOY_LOG_LEVELS = Object.values(EnvoyLogLevel);

const SERVICE_TYPES = Object.values(ServiceType);
const EXTERNAL_TRAFFIC_POLICIES = Object.values(ExternalTrafficPolicy);

function httpPath(input: string, value: unknown): string {
    if (isPending(value)) return PENDING;
    if (typeof value !== "string" || !/^\/[\x21-\x7e]*$/.test(value)) refuse(input, value, 'an absolute HTTP path such as "/healthz"');
    return value;
}

export function resolveInspection(given: Plain<WafInspection> | undefined): InspectionSettings {
    const g = check.plainObject("inspection", given, FIELDS.WafInspection) as Plain<WafInspection> | undefined;
    const d = DEFAULTS.inspection;
    const integration = check.oneOf("inspection.integration", g?.integration, INTEGRATIONS, d.integration);
    const extProc = integration === "ext_proc";
    if (extProc && g?.allowPartialMessage !== undefined)
        refuse("inspection.allowPartialMessage", g.allowPartialMessage, 'nothing with integration "ext_proc" (the buffer filter answers 413 to larger bodies)');
    return {
        integration,
        failOpen: check.bool("inspection.failOpen", g?.failOpen, d.failOpen),
        // Its limit is the integration's: checked once that is known (the message names the limit).
        timeout: isPending(integration) ? PENDING : check.duration("inspection.timeout", g?.timeout, d.timeout, INSPECTION_TIMEOUT_LIMITS[integration]),
        // Envoy buffers this much per request in memory; 8 MiB is a generous ceiling.
        maxRequestBytes: check.int("inspection.maxRequestBytes", g?.maxRequestBytes, extProc ? d.extProcMaxRequestBytes : d.maxRequestBytes, 1, 8 * 1024 * 1024),
        allowPartialMessage: extProc ? false : check.bool("inspection.allowPartialMessage", g?.allowPartialMessage, d.allowPartialMessage),
        expectResponseData: resolveWiring("inspection.expectResponseData", integration, g?.expectResponseData).expectResponseData,
    };
}

function resolveEnv(given: Plain<EnvVar>[] | undefined): EnvVarSetting[] {
    if (given === undefined) return [];
    if (isPending(given)) return PENDING;
    if (!Array.isArray(given)) refuse("app.env", given, "a list of {name, value} or {name, secretName, secretKey}");
    /** Each name, by the entry that has it. */
    const seen = new Map<string, number>();
    return given.map((e, i) => {
        const at = `app.env[${i}]`;
        if (isPending(e)) return PENDING;
        if (e === undefined || e === null) refuse(at, e, "an object {name, value} or {name, secretName, secretKey}");
        check.plainObject(at, e, FIELDS.EnvVar);
        const name = check.str(`${at}.name`, e.name);
        if (isPending(name)) return PENDING;
        if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) refuse(`${at}.name`, name, "an environment variable name (letters, digits, '_', '-', '.', not starting with a digit)");
        if (seen.has(name)) refuse(`${at}.name`, name, `a name not already used by another app.env entry (app.env[${seen.get(name)}])${sameAs(`app.env[${seen.get(name)}].name`)}`);
        seen.set(name, i);
        const fromSecret = e.secretName !== undefined || e.secretKey !== undefined;
        if (fromSecret === (e.value !== undefined)) {
            // Which fields were given, never their values (a value may be a credential).
            const fields = (["value", "secretName", "secretKey"] as const).filter((k) => e[k] !== undefined);
            const listed = fields.length === 0 ? "neither value nor secretName" : fields.length === 1 ? fields[0] : `${fields.slice(0, -1).join(", ")} and ${fields[fields.length - 1]}`;
            refuseAs(at, `${JSON.stringify({ name })} with ${listed}`, "either value, or secretName with secretKey");
        }
        if (!fromSecret) {
            const value = check.str(`${at}.value`, e.value, "");
            // A process's environment is NUL-terminated strings: the container would not start.
            if (!isPending(value) && value.includes("\u0000")) refuseAs(`${at}.value`, "a string with a NUL character", "a value without NUL characters (a process environment cannot hold one)");
            return { name, value };
        }
        return {
            name,
            secretName: check.dns1123Subdomain(`${at}.secretName`, e.secretName),
            secretKey: check.configKey(`${at}.secretKey`, e.secretKey),
        };
    });
}

export function resolveApp(given: Plain<AppContainer> | undefined, envoyPreStopSleepSeconds: number): AppSettings["app"] {
    if (given === undefined) refuse("app", given, "the application container, at least {image}");
    const g = check.plainObject("app", given, FIELDS.AppContainer) as Plain<AppContainer>;
    const image = check.image("app.image", g.image);
    return {
        containerName: check.dns1123Label("app.containerName", g.containerName, DEFAULTS.appContainerName),
        image,
        pullPolicy: pullPolicy("app.imagePullPolicy", g.imagePullPolicy, image, defaultPullPolicy),
        port: check.port("app.port", g.port, DEFAULTS.appPort),
        args: check.stringList("app.args", g.args),
        command: command(g.command),
        env: resolveEnv(g.env),
        resources: resolveResources("app.resources", g.resources, DEFAULTS.resources.app),
        runAsUser: check.int("app.runAsUser", g.runAsUser, DEFAULTS.appRunAsUser, 1, 2147483647),
        readOnlyRootFilesystem: check.bool("app.readOnlyRootFilesystem", g.readOnlyRootFilesystem, DEFAULTS.appReadOnlyRootFilesystem),
        tmpVolume: check.bool("app.tmpVolume", g.tmpVolume, DEFAULTS.appTmpVolume),
        readinessProbePath: g.readinessProbePath === undefined ? undefined : httpPath("app.readinessProbePath", g.readinessProbePath),
        preStopSleepSeconds: appPreStopSleep(g.preStopSleepSeconds, envoyPreStopSleepSeconds),
    };
}

/** The container's command: its first word is the program run, which cannot be empty. */
function command(value: unknown): string[] | undefined {
    const list = check.stringList("app.command", value);
    if (list !== undefined && !isPending(list) && list[0] === "") refuse("app.command[0]", "", "the program to run, a non-empty string");
    return list;
}

/** The app outlives Envoy's drain, so no request in flight through Envoy loses its upstream. */
function appPreStopSleep(given: unknown, envoySeconds: number): number {
    const seconds = check.int("app.preStopSleepSeconds", given, known(envoySeconds) ? envoySeconds + DEFAULTS.appOutlivesEnvoySeconds : PENDING, 1, 3600);
    if (known(seconds, envoySeconds) && seconds <= envoySeconds)
        refuse("app.preStopSleepSeconds", seconds, `more seconds than envoy.preStopSleepSeconds (${mention("envoy.preStopSleepSeconds", envoySeconds)}), so the app outlives Envoy's drain`);
    return seconds;
}

/** The most workers Envoy is given (envoy.concurrency's range). */
const MAX_CONCURRENCY = 1024;

/** Envoy's workers follow its CPU limit: one per core, rounded up. */
function defaultConcurrency(cpuLimit: string | undefined, given: unknown): number {
    if (!known(cpuLimit)) return PENDING;
    const workers = cpuLimit === undefined ? 1 : Math.max(1, Math.ceil(check.quantityValue(cpuLimit)));
    // A limit of "2000" is 2000 cores (the "m" forgotten): never that many workers unasked.
    if (workers > MAX_CONCURRENCY && given === undefined) {
        refuse(
            "envoy.resources.limits.cpu",
            cpuLimit,
            `at most ${MAX_CONCURRENCY} cores ("${MAX_CONCURRENCY}"), as Envoy runs one worker per core of its limit ("2000m" is two cores); or set envoy.concurrency`,
        );
    }
    return workers;
}

/** The settings of a bootstrap that the generated one would hold: with the user's own, they would be ignored. */
const GENERATED_ONLY = ["inspection.failOpen", "inspection.timeout", "inspection.maxRequestBytes", "inspection.allowPartialMessage"];

/**
 * Envoy's admin port: given, or the default; with a bootstrap of the user's, the one it names
 * (the preStop drain calls it), and a given one must agree.
 */
function resolveAdminPort(given: unknown, inOverride: number | undefined): number {
    const port = check.port("envoy.adminPort", given, inOverride ?? DEFAULTS.envoyAdminPort);
    if (inOverride !== undefined && known(port) && port !== inOverride)
        refuse("envoy.adminPort", port, `${inOverride}, the admin port of envoy.configOverride (the preStop drain calls it there), or nothing`);
    return port;
}

/**
 * A bootstrap of the user's (`envoy.configOverride`), and the admin port it names. Envoy reads
 * a bootstrap in YAML (JSON is YAML too): one it cannot parse never starts.
 */
function configOverride(value: unknown, inspection: Record<string, unknown> | undefined): { text?: string; adminPort?: number } {
    if (value === undefined) return {};
    const text = check.str("envoy.configOverride", value);
    if (isPending(text)) return { text };
    for (const input of GENERATED_ONLY) {
        const field = input.slice("inspection.".length);
        if (inspection !== undefined && !isPending(inspection) && inspection[field] !== undefined)
            refuse(input, inspection[field], "nothing with envoy.configOverride: your bootstrap sets it (inspection.integration and expectResponseData still set the agent's side)");
    }
    let parsed: unknown;
    try {
        parsed = loadEnvoyYaml(text);
    } catch (e) {
        const reason = e instanceof YAMLException ? `${e.reason}, line ${(e.mark?.line ?? 0) + 1}` : String(e);
        refuseAs("envoy.configOverride", `a text that does not parse (${reason})`, "an Envoy bootstrap in YAML or JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        refuseAs("envoy.configOverride", `a text that parses to ${parsed === null ? "nothing" : kindOf(parsed)}`, "an Envoy bootstrap in YAML or JSON: a mapping of its fields");
    const port = (parsed as any).admin?.address?.socket_address?.port_value;
    return { text, adminPort: typeof port === "number" && Number.isInteger(port) ? port : undefined };
}

/** The official distroless Envoy images hold no shell for the admin drain. */
function defaultGracefulDrain(image: string): boolean {
    return !/distroless/.test(image);
}

/** A `host:port` endpoint, host a DNS name or an IPv4 address. */
export function parseEndpoint(at: string, value: unknown): AgentEndpointSettings {
    if (isPending(value)) return { host: PENDING, port: PENDING };
    const m = typeof value === "string" ? /^([^:]+):(\d+)$/.exec(value) : null;
    const accepted = 'host:port, e.g. "agents.waf.svc.cluster.local:9999" (an AgentService\'s grpcEndpoint)';
    if (!m) refuse(at, value, accepted);
    const [, host, portText] = m;
    const port = Number(portText);
    if (!(IPV4_ADDRESS.test(host) || check.isDns1123Subdomain(host)) || port < 1 || port > 65535) refuse(at, value, accepted);
    return { host, port };
}

function resolveAgentServiceLink(
    name: string,
    namespace: string | undefined,
    ipFamily: IpFamily,
    args: Plain<EnvoyAppArgs>,
    inspection: InspectionSettings,
    warnings: string[],
): AgentServiceLinkSettings {
    if (isPending(args.agentService)) {
        // The whole link still to come: which kind of agent Service it names is not known yet.
        if (args.agent !== undefined) refuse("agent", "(set)", "nothing when agentService is given: the agent runs in the agent Service (set agentService.create.agent)");
        return { endpoint: { host: PENDING, port: PENDING }, clientLabels: PENDING, tlsCaSecretName: PENDING, create: PENDING };
    }
    const link = check.plainObject("agentService", args.agentService, FIELDS.AgentServiceLink) as Plain<AgentServiceLink>;
    if (args.agent !== undefined) refuse("agent", "(set)", "nothing when agentService is given: the agent runs in the agent Service (set agentService.create.agent)");
    if ((link.create === undefined) === (link.endpoint === undefined)) refuse("agentService", link, "either agentService.create or agentService.endpoint");
    const tlsCaSecretName = link.tlsCaSecretName === undefined ? undefined : check.dns1123Subdomain("agentService.tlsCaSecretName", link.tlsCaSecretName);
    if (link.create !== undefined) {
        // What describes a shared agent Service has no say over the app's own: refused, not ignored.
        const own: Record<string, string> = { integration: "inspection.integration", expectResponseData: "inspection.expectResponseData", clientLabels: "labels", clientNamespaces: "namespace" };
        for (const [field, instead] of Object.entries(own)) {
            if ((link as Record<string, unknown>)[field] !== undefined)
                refuse(`agentService.${field}`, "(set)", `nothing with agentService.create: it describes a shared agent Service (the app's own follows ${instead})`);
        }
        const credentials = resolveCredentials("credentials", args.credentials);
        const create = check.plainObject("agentService.create", link.create, FIELDS.AgentServiceSettings) as Plain<AgentServiceSettingsArgs>;
        const childName = agentServiceNameFor(name);
        // The app's own agents serve the families its Envoy speaks, unless told otherwise.
        const parts = agentServiceSettings("agentService.create.", childName, namespace, check.labels("labels", args.labels), credentials, create, inspection, ipFamily);
        const tlsKnown = known(parts.tlsSecretName);
        if (tlsKnown && parts.tlsSecretName !== undefined && known(args.namespace) && namespace === undefined)
            refuse(
                "namespace",
                undefined,
                "a namespace when agentService.create.tls is given: Envoy verifies the agent's certificate by the Service's full DNS name, <name>-agent.<namespace>.svc.cluster.local",
            );
        if (tlsKnown && parts.tlsSecretName !== undefined && tlsCaSecretName === undefined)
            refuse("agentService.tlsCaSecretName", undefined, "the Secret with ca.crt that signs agentService.create.tls, so Envoy can verify the agent");
        if (tlsKnown && parts.tlsSecretName === undefined && tlsCaSecretName !== undefined)
            refuse("agentService.tlsCaSecretName", tlsCaSecretName, "nothing unless agentService.create.tls is given (the agent would not speak TLS)");
        const replicas = check.int("replicas", args.replicas, DEFAULTS.replicas, 0, 10000);
        const maxAgents = parts.autoscaling ? parts.autoscaling.maxReplicas : undefined;
        const service = `Service ${namespace === undefined ? "" : `${mention("namespace", namespace, namespace)}/`}${childName}`;
        const shown = { maxAgents: mention("agentService.create.autoscaling.maxReplicas", maxAgents), envoyPods: mention("replicas", replicas) };
        const idle = parts.agent.expectResponseData === true && maxAgents !== undefined && known(maxAgents, replicas) ? pairedFleetWarning(service, maxAgents, replicas, shown) : undefined;
        if (idle) warnings.push(`agentService.create.autoscaling.maxReplicas: ${idle}`);
        return { endpoint: parts.endpoint, clientLabels: parts.clientLabels, tlsCaSecretName, create: parts };
    }
    if (args.credentials !== undefined) refuse("credentials", "(set)", "nothing when agentService.endpoint is given: the shared agent Service holds the credentials");
    // The link's own values first: a comparison with a bad one would blame the app's.
    const serviceIntegration = link.integration === undefined ? undefined : check.oneOf("agentService.integration", link.integration, INTEGRATIONS, inspection.integration);
    if (serviceIntegration !== undefined && known(serviceIntegration, inspection.integration) && serviceIntegration !== inspection.integration) {
        refuse(
            "inspection.integration",
            inspection.integration,
            `${mention("agentService.integration", serviceIntegration)}, as the shared agent Service runs (agentService.integration)${sameAs("agentService.integration")}`,
        );
    }
    const expects = link.expectResponseData === undefined ? undefined : check.bool("agentService.expectResponseData", link.expectResponseData, false);
    if (expects !== undefined && known(expects, inspection.expectResponseData) && expects !== inspection.expectResponseData) {
        refuse(
            "inspection.expectResponseData",
            inspection.expectResponseData,
            `${mention("agentService.expectResponseData", expects)}, as the shared agent Service expects (agentService.expectResponseData)${sameAs("agentService.expectResponseData")}`,
        );
    }
    const endpoint = parseEndpoint("agentService.endpoint", link.endpoint);
    if (link.clientNamespaces !== undefined) {
        const admitted = check.stringList("agentService.clientNamespaces", link.clientNamespaces) ?? [];
        // Its NetworkPolicy would drop every call from this namespace: with fail-open, silently.
        // An app in the provider's namespace cannot be checked against a list of names: it must name its own.
        if (known(namespace, admitted, ...admitted) && (namespace === undefined || !admitted.includes(namespace))) {
            refuse(
                "namespace",
                namespace,
                namespace === undefined
                    ? `one of the namespaces the shared agent Service at ${mention("agentService.endpoint", endpoint, endpointText(endpoint))} admits (its clientNamespaces: ${mention("agentService.clientNamespaces", admitted)}): give app "${name}" its namespace`
                    : `a namespace the shared agent Service at ${mention("agentService.endpoint", endpoint, endpointText(endpoint))} admits (its clientNamespaces: ${mention("agentService.clientNamespaces", admitted)}): add ${mention("namespace", namespace)} to that AgentService's clientNamespaces, or deploy app "${name}" into one of them`,
            );
        }
    }
    return { endpoint, clientLabels: check.labels("agentService.clientLabels", link.clientLabels), tlsCaSecretName };
}

/** The name of the agent Service an EnvoyApp creates for itself; a Service name holds 63 characters at most. */
export function agentServiceNameFor(appName: string): string {
    const name = `${appName}-agent`;
    if (name.length > 63) refuse("name", appName, "at most 57 characters when the app creates its own agent Service (named <name>-agent)");
    return name;
}

/** The Service in front of Envoy: its type decides which of the load-balancer settings apply. */
export function resolveFrontService(s: Record<string, unknown>, frontPort: number): AppSettings["service"] {
    const type = check.oneOf("service.type", s.type, SERVICE_TYPES, DEFAULTS.serviceType);
    const ranges = check.cidrList("service.loadBalancerSourceRanges", s.loadBalancerSourceRanges);
    if (ranges !== undefined && known(type) && type !== "LoadBalancer") refuse("service.loadBalancerSourceRanges", ranges, 'nothing unless service.type is "LoadBalancer"');
    const policy = s.externalTrafficPolicy === undefined ? undefined : check.oneOf("service.externalTrafficPolicy", s.externalTrafficPolicy, EXTERNAL_TRAFFIC_POLICIES, "Cluster");
    if (policy !== undefined && known(type) && type === "ClusterIP") refuse("service.externalTrafficPolicy", policy, 'nothing unless service.type is "NodePort" or "LoadBalancer"');
    return {
        type,
        port: check.port("service.port", s.port, frontPort),
        annotations: check.annotations("service.annotations", s.annotations),
        ...(ranges !== undefined ? { loadBalancerSourceRanges: ranges } : {}),
        ...(policy !== undefined ? { externalTrafficPolicy: policy } : {}),
    };
}

export function resolveAppSettings(name: string, args: Plain<EnvoyAppArgs>): AppSettings {
    check.dns1035Label("name", name);
    if (typeof args !== "object" || args === null || Array.isArray(args)) refuseKind("args", args, "an object with at least {app, credentials}");
    onlyFields("", args, FIELDS.EnvoyAppArgs);
    const namespace = args.namespace === undefined ? undefined : check.dns1123Label("namespace", args.namespace);
    const ipFamily = check.oneOf("ipFamily", args.ipFamily, IP_FAMILIES, DEFAULTS.ipFamily);
    const inspection = resolveInspection(args.inspection);
    const useService = args.agentService !== undefined;
    const credentials = useService ? { createSecret: false } : resolveCredentials("credentials", args.credentials);
    const warnings: string[] = [];
    const agentService = useService ? resolveAgentServiceLink(name, namespace, ipFamily, args, inspection, warnings) : undefined;
    const frontPort = check.port("port", args.port, DEFAULTS.frontPort);
    const e = check.plainObject("envoy", args.envoy, FIELDS.EnvoyProxy) ?? {};
    const envoyImage = check.image("envoy.image", e.image, ENVOY_IMAGE);
    const envoyResources = resolveResources("envoy.resources", e.resources as Plain<ContainerResources>, DEFAULTS.resources.envoy);
    const override = configOverride(e.configOverride, args.inspection as Record<string, unknown> | undefined);
    const envoy: AppSettings["envoy"] = {
        image: envoyImage,
        pullPolicy: pullPolicy("envoy.imagePullPolicy", e.imagePullPolicy, envoyImage, defaultPullPolicy),
        logLevel: check.oneOf("envoy.logLevel", e.logLevel, ENVOY_LOG_LEVELS, DEFAULTS.envoyLogLevel),
        adminPort: resolveAdminPort(e.adminPort, override.adminPort),
        readinessPort: check.port("envoy.readinessPort", e.readinessPort, DEFAULTS.envoyReadinessPort),
        metrics: check.bool("envoy.metrics", e.metrics, DEFAULTS.envoyMetrics),
        preStopSleepSeconds: check.int("envoy.preStopSleepSeconds", e.preStopSleepSeconds, DEFAULTS.envoyPreStopSleepSeconds, 0, 3600),
        gracefulDrain: check.bool("envoy.gracefulDrain", e.gracefulDrain, defaultGracefulDrain(envoyImage)),
        concurrency: check.int("envoy.concurrency", e.concurrency, defaultConcurrency(envoyResources.limits.cpu, e.concurrency), 1, MAX_CONCURRENCY),
        resources: envoyResources,
        xffTrustedHops: check.int("envoy.xffTrustedHops", e.xffTrustedHops, DEFAULTS.xffTrustedHops, 0, MAX_XFF_TRUSTED_HOPS),
        extraConfig: check.plainObject("envoy.extraConfig", e.extraConfig),
        configOverride: override.text,
        acknowledgeVerifierFindings: check.bool("envoy.acknowledgeVerifierFindings", e.acknowledgeVerifierFindings, DEFAULTS.acknowledgeVerifierFindings),
    };
    const app = resolveApp(args.app, envoy.preStopSleepSeconds);
    // The sidecar outlives the app by default: the guide's 30 s, or longer when the app stays longer.
    const sidecarStop = known(app.preStopSleepSeconds) ? Math.max(DEFAULTS.agentPreStopSleepSeconds, app.preStopSleepSeconds) : PENDING;
    const sidecar = isPending(ipFamily) ? { ...sidecarAgent("IPv4", sidecarStop), probeHost: PENDING } : sidecarAgent(ipFamily, sidecarStop);
    const agent = useService ? undefined : resolveAgent("agent", args.agent, sidecar, inspection);
    // Whether both are given is known once the envoy object is.
    if (!isPending(e) && e.extraConfig !== undefined && e.configOverride !== undefined)
        refuse("envoy.extraConfig", "(set)", "nothing when envoy.configOverride is given (merge your settings into that config)");
    if (!isPending(e) && e.xffTrustedHops !== undefined && e.configOverride !== undefined)
        refuse(
            "envoy.xffTrustedHops",
            e.xffTrustedHops,
            `nothing when envoy.configOverride is given: your bootstrap sets xff_num_trusted_hops, and must write the ${CLIENT_IP_HEADER} header the agent reads`,
        );
    const givenAgent = (args.agent ?? {}) as Record<string, unknown>;
    checkDistinctPorts(
        [
            ["port", frontPort, args.port !== undefined],
            ["app.port", app.port, (args.app as Record<string, unknown>)?.port !== undefined],
            ["envoy.adminPort", envoy.adminPort, e.adminPort !== undefined],
            ["envoy.readinessPort", envoy.readinessPort, e.readinessPort !== undefined],
            ["agent.grpcPort", agent?.grpcPort, givenAgent.grpcPort !== undefined],
            ["agent.startupProbePort", agent?.startupProbe?.port, givenAgent.startupProbePort !== undefined],
        ],
        metricsExporterPorts(agent?.metrics === true, "agent.metrics"),
    );
    // Shutdown order: Envoy drains, the app outlives it, the agent outlives both.
    // (A native sidecar is stopped by the kubelet after the others: it needs no sleep of its own.)
    if (agent && agent.nativeSidecar !== true && known(agent.preStopSleepSeconds, app.preStopSleepSeconds) && agent.preStopSleepSeconds < app.preStopSleepSeconds) {
        refuse(
            "agent.preStopSleepSeconds",
            agent.preStopSleepSeconds,
            `at least app.preStopSleepSeconds (${mention("app.preStopSleepSeconds", app.preStopSleepSeconds)}), so the agent outlives Envoy's drain and the app`,
        );
    }
    // Container names are unique in a pod.
    const taken = [NAMES.envoyContainer, ...(agent ? [NAMES.agentContainer] : [])];
    if ((taken as string[]).includes(app.containerName))
        refuse("app.containerName", app.containerName, `a name other than ${taken.map((t) => JSON.stringify(t)).join(" and ")}, which the pod's other containers use`);
    const grace =
        agent && agent.nativeSidecar !== true
            ? resolveGrace("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, agent.preStopSleepSeconds, "agent.preStopSleepSeconds")
            : resolveGrace("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, app.preStopSleepSeconds, "app.preStopSleepSeconds");
    const s = check.plainObject("service", args.service, FIELDS.FrontService) ?? {};
    const userLabels = check.labels("labels", args.labels);
    // The shared agents admit the app by their client label: the app cannot label itself otherwise.
    const clientLabels = agentService?.clientLabels ?? {};
    if (known(userLabels, clientLabels))
        for (const key of Object.keys(userLabels))
            if (key in clientLabels) refuse(`labels.${key}`, userLabels[key], `a label other than ${key}, which the shared agent Service admits the app's pods by`);
    const extraLabels = { ...userLabels, ...clientLabels };
    const { labels, selectorLabels } = standardLabels(name, NAMES.envoyAppKind, app.image, extraLabels);
    return {
        name,
        namespace,
        replicas: check.int("replicas", args.replicas, DEFAULTS.replicas, 0, 10000),
        maxUnavailable: check.int("maxUnavailable", args.maxUnavailable, DEFAULTS.maxUnavailable, 1, 10000),
        networkPolicy: check.bool("networkPolicy", args.networkPolicy, DEFAULTS.networkPolicy),
        monitoring: resolveMonitoring(args.monitoring, envoy.metrics),
        serviceAccountName: args.serviceAccountName === undefined ? undefined : check.dns1123Subdomain("serviceAccountName", args.serviceAccountName),
        automountServiceAccountToken: check.bool("automountServiceAccountToken", args.automountServiceAccountToken, DEFAULTS.automountServiceAccountToken),
        labels,
        selectorLabels,
        frontPort,
        ipFamily,
        terminationGracePeriodSeconds: grace,
        ...credentials,
        app,
        envoy,
        inspection,
        agent,
        agentService,
        service: resolveFrontService(s, frontPort),
        pod: resolvePod("pod", args.pod, [...Object.keys(selectorLabels), ...Object.keys(agentService?.clientLabels ?? {})], labels),
        warnings,
    };
}
