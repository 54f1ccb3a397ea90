// Stack configuration of the root program, read with clear errors that name the key (or
// `apps[i].key`) and show a `pulumi config` command that fixes it (tried before it is shown).
//
// One app per stack: a flat key per setting. Several apps: `apps`, a list of objects with the
// same per-app keys; the top-level per-app keys are then every app's defaults, and one shared
// agent fleet (an AgentService) serves every app whose agentLayout is `service`.
//
//   keys.ts      the typed table of keys
//   values.ts    where a value is, and each read by its key's kind
//   plan.ts      the values as component args
//   problems.ts  what pulumi up would refuse, as the key that set it, with a fix
import * as pulumi from "@pulumi/pulumi";
import { fixFor, findProblem, shownText } from "./problems";
import { AppPlan, planOf, StackPlan } from "./plan";
import { pathOf, valuesOf } from "./values";

export { CONFIG_KEYS } from "./keys";
export type { AppPlan, StackPlan } from "./plan";

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
        apps: plan.apps.map((a) => ({ ...a, args: withSecrets(a.args, a.secretInputs) }) as AppPlan),
        fleet: plan.fleet && { ...plan.fleet, args: withSecrets(plan.fleet.args, plan.fleet.secretInputs) },
        gateway: plan.gateway && { ...plan.gateway, args: withSecrets(plan.gateway.args, plan.gateway.secretInputs) },
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
