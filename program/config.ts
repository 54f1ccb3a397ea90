// Stack configuration of the root program: one flat key per setting, read with clear errors
// that name the key and show the `pulumi config set` command that fixes it.
import * as pulumi from "@pulumi/pulumi";
import { EnvoyAppArgs, InputError } from "../sdk";

type Kind = "string" | "number" | "boolean" | "list";

interface Key {
    /** The config key, without the project prefix. */
    key: string;
    kind: Kind;
    /** A value to show in the fix-it command. */
    example: string;
    /** What it sets, as an EnvoyApp input path, per agent layout (none: it shapes the args itself). */
    input: { sidecar?: string; service?: string };
    secret?: boolean;
    doc: string;
}

/** Every key the program reads. The README's stack configuration table lists the same. */
export const CONFIG_KEYS: Key[] = [
    { key: "appName", kind: "string", example: "helloworld", input: {}, doc: "Name of the app: the Deployment, Service and prefix of every object (required)" },
    { key: "namespace", kind: "string", example: "default", input: { sidecar: "namespace", service: "namespace" }, doc: "Namespace of every object (default `default`)" },
    { key: "appImage", kind: "string", example: "signalsciences/example-helloworld:latest", input: { sidecar: "app.image", service: "app.image" }, doc: "The app's image (required)" },
    { key: "appPort", kind: "number", example: "8080", input: { sidecar: "app.port", service: "app.port" }, doc: "Port the app listens on inside the pod (default 8080)" },
    { key: "appArgs", kind: "list", example: '["localhost:8080"]', input: { sidecar: "app.args", service: "app.args" }, doc: "The app container's arguments, a JSON list" },
    { key: "replicas", kind: "number", example: "3", input: { sidecar: "replicas", service: "replicas" }, doc: "App pod replicas (default 1)" },
    { key: "port", kind: "number", example: "8000", input: { sidecar: "port", service: "port" }, doc: "Envoy's front port (default 8000)" },
    { key: "envoyImage", kind: "string", example: "envoyproxy/envoy:v1.39.5", input: { sidecar: "envoy.image", service: "envoy.image" }, doc: "Envoy's image (default: the pinned release)" },
    { key: "integration", kind: "string", example: "ext_proc", input: { sidecar: "inspection.integration", service: "inspection.integration" }, doc: "How Envoy consults the agent: `ext_authz` (default, with the access log) or `ext_proc`" },
    { key: "failOpen", kind: "boolean", example: "false", input: { sidecar: "inspection.failOpen", service: "inspection.failOpen" }, doc: "Let requests through when the agent cannot answer (default true)" },
    { key: "inspectionTimeout", kind: "string", example: "0.2s", input: { sidecar: "inspection.timeout", service: "inspection.timeout" }, doc: "How long Envoy waits for the agent (default `0.2s`)" },
    { key: "maxRequestBytes", kind: "number", example: "8192", input: { sidecar: "inspection.maxRequestBytes", service: "inspection.maxRequestBytes" }, doc: "Request-body bytes sent to the agent (default 8192)" },
    { key: "expectResponseData", kind: "boolean", example: "true", input: { sidecar: "inspection.expectResponseData", service: "inspection.expectResponseData" }, doc: "Send response data to the agent (default true)" },
    { key: "agentLayout", kind: "string", example: "service", input: {}, doc: "`sidecar` (default) or `service`: the agent as its own scaled Service" },
    { key: "agentImage", kind: "string", example: "signalsciences/sigsci-agent:4.70.0", input: { sidecar: "agent.image", service: "agentService.create.agent.image" }, doc: "The agent's image (default `signalsciences/sigsci-agent:latest`)" },
    { key: "agentGrpcPort", kind: "number", example: "9999", input: { sidecar: "agent.grpcPort", service: "agentService.create.agent.grpcPort" }, doc: "The agent's gRPC port (default 9999)" },
    { key: "agentReplicas", kind: "number", example: "2", input: { service: "agentService.create.replicas" }, doc: "Fixed agent pods (service layout; default 2)" },
    { key: "agentMinReplicas", kind: "number", example: "2", input: { service: "agentService.create.autoscaling.minReplicas" }, doc: "Fewest agent pods under the autoscaler (service layout)" },
    { key: "agentMaxReplicas", kind: "number", example: "10", input: { service: "agentService.create.autoscaling.maxReplicas" }, doc: "Most agent pods: turns the autoscaler on (service layout)" },
    { key: "agentCpuUtilization", kind: "number", example: "70", input: { service: "agentService.create.autoscaling.cpuUtilization" }, doc: "Autoscaler CPU target in percent (service layout; default 70)" },
    { key: "accessKeyId", kind: "string", secret: true, example: "<Agent Access Key>", input: { sidecar: "credentials", service: "credentials" }, doc: "The Agent Access Key (secret)" },
    { key: "secretAccessKey", kind: "string", secret: true, example: "<Agent Secret Key>", input: { sidecar: "credentials", service: "credentials" }, doc: "The Agent Secret Key (secret)" },
    { key: "existingSecretName", kind: "string", example: "sigsci.my-site-name-here", input: { sidecar: "credentials.existingSecretName", service: "credentials.existingSecretName" }, doc: "Instead of the keys: an existing Secret with `accesskeyid` / `secretaccesskey`" },
];

