// Test helpers over the mock-runtime evaluator (tools/render/evaluate.ts).
import * as pulumi from "@pulumi/pulumi";
import { autoName, evaluate, isWrappedSecret, kubernetesObjects as objectsOf, mapSecrets, Registered } from "../../sdk/render/evaluate";

export { autoName, isWrappedSecret, Registered };

/** A copy of `v` with every wrapped secret replaced by its value (what the cluster would receive). */
export function unwrapSecrets(v: any): any {
    return mapSecrets(v, (secret) => unwrapSecrets(secret));
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

export interface Run<T> {
    result: T;
    resources: Registered[];
    /** What the program logged with `pulumi.log.warn`. */
    warnings: string[];
    /** Errors raised after the program returned, once each (what `pulumi up` would report). */
    errors: Error[];
    /** The one resource of `type` (and `name`, when given); fails if there is not exactly one. */
    one(type: string, name?: string): Registered;
    all(type: string): Registered[];
}

/** Runs `program` under fresh mocks (see `evaluate`) and indexes what it registered. */
export async function runProgram<T>(program: () => T, config: Record<string, string> = {}, options: { preview?: boolean; providerNamespace?: string } = {}): Promise<Run<T>> {
    const { result, resources, warnings, errors } = await evaluate(program, { config, project: "sigsci-envoy-test", preview: options.preview, providerNamespace: options.providerNamespace });
    const all = (type: string) => resources.filter((r) => r.type === type);
    return {
        result,
        resources,
        warnings,
        errors,
        all,
        one(type, name) {
            const found = all(type).filter((r) => name === undefined || r.name === name);
            if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
            return found[0];
        },
    };
}

/** The Kubernetes objects of a run, secrets revealed (what the cluster would receive). */
export function kubernetesObjects(run: Run<unknown>): any[] {
    return objectsOf(run.resources, unwrapSecrets);
}
