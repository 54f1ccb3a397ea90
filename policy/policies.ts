// The policies of the sigsci-envoy policy pack: Fastly's guide and full WAF coverage, held for
// every Kubernetes object of a stack however it was made (these components, raw
// @pulumi/kubernetes resources, yaml.ConfigGroup/ConfigFile children). Each policy runs the
// plain checks of sigsci-envoy (sigsci-envoy/guide, sigsci-envoy/traffic) and reports each
// finding with the object it is about and the fix. This module only describes the policies:
// index.ts serves them (constructing a PolicyPack starts a server), and tests call them directly.
import { EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { checkAgentContainers, checkAgentKeysInConfigMaps, failOpenPaths, GuideCode } from "sigsci-envoy/guide";
import { Finding, WORKLOAD_KINDS } from "sigsci-envoy/traffic";
import { judgeStack, kubeObjectOf, StackJudgement, unknownForResourceCheck } from "./resources";

export const PACK_NAME = "sigsci-envoy";

type Check = (objects: any[]) => Finding[];

/** The findings a resource policy reports for every agent container, whichever path it is on: the stack policies leave them to it (one report per defect). */
const GUIDE_OWNED: readonly string[] = ["agent-no-prestop", "agent-grace-short"];

/** Each resource converted once per preview, for every resource policy (the SDK hands each the same props). */
const conversions = new WeakMap<object, ReturnType<typeof kubeObjectOf>>();
function convertedOnce(args: ResourceValidationArgs): ReturnType<typeof kubeObjectOf> {
    if (typeof args.props !== "object" || args.props === null) return kubeObjectOf(args);
    if (!conversions.has(args.props)) conversions.set(args.props, kubeObjectOf(args));
    return conversions.get(args.props);
}

/** A policy over each Kubernetes resource of `kinds` on its own, reporting the findings of `codes`. */
function resourcePolicy(name: string, description: string, enforcementLevel: EnforcementLevel, kinds: readonly string[], check: Check, codes: GuideCode[]): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const converted = convertedOnce(args);
            if (!converted || !kinds.includes(converted.object.kind)) return;
            // A value the check could read is unknown in this preview: rethrown, the SDK reports
            // that this policy cannot judge this object yet (advisory), naming it.
            const unknown = unknownForResourceCheck(converted);
            if (unknown) throw unknown;
            for (const f of check([converted.object])) if ((codes as string[]).includes(f.code)) reportViolation(`${f.object}: ${f.message} [${f.code}]`);
        },
    };
}

const report = (reportViolation: ReportViolation) => (f: Finding) => reportViolation(`${f.object}: ${f.message} [${f.code}]`);

/** A finding with the scope of the traffic model it was made in (the Envoy workload followed; undefined for the whole). */
interface Scoped {
    finding: Finding;
    scope: string | undefined;
}

/** The namespace of a scope (`Deployment shop/web` -> `shop`). */
const namespaceOf = (scope: string) => scope.split(" ")[1]?.split("/")[0];

/**
 * A policy over the whole stack's objects, as the traffic model needs them together, judged once
 * per preview for every stack policy. A finding that rests on a value read unknown is held back;
 * every other is reported; then, if the policy judges a scope in which an unknown value was read,
 * it says so (the SDK reports that as advisory for this preview), naming the value.
 */
function stackPolicy(
    name: string,
    description: string,
    enforcementLevel: EnforcementLevel,
    select: (j: StackJudgement, config: Record<string, any>) => { findings: Scoped[]; judges: (scope: string | undefined) => boolean },
    configSchema?: StackValidationPolicy["configSchema"],
): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        ...(configSchema ? { configSchema } : {}),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const j = judgeStack(args.resources);
            const { findings, judges } = select(j, args.getConfig<Record<string, any>>());
            for (const { finding, scope } of findings) if (!j.held.has(scope)) report(reportViolation)(finding);
            const held = [...j.held].find(([scope]) => judges(scope));
            if (held) throw held[1];
        },
    };
}

/** The traffic model's findings that `keep`, with their scopes. */
const traffic = (j: StackJudgement, keep: (f: Finding) => boolean): Scoped[] => j.report.findings.filter(keep).map((finding) => ({ finding, scope: j.scopeOf.get(finding) }));
const everything = () => true;

