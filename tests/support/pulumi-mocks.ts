// Runs Pulumi programs under the SDK's mock runtime and records what they register.
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

/** What the Kubernetes provider would name an object that has no `metadata.name`: `<name>-<8 hex>` (deterministic here). */
export function autoName(resourceName: string): string {
    return `${resourceName}-${createHash("sha256").update(resourceName).digest("hex").slice(0, 8)}`;
}

const SECRET_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

export function isWrappedSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as any)[SECRET_KEY] === SECRET_SIG;
}

/** A copy of `v` with every wrapped secret replaced by its value (what the cluster would receive). */
export function unwrapSecrets(v: any): any {
    if (isWrappedSecret(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    return v;
}

/** Every string in `v` outside a secret wrapper, with its path. */
export function plainStrings(v: any, path = "$"): [string, string][] {
    if (isWrappedSecret(v)) return [];
    if (typeof v === "string") return [[path, v]];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainStrings(x, `${path}[${i}]`));
    if (typeof v === "object" && v !== null) return Object.entries(v).flatMap(([k, x]) => plainStrings(x, `${path}.${k}`));
    return [];
}

/** The value of an output; rejects when the output failed (e.g. an input refused late). */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
    // `promise()` is the SDK's own accessor (internal, but what its tests use); `apply` would swallow a failure.
    return (pulumi.output(o) as any).promise();
}

function tick(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface Run<T> {
    result: T;
    resources: Registered[];
    /** The one resource of `type` (and `name`, when given); fails if there is not exactly one. */
    one(type: string, name?: string): Registered;
    all(type: string): Registered[];
}

/**
 * Runs `program` under fresh mocks and waits until every resource it registers is recorded.
 * `program` may throw: the error is rethrown before anything is awaited.
 */
export async function runProgram<T>(program: () => T, config: Record<string, string> = {}, stack = "test"): Promise<Run<T>> {
    const records: Omit<Registered, "urn">[] = [];
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const inputs = args.inputs;
                let state = inputs;
                if (args.type.startsWith("kubernetes:") && inputs.metadata && inputs.metadata.name === undefined) {
                    state = { ...inputs, metadata: { ...inputs.metadata, name: autoName(args.name) } };
                }
                records.push({ type: args.type, name: args.name, inputs, custom: args.custom ?? true });
                return { id: `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        },
        "sigsci-envoy-test",
        stack,
        false,
    );
    const result = program();
    // Wait until the registrations stop coming: every output of the program has resolved.
    let seen = -1;
    let quiet = 0;
    while (quiet < 20) {
        await tick();
        const now = (pulumi.runtime.getMonitor() as any).getRegisteredResources().size;
        quiet = now === seen ? quiet + 1 : 0;
        seen = now;
    }
    const urns: Map<string, unknown> = (pulumi.runtime.getMonitor() as any).getRegisteredResources();
    const urnOf = (type: string, name: string) => {
        const found = [...urns.keys()].filter((u) => u.endsWith(`::${name}`) && u.split("::")[2].split("$").pop() === type);
        if (found.length !== 1) throw new Error(`expected one URN for ${type} ${name}, found ${found.length}`);
        return found[0];
    };
    const resources = records.map((r) => ({ ...r, urn: urnOf(r.type, r.name) }));
    const all = (type: string) => resources.filter((r) => r.type === type);
    return {
        result,
        resources,
        all,
        one(type, name) {
            const found = all(type).filter((r) => name === undefined || r.name === name);
            if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
            return found[0];
        },
    };
}

/** The Kubernetes objects of a run, as the cluster would receive them (kind and apiVersion filled in from the type token). */
export function kubernetesObjects(run: Run<unknown>): any[] {
    return run.resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes")
        .map((r) => {
            const [, groupVersion, kind] = r.type.split(":");
            const [group, version] = groupVersion.split("/");
            const apiVersion = group === "core" ? version : `${group}/${version}`;
            const obj = unwrapSecrets(r.inputs);
            const name = obj.metadata?.name ?? autoName(r.name);
            return { ...obj, apiVersion, kind, metadata: { ...obj.metadata, name } };
        });
}
