// `sigsci-envoy verify`: the traffic-path verifier and the policy pack's rules, on any stream of
// Kubernetes manifests (Helm's output, `kubectl get -o yaml`, a render's files, Fastly's own
// example), for CI: a report on standard output (`--json` for machines) and an exit status.
import * as fs from "fs";
import { applyRules, PACK_RULES, ruleConfigProblems, RuleViolations } from "../pack";
import { KubeObject, TrafficReport } from "../traffic";
import type { EnvoyGatewayOptions } from "../traffic/gateway";
import { trafficVerdict } from "../render/verdict";
import { Io, parseArgs, UsageError } from "./io";
import { ManifestError, manifestFiles, objectsOfStream } from "./manifests";
import { VERIFY_USAGE } from "./verify-usage";

export { VERIFY_USAGE };

export interface VerifyResult {
    /** Every mandatory rule holds. */
    passed: boolean;
    verdict: TrafficReport["verdict"];
    paths: TrafficReport["paths"];
    violations: RuleViolations[];
    objects: number;
}

/** Runs the command; returns its exit code. */
/** Envoy Gateway's deployment modes: the proxies in its controller's namespace, or in each Gateway's. */
const EG_DEPLOYMENTS = ["ControllerNamespace", "GatewayNamespace"];

/** The command's options: `--name value` ones and switches. */
export const VERIFY_OPTIONS = { values: ["namespace", "cluster-domain", "unverifiable", "config", "envoy-gateway-namespace", "envoy-gateway-deployment"], flags: ["json"] };

export async function verifyCommand(argv: string[], io: Io): Promise<number> {
    let objects: KubeObject[];
    let args: ReturnType<typeof parseArgs>;
    let config: ReturnType<typeof readConfig> = { settings: {}, levels: {} };
    try {
        args = parseArgs(argv, VERIFY_OPTIONS);
        if (args.positional.length === 0) throw new UsageError("no manifests given");
        const unverifiable = args.values.unverifiable;
        if (unverifiable !== undefined && unverifiable !== "warning" && unverifiable !== "error") throw new UsageError(`--unverifiable ${unverifiable}: expected warning or error`);
        const deployment = args.values["envoy-gateway-deployment"];
        if (deployment !== undefined && !EG_DEPLOYMENTS.includes(deployment)) throw new UsageError(`--envoy-gateway-deployment ${deployment}: expected ${EG_DEPLOYMENTS.join(" or ")}`);
        if (args.values.config !== undefined) config = readConfig(args.values.config);
        objects = [];
        for (const source of args.positional) {
            if (source === "-") {
                if (!io.stdin) throw new UsageError("-: no standard input");
                objects.push(...objectsOfStream(await io.stdin(), "standard input"));
            } else for (const file of manifestFiles(source)) objects.push(...objectsOfStream(fs.readFileSync(file, "utf8"), file));
        }
    } catch (e) {
        io.stderr(`${(e as Error).message}\n${e instanceof UsageError ? `${VERIFY_USAGE}\n` : ""}`);
        return 2;
    }
    const options = {
        defaultNamespace: args.values.namespace,
        clusterDomain: args.values["cluster-domain"],
        unverifiable: args.values.unverifiable as "warning" | "error" | undefined,
        envoyGateway: {
            namespace: args.values["envoy-gateway-namespace"],
            deployment: args.values["envoy-gateway-deployment"] as EnvoyGatewayOptions["deployment"],
        },
    };
    const { report, violations } = applyRules(objects, config.settings, options);
    // A level set for one rule, else for all (as the pack's config), else the rule's own; remediate is mandatory here (nothing to fix up).
    const levelOf = (v: RuleViolations) => {
        const level = config.levels[v.rule] ?? config.levels.all ?? v.enforcementLevel;
        return level === "remediate" ? "mandatory" : level;
    };
    const reported = violations
        .map((v) => ({ ...v, enforcementLevel: levelOf(v) as RuleViolations["enforcementLevel"] }))
        .filter((v) => v.findings.length > 0 && (v.enforcementLevel as string) !== "disabled");
    const passed = !reported.some((v) => v.enforcementLevel === "mandatory");
    if (args.flags.json) {
        const result: VerifyResult = { passed, verdict: report.verdict, paths: report.paths, violations: reported, objects: objects.length };
        io.stdout(JSON.stringify(result, null, 2) + "\n");
    } else {
        const lines = [`sigsci-envoy verify: ${objects.length} objects`, trafficVerdict(report)];
        for (const p of report.paths)
            lines.push(
                `  inspected: ${p.envoy} listener ${p.listener} (${p.integration}${p.failOpen ? ", fails open" : ""}) -> ${[...new Set(p.calls.flatMap((c) => c.agents.map((a) => `${a.workload} ${a.listen}`)))].join(", ")}`,
            );
        for (const v of reported) for (const f of v.findings) lines.push(`${v.enforcementLevel} ${v.rule}: ${f.object}: ${f.message} [${f.code}]${f.path ? ` at ${f.path}` : ""}`);
        lines.push(
            passed
                ? "passed: no mandatory rule is violated"
                : `failed: ${reported
                      .filter((v) => v.enforcementLevel === "mandatory")
                      .map((v) => v.rule)
                      .join(", ")}`,
        );
        io.stdout(lines.join("\n") + "\n");
    }
    return passed ? 0 : 1;
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * The pack's configuration as Pulumi reads a policy pack config: rule name to an enforcement
 * level, or to an object of its settings and, optionally, `enforcementLevel`.
 */
function readConfig(file: string): { settings: Record<string, Record<string, any>>; levels: Record<string, string> } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new ManifestError(`--config ${file}: not JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ManifestError(`--config ${file}: expected an object of rule name to its level or settings`);
    const settings: Record<string, Record<string, any>> = {};
    const levels: Record<string, string> = {};
    for (const [rule, value] of Object.entries(parsed)) {
        const packRule = PACK_RULES.find((r) => r.name === rule);
        if (packRule === undefined && rule !== "all") throw new ManifestError(`--config ${file}: no rule ${JSON.stringify(rule)} (the pack has ${PACK_RULES.map((r) => r.name).join(", ")})`);
        // As Pulumi reads it: a level, or an object of the rule's settings and, optionally, its level.
        if (typeof value !== "string" && (typeof value !== "object" || value === null || Array.isArray(value)))
            throw new ManifestError(`--config ${file}: ${rule} is ${JSON.stringify(value)}: expected an enforcement level (${LEVELS.join(", ")}) or an object of the rule's settings`);
        const level = typeof value === "string" ? value : (value as Record<string, unknown>).enforcementLevel;
        if (level !== undefined && !LEVELS.includes(level as string))
            throw new ManifestError(`--config ${file}: ${rule}: enforcement level ${JSON.stringify(level)}: expected one of ${LEVELS.join(", ")}`);
        if (level !== undefined) levels[rule] = level as string;
        if (typeof value === "string") continue;
        // Every setting judged by the rule's own configSchema, the one the pack gives Pulumi; "all" takes a level only.
        const problems =
            packRule === undefined
                ? Object.entries(value)
                      .filter(([k]) => k !== "enforcementLevel")
                      .map(([k, v]) => `all: setting ${JSON.stringify(k)} is ${JSON.stringify(v)}: expected only enforcementLevel (all sets every rule's level)`)
                : ruleConfigProblems(packRule, value as Record<string, unknown>);
        if (problems.length > 0) throw new ManifestError(problems.map((p) => `--config ${file}: ${p}`).join("\n"));
        settings[rule] = value as Record<string, any>;
    }
    return { settings, levels };
}