export const POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    stackPolicy(
        "waf-coverage",
        "Every listener of every Envoy pod inspects each request (ext_authz or ext_proc before the router) and reaches a listening agent in the mode it speaks, through Services and NetworkPolicies that let it through; no NetworkPolicy or Service lets traffic reach the app around Envoy; no pod turns Ready before its inspection path answers. Envoy pods in `exemptNamespaces` (Envoys that front no WAF) are not judged.",
        "mandatory",
        (j, config) => {
            const exempt: string[] = Array.isArray(config.exemptNamespaces) ? config.exemptNamespaces : [];
            const judged = (scope: string | undefined) => scope === undefined || !exempt.includes(namespaceOf(scope));
            return { findings: traffic(j, (f) => f.severity === "error" && f.code !== "admin-exposed" && !GUIDE_OWNED.includes(f.code) && judged(f.object)), judges: judged };
        },
        { properties: { exemptNamespaces: { type: "array", items: { type: "string" }, default: [], description: "Namespaces whose Envoy pods front no WAF and are not judged" } } },
    ),
    stackPolicy(
        "waf-coverage-verifiable",
        "No agent pod is left idle, and no other warning of the traffic-path verifier (what it cannot verify is an error of waf-coverage).",
        "advisory",
        (j) => ({ findings: traffic(j, (f) => f.severity === "warning"), judges: everything }),
    ),
    stackPolicy(
        "envoy-admin-loopback",
        "Envoy's admin interface listens on loopback only, and a listener on the pod's address forwards nothing of it but the read-only paths /ready and /stats/prometheus.",
        "mandatory",
        (j) => ({ findings: traffic(j, (f) => f.severity === "error" && f.code === "admin-exposed"), judges: everything }),
    ),
    stackPolicy(
        "envoy-fail-closed",
        "In the namespaces the pack's config lists (`namespaces`), Envoy refuses requests when no agent answers (failure_mode_allow: false) instead of passing them uninspected.",
        "mandatory",
        (j, config) => {
            const namespaces: string[] = Array.isArray(config.namespaces) ? config.namespaces : [];
            return { findings: failOpenPaths(j.report, namespaces).map((finding) => ({ finding, scope: finding.object })), judges: (scope) => namespaces.length > 0 && (scope === undefined || namespaces.includes(namespaceOf(scope))) };
        },
        { properties: { namespaces: { type: "array", items: { type: "string" }, default: [], description: "Namespaces whose Envoy pods must fail closed" } } },
    ),
    resourcePolicy(
        "sigsci-agent-credentials",
        "The agent reads SIGSCI_ACCESSKEYID and SIGSCI_SECRETACCESSKEY from a Secret (valueFrom.secretKeyRef), never from literal values.",
        "mandatory",
        WORKLOAD_KINDS,
        checkAgentContainers,
        ["agent-key-literal"],
    ),
    resourcePolicy(
        "sigsci-agent-filesystem",
        "The agent runs with a read-only root filesystem and a writable volume where it writes its RPC socket and cache (/sigsci/tmp by default).",
        "mandatory",
        WORKLOAD_KINDS,
        checkAgentContainers,
        ["agent-root-writable", "agent-tmp-missing"],
    ),
    resourcePolicy(
        "sigsci-agent-shutdown",
        "The agent has a preStop sleep (the guide's 30 s), and the pod's grace period is longer than it.",
        "mandatory",
        WORKLOAD_KINDS,
        checkAgentContainers,
        ["agent-no-prestop", "agent-grace-short"],
    ),
    resourcePolicy(
        "sigsci-agent-image-pull",
        "An agent image tagged latest (or untagged) is not pulled IfNotPresent, which leaves each node on the first latest it pulled.",
        "advisory",
        WORKLOAD_KINDS,
        checkAgentContainers,
        ["agent-pull-policy"],
    ),
    resourcePolicy(
        "sigsci-agent-resources",
        "The agent requests CPU and memory, so the scheduler places it where it gets them and it is not the first evicted.",
        "advisory",
        WORKLOAD_KINDS,
        checkAgentContainers,
        ["agent-no-requests"],
    ),
    resourcePolicy(
        "sigsci-agent-keys-not-in-configmaps",
        "No ConfigMap holds an agent key: they belong in a Secret.",
        "mandatory",
        ["ConfigMap"],
        checkAgentKeysInConfigMaps,
        ["agent-keys-in-configmap"],
    ),
];
