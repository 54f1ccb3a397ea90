// Stack configuration of the root program, read with clear errors that name the key (or
// `apps[i].key`) and show a `pulumi config` command that fixes it (tried before it is shown).
//
// One app per stack: a flat key per setting. Several apps: `apps`, a list of objects with the
// same per-app keys; the top-level per-app keys are then every app's defaults, and one shared
// agent fleet (an AgentService) serves every app whose agentLayout is `service`.
import * as pulumi from "@pulumi/pulumi";
import { AgentServiceArgs, EnvoyAppArgs, ExternalTrafficPolicy, InputError, Integration, IpFamily, PodOptions, ServiceType } from "../sdk";
import { plainLink, resolveAgentServiceSettings } from "../sdk/settings/agent-service";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { serviceClaims } from "../sdk/components/agent-service";
import { ClaimTable } from "../sdk/components/claims";
import { appClaims } from "../sdk/components/envoy-app";
import { isSecretInput, MAX_DEPTH, scrub, secretTextsOf } from "../sdk/components/read";
import { SECRET_SHOWN } from "../sdk/settings/errors";
import { closest } from "../sdk/settings/fields";
import { AGENT_KEYS, checkAgentKey } from "../sdk/settings/shared";

type Kind = "string" | "number" | "boolean" | "list" | "map" | "object" | "objects";

interface Key {
    /** The config key, without the project prefix. */
    key: string;
    kind: Kind;
    /** A value that passes, shown in the fix-it command. */
    example: string;
    /**
     * `app`: a setting of an app (of the one app, or in an `apps` entry; at the top level beside
     * `apps`, every app's default). `stack`: of the whole stack, at the top level only.
     */
    scope: "app" | "stack";
    /**
     * What it sets: an EnvoyApp input per agent layout of the app, and an input of the shared
     * agent fleet (several apps); none: it shapes the args itself.
     */
    input: { sidecar?: string; service?: string; fleet?: string };
    secret?: boolean;
    /** The program cannot run without it. */
    required?: boolean;
    /** For a key that sets no input: its default. */
    default?: string;
    doc: string;
}

const each = (path: string) => ({ sidecar: path, service: path });
/** A setting of the agent pods: of the app's own agent Service (one app), or of the shared fleet. */
const agentPods = (path: string) => ({ service: `agentService.create.${path}`, fleet: path });

