// Stack configuration of the root program: one flat key per setting, read with clear errors
// that name the key and show a `pulumi config` command that fixes it (tried before it is shown).
import * as pulumi from "@pulumi/pulumi";
import { EnvoyAppArgs, InputError } from "../sdk";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { AGENT_KEYS, checkAgentKey } from "../sdk/settings/shared";

type Kind = "string" | "number" | "boolean" | "list";

interface Key {
    /** The config key, without the project prefix. */
    key: string;
    kind: Kind;
    /** A value that passes, shown in the fix-it command. */
    example: string;
    /** What it sets, as an EnvoyApp input path, per agent layout (none: it shapes the args itself). */
    input: { sidecar?: string; service?: string };
    secret?: boolean;
    /** The program cannot run without it. */
    required?: boolean;
    /** For a key that sets no input: its default. */
    default?: string;
    doc: string;
}

/** Every key the program reads. The README's stack configuration table lists the same. */
export const CONFIG_KEYS: Key[] = [
    { key: "appName", kind: "string", required: true, example: "helloworld", input: {}, doc: "Name of the app: the Deployment, Service and prefix of every object" },
    { key: "namespace", kind: "string", example: "default", input: { sidecar: "namespace", service: "namespace" }, doc: "Namespace of every object" },
    { key: "appImage", kind: "string", required: true, example: "signalsciences/example-helloworld:latest", input: { sidecar: "app.image", service: "app.image" }, doc: "The app's image" },
    { key: "appPort", kind: "number", example: "8080", input: { sidecar: "app.port", service: "app.port" }, doc: "Port the app listens on inside the pod" },
    { key: "appArgs", kind: "list", example: '["localhost:8080"]', input: { sidecar: "app.args", service: "app.args" }, doc: "The app container's arguments, a JSON list" },
    { key: "replicas", kind: "number", example: "3", input: { sidecar: "replicas", service: "replicas" }, doc: "App pod replicas" },
    { key: "port", kind: "number", example: "8000", input: { sidecar: "port", service: "port" }, doc: "Envoy's front port" },
    { key: "envoyImage", kind: "string", example: "envoyproxy/envoy:v1.39.5", input: { sidecar: "envoy.image", service: "envoy.image" }, doc: "Envoy's image" },
    { key: "integration", kind: "string", example: "ext_proc", input: { sidecar: "inspection.integration", service: "inspection.integration" }, doc: "How Envoy consults the agent: `ext_authz` (with the access log) or `ext_proc`" },
    { key: "failOpen", kind: "boolean", example: "false", input: { sidecar: "inspection.failOpen", service: "inspection.failOpen" }, doc: "Let requests through when the agent cannot answer" },
    { key: "inspectionTimeout", kind: "string", example: "0.2s", input: { sidecar: "inspection.timeout", service: "inspection.timeout" }, doc: "How long Envoy waits for the agent" },
    { key: "maxRequestBytes", kind: "number", example: "8192", input: { sidecar: "inspection.maxRequestBytes", service: "inspection.maxRequestBytes" }, doc: "Request-body bytes sent to the agent" },
    { key: "expectResponseData", kind: "boolean", example: "true", input: { sidecar: "inspection.expectResponseData", service: "inspection.expectResponseData" }, doc: "Send response data to the agent" },
    { key: "agentLayout", kind: "string", example: "service", default: "sidecar", input: {}, doc: "`sidecar` or `service`: the agent as its own scaled Service" },
    { key: "agentImage", kind: "string", example: "signalsciences/sigsci-agent:4.70.0", input: { sidecar: "agent.image", service: "agentService.create.agent.image" }, doc: "The agent's image" },
    { key: "agentGrpcPort", kind: "number", example: "9999", input: { sidecar: "agent.grpcPort", service: "agentService.create.agent.grpcPort" }, doc: "The agent's gRPC port" },
    { key: "agentReplicas", kind: "number", example: "2", input: { service: "agentService.create.replicas" }, doc: "Fixed agent pods (service layout)" },
    { key: "agentMinReplicas", kind: "number", example: "2", input: { service: "agentService.create.autoscaling.minReplicas" }, doc: "Fewest agent pods under the autoscaler (service layout)" },
    { key: "agentMaxReplicas", kind: "number", example: "10", input: { service: "agentService.create.autoscaling.maxReplicas" }, doc: "Most agent pods: turns the autoscaler on (service layout)" },
    { key: "agentCpuUtilization", kind: "number", example: "70", input: { service: "agentService.create.autoscaling.cpuUtilization" }, doc: "Autoscaler CPU target in percent (service layout)" },
    { key: "accessKeyId", kind: "string", secret: true, example: "<Agent Access Key>", input: { sidecar: "credentials", service: "credentials" }, doc: "The Agent Access Key (secret)" },
    { key: "secretAccessKey", kind: "string", secret: true, example: "<Agent Secret Key>", input: { sidecar: "credentials", service: "credentials" }, doc: "The Agent Secret Key (secret)" },
    { key: "existingSecretName", kind: "string", example: "sigsci.my-site-name-here", input: { sidecar: "credentials.existingSecretName", service: "credentials.existingSecretName" }, doc: "Instead of the keys: an existing Secret with `accesskeyid` / `secretaccesskey`" },
];

