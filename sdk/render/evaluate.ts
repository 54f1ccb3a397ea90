// Evaluates a Pulumi program in-process under the SDK's mock runtime - no CLI, no cluster, no
// network - and records every resource it registers. The offline render (and its command line,
// `sigsci-envoy render`) and the tests use it.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as path from "path";

export interface Registered {
    /** Resource type token, e.g. `kubernetes:apps/v1:Deployment`. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    /** The inputs as the engine receives them (secrets still wrapped). */
    inputs: any;
    /** The resource's URN: it encodes the parent chain. */
    urn: string;
    custom: boolean;
    /** The earlier names its aliases give it (the provider's own aliases for older API versions of a kind are left out). */
    aliases: string[];
    /** The URNs it depends on, as the engine gets them (its inputs' resources and its dependsOn, components expanded to their children). */
    dependencies: string[];
}

export interface Evaluation<T> {
    /** What `program` returned. */
    result: T;
    resources: Registered[];
    /** How many resources were registered (recorded or not). */
    registrations: number;
    /** What the program logged with `pulumi.log.warn` (under the mock runtime there is no engine to show it). */
    warnings: string[];
    /**
     * The errors the program raised after it returned (an input that turned out bad when its
     * output resolved, say), each once: what `pulumi up` would report.
     */
    errors: Error[];
}

const SECRET_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

export function isWrappedSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as any)[SECRET_KEY] === SECRET_SIG;
}

/** A copy of `v` with every wrapped secret replaced by `reveal(value)`. */
export function mapSecrets(v: any, reveal: (secret: unknown) => unknown): any {
    if (isWrappedSecret(v)) return reveal(v.value);
    if (Array.isArray(v)) return v.map((x) => mapSecrets(x, reveal));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapSecrets(x, reveal)]));
    return v;
}

/**
 * The name the Kubernetes provider would give an object without `metadata.name`:
 * `<resource name>-<8 hex>`. The provider's suffix is random; here it is a hash, so the same
 * program gives the same names on every evaluation. By default the hash is of the resource
 * name; give `content` (the object, secrets left out) and a changed object gets a new name, as
 * a new deployment through the provider would - what GitOps needs for immutable ConfigMaps.
 */
export function autoName(resourceName: string, content?: unknown): string {
    const hash = createHash("sha256").update(resourceName);
    if (content !== undefined) hash.update(JSON.stringify(mapSecrets(content, () => "(secret)")));
    return `${resourceName}-${hash.digest("hex").slice(0, 8)}`;
}

/**
 * Runs `program` under fresh mocks with `config` (`project:key` to string) until every resource
 * registration it started has finished, and records what each registered. An error `program`
 * throws is rethrown before anything is awaited.
 */
export interface EvaluateOptions {
    /** `project:key` to the string the program reads. */
    config?: Record<string, string>;
    /** The keys of `config` set as secrets (`project:key`), as `pulumi up` tells the program. */
    secretKeys?: string[];
    project?: string;
    stack?: string;
    /** Suffix provider-named objects by a hash of their content instead of their resource name. */
    nameByContent?: boolean;
    /** Evaluate as `pulumi preview` does: outputs of resources are unknown, and applies on them do not run. */
    preview?: boolean;
    /** The namespace the mock provider puts objects without one in (default `default`). */
    providerNamespace?: string;
    /** Record each registration's inputs (default); without, only the count (the benchmark's lean mode). */
    record?: boolean;
    /**
     * The `@pulumi/pulumi` module the program registers its resources with (default: this
     * package's): a user's program has its own copy, and the mocks must be set on that one.
     */
    pulumi?: typeof pulumi;
}