/** Every key the program reads; docs/reference.md lists the same. */
export const CONFIG_KEYS: Key[] = [
    { key: "appName", kind: "string", scope: "app", required: true, example: "helloworld", input: {}, doc: "Name of the app: the Deployment, Service and prefix of every object" },
    { key: "namespace", kind: "string", scope: "app", example: "default", input: each("namespace"), doc: "Namespace of the app's objects" },
    { key: "appImage", kind: "string", scope: "app", required: true, example: "signalsciences/example-helloworld:latest", input: each("app.image"), doc: "The app's image" },
    { key: "appPort", kind: "number", scope: "app", example: "8080", input: each("app.port"), doc: "Port the app listens on inside the pod" },
    { key: "appArgs", kind: "list", scope: "app", example: '["localhost:8080"]', input: each("app.args"), doc: "The app container's arguments, a list" },
    { key: "replicas", kind: "number", scope: "app", example: "3", input: each("replicas"), doc: "App pod replicas" },
    { key: "port", kind: "number", scope: "app", example: "8000", input: each("port"), doc: "Envoy's front port" },
    { key: "envoyImage", kind: "string", scope: "app", example: "envoyproxy/envoy:v1.39.5", input: each("envoy.image"), doc: "Envoy's image" },
    { key: "envoyMetrics", kind: "boolean", scope: "app", example: "true", input: each("envoy.metrics"), doc: "Serve Envoy's Prometheus stats on the readiness port, with scrape annotations" },
    { key: "xffTrustedHops", kind: "number", scope: "app", example: "1", input: each("envoy.xffTrustedHops"), doc: "Proxies in front of Envoy that append to X-Forwarded-For (an ingress: 1); the agent judges the address the last of them saw" },
    { key: "ipFamily", kind: "string", scope: "app", example: "DualStack", input: { ...each("ipFamily"), fleet: "ipFamily" }, doc: "`IPv4`, `IPv6` or `DualStack`: the addresses the pods answer on and the Services' families; at the top level beside `apps`, also the shared fleet's" },
    { key: "integration", kind: "string", scope: "app", example: "ext_proc", input: { ...each("inspection.integration"), fleet: "integration" }, doc: "How Envoy consults the agent: `ext_authz` (with the access log) or `ext_proc`; at the top level beside `apps`, also the shared fleet's" },
    { key: "failOpen", kind: "boolean", scope: "app", example: "false", input: each("inspection.failOpen"), doc: "Let requests through when the agent cannot answer" },
    { key: "inspectionTimeout", kind: "string", scope: "app", example: "0.2s", input: each("inspection.timeout"), doc: "How long Envoy waits for the agent" },
    { key: "maxRequestBytes", kind: "number", scope: "app", example: "8192", input: each("inspection.maxRequestBytes"), doc: "Request-body bytes sent to the agent" },
    { key: "expectResponseData", kind: "boolean", scope: "app", example: "true", input: { ...each("inspection.expectResponseData"), fleet: "expectResponseData" }, doc: "Send response data to the agent; at the top level beside `apps`, also the shared fleet's" },
    { key: "agentLayout", kind: "string", scope: "app", example: "service", default: "sidecar", input: {}, doc: "`sidecar` or `service`: the agent as its own scaled Service (the app's own; beside `apps`, the shared fleet)" },
    { key: "agentImage", kind: "string", scope: "app", example: "signalsciences/sigsci-agent:4.70.0", input: { sidecar: "agent.image", ...agentPods("agent.image") }, doc: "The agent's image" },
    { key: "agentGrpcPort", kind: "number", scope: "app", example: "9999", input: { sidecar: "agent.grpcPort", ...agentPods("agent.grpcPort") }, doc: "The agent's gRPC port" },
    { key: "agentReplicas", kind: "number", scope: "stack", example: "2", input: agentPods("replicas"), doc: "Fixed agent pods (service layout)" },
    { key: "agentMinReplicas", kind: "number", scope: "stack", example: "2", input: agentPods("autoscaling.minReplicas"), doc: "Fewest agent pods under the autoscaler (service layout)" },
    { key: "agentMaxReplicas", kind: "number", scope: "stack", example: "10", input: agentPods("autoscaling.maxReplicas"), doc: "Most agent pods: turns the autoscaler on (service layout)" },
    { key: "agentCpuUtilization", kind: "number", scope: "stack", example: "70", input: agentPods("autoscaling.cpuUtilization"), doc: "Autoscaler CPU target in percent (service layout)" },
    { key: "accessKeyId", kind: "string", scope: "stack", secret: true, example: "<Agent Access Key>", input: { ...each("credentials"), fleet: "credentials" }, doc: "The Agent Access Key (secret)" },
    { key: "secretAccessKey", kind: "string", scope: "stack", secret: true, example: "<Agent Secret Key>", input: { ...each("credentials"), fleet: "credentials" }, doc: "The Agent Secret Key (secret)" },
    { key: "existingSecretName", kind: "string", scope: "stack", example: "sigsci.my-site-name-here", input: { ...each("credentials.existingSecretName"), fleet: "credentials.existingSecretName" }, doc: "Instead of the keys: an existing Secret with `accesskeyid` / `secretaccesskey`" },
    // Several apps per stack.
    { key: "apps", kind: "objects", scope: "stack", example: '[{"appName":"shop","appImage":"registry.example.com/shop:1.0"}]', input: {}, doc: "Several apps: a list of objects with the per-app keys (`appName` and `appImage` at least); the top-level per-app keys are their defaults" },
    { key: "agentServiceName", kind: "string", scope: "stack", example: "sigsci-agents", default: "sigsci-agents", input: {}, doc: "Name of the shared agent fleet (with `apps`)" },
    { key: "agentNamespace", kind: "string", scope: "stack", example: "waf", input: { fleet: "namespace" }, doc: "Namespace of the shared agent fleet (with `apps`; default: the top-level `namespace`)" },
    // Pods and Services that fit the cluster.
    { key: "nodeSelector", kind: "map", scope: "app", example: '{"pool":"web"}', input: each("pod.nodeSelector"), doc: "Node labels the app's pods must run on" },
    { key: "tolerations", kind: "objects", scope: "app", example: '[{"key":"pool","operator":"Equal","value":"web","effect":"NoSchedule"}]', input: each("pod.tolerations"), doc: "Taints the app's pods tolerate" },
    { key: "affinity", kind: "object", scope: "app", example: '{"podAntiAffinity":{}}', input: each("pod.affinity"), doc: "A Kubernetes Affinity for the app's pods (beside the topology spread)" },
    { key: "priorityClassName", kind: "string", scope: "app", example: "business-critical", input: each("pod.priorityClassName"), doc: "The app's pods' PriorityClass" },
    { key: "imagePullSecrets", kind: "list", scope: "app", example: '["registry-creds"]', input: each("pod.imagePullSecrets"), doc: "Secrets to pull the app's images with" },
    { key: "podAnnotations", kind: "map", scope: "app", example: '{"sidecar.istio.io/inject":"false"}', input: each("pod.annotations"), doc: "Annotations on the app's pods" },
    { key: "podLabels", kind: "map", scope: "app", example: '{"team":"payments"}', input: each("pod.labels"), doc: "Extra labels on the app's pods" },
    { key: "serviceType", kind: "string", scope: "app", example: "LoadBalancer", input: each("service.type"), doc: "The front Service's type: `ClusterIP`, `NodePort` or `LoadBalancer`" },
    { key: "serviceAnnotations", kind: "map", scope: "app", example: '{"service.beta.kubernetes.io/aws-load-balancer-scheme":"internal"}', input: each("service.annotations"), doc: "Annotations on the front Service" },
    { key: "loadBalancerSourceRanges", kind: "list", scope: "app", example: '["203.0.113.0/24"]', input: each("service.loadBalancerSourceRanges"), doc: "Client CIDRs a `LoadBalancer` front Service admits" },
    { key: "externalTrafficPolicy", kind: "string", scope: "app", example: "Local", input: each("service.externalTrafficPolicy"), doc: "`Cluster` or `Local`, for a `NodePort` or `LoadBalancer` front Service" },
    { key: "agentNodeSelector", kind: "map", scope: "stack", example: '{"pool":"waf"}', input: agentPods("pod.nodeSelector"), doc: "Node labels the agent pods must run on (service layout)" },
    { key: "agentTolerations", kind: "objects", scope: "stack", example: '[{"key":"pool","operator":"Equal","value":"waf","effect":"NoSchedule"}]', input: agentPods("pod.tolerations"), doc: "Taints the agent pods tolerate (service layout)" },
    { key: "agentAffinity", kind: "object", scope: "stack", example: '{"podAntiAffinity":{}}', input: agentPods("pod.affinity"), doc: "A Kubernetes Affinity for the agent pods (service layout)" },
    { key: "agentPriorityClassName", kind: "string", scope: "stack", example: "business-critical", input: agentPods("pod.priorityClassName"), doc: "The agent pods' PriorityClass (service layout)" },
    { key: "agentImagePullSecrets", kind: "list", scope: "stack", example: '["registry-creds"]', input: agentPods("pod.imagePullSecrets"), doc: "Secrets to pull the agent image with (service layout)" },
    { key: "agentPodAnnotations", kind: "map", scope: "stack", example: '{"sidecar.istio.io/inject":"false"}', input: agentPods("pod.annotations"), doc: "Annotations on the agent pods (service layout)" },
    { key: "agentPodLabels", kind: "map", scope: "stack", example: '{"team":"security"}', input: agentPods("pod.labels"), doc: "Extra labels on the agent pods (service layout)" },
    { key: "agentServiceAccountName", kind: "string", scope: "stack", example: "sigsci-agent", input: agentPods("serviceAccountName"), doc: "The ServiceAccount the agent pods run as (service layout)" },
    { key: "agentServiceAnnotations", kind: "map", scope: "stack", example: '{"service.kubernetes.io/topology-mode":"Auto"}', input: agentPods("serviceAnnotations"), doc: "Annotations on the agent Service (service layout)" },
];

