// The policies of the sigsci-envoy policy pack: Fastly's guide and full WAF coverage, held for
// every Kubernetes object of a stack however it was made (these components, raw
// @pulumi/kubernetes resources, yaml.ConfigGroup/ConfigFile children). Each policy runs the
// plain checks of sigsci-envoy (sigsci-envoy/guide, sigsci-envoy/traffic) and reports each
// finding with the object it is about and the fix. This module only describes the policies:
// index.ts serves them (constructing a PolicyPack starts a server), and tests call them directly.
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { NAMESPACE_LABELS_SETTING, PACK_NAME, PACK_RULES, PackRule, ResourceRule, ruleConfigProblems, ruleUrl, StackRule } from "sigsci-envoy/pack";
import { Finding } from "sigsci-envoy/traffic";
import { judgeStack, kubeObjectOf, unknownForResourceCheck } from "./resources";

export { PACK_NAME };

/** Each resource converted once per preview, for every resource policy (the SDK hands each the same props). */
const conversions = new WeakMap<object, ReturnType<typeof kubeObjectOf>>();
function convertedOnce(args: ResourceValidationArgs): ReturnType<typeof kubeObjectOf> {
    if (typeof args.props !== "object" || args.props === null) return kubeObjectOf(args);
    if (!conversions.has(args.props)) conversions.set(args.props, kubeObjectOf(args));
    return conversions.get(args.props);
}

/** What Pulumi Cloud's policy views show of a rule: the one table's metadata, and its page in the docs. */
function metadata(rule: PackRule) {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        tags: [...rule.tags],
        url: ruleUrl(rule),
    };
}

const report = (reportViolation: ReportViolation) => (f: Finding) => reportViolation(`${f.object}: ${f.message} [${f.code}]`);

/**
 * Refuses a rule's settings that its configSchema does not have, or of another type: Pulumi
 * validates the settings' types against the schema but not their names (its policy SDK does not
 * pass `additionalProperties` on), and a misspelt setting would leave the rule's default in place,
 * silently. Thrown, so the preview stops with the message (the SDK reports it as this policy's
 * error), rather than reported as a violation, which an advisory level would let pass.
 */
function checkConfig(rule: PackRule, config: Record<string, unknown>): void {
    const problems = ruleConfigProblems(rule, config);
    if (problems.length > 0) throw new Error(`the policy pack config: ${problems.join("; ")}`);
}

/** A policy over each Kubernetes resource of the rule's kinds on its own, reporting the findings of its codes. */
function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
    return {
        ...metadata(rule),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            checkConfig(rule, args.getConfig<Record<string, unknown>>());
            const converted = convertedOnce(args);
            if (!converted || !rule.kinds.includes(converted.object.kind)) return;
            // A value the check could read is unknown in this preview: rethrown, the SDK reports
            // that this policy cannot judge this object yet (advisory), naming it.
            const unknown = unknownForResourceCheck(converted);
            if (unknown) throw unknown;
            for (const f of rule.check([converted.object])) if ((rule.codes as string[]).includes(f.code)) report(reportViolation)(f);
        },
    };
}

/**
 * waf-coverage's `namespaceLabels`, for every stack policy. Pulumi hands each policy only its own
 * config, but the declaration is a fact about the cluster that every judgement needs: a rule that
 * judged without it would not follow an Istio app's path at all (envoy-fail-closed would miss its
 * fail-open filter). The engine configures the pack once per process and runs its stack policies
 * in their order, waf-coverage first (PACK_RULES), so it is recorded there.
 */
let declaredNamespaceLabels: unknown;

/**
 * A policy over the whole stack's objects, as the traffic model needs them together, judged once
 * per preview for every stack policy. A finding that rests on a value read unknown is held back;
 * every other is reported; then, if the policy judges a scope in which an unknown value was read,
 * it says so (the SDK reports that as advisory for this preview), naming the value.
 */
function stackPolicy(rule: StackRule): StackValidationPolicy {
    return {
        ...metadata(rule),
        ...(rule.configSchema ? { configSchema: rule.configSchema as StackValidationPolicy["configSchema"] } : {}),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const config = args.getConfig<Record<string, any>>();
            checkConfig(rule, config);
            if (rule.name === PACK_RULES[0].name) declaredNamespaceLabels = config[NAMESPACE_LABELS_SETTING];
            const j = judgeStack(args.resources, declaredNamespaceLabels);
            // A finding's scope: the Envoy workload the model followed when it made it (undefined: the objects as a whole); one made from the report, its object.
            const scopeOf = (f: Finding) => (j.scopeOf.has(f) ? j.scopeOf.get(f) : f.object);
            for (const finding of rule.findings(j.report, config)) if (!j.held.has(scopeOf(finding))) report(reportViolation)(finding);
            const held = [...j.held].find(([scope]) => rule.judges(scope, config));
            if (held) throw held[1];
        },
    };
}

export const POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = PACK_RULES.map((rule) => (rule.kind === "stack" ? stackPolicy(rule) : resourcePolicy(rule)));