const keyOf = (key: string) => CONFIG_KEYS.find((k) => k.key === key);

/** One stack's configuration: the program's own keys (without the project prefix) as strings. */
export interface Stack {
    project: string;
    values: Record<string, string>;
    /** A key's value as a secret output (for the agent keys). */
    secret(key: string): pulumi.Output<string>;
}

/** The configuration Pulumi hands the program (`pulumi up`, or the offline render). */
export function currentStack(config: pulumi.Config = new pulumi.Config()): Stack {
    const prefix = `${config.name}:`;
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) if (k.startsWith(prefix)) values[k.slice(prefix.length)] = v;
    return { project: config.name, values, secret: (key) => config.requireSecret(key) };
}

/** A config value the program cannot use. */
export class ConfigError extends Error {
    constructor(
        project: string,
        /** The key, without the project prefix. */
        readonly key: string,
        problem: string,
        /** A command that makes this check pass. */
        readonly fix?: string,
    ) {
        super(`sigsci-envoy: config "${project}:${key}" ${problem}${fix ? `. Fix it with: ${fix}` : ""}`);
        this.name = "ConfigError";
    }
}

/** A problem with one key, before it becomes a {@link ConfigError} with its fix. */
class Problem {
    constructor(
        readonly key: string,
        readonly text: string,
        /** For a misspelt key: the key meant. */
        readonly meant?: string,
    ) {}
}

type Layout = "sidecar" | "service";

export interface StackSettings {
    name: string;
    layout: Layout;
    args: EnvoyAppArgs;
}

/**
 * Reads the stack into EnvoyApp args, refusing everything the component would refuse (the
 * same rules, run here on the plain values) with the key and a `pulumi config` command that
 * was tried and makes that check pass.
 */
export function readStackConfig(stack: Stack): StackSettings {
    const problem = findProblem(stack.values);
    if (problem) throw new ConfigError(stack.project, problem.key, problem.text, fixFor(stack.values, problem));
    return argsOf(stack.values, (key) => stack.secret(key));
}

/** The first problem of `values`, or undefined when `pulumi up` would accept them. */
function findProblem(values: Record<string, string>): Problem | undefined {
    try {
        const { name, args } = argsOf(values, (key) => values[key]);
        for (const [key] of AGENT_KEYS) if (values[key] !== undefined) checkAgentKey(key, values[key]);
        resolveAppSettings(name, args as pulumi.Unwrap<EnvoyAppArgs>);
        return undefined;
    } catch (e) {
        if (e instanceof Problem) return e;
        if (e instanceof InputError) return asProblem(values, e);
        throw e;
    }
}

/** Levenshtein distance, case-insensitive: how far a misspelt key is from each known one. */
function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let row = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const next = [i];
        for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        row = next;
    }
    return row[y.length];
}