const keyOf = (key: string) => CONFIG_KEYS.find((k) => k.key === key);
/** Keys of the agent Service's scale and of its pods: they need an agent Service (one app) or a fleet (several). */
const AGENT_SCALING_KEYS = ["agentReplicas", "agentMinReplicas", "agentMaxReplicas", "agentCpuUtilization"];
const AGENT_POD_KEYS = CONFIG_KEYS.filter((k) => k.input.fleet !== undefined && /^(pod\.|serviceAccountName$|serviceAnnotations$)/.test(k.input.fleet)).map((k) => k.key);
const MULTI_ONLY = ["agentServiceName", "agentNamespace"];

/** One stack's configuration: the program's own keys (without the project prefix) as strings. */
export interface Stack {
    project: string;
    values: Record<string, string>;
    /** The keys set as secrets (`pulumi config set --secret`): their values are never shown. */
    secretKeys: string[];
    /** A key's value as a secret output (for the agent keys). */
    secret(key: string): pulumi.Output<string>;
}

// The SDK's own test of a secret config key (what `Config.get` warns with); not in its typings.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret ?? (() => false);

/** The configuration Pulumi hands the program (`pulumi up`, or the offline render). */
export function currentStack(config: pulumi.Config = new pulumi.Config()): Stack {
    const prefix = `${config.name}:`;
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
        if (!k.startsWith(prefix)) continue;
        values[k.slice(prefix.length)] = v;
        if (isConfigSecret(k)) secretKeys.push(k.slice(prefix.length));
    }
    return { project: config.name, values, secretKeys, secret: (key) => config.requireSecret(key) };
}

/** A config value the program cannot use. */
export class ConfigError extends Error {
    constructor(
        project: string,
        /** The key, without the project prefix; `apps[i].key` for a key of one app. */
        readonly key: string,
        problem: string,
        /** A command that makes this check pass. */
        readonly fix?: string,
    ) {
        super(`sigsci-envoy: config "${project}:${key}" ${problem}${fix ? `${/[.?!]$/.test(problem) ? "" : "."} Fix it with: ${fix}` : ""}`);
        this.name = "ConfigError";
    }
}

/** Where a value is: a top-level key, or a key of `apps[app]`. */
interface At {
    app?: number;
    key: string;
}

const pathOf = (at: At) => (at.app === undefined ? at.key : `apps[${at.app}].${at.key}`);

/** A problem with one key, before it becomes a {@link ConfigError} with its fix. */
class Problem {
    constructor(
        readonly at: At,
        readonly text: string,
        /** For a key in the wrong place (misspelt, or of the stack set for one app): where its value belongs. */
        readonly target?: At,
        /** The fix, where it is not a value to try (e.g. the same value, set without --secret). */
        readonly fix?: string,
    ) {}
}

/** The stack's values: the top-level keys, and each `apps` entry's (values as the stack file gives them). */
interface Values {
    top: Record<string, string>;
    apps?: Record<string, unknown>[];
    /** Top-level keys set as secrets (`apps` as a whole, when any value in it is one). */
    secret: Set<string>;
}


/** Was the value at `at` set as a secret (its key, or the `apps` it is in)? */
function isSecretAt(values: Values, at: At): boolean {
    return values.secret.has(at.app === undefined ? at.key : "apps") || keyOf(at.key)?.secret === true;
}

/** Every text a secret key holds (a structured one's leaves and keys too), to keep out of messages. */
function secretTexts(values: Values): string[] {
    const parsed = (text: string | undefined): unknown => {
        try {
            return JSON.parse(text ?? "");
        } catch {
            return undefined;
        }
    };
    const ofKey = (key: string): unknown[] => {
        const raw = key === "apps" ? (values.apps ?? values.top.apps) : values.top[key];
        return typeof raw === "string" ? [raw, parsed(raw)] : [raw];
    };
    return [...values.secret].flatMap((key) => ofKey(key).flatMap(secretTextsOf));
}

/** A problem's text as it may be shown: the value of a secret key named, never shown. */
function shownText(values: Values, problem: Problem): string {
    let text = problem.text;
    if (isSecretAt(values, problem.at)) {
        const raw = valueAt(values, problem.at);
        // The value as the text shows it, where it stands whole (an empty one is shown as what it is).
        for (const form of raw === undefined || raw === "" ? [] : [JSON.stringify(raw), raw, String(Number(raw))]) {
            if (text.startsWith(`is ${form}`) && /^($|[:,. ])/.test(text.slice(3 + form.length))) text = `is ${SECRET_SHOWN}${text.slice(3 + form.length)}`;
        }
    }
    return scrub(text, { paths: [], texts: secretTexts(values) });
}

type Layout = "sidecar" | "service";

/** One app of the stack. `shared`: it uses the stack's agent fleet (its args then get the fleet's link). */
export interface AppPlan {
    name: string;
    layout: Layout;
    shared: boolean;
    args: EnvoyAppArgs;
    /** The inputs set by secret keys: the program hands them to the components as secrets. */
    secretInputs: string[];
}

/** What the stack deploys: its apps, and the agent fleet they share (several apps, any in the service layout). */
export interface StackPlan {
    /** Several apps (`apps`), rather than the one of the flat keys. */
    multi: boolean;
    apps: AppPlan[];
    fleet?: { name: string; args: AgentServiceArgs; secretInputs: string[] };
}