/** A config value the program cannot use. */
export class ConfigError extends Error {
    constructor(project: string, key: string, problem: string) {
        const k = CONFIG_KEYS.find((c) => c.key === key);
        const fix = k ? `pulumi config set ${k.secret ? "--secret " : ""}${key} ${k.kind === "list" ? `'${k.example}'` : k.example}` : "";
        super(`sigsci-envoy: config "${project}:${key}" ${problem}${fix ? `. Fix it with: ${fix}` : ""}`);
        this.name = "ConfigError";
    }
}

type Layout = "sidecar" | "service";

/** Reads the stack configuration into EnvoyApp args; every problem names its config key. */
export function readStackConfig(config: pulumi.Config = new pulumi.Config()): { name: string; layout: Layout; args: EnvoyAppArgs } {
    const project = config.name;
    const raw = (key: string): string | undefined => config.get(key);
    const read = (key: string): unknown => {
        const k = CONFIG_KEYS.find((c) => c.key === key)!;
        const value = raw(key);
        if (value === undefined) return undefined;
        switch (k.kind) {
            case "number": {
                const n = Number(value);
                if (value.trim() === "" || !Number.isFinite(n)) throw new ConfigError(project, key, `is ${JSON.stringify(value)}: expected a number`);
                return n;
            }
            case "boolean":
                if (value !== "true" && value !== "false") throw new ConfigError(project, key, `is ${JSON.stringify(value)}: expected true or false`);
                return value === "true";
            case "list": {
                let list: unknown;
                try {
                    list = JSON.parse(value);
                } catch {
                    list = undefined;
                }
                if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) throw new ConfigError(project, key, `is ${JSON.stringify(value)}: expected a JSON list of strings`);
                return list;
            }
            default:
                return value;
        }
    };
    const name = read("appName") as string | undefined;
    if (name === undefined) throw new ConfigError(project, "appName", "is not set");
    const appImage = read("appImage");
    if (appImage === undefined) throw new ConfigError(project, "appImage", "is not set");
    const layout = (read("agentLayout") ?? "sidecar") as Layout;
    if (layout !== "sidecar" && layout !== "service") throw new ConfigError(project, "agentLayout", `is ${JSON.stringify(layout)}: expected "sidecar" or "service"`);

    const existingSecretName = read("existingSecretName") as string | undefined;
    const hasKeys = raw("accessKeyId") !== undefined || raw("secretAccessKey") !== undefined;
    if (existingSecretName === undefined) {
        for (const key of ["accessKeyId", "secretAccessKey"]) {
            if (raw(key) === undefined) throw new ConfigError(project, key, `is not set (give both agent keys as secrets, or existingSecretName)`);
        }
    } else if (hasKeys) {
        throw new ConfigError(project, "existingSecretName", "is set together with accessKeyId/secretAccessKey: give one or the other (pulumi config rm existingSecretName)");
    }
    const credentials = existingSecretName !== undefined
        ? { existingSecretName }
        : { accessKeyId: config.requireSecret("accessKeyId"), secretAccessKey: config.requireSecret("secretAccessKey") };

    const agent = { image: read("agentImage") as string | undefined, grpcPort: read("agentGrpcPort") as number | undefined };
    const maxReplicas = read("agentMaxReplicas") as number | undefined;
    if (layout === "sidecar") {
        for (const key of ["agentReplicas", "agentMinReplicas", "agentMaxReplicas", "agentCpuUtilization"]) {
            if (raw(key) !== undefined) throw new ConfigError(project, key, 'is set but agentLayout is "sidecar" (the sidecar scales with the app); set agentLayout to service or remove it');
        }
    }
    const autoscaling = maxReplicas === undefined
        ? undefined
        : { maxReplicas, minReplicas: read("agentMinReplicas") as number | undefined, cpuUtilization: read("agentCpuUtilization") as number | undefined };
    if (maxReplicas === undefined && (raw("agentMinReplicas") !== undefined || raw("agentCpuUtilization") !== undefined)) {
        throw new ConfigError(project, "agentMaxReplicas", "is not set, but other autoscaler settings are (agentMaxReplicas turns the autoscaler on)");
    }
    const common: EnvoyAppArgs = dropUndefined({
        namespace: read("namespace") as string | undefined,
        replicas: read("replicas") as number | undefined,
        port: read("port") as number | undefined,
        app: { image: appImage as string, port: read("appPort") as number | undefined, args: read("appArgs") as string[] | undefined },
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

/** Restates a component's InputError in terms of the config key that set the input. */
export function asConfigError(project: string, layout: Layout, e: unknown): unknown {
    if (!(e instanceof InputError)) return e;
    const byInput = CONFIG_KEYS.filter((k) => k.input[layout] !== undefined && !k.secret);
    const owner = byInput.find((k) => k.input[layout] === e.input) ?? (e.input === "name" ? CONFIG_KEYS[0] : undefined);
    if (!owner) return e;
    let accepted = e.accepted;
    for (const k of byInput) accepted = accepted.split(k.input[layout]!).join(k.key);
    return new ConfigError(project, owner.key, `is ${e.given}: expected ${accepted}`);
}
