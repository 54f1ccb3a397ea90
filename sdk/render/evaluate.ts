// Evaluates a Pulumi program in-process under the SDK's mock runtime - no CLI, no cluster, no
// network - and records every resource it registers. The offline render and the tests use it.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

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
}

export interface Evaluation<T> {
    /** What `program` returned. */
    result: T;
    resources: Registered[];
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

function tick(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `program` under fresh mocks with `config` (`project:key` to string) and waits until it
 * registers nothing more. An error `program` throws is rethrown before anything is awaited.
 */
export interface EvaluateOptions {
    /** `project:key` to the string the program reads. */
    config?: Record<string, string>;
    project?: string;
    stack?: string;
    /** Suffix provider-named objects by a hash of their content instead of their resource name. */
    nameByContent?: boolean;
    /** Evaluate as `pulumi preview` does: outputs of resources are unknown, and applies on them do not run. */
    preview?: boolean;
}

export async function evaluate<T>(program: () => T, options: EvaluateOptions = {}): Promise<Evaluation<T>> {
    const records: Omit<Registered, "urn">[] = [];
    pulumi.runtime.setAllConfig(options.config ?? {});
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const inputs = args.inputs;
                let state = inputs;
                // A secret input makes the metadata secret as a whole: the provider still names the object.
                const metadata = isWrappedSecret(inputs.metadata) ? (inputs.metadata.value as any) : inputs.metadata;
                if (args.type.startsWith("kubernetes:") && metadata && metadata.name === undefined) {
                    state = { ...inputs, metadata: { ...metadata, name: autoName(args.name, options.nameByContent ? inputs : undefined) } };
                }
                records.push({ type: args.type, name: args.name, inputs, custom: args.custom ?? true });
                return { id: `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        },
        options.project ?? "sigsci-envoy",
        options.stack ?? "test",
        options.preview ?? false,
    );
    // Errors that surface after the program returned reach no one but the process: collect them,
    // once each, as the Pulumi CLI's own handler does.
    const errors: Error[] = [];
    const onRejection = (reason: unknown) => {
        const error = reason instanceof Error ? reason : new Error(String(reason));
        if (!errors.includes(error)) errors.push(error);
    };
    process.on("unhandledRejection", onRejection);
    // Without an engine the SDK prints warnings with console.warn: collect them instead.
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        warnings.push(text.replace(/^warning: \[runtime\] /, ""));
    };
    let result: T;
    try {
        result = program();
    } catch (e) {
        console.warn = consoleWarn;
        process.off("unhandledRejection", onRejection);
        throw e;
    }
    // Settled once the monitor has seen no new registration for a while: every output resolved.
    const monitor = () => (pulumi.runtime.getMonitor() as any).getRegisteredResources() as Map<string, unknown>;
    let seen = -1;
    let quiet = 0;
    while (quiet < 20) {
        await tick();
        const now = monitor().size;
        quiet = now === seen ? quiet + 1 : 0;
        seen = now;
    }
    console.warn = consoleWarn;
    process.off("unhandledRejection", onRejection);
    // The monitor and the mock see registrations in the same order: the k-th URN of a type and
    // name belongs to the k-th record of that type and name (two children of different parents
    // may share both).
    const urnsByKey = new Map<string, string[]>();
    for (const urn of monitor().keys()) {
        const parts = urn.split("::");
        const key = `${parts[2].split("$").pop()}::${parts.slice(3).join("::")}`;
        urnsByKey.set(key, [...(urnsByKey.get(key) ?? []), urn]);
    }
    const urnOf = (type: string, name: string) => {
        const urn = urnsByKey.get(`${type}::${name}`)?.shift();
        if (urn === undefined) throw new Error(`no URN for ${type} ${name}`);
        return urn;
    };
    return { result, resources: records.map((r) => ({ ...r, urn: urnOf(r.type, r.name) })), warnings, errors };
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