/**
 * Reads the stack into component args, refusing everything the components would refuse (the
 * same rules, run here on the plain values) with the key and a `pulumi config` command that was
 * tried and makes that check pass.
 */
export function readStackPlan(stack: Stack): StackPlan {
    const values = valuesOf(stack.values, new Set(stack.secretKeys));
    const problem = findProblem(values);
    if (problem) throw new ConfigError(stack.project, pathOf(problem.at), shownText(values, problem), fixFor(values, problem));
    const plan = planOf(values, (key) => stack.secret(key));
    // What was set as a secret stays one: in the components' inputs, the objects' state and every message.
    return {
        ...plan,
        apps: plan.apps.map((a) => ({ ...a, args: withSecrets(a.args, a.secretInputs) })),
        fleet: plan.fleet && { ...plan.fleet, args: withSecrets(plan.fleet.args, plan.fleet.secretInputs) },
    };
}

/** `args` with the value at each of `paths` (`app.image`) made a secret output. */
function withSecrets<T>(args: T, paths: string[]): T {
    const at = (value: unknown, keys: string[]): unknown => {
        if (value === undefined) return undefined;
        if (keys.length === 0) return pulumi.Output.isInstance(value) ? pulumi.secret(value) : pulumi.secret(value as pulumi.Input<unknown>);
        const [key, ...rest] = keys;
        const o = value as Record<string, unknown>;
        return o[key] === undefined ? o : { ...o, [key]: at(o[key], rest) };
    };
    return paths.reduce((a, p) => at(a, p.split(".")) as T, args);
}

/** The stack's strings, with `apps` parsed (a list that does not parse is kept as a string, for the checks to refuse). */
function valuesOf(raw: Record<string, string>, secret: Set<string>): Values {
    if (raw.apps === undefined) return { top: raw, secret };
    let apps: unknown;
    try {
        apps = JSON.parse(raw.apps);
    } catch {
        return { top: raw, secret };
    }
    const { apps: _, ...top } = raw;
    // Deeper than any input may be: kept as text, for the checks to refuse by its key.
    if (nestsDeeper(apps, MAX_DEPTH)) return { top: raw, secret };
    return Array.isArray(apps) && apps.every((a) => typeof a === "object" && a !== null && !Array.isArray(a)) ? { top, apps, secret } : { top: raw, secret };
}

/** The first problem of `values`, or undefined when `pulumi up` would accept them. */
function findProblem(values: Values): Problem | undefined {
    let plan: StackPlan | undefined;
    try {
        plan = planOf(values, (key) => values.top[key]);
        for (const [key] of AGENT_KEYS) if (values.top[key] !== undefined) checkAgentKey(key, values.top[key]);
    } catch (e) {
        if (e instanceof Problem) return e;
        if (e instanceof InputError) return asProblem(values, { key: "appName" }, "sidecar", e);
        throw e;
    }
    // The components' own checks, on the plain values.
    // And the names they claim, in the order the program declares them: two may not create one object.
    const names = new ClaimTable();
    let fleet: ReturnType<typeof resolveAgentServiceSettings> | undefined;
    if (plan.fleet) {
        try {
            fleet = resolveAgentServiceSettings(plan.fleet.name, plan.fleet.args as pulumi.Unwrap<AgentServiceArgs>);
            const [owner, objects] = serviceClaims(plan.fleet.name, fleet, plan.fleet);
            names.claim(owner, plan.fleet.name, objects);
        } catch (e) {
            if (!(e instanceof InputError)) throw e;
            // The namespaces the fleet admits are its apps' own: a bad one is that app's namespace.
            const admitted = /^clientNamespaces\[(\d+)\]$/.exec(e.input);
            if (admitted) {
                const namespace = (plan.fleet.args.clientNamespaces as string[])[Number(admitted[1])];
                const app = plan.apps.findIndex((a) => a.shared && a.args.namespace === namespace);
                return asProblem(values, { app, key: "appName" }, "service", new InputError("namespace", e.given, e.accepted));
            }
            return asProblem(values, { key: "agentServiceName" }, "fleet", e);
        }
    }
    for (const [i, app] of plan.apps.entries()) {
        const at: At = { app: plan.multi ? i : undefined, key: "appName" };
        try {
            const args = app.shared ? { ...app.args, agentService: plainLink(fleet!) } : app.args;
            const settings = resolveAppSettings(app.name, args as pulumi.Unwrap<EnvoyAppArgs>);
            for (const [owner, objects] of appClaims(app.name, settings, app)) names.claim(owner, app.name, objects);
        } catch (e) {
            if (e instanceof InputError) return asProblem(values, at, app.layout, e);
            throw e;
        }
    }
    return undefined;
}

function closestKey(key: string, among: Key[]): string | undefined {
    return closest(key, among.map((k) => k.key));
}

/** Does parsed JSON nest more than `levels` deep (walked without recursion: any depth is read safely)? */
function nestsDeeper(value: unknown, levels: number): boolean {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length > 0) {
        const [v, depth] = stack.pop()!;
        if (typeof v !== "object" || v === null) continue;
        if (depth >= levels) return true;
        for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
    return false;
}