function closestKey(key: string): string {
    return CONFIG_KEYS.map((k) => k.key).sort((a, b) => distance(key, a) - distance(key, b))[0];
}

/** The stack's values as EnvoyApp args; `credential` gives each agent key (an output for the component, plain for the checks). */
function argsOf(values: Record<string, string>, credential: (key: string) => pulumi.Input<string>): StackSettings {
    for (const key of Object.keys(values)) {
        // A misspelt key would be ignored and its default used: refuse it.
        if (!keyOf(key)) {
            const meant = closestKey(key);
            throw new Problem(key, `is not a setting of this program: did you mean ${meant}?`, meant);
        }
    }
    const read = (key: string): unknown => {
        const k = keyOf(key)!;
        const value = values[key];
        if (value === undefined) return undefined;
        switch (k.kind) {
            case "number": {
                const n = Number(value);
                if (value.trim() === "" || !Number.isFinite(n)) throw new Problem(key, `is ${JSON.stringify(value)}: expected a number`);
                return n;
            }
            case "boolean":
                if (value !== "true" && value !== "false") throw new Problem(key, `is ${JSON.stringify(value)}: expected true or false`);
                return value === "true";
            case "list": {
                let list: unknown;
                try {
                    list = JSON.parse(value);
                } catch {
                    list = undefined;
                }
                if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) throw new Problem(key, `is ${JSON.stringify(value)}: expected a JSON list of strings`);
                return list;
            }
            default:
                return value;
        }
    };
    for (const k of CONFIG_KEYS) if (k.required && values[k.key] === undefined) throw new Problem(k.key, "is not set");
    const name = read("appName") as string;
    const layout = (read("agentLayout") ?? keyOf("agentLayout")!.default) as Layout;
    if (layout !== "sidecar" && layout !== "service") throw new Problem("agentLayout", `is ${JSON.stringify(layout)}: expected "sidecar" or "service"`);

    const existingSecretName = read("existingSecretName") as string | undefined;
    const hasKeys = values.accessKeyId !== undefined || values.secretAccessKey !== undefined;
    if (existingSecretName === undefined) {
        for (const key of ["accessKeyId", "secretAccessKey"]) {
            if (values[key] === undefined) throw new Problem(key, "is not set (give both agent keys as secrets, or existingSecretName)");
        }
    } else if (hasKeys) {
        throw new Problem("existingSecretName", "is set together with accessKeyId/secretAccessKey: give one or the other");
    }
    const credentials = existingSecretName !== undefined ? { existingSecretName } : { accessKeyId: credential("accessKeyId"), secretAccessKey: credential("secretAccessKey") };

    if (layout === "sidecar") {
        for (const key of ["agentReplicas", "agentMinReplicas", "agentMaxReplicas", "agentCpuUtilization"]) {
            if (values[key] !== undefined) throw new Problem(key, 'is set but agentLayout is "sidecar" (the sidecar scales with the app)');
        }
    }
    const maxReplicas = read("agentMaxReplicas") as number | undefined;
    if (maxReplicas === undefined) {
        for (const key of ["agentMinReplicas", "agentCpuUtilization"]) if (values[key] !== undefined) throw new Problem(key, "is set, but agentMaxReplicas, which turns the autoscaler on, is not");
    }
    const agent = { image: read("agentImage") as string | undefined, grpcPort: read("agentGrpcPort") as number | undefined };
    const autoscaling = maxReplicas === undefined ? undefined : { maxReplicas, minReplicas: read("agentMinReplicas") as number | undefined, cpuUtilization: read("agentCpuUtilization") as number | undefined };
    const common: EnvoyAppArgs = dropUndefined({
        namespace: read("namespace") as string | undefined,
        replicas: read("replicas") as number | undefined,
        port: read("port") as number | undefined,
        app: { image: read("appImage") as string, port: read("appPort") as number | undefined, args: read("appArgs") as string[] | undefined },
        envoy: { image: read("envoyImage") as string | undefined },
        inspection: {
            integration: read("integration") as string | undefined,
            failOpen: read("failOpen") as boolean | undefined,
            timeout: read("inspectionTimeout") as string | undefined,
            maxRequestBytes: read("maxRequestBytes") as number | undefined,
            expectResponseData: read("expectResponseData") as boolean | undefined,
        },
        credentials,
    });
    // The layout's own part stays even when empty: `agentService: {create: {}}` is what makes the service layout.
    const args: EnvoyAppArgs =
        layout === "sidecar"
            ? { ...common, ...dropUndefined({ agent }) }
            : { ...common, agentService: { create: dropUndefined({ agent, replicas: read("agentReplicas") as number | undefined, autoscaling }) } };
    return { name, layout, args };
}