export async function evaluate<T>(program: () => T, options: EvaluateOptions = {}): Promise<Evaluation<T>> {
    const sdk = options.pulumi ?? pulumi;
    sdk.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    await sdk.runtime.setMocks(
        {
            newResource(args) {
                const inputs = args.inputs;
                let state = inputs;
                // A secret input makes the metadata secret as a whole: the provider still names the
                // object, and puts it in its namespace when it has none (as the real provider reports
                // it back: `default`, when neither the provider nor the kubeconfig sets one).
                const metadata = isWrappedSecret(inputs.metadata) ? (inputs.metadata.value as any) : inputs.metadata;
                if (args.type.startsWith("kubernetes:") && metadata) {
                    state = {
                        ...inputs,
                        metadata: {
                            ...metadata,
                            name: metadata.name ?? autoName(args.name, options.nameByContent ? inputs : undefined),
                            namespace: metadata.namespace ?? options.providerNamespace ?? "default",
                        },
                    };
                }
                return { id: `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        },
        options.project ?? "sigsci-envoy",
        options.stack ?? "test",
        options.preview ?? false,
    );
    // Every registration, in the order the engine gets them, with the URN it answers.
    const resources: Registered[] = [];
    const record = options.record ?? true;
    let registrations = 0;
    type Callback = (err: unknown, response: any) => void;
    const monitor = sdk.runtime.getMonitor() as unknown as { registerResource(req: any, callback: Callback): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: Callback) =>
        register(req, (err: unknown, response: any) => {
            if (!err) registrations++;
            if (!err && record)
                resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    inputs: sdk.runtime.deserializeProperties(req.getObject()),
                    urn: response.getUrn(),
                    custom: req.getCustom(),
                    aliases: req
                        .getAliasesList()
                        .map((a: any) => a.getSpec()?.getName())
                        .filter((n: string | undefined) => n),
                    dependencies: req.getDependenciesList(),
                });
            callback(err, response);
        });

    // Errors that surface after the program returned reach no one but the process: collect them,
    // once each, as the Pulumi CLI's own handler does.
    const errors: Error[] = [];
    let failed: () => void = () => undefined;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const onRejection = (reason: unknown) => {
        const error = reason instanceof Error ? reason : new Error(String(reason));
        if (!errors.includes(error)) errors.push(error);
        failed();
    };
    // Without an engine the SDK prints warnings with console.warn: collect them instead.
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    const restore = () => {
        console.warn = consoleWarn;
        process.off("unhandledRejection", onRejection);
    };
    process.on("unhandledRejection", onRejection);
    console.warn = (...args: unknown[]) =>
        warnings.push(
            args
                .map(String)
                .join(" ")
                .replace(/^warning: \[runtime\] /, ""),
        );
    try {
        const result = program();
        // Every registration counts from the moment it is started until it has finished (or
        // failed): the SDK's own wait for them, as at the end of `pulumi up`. After a failure,
        // what waits on the failed resource (its outputs, its children) waits forever; `pulumi
        // up` ends when nothing else is left to run, and so does this: under the mock monitor
        // the SDK's work is all promise callbacks, so the next turn of the event loop starts
        // only once every one that could still run has run.
        const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
        await Promise.race([sdk.runtime.disconnect(), failure.then(turn)]);
        // Rejections nobody handled are reported once the current turn ends.
        await turn();
        // A registration whose inputs failed leaves the SDK's own promises for that resource
        // pending; `pulumi up` logs the error and so skips its leak report at exit. This collects
        // the error instead: forget them, or the report would be printed when the process exits.
        // (The SDK's internal store: there is no public way to say an error was reported.)
        if (errors.length > 0) runtimeState(sdk)?.getStore().leakCandidates.clear();
        return { result, resources, registrations, warnings, errors };
    } finally {
        restore();
    }
}

/** The SDK's internal state module, of the `@pulumi/pulumi` copy `sdk` is (found by where that copy was loaded from). */
function runtimeState(sdk: typeof pulumi): any {
    const main = Object.keys(require.cache).find((file) => require.cache[file]?.exports === sdk);
    return main ? require(path.join(path.dirname(main), "runtime", "state")) : undefined;
}

/** Kubernetes objects of an evaluation, as the cluster would receive them; `reveal` decides what a secret shows. */
export function kubernetesObjects(resources: Registered[], reveal: (secret: unknown) => unknown, nameByContent = false): any[] {
    return resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"))
        .map((r) => {
            const [, groupVersion, kind] = r.type.split(":");
            const [group, version] = groupVersion.split("/");
            const obj = mapSecrets(r.inputs, reveal);
            return {
                ...obj,
                apiVersion: group === "core" ? version : `${group}/${version}`,
                kind,
                // The name first, as kubectl shows it.
                metadata: { name: obj.metadata?.name ?? autoName(r.name, nameByContent ? r.inputs : undefined), ...obj.metadata },
            };
        });
}