/** A value as the reader takes it: a stack string, or a value of an `apps` entry (typed JSON). */
function text(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Reads one key's value of `at` by its kind. */
function readValue(at: At, value: string | undefined): unknown {
    const k = keyOf(at.key)!;
    if (value === undefined) return undefined;
    const json = (what: string, ok: (v: unknown) => boolean) => {
        let v: unknown;
        try {
            v = JSON.parse(value);
        } catch {
            v = undefined;
        }
        if (nestsDeeper(v, MAX_DEPTH)) throw new Problem(at, `nests more than ${MAX_DEPTH} levels deep: expected ${what}, at most ${MAX_DEPTH} levels deep`);
        if (!ok(v)) throw new Problem(at, `is ${JSON.stringify(value)}: expected ${what}`);
        return v;
    };
    const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    switch (k.kind) {
        case "number": {
            // Decimal notation only: Number() would read "0x1F90" as 8080 and " 8080 " as 8080 too.
            const n = Number(value);
            if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) || !Number.isFinite(n)) throw new Problem(at, `is ${JSON.stringify(value)}: expected a number in decimal notation`);
            return n;
        }
        case "boolean":
            if (value !== "true" && value !== "false") throw new Problem(at, `is ${JSON.stringify(value)}: expected true or false`);
            return value === "true";
        case "list":
            return json("a JSON list of strings", (v) => Array.isArray(v) && v.every((x) => typeof x === "string"));
        case "map":
            return json("a JSON map of strings", (v) => isObject(v) && Object.values(v as object).every((x) => typeof x === "string"));
        case "object":
            return json("a JSON object", isObject);
        case "objects":
            return json("a JSON list of objects", (v) => Array.isArray(v) && v.every(isObject));
        default:
            return value;
    }
}

/** The whole stack as component args; `credential` gives each agent key (an output for the components, plain for the checks). */
function planOf(values: Values, credential: (key: string) => pulumi.Input<string>): StackPlan {
    const top = values.top;
    for (const key of Object.keys(top)) {
        // A misspelt key would be ignored and its default used: refuse it.
        if (!keyOf(key)) {
            const meant = closestKey(key, CONFIG_KEYS);
            if (meant === undefined) throw new Problem({ key }, "is not a setting of this program (docs/reference.md lists them all)");
            throw new Problem({ key }, `is not a setting of this program: did you mean ${meant}?${values.top[meant] === undefined ? "" : ` (${meant} is set already)`}`, { key: meant });
        }
    }
    for (const key of ["appName", "agentServiceName"]) {
        // Names of Pulumi resources are in every URN, output and log line: no secret can be one.
        if (top[key] !== undefined && values.secret.has(key)) {
            throw new Problem({ key }, "is set as a secret, but it names Pulumi resources, which show in every URN and log line: set it as a plain value", undefined, `pulumi config rm ${key} && pulumi config set ${key} <the value of ${key}>`);
        }
    }
    if (top.apps !== undefined) readValue({ key: "apps" }, top.apps);
    const credentials = readCredentials(top, credential);
    if (values.apps === undefined) {
        for (const key of MULTI_ONLY) if (top[key] !== undefined) throw new Problem({ key }, "is set, but apps is not (it belongs to the agent fleet several apps share)");
        const app = appPlan(top, credentials, false, (key) => ({ key }), (at) => isSecretAt(values, at));
        return { multi: false, apps: [app] };
    }
    return multiPlan(values, values.apps, credentials);
}

function readCredentials(top: Record<string, string>, credential: (key: string) => pulumi.Input<string>): EnvoyAppArgs["credentials"] {
    const existingSecretName = readValue({ key: "existingSecretName" }, top.existingSecretName) as string | undefined;
    const hasKeys = top.accessKeyId !== undefined || top.secretAccessKey !== undefined;
    if (existingSecretName === undefined) {
        for (const key of ["accessKeyId", "secretAccessKey"]) {
            if (top[key] === undefined) throw new Problem({ key }, "is not set (give both agent keys as secrets, or existingSecretName)");
        }
    } else if (hasKeys) {
        throw new Problem({ key: "existingSecretName" }, "is set together with accessKeyId/secretAccessKey: give one or the other");
    }
    return existingSecretName !== undefined ? { existingSecretName } : { accessKeyId: credential("accessKeyId"), secretAccessKey: credential("secretAccessKey") };
}

/** Reads the keys of one app from `v` (`atOf` says where each key was set). */
function reader(v: Record<string, string | undefined>, atOf: (key: string) => At) {
    return (key: string): unknown => readValue(atOf(key), v[key]);
}

/**
 * One app from its values: the flat keys (one app), or an entry over the top-level defaults
 * (`atOf` says where each key was set). With several apps, one in the service layout shares the
 * stack's agent fleet.
 */
function appPlan(v: Record<string, string | undefined>, credentials: EnvoyAppArgs["credentials"], multi: boolean, atOf: (key: string) => At, secretAt: (at: At) => boolean): AppPlan {
    const read = reader(v, atOf);
    for (const k of CONFIG_KEYS) if (k.required && k.scope === "app" && v[k.key] === undefined) throw new Problem(atOf(k.key), "is not set");
    const name = read("appName") as string;
    const layout = (read("agentLayout") ?? keyOf("agentLayout")!.default) as Layout;
    if (layout !== "sidecar" && layout !== "service") throw new Problem(atOf("agentLayout"), `is ${JSON.stringify(layout)}: expected "sidecar" or "service"`);
    const shared = multi && layout === "service";
    if (layout === "sidecar" && !multi) {
        for (const key of [...AGENT_SCALING_KEYS, ...AGENT_POD_KEYS]) {
            if (v[key] !== undefined) throw new Problem(atOf(key), `is set but agentLayout is "sidecar" (the sidecar ${AGENT_POD_KEYS.includes(key) ? "runs in the app's pod" : "scales with the app"})`);
        }
    }
    const common: EnvoyAppArgs = dropUndefined({
        namespace: read("namespace") as string | undefined,
        replicas: read("replicas") as number | undefined,
        port: read("port") as number | undefined,
        app: { image: read("appImage") as string, port: read("appPort") as number | undefined, args: read("appArgs") as string[] | undefined },
        ipFamily: read("ipFamily") as IpFamily | undefined,
        envoy: { image: read("envoyImage") as string | undefined, metrics: read("envoyMetrics") as boolean | undefined, xffTrustedHops: read("xffTrustedHops") as number | undefined },
        inspection: {
            integration: read("integration") as Integration | undefined,
            failOpen: read("failOpen") as boolean | undefined,
            timeout: read("inspectionTimeout") as string | undefined,
            maxRequestBytes: read("maxRequestBytes") as number | undefined,
            expectResponseData: read("expectResponseData") as boolean | undefined,
        },
        pod: podOptions(read, ""),
        service: {
            type: read("serviceType") as ServiceType | undefined,
            annotations: read("serviceAnnotations") as Record<string, string> | undefined,
            loadBalancerSourceRanges: read("loadBalancerSourceRanges") as string[] | undefined,
            externalTrafficPolicy: read("externalTrafficPolicy") as ExternalTrafficPolicy | undefined,
        },
    });
    const agent = { image: read("agentImage") as string | undefined, grpcPort: read("agentGrpcPort") as number | undefined };
    // The inputs that secret keys set (a name and the layout shape the plan: they are not inputs).
    const secretInputs = CONFIG_KEYS.filter((k) => !k.secret && k.input[layout] !== undefined && v[k.key] !== undefined && secretAt(atOf(k.key))).map((k) => k.input[layout]!);
    if (shared) return { name, layout, shared, args: common, secretInputs };
    const withCredentials = { ...common, credentials };
    if (layout === "sidecar") return { name, layout, shared, args: { ...withCredentials, ...dropUndefined({ agent }) }, secretInputs };
    // The app's own agent Service (one app): the layout's own part stays even when empty, `agentService: {create: {}}` is what makes it.
    return { name, layout, shared, args: { ...withCredentials, agentService: { create: agentServiceSettings(v, atOf, agent) } }, secretInputs };
}

