// What `pulumi up` would refuse in a stack, found before anything runs: the keys' own problems
// (plan.ts) and the components' rules run on the plain values, each restated as the config key
// that set the input, with a `pulumi config` command that was tried and makes that check pass.
import * as pulumi from "@pulumi/pulumi";
import { AgentServiceArgs, EnvoyAppArgs, GatewayWafArgs, InputError, IstioAppArgs } from "../sdk";
import { serviceClaims } from "../sdk/components/agent-service";
import { ClaimTable } from "../sdk/components/claims";
import { appClaims } from "../sdk/components/envoy-app";
import { gatewayClaims } from "../sdk/components/gateway-waf";
import { meshClaims } from "../sdk/components/istio-app";
import { isSecretInput, scrub, secretTextsOf } from "../sdk/components/read";
import { plainLink, resolveAgentServiceSettings } from "../sdk/settings/agent-service";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { resolveGatewaySettings } from "../sdk/settings/gateway";
import { resolveMeshSettings } from "../sdk/settings/mesh";
import { closest } from "../sdk/settings/fields";
import { AGENT_KEYS, checkAgentKey } from "../sdk/settings/shared";
import { SECRET_SHOWN } from "../sdk/vocabulary/package";
import { CONFIG_KEYS, Key, keyOf, Target } from "./keys";
import { planOf, StackPlan } from "./plan";
import { At, isSecretAt, pathOf, Problem, samePlace, valueAt, Values, withValue } from "./values";

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
export function shownText(values: Values, problem: Problem): string {
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

/** The first problem of `values`, or undefined when `pulumi up` would accept them. */
export function findProblem(values: Values): Problem | undefined {
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
            if (app.layout === "mesh") {
                const [owner, objects] = meshClaims(app.name, resolveMeshSettings(app.name, app.args as pulumi.Unwrap<IstioAppArgs>), app);
                names.claim(owner, app.name, objects);
                continue;
            }
            const args = app.shared ? { ...app.args, agentService: plainLink(fleet!) } : app.args;
            const settings = resolveAppSettings(app.name, args as pulumi.Unwrap<EnvoyAppArgs>);
            for (const [owner, objects] of appClaims(app.name, settings, app)) names.claim(owner, app.name, objects);
        } catch (e) {
            if (e instanceof InputError) return asProblem(values, at, app.layout, e);
            throw e;
        }
    }
    if (plan.gateway) {
        const { name, args } = plan.gateway;
        try {
            for (const [owner, objects] of gatewayClaims(name, resolveGatewaySettings(name, args as pulumi.Unwrap<GatewayWafArgs>), plan.gateway)) names.claim(owner, name, objects);
        } catch (e) {
            if (e instanceof InputError) return asProblem(values, { key: "gatewayWafName" }, "gateway", e);
            throw e;
        }
    }
    return undefined;
}

/** Inputs no key sets by itself, as a message names them to a stack: by the key that makes them. */
const INPUT_ALIASES: Partial<Record<Target, [string, string][]>> = {
    service: [
        ["agentService.create.autoscaling", "agentMaxReplicas"],
        ["agentService.integration", "integration"],
        ["agentService.expectResponseData", "expectResponseData"],
        ["agentService.clientNamespaces", "the namespaces of the apps of the shared fleet"],
    ],
    fleet: [
        ["autoscaling", "agentMaxReplicas"],
        ["clientNamespaces", "the namespaces of the apps of the shared fleet"],
    ],
    gateway: [["agents.autoscaling", "agentMaxReplicas"]],
};

/**
 * A component's refusal, restated in terms of the config key that set the input: of the app at
 * `owner` (its layout says which inputs the keys set), or of the fleet.
 */
function asProblem(values: Values, owner: At, layout: Target, refusal: InputError): Problem {
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
    const named = credential ?? setting?.key ?? (e.input === "name" ? (({ fleet: "agentServiceName", gateway: "gatewayWafName" } as Partial<Record<Target, string>>)[layout] ?? "appName") : undefined);
    // The Gateway's namespace is the top-level one when gatewayNamespace is not set.
    const key = named === "gatewayNamespace" && values.top.gatewayNamespace === undefined ? "namespace" : named;
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

/** A `pulumi config` command that makes the check of `problem` pass, tried before it is offered. */
export function fixFor(values: Values, problem: Problem): string | undefined {
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
    // A Gateway alone has no app: its keys are not required then.
    const gatewayAlone = values.apps === undefined && values.top.appName === undefined && (values.top.gateway !== undefined || values.top.gatewayRoutes !== undefined);
    const required = k.required && (at.app !== undefined || values.apps === undefined) && !gatewayAlone;
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

/** Values to try for a key, the likeliest first: one of its values close to the current one, its name made to follow its rule, its example, numbers near it. */
function candidates(k: Key, current: string | undefined): string[] {
    const near: string[] = [];
    if (k.values && current !== undefined) {
        const meant = closest(current, k.values);
        if (meant !== undefined) near.push(meant);
    }
    if (k.name && current !== undefined) near.push(...dnsNames(current, k.name));
    if (k.kind !== "number") return [...new Set([...near, k.example])];
    const base = Number(k.example);
    const numbers = [base, base + 1, base - 1, base * 2, Number(current) + 1].filter((n) => Number.isInteger(n) && n > 0);
    return [...new Set([...near, ...numbers.map(String)])];
}

/** `value` made a DNS name of the rule (`Team_A` -> `team-a`), if anything of it is left. */
function dnsNames(value: string, rule: "dns1123" | "dns1035"): string[] {
    let name = value
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .slice(0, 63)
        .replace(/^-+|-+$/g, "");
    if (rule === "dns1035") name = name.replace(/^[0-9-]+/, "");
    return name === "" ? [] : [name];
}