/** Leaves out what the stack does not set, so the components' defaults apply. */
function dropUndefined<T>(v: T): T {
    if (pulumi.Output.isInstance(v) || Array.isArray(v) || typeof v !== "object" || v === null) return v;
    const out: any = {};
    for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        const cleaned = dropUndefined(x);
        if (typeof cleaned === "object" && cleaned !== null && !Array.isArray(cleaned) && !pulumi.Output.isInstance(cleaned) && Object.keys(cleaned).length === 0) continue;
        out[k] = cleaned;
    }
    return out;
}

/** A component's refusal, restated in terms of the config key that set the input. */
function asProblem(values: Record<string, string>, e: InputError): Problem {
    const layout: Layout = values.agentLayout === "service" ? "service" : "sidecar";
    const byInput = CONFIG_KEYS.filter((k) => k.input[layout] !== undefined && !k.secret);
    const credential = /^credentials\.(accessKeyId|secretAccessKey)$/.exec(e.input)?.[1];
    const owner = credential ?? byInput.find((k) => k.input[layout] === e.input)?.key ?? (e.input === "name" ? "appName" : undefined);
    let accepted = e.accepted;
    for (const k of byInput) accepted = accepted.split(k.input[layout]!).join(k.key);
    // An input no key sets (a default the stack cannot change) is still the app's: name the app.
    return new Problem(owner ?? "appName", owner ? `is ${e.given}: expected ${accepted}` : `gives ${e.message.replace(/^sigsci-envoy: /, "")}`);
}

/** A `pulumi config` command that makes the check of `problem` pass, tried before it is offered. */
function fixFor(values: Record<string, string>, problem: Problem): string | undefined {
    const passes = (next: Record<string, string>) => findProblem(next)?.key !== problem.key;
    const without = (key: string) => Object.fromEntries(Object.entries(values).filter(([k]) => k !== key));
    const set = (key: string, value: string) => {
        const k = keyOf(key)!;
        return `pulumi config set ${k.secret ? "--secret " : ""}${key} ${k.kind === "list" ? `'${value}'` : value}`;
    };
    if (problem.meant !== undefined) {
        // The value moves to the key meant, unless it is an agent key (never shown) or would not pass there.
        const meant = keyOf(problem.meant)!;
        const value = meant.secret || keyOf(problem.key)?.secret ? meant.example : values[problem.key];
        const moved = { ...without(problem.key), [problem.meant]: value };
        return meant.secret || findProblem(moved)?.key !== problem.meant
            ? `pulumi config rm ${problem.key} && ${set(problem.meant, meant.secret ? meant.example : value)}`
            : `pulumi config rm ${problem.key}`;
    }
    const k = keyOf(problem.key);
    if (!k) return undefined;
    if (k.secret) return set(k.key, k.example);
    for (const candidate of candidates(k, values)) if (passes({ ...values, [k.key]: candidate })) return set(k.key, candidate);
    if (!k.required && passes(without(k.key))) return `pulumi config rm ${k.key}`;
    return undefined;
}

/** Values to try for a key: its example, then (for numbers) others near it. */
function candidates(k: Key, values: Record<string, string>): string[] {
    if (k.kind !== "number") return [k.example];
    const base = Number(k.example);
    const near = [base, base + 1, base - 1, base * 2, Number(values[k.key]) + 1].filter((n) => Number.isInteger(n) && n > 0);
    return [...new Set(near.map(String))];
}