/** The PodOptions input field each pod key sets (the agent pods' keys: `agent` + the key, capitalized). */
const POD_KEYS: [keyof PodOptions, string][] = [
    ["nodeSelector", "nodeSelector"],
    ["tolerations", "tolerations"],
    ["affinity", "affinity"],
    ["priorityClassName", "priorityClassName"],
    ["imagePullSecrets", "imagePullSecrets"],
    ["annotations", "podAnnotations"],
    ["labels", "podLabels"],
];

/** The pod options the keys give: the app's (no prefix) or the agent pods' (`agent`). */
function podOptions(read: (key: string) => unknown, prefix: "" | "agent"): PodOptions {
    const keyFor = (key: string) => (prefix ? `${prefix}${key[0].toUpperCase()}${key.slice(1)}` : key);
    return Object.fromEntries(POD_KEYS.map(([field, key]) => [field, read(keyFor(key))])) as PodOptions;
}

/** The settings of an agent Service from the stack-level agent keys. */
function agentServiceSettings(v: Record<string, string | undefined>, atOf: (key: string) => At, agent: { image?: string; grpcPort?: number }) {
    const read = reader(v, atOf);
    const maxReplicas = read("agentMaxReplicas") as number | undefined;
    if (maxReplicas === undefined) {
        for (const key of ["agentMinReplicas", "agentCpuUtilization"]) if (v[key] !== undefined) throw new Problem(atOf(key), "is set, but agentMaxReplicas, which turns the autoscaler on, is not");
    }
    const autoscaling = maxReplicas === undefined ? undefined : { maxReplicas, minReplicas: read("agentMinReplicas") as number | undefined, cpuUtilization: read("agentCpuUtilization") as number | undefined };
    return dropUndefined({
        agent,
        replicas: read("agentReplicas") as number | undefined,
        autoscaling,
        pod: podOptions(read, "agent"),
        serviceAccountName: read("agentServiceAccountName") as string | undefined,
        serviceAnnotations: read("agentServiceAnnotations") as Record<string, string> | undefined,
    });
}

/** Several apps: each entry over the top-level defaults, and the fleet the service-layout apps share. */
function multiPlan(values: Values, entries: Record<string, unknown>[], credentials: EnvoyAppArgs["credentials"]): StackPlan {
    const top = values.top;
    if (entries.length === 0) throw new Problem({ key: "apps" }, "is an empty list: expected at least one app");
    if (top.appName !== undefined) throw new Problem({ key: "appName" }, "is set beside apps: give each app its appName in apps");
    const appKeys = CONFIG_KEYS.filter((k) => k.scope === "app");
    const apps: AppPlan[] = [];
    for (const [i, entry] of entries.entries()) {
        if (entry.appName === undefined) throw new Problem({ app: i, key: "appName" }, "is not set");
        if (entry.appImage === undefined && top.appImage === undefined) throw new Problem({ app: i, key: "appImage" }, "is not set (nor a default appImage at the top level)");
        for (const [key, value] of Object.entries(entry)) {
            const k = keyOf(key);
            if (!k) {
                // The key meant may be one of the stack's (an agent key): it then belongs at the top level.
                const near = closestKey(key, CONFIG_KEYS);
                if (near === undefined) throw new Problem({ app: i, key }, "is not a setting of an app (docs/reference.md lists them all)");
                const meant = keyOf(near)!;
                if (meant.scope === "stack") throw new Problem({ app: i, key }, `is not a setting of an app: did you mean ${meant.key}, a setting of the whole stack (at the top level)?`, { key: meant.key });
                throw new Problem({ app: i, key }, `is not a setting of an app: did you mean ${meant.key}?`, { app: i, key: meant.key });
            }
            if (k.scope === "stack") throw new Problem({ app: i, key }, `is set for one app, but it is a setting of the whole stack: set ${key} at the top level`, { key });
            if (value === null || ["object", "boolean", "number", "string"].indexOf(typeof value) < 0) throw new Problem({ app: i, key }, `is ${JSON.stringify(value)}: expected a value`);
        }
        const merged: Record<string, string | undefined> = {};
        for (const k of appKeys) merged[k.key] = text(entry[k.key]) ?? top[k.key];
        const atOf = (key: string): At => (entry[key] !== undefined ? { app: i, key } : { key });
        const plan = appPlan(merged, credentials, true, atOf, (at) => isSecretAt(values, at));
        // Two components of one name and type are one Pulumi resource twice (in any namespace): refuse the second by its key.
        const first = apps.findIndex((a) => a.name === plan.name);
        if (first >= 0) throw new Problem(atOf("appName"), `is ${JSON.stringify(plan.name)}, which apps[${first}] already uses: expected a name of its own`);
        if (plan.shared) {
            for (const key of ["agentImage", "agentGrpcPort"]) if (entry[key] !== undefined) throw new Problem({ app: i, key }, `is set for an app of the shared agent fleet (agentLayout "service"): set ${key} at the top level`);
        }
        apps.push(plan);
    }
    const sharing = apps.filter((a) => a.shared);
    if (sharing.length === 0) {
        for (const key of [...AGENT_SCALING_KEYS, ...AGENT_POD_KEYS, ...MULTI_ONLY]) {
            if (top[key] !== undefined) throw new Problem({ key }, 'is set, but no app uses the shared agent fleet (agentLayout "service")');
        }
        return { multi: true, apps };
    }
    const atTop = (key: string): At => ({ key });
    const read = reader(top, atTop);
    const name = (read("agentServiceName") as string | undefined) ?? keyOf("agentServiceName")!.default!;
    const namespace = (read("agentNamespace") as string | undefined) ?? (read("namespace") as string | undefined);
    // The fleet admits its apps' namespaces by name; with none given anywhere, all are the provider's, which it admits as its own.
    const unnamed = sharing.findIndex((a) => a.args.namespace === undefined);
    const allUnnamed = namespace === undefined && sharing.every((a) => a.args.namespace === undefined);
    if (unnamed >= 0 && !allUnnamed) throw new Problem({ app: apps.indexOf(sharing[unnamed]), key: "namespace" }, "is not set, but the shared agent fleet admits its apps' namespaces by name: give each app of the fleet its namespace");
    const clientNamespaces = allUnnamed ? undefined : [...new Set(sharing.map((a) => a.args.namespace as string))];
    const agent = { image: read("agentImage") as string | undefined, grpcPort: read("agentGrpcPort") as number | undefined };
    const args: AgentServiceArgs = dropUndefined({
        credentials: credentials!,
        namespace,
        integration: read("integration") as Integration | undefined,
        expectResponseData: read("expectResponseData") as boolean | undefined,
        ipFamily: read("ipFamily") as IpFamily | undefined,
        clientNamespaces,
        ...agentServiceSettings(top, atTop, agent),
    });
    const secretInputs = [
        ...CONFIG_KEYS.filter((k) => !k.secret && k.input.fleet !== undefined && top[k.key] !== undefined && values.secret.has(k.key)).map((k) => k.input.fleet!),
        // Its namespace, when the top-level one gives it; the namespaces it admits, when an app's is secret.
        ...(top.agentNamespace === undefined && values.secret.has("namespace") ? ["namespace"] : []),
        ...(sharing.some((a) => a.secretInputs.includes("namespace")) ? ["clientNamespaces"] : []),
    ];
    return { multi: true, apps, fleet: { name, args, secretInputs } };
}
/**
 * Leaves out what the stack does not set, so the components' defaults apply: undefined fields,
 * and objects left empty by leaving them out (an object the stack gives empty stays).
 */
function dropUndefined<T>(v: T): T {
    if (pulumi.Output.isInstance(v) || Array.isArray(v) || typeof v !== "object" || v === null) return v;
    const out: any = {};
    for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        const cleaned = dropUndefined(x);
        const emptied = isPlain(x) && Object.keys(x).length > 0 && Object.keys(cleaned as object).length === 0;
        if (!emptied) out[k] = cleaned;
    }
    return out;
}

function isPlain(v: unknown): v is object {
    return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
}

/** Inputs no key sets by itself, as a message names them to a stack: by the key that makes them. */
const INPUT_ALIASES: Partial<Record<Layout | "fleet", [string, string][]>> = {
    service: [["agentService.create.autoscaling", "agentMaxReplicas"], ["agentService.integration", "integration"], ["agentService.expectResponseData", "expectResponseData"], ["agentService.clientNamespaces", "the namespaces of the apps of the shared fleet"]],
    fleet: [["autoscaling", "agentMaxReplicas"], ["clientNamespaces", "the namespaces of the apps of the shared fleet"]],
};

/**
 * A component's refusal, restated in terms of the config key that set the input: of the app at
 * `owner` (its layout says which inputs the keys set), or of the fleet.
 */
function asProblem(values: Values, owner: At, layout: Layout | "fleet", refusal: InputError): Problem {
    const byInput = CONFIG_KEYS.filter((k) => k.input[layout] !== undefined && !k.secret);
    // The key of an app is where that app's value was set: its entry, or the top-level default.
    const atOf = (key: string): At => (owner.app !== undefined && values.apps?.[owner.app]?.[key] !== undefined && keyOf(key)?.scope === "app" ? { app: owner.app, key } : { key });
    // The components ran on plain values: the inputs set by secret keys are hidden here.
    const aliases = INPUT_ALIASES[layout] ?? [];
    const secretInputs = [
        ...byInput.filter((k) => isSecretAt(values, atOf(k.key))).map((k) => k.input[layout]!),
        ...aliases.filter(([, key]) => keyOf(key) !== undefined && isSecretAt(values, atOf(key))).map(([input]) => input),
    ];
    const e = refusal.redacted((input) => isSecretInput(input, { paths: secretInputs, texts: [] }));
    const credential = /^credentials\.(accessKeyId|secretAccessKey)$/.exec(e.input)?.[1];
    // The key that sets the input, or a part of it (podLabels sets pod.labels, and so pod.labels.team).
    const within = (k: Key) => e.input === k.input[layout] || [".", "[", " "].some((c) => e.input.startsWith(`${k.input[layout]}${c}`));
    const setting = byInput.filter(within).sort((a, b) => b.input[layout]!.length - a.input[layout]!.length)[0];
    const key = credential ?? setting?.key ?? (e.input === "name" ? (layout === "fleet" ? "agentServiceName" : "appName") : undefined);
    // Inputs named in the text become the keys that set them: the longest first (agentAffinity's
    // agentService.create.pod.affinity before affinity's pod.affinity), each as a whole name.
    const names: [string, string][] = [...byInput.map((k): [string, string] => [k.input[layout]!, k.key]), ...aliases];
    let accepted = e.accepted;
    for (const [input, key] of names.sort((a, b) => b[0].length - a[0].length)) {
        accepted = accepted.replace(new RegExp(`(?<![\\w.])${input.replace(/[.[\]]/g, "\\$&")}(?![\\w])`, "g"), key);
    }
    // An input no key sets (a default the stack cannot change) is still the app's: name the app.
    if (key === undefined) return new Problem(owner, `gives ${e.message.replace(/^sigsci-envoy: /, "")}`);
    const at = atOf(key);
    const part = setting && e.input !== setting.input[layout] ? e.input.slice(setting.input[layout]!.length).replace(/^\./, "") : undefined;
    if (part === undefined) return new Problem(at, `is ${e.given}: expected ${accepted}`);
    if (part === " key") return new Problem(at, `has the key ${e.given}: expected ${accepted}`);
    return new Problem(at, e.given === "a value" ? `has ${part}: expected ${accepted}` : `has ${part} ${e.given}: expected ${accepted}`);
}

/** `values` with `value` at `at` (undefined: removed). */
function withValue(values: Values, at: At, value: string | undefined): Values {
    if (at.app === undefined) {
        const top = { ...values.top };
        if (value === undefined) delete top[at.key];
        else top[at.key] = value;
        return { ...values, top };
    }
    const apps = values.apps!.map((a, i) => {
        if (i !== at.app) return a;
        const next = { ...a };
        if (value === undefined) delete next[at.key];
        else next[at.key] = value;
        return next;
    });
    return { ...values, apps };
}

function valueAt(values: Values, at: At): string | undefined {
    return at.app === undefined ? values.top[at.key] : text(values.apps?.[at.app]?.[at.key]);
}

const samePlace = (a: At, b: At) => a.key === b.key && a.app === b.app;

/** A `pulumi config` command that makes the check of `problem` pass, tried before it is offered. */
function fixFor(values: Values, problem: Problem): string | undefined {
    const passes = (next: Values) => {
        const after = findProblem(next);
        return after === undefined || !samePlace(after.at, problem.at);
    };
    const set = (at: At, value: string, secret = isSecretAt(values, at)) => {
        const k = keyOf(at.key)!;
        // A value is one word for the shell (a placeholder, <...>, is left for the user to replace).
        const shown = /^<[^>]*>$/.test(value) || /^'<[^>]*>'$/.test(value) ? value : shellWord(value, ["list", "map", "object", "objects"].includes(k.kind));
        const flag = secret || k.secret ? "--secret " : "";
        return at.app === undefined ? `pulumi config set ${flag}${at.key} ${shown}` : `pulumi config set ${flag}--path '${pathOf(at)}' ${shown}`;
    };
    const rm = (at: At) => (at.app === undefined ? `pulumi config rm ${at.key}` : `pulumi config rm --path '${pathOf(at)}'`);
    if (problem.fix !== undefined) return problem.fix;
    const at = problem.at;
    if (problem.target !== undefined) {
        // The value moves where it belongs, unless it would not pass there. A secret one is moved
        // as a secret and never shown: the command holds a placeholder (an agent key's example).
        const target = problem.target;
        const meant = keyOf(target.key)!;
        // A value already set there is the user's: never overwritten by a guess.
        if (valueAt(values, target) !== undefined && !samePlace(target, at)) return rm(at);
        const secret = isSecretAt(values, at) || meant.secret === true;
        const value = valueAt(values, at)!;
        const moved = withValue(withValue(values, at, undefined), target, value);
        const after = findProblem(moved);
        const passesThere = after === undefined || !samePlace(after.at, target);
        const shown = meant.secret ? meant.example : secret ? `<the value of ${pathOf(at)}>` : value;
        return meant.secret || passesThere ? `${rm(at)} && ${set(target, shown, secret)}` : rm(at);
    }
    const k = keyOf(at.key);
    // A key the program does not read: removed (nothing shows where its value was meant to go).
    if (!k) return rm(at);
    if (k.secret) return set(at, k.example);
    const required = k.required && (at.app !== undefined || values.apps === undefined);
    const removes = () => !required && passes(withValue(values, at, undefined));
    // A map or object that parses is the user's own (labels, an affinity) with a bad part: leaving
    // it out beats an example in its place.
    const parses = (v: string | undefined) => {
        try {
            return typeof JSON.parse(v ?? "") === "object";
        } catch {
            return false;
        }
    };
    // Likewise a list of the user's (arguments, CIDRs, tolerations): no example can stand in for
    // it. The apps themselves are not removed by a fix: the user mends them.
    if (k.kind !== "string" && k.kind !== "number" && k.kind !== "boolean" && parses(valueAt(values, at))) return k.key !== "apps" && removes() ? rm(at) : undefined;
    for (const candidate of candidates(k, valueAt(values, at))) if (passes(withValue(values, at, candidate))) return set(at, candidate);
    if (removes()) return rm(at);
    return undefined;
}

/** `value` as one shell word: as it is when nothing in it is special to a shell (and `quote` is not asked), else in single quotes. */
function shellWord(value: string, quote = false): string {
    if (!quote && /^[A-Za-z0-9_./:@%+=,-]+$/.test(value)) return value;
    return `'${value.replace(/'/g, "'\\''")}'`;
}

/** Values to try for a key: its example, then (for numbers) others near it. */
function candidates(k: Key, current: string | undefined): string[] {
    if (k.kind !== "number") return [k.example];
    const base = Number(k.example);
    const near = [base, base + 1, base - 1, base * 2, Number(current) + 1].filter((n) => Number.isInteger(n) && n > 0);
    return [...new Set(near.map(String))];
}
