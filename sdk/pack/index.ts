// The policy pack's rules as plain data and functions: which findings of the traffic model and
// of Fastly's guide each policy reports, and how strictly. The Pulumi policy pack (policy/)
// serves them at preview time; `sigsci-envoy verify` applies them to any manifest stream. One
// table, so the two never disagree.
import { checkAgentContainers, checkAgentKeysInConfigMaps, failOpenPaths, GuideCode } from "../guide";
import { analyzeTraffic, Finding, KubeObject, TrafficReport, VerifyOptions } from "../traffic";
import { targetElsewhere } from "../traffic/gateway";
import { WORKLOAD_KINDS } from "../vocabulary/kubernetes";
import { closest } from "../vocabulary/names";

export type EnforcementLevel = "mandatory" | "advisory";

/** How bad a violation is, as Pulumi Cloud's policy views sort them. */
export type Severity = "low" | "medium" | "high" | "critical";

/** Where each rule is explained (its heading is the rule's name): the pack's page of the package's docs. */
export const PACK_DOCS = "https://github.com/sigsci-envoy/sigsci-envoy/blob/main/docs/policy-pack.md";

/** What every rule says about itself, beside what it checks: the policy SDK's metadata. */
interface RuleMetadata {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    /** What to do about a violation in general; each finding's message names its own fix. */
    remediationSteps: string;
    tags: readonly string[];
}

/** A rule's page: its heading in the pack's docs. */
export const ruleUrl = (rule: { name: string }) => `${PACK_DOCS}#${rule.name}`;

/** A JSON schema of one setting of a policy's configuration. */
export interface SettingSchema {
    type: "array" | "object" | "string" | "boolean" | "number" | "integer";
    items?: { type: "string" | "boolean" | "number" | "integer" };
    /** An object's values: here always maps of strings (a namespace's labels, by its name). */
    additionalProperties?: { type: "object"; additionalProperties: { type: "string" } };
    default?: unknown;
    description: string;
}

/**
 * A JSON schema of a policy's configuration (the pack's `configSchema`): its settings, and no
 * other. `additionalProperties: false` is the pack's own word: Pulumi's policy SDK sends only
 * `properties` and `required` to the engine, which validates the settings' types but not their
 * names, so the policies refuse an unknown name themselves ({@link ruleConfigProblems}), as
 * `sigsci-envoy verify --config` does.
 */
export interface RuleConfigSchema {
    properties: Record<string, SettingSchema>;
    additionalProperties: false;
}

/** A rule's configuration schema: these settings, and no other. */
const onlySettings = (properties: Record<string, SettingSchema>): RuleConfigSchema => ({ properties, additionalProperties: false });

/**
 * The key of a rule's config that is Pulumi's own, not a setting of the rule's: the engine and
 * the policy SDK take it out before the settings are validated or handed to the policy.
 */
export const POLICY_CONFIG_KEYS: readonly string[] = ["enforcementLevel"];

const TYPE_WORDS: Record<string, string> = { string: "string", boolean: "true or false", number: "number", integer: "whole number" };

/** A JSON object (not a list, not null). */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Does `value` have the JSON schema type `type`? */
function hasType(type: string, value: unknown): boolean {
    switch (type) {
        case "array":
            return Array.isArray(value);
        case "object":
            return isObject(value);
        case "integer":
            return Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        default:
            return typeof value === type;
    }
}

/** What a setting of `schema` accepts, in words: "a list of strings". */
function accepted(schema: SettingSchema): string {
    if (schema.type === "object") return "an object of names to objects of strings";
    if (schema.type === "array") return `a list${schema.items ? ` of ${schema.items.type === "boolean" ? "booleans" : `${TYPE_WORDS[schema.items.type]}s`}` : ""}`;
    return schema.type === "boolean" ? "true or false" : `a ${TYPE_WORDS[schema.type]}`;
}

const shown = (value: unknown) => {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
};

/**
 * What is wrong with the settings given to `rule` (its config without Pulumi's own keys), judged
 * by the rule's `configSchema`, the same the pack gives Pulumi: a name it does not have (with the
 * one likely meant), a value of another type. Each problem names the rule, the setting, the value
 * and what is accepted. None for settings the rule takes.
 */
export function ruleConfigProblems(rule: PackRule, given: Record<string, unknown>): string[] {
    const schema = rule.kind === "stack" ? rule.configSchema : undefined;
    const names = Object.keys(schema?.properties ?? {});
    const problems: string[] = [];
    for (const [name, value] of Object.entries(given)) {
        if (POLICY_CONFIG_KEYS.includes(name)) continue;
        const setting = schema?.properties[name];
        const at = `${rule.name}: setting ${JSON.stringify(name)} is ${shown(value)}`;
        if (setting === undefined) {
            const meant = closest(name, names);
            const has = names.length === 0 ? `no setting (${rule.name} has none; only enforcementLevel)` : `one of ${rule.name}'s settings (${names.join(", ")}) or enforcementLevel`;
            problems.push(`${at}: expected ${has}${meant === undefined ? "" : `: did you mean ${JSON.stringify(meant)}?`}`);
        } else if (
            !hasType(setting.type, value) ||
            (setting.type === "array" && setting.items && !(value as unknown[]).every((v) => hasType(setting.items!.type, v))) ||
            (setting.type === "object" && setting.additionalProperties && !Object.values(value as object).every((v) => isObject(v) && Object.values(v).every((x) => typeof x === "string")))
        )
            problems.push(`${at}: expected ${accepted(setting)}`);
    }
    return problems;
}

/** A rule over all objects together (the traffic model needs them together). */
export interface StackRule extends RuleMetadata {
    kind: "stack";
    configSchema?: RuleConfigSchema;
    /** The findings this rule reports, from the traffic model's report. */
    findings(report: TrafficReport, config: Record<string, any>): Finding[];
    /** Does the rule judge this scope (an Envoy workload, `undefined` for the whole)? What it does not judge holds nothing back. */
    judges(scope: string | undefined, config: Record<string, any>): boolean;
}

/** A rule over each object of `kinds` on its own. */
export interface ResourceRule extends RuleMetadata {
    kind: "resource";
    kinds: readonly string[];
    check: (objects: KubeObject[], options?: VerifyOptions) => Finding[];
    codes: GuideCode[];
}

export type PackRule = StackRule | ResourceRule;

export const PACK_NAME = "sigsci-envoy";

/** waf-coverage's setting that declares the labels of namespaces the objects do not hold. */
export const NAMESPACE_LABELS_SETTING = "namespaceLabels";

/** Findings a resource rule reports for every agent container, whichever path it is on: the stack rules leave them to it (one report per defect). */
const GUIDE_OWNED: readonly string[] = ["agent-no-prestop", "agent-grace-short"];

/** The namespace of a scope (`Deployment shop/web` -> `shop`). */
export const namespaceOfScope = (scope: string) => scope.split(" ")[1]?.split("/")[0];

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export const PACK_RULES: PackRule[] = [
    {
        kind: "stack",
        name: "waf-coverage",
        description:
            "Every listener of every Envoy pod inspects each request (ext_authz or ext_proc before the router) and reaches a listening agent in the mode it speaks, through Services and NetworkPolicies that let it through; no NetworkPolicy or Service lets traffic reach the app around Envoy; no pod turns Ready before its inspection path answers; the same for every listener and route of an Envoy Gateway Gateway and every inbound port of an Istio workload an EnvoyFilter inspects. Envoy pods in `exemptNamespaces` (Envoys that front no WAF) are not judged; targets in `targetsElsewhere` (another stack's Gateway) are proven where they are; namespaces in `namespaceLabels` (another stack's) are read with the labels declared there, by every rule of the pack.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps:
            'Follow each finding: put the inspection filter (ext_authz, or buffer and ext_proc) before the router on the listener or route it names, point it at an agent that listens in the mode it speaks, and close every way around Envoy (a NetworkPolicy admitting only its port, no Service or hostPort to the app). For "cannot verify", give the verifier what it needs among the objects (the bootstrap in a ConfigMap, the Service, the NetworkPolicy) or replace the construct it names; for a Gateway of another stack, verify both with `sigsci-envoy verify` and list it in `targetsElsewhere`; for a namespace of another stack, declare its labels in `namespaceLabels`. The sigsci-envoy components build all of it.',
        tags: ["waf", "coverage", "envoy", "envoy-gateway", "istio"],
        configSchema: onlySettings({
            exemptNamespaces: { type: "array", items: { type: "string" }, default: [], description: "Namespaces whose Envoy pods front no WAF and are not judged" },
            targetsElsewhere: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Gateways and routes (`Gateway shop/eg`, `HTTPRoute shop/web`) of another stack, which a GatewayWaf of this stack attaches to: their coverage is proven where they are, or with sigsci-envoy verify, not here",
            },
            [NAMESPACE_LABELS_SETTING]: {
                type: "object",
                additionalProperties: { type: "object", additionalProperties: { type: "string" } },
                default: {},
                description:
                    'Namespaces this stack does not create, with the labels they have in the cluster (`{"shop": {}}` for one `kubectl create namespace shop` made): whether Istio injects its sidecar there, or a NetworkPolicy admits its pods, turns on them; a Namespace of the stack\'s own is read as it is',
            },
        }),
        findings: (report, config) =>
            report.findings.filter(
                (f) =>
                    f.severity === "error" &&
                    f.code !== "admin-exposed" &&
                    !GUIDE_OWNED.includes(f.code) &&
                    !list(config.exemptNamespaces).includes(namespaceOfScope(f.object)) &&
                    !(f.code === "envoy-unverifiable" && list(config.targetsElsewhere).some((t) => f.message.includes(` attaches to ${targetElsewhere(t)}:`))),
            ),
        judges: (scope, config) => scope === undefined || !list(config.exemptNamespaces).includes(namespaceOfScope(scope)),
    },
    {
        kind: "stack",
        name: "waf-coverage-verifiable",
        description: "No agent pod is left idle, and no other warning of the traffic-path verifier (what it cannot verify is an error of waf-coverage).",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps: "Connect each idle agent fleet to the Envoys meant to use it, or remove it; each warning names its own fix.",
        tags: ["waf", "capacity"],
        findings: (report) => report.findings.filter((f) => f.severity === "warning"),
        judges: () => true,
    },
    {
        kind: "stack",
        name: "envoy-admin-loopback",
        description: "Envoy's admin interface listens on loopback only, and a listener on the pod's address forwards nothing of it but the read-only paths /ready and /stats/prometheus.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Bind Envoy's admin address to 127.0.0.1, and route nothing of it from a pod-facing listener but /ready and /stats/prometheus (the sigsci-envoy bootstrap does both).",
        tags: ["envoy", "admin", "exposure"],
        findings: (report) => report.findings.filter((f) => f.severity === "error" && f.code === "admin-exposed"),
        judges: () => true,
    },
    {
        kind: "stack",
        name: "envoy-fail-closed",
        description: "In the namespaces the pack's config lists (`namespaces`), Envoy refuses requests when no agent answers (failure_mode_allow: false) instead of passing them uninspected.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set failure_mode_allow: false on the inspection filter of every Envoy in these namespaces (`inspection.failOpen: false` of the components), and watch agent health: a failing agent then answers 503 (ext_authz) or 500 (ext_proc).",
        tags: ["envoy", "fail-mode"],
        configSchema: onlySettings({ namespaces: { type: "array", items: { type: "string" }, default: [], description: "Namespaces whose Envoy pods must fail closed" } }),
        findings: (report, config) => failOpenPaths(report, list(config.namespaces)),
        judges: (scope, config) => list(config.namespaces).length > 0 && (scope === undefined || list(config.namespaces).includes(namespaceOfScope(scope))),
    },
    {
        kind: "resource",
        name: "sigsci-agent-credentials",
        description: "The agent reads SIGSCI_ACCESSKEYID and SIGSCI_SECRETACCESSKEY from a Secret (valueFrom.secretKeyRef), never from literal values.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps: "Put the keys in a Secret (keys accesskeyid and secretaccesskey) and read them with env valueFrom.secretKeyRef; rotate keys that were in plain text.",
        tags: ["sigsci-agent", "secrets"],
        kinds: WORKLOAD_KINDS,
        check: checkAgentContainers,
        codes: ["agent-key-literal"],
    },
    {
        kind: "resource",
        name: "sigsci-agent-filesystem",
        description: "The agent runs with a read-only root filesystem and a writable volume where it writes its RPC socket and cache (/sigsci/tmp by default).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set readOnlyRootFilesystem: true on the agent and mount an emptyDir where it writes (/sigsci/tmp, or where SIGSCI_RPC_ADDRESS points).",
        tags: ["sigsci-agent", "hardening"],
        kinds: WORKLOAD_KINDS,
        check: checkAgentContainers,
        codes: ["agent-root-writable", "agent-tmp-missing"],
    },
    {
        kind: "resource",
        name: "sigsci-agent-shutdown",
        description: "The agent has a preStop sleep (the guide's 30 s), and the pod's grace period is longer than it.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Give the agent a preStop sleep (the guide's 30 s) and the pod a terminationGracePeriodSeconds longer than every sleep, so the agent inspects until Envoy and the app have stopped.",
        tags: ["sigsci-agent", "availability"],
        kinds: WORKLOAD_KINDS,
        check: checkAgentContainers,
        codes: ["agent-no-prestop", "agent-grace-short"],
    },
    {
        kind: "resource",
        name: "sigsci-agent-image-pull",
        description: "An agent image tagged latest (or untagged) is not pulled IfNotPresent, which leaves each node on the first latest it pulled.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps: "Pull a latest (or untagged) agent image with imagePullPolicy: Always, or pin a version.",
        tags: ["sigsci-agent", "images"],
        kinds: WORKLOAD_KINDS,
        check: checkAgentContainers,
        codes: ["agent-pull-policy"],
    },
    {
        kind: "resource",
        name: "sigsci-agent-resources",
        description: "The agent requests CPU and memory, so the scheduler places it where it gets them and it is not the first evicted.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps: "Set CPU and memory requests on the agent (Fastly's sizing: about one core and 500 MB, then load-test).",
        tags: ["sigsci-agent", "resources"],
        kinds: WORKLOAD_KINDS,
        check: checkAgentContainers,
        codes: ["agent-no-requests"],
    },
    {
        kind: "resource",
        name: "sigsci-agent-keys-not-in-configmaps",
        description: "No ConfigMap holds an agent key: they belong in a Secret.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps: "Move the keys into a Secret, read them with valueFrom.secretKeyRef, delete them from the ConfigMap and rotate them.",
        tags: ["sigsci-agent", "secrets"],
        kinds: ["ConfigMap"],
        check: checkAgentKeysInConfigMaps,
        codes: ["agent-keys-in-configmap"],
    },
];

/**
 * The namespaces `labels` declares (waf-coverage's `namespaceLabels`: name to labels) that are not
 * among `objects`, as the Namespace objects the verifier then reads; a Namespace among the objects
 * is read as it is. Nothing for a value that is not such a map (the config's check refuses it).
 */
export function declaredNamespaces(objects: readonly KubeObject[], labels: unknown): KubeObject[] {
    if (!isObject(labels)) return [];
    const present = new Set(objects.filter((o) => o?.kind === "Namespace").map((o) => o.metadata?.name));
    return Object.entries(labels)
        .filter(([name, l]) => !present.has(name) && isObject(l))
        .map(([name, l]) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { ...(l as Record<string, string>) } } }));
}

/** What one rule reports over a set of objects. */
export interface RuleViolations {
    rule: string;
    enforcementLevel: EnforcementLevel;
    findings: Finding[];
}

/**
 * Every rule applied to plain objects, as the pack applies them to a stack whose values are all
 * known: the stack rules to the traffic model's report, each resource rule to each object of its
 * kinds on its own. `config` is the pack's configuration, by rule name.
 */
export function applyRules(objects: KubeObject[], config: Record<string, Record<string, any>> = {}, options: VerifyOptions = {}): { report: TrafficReport; violations: RuleViolations[] } {
    // Namespaces declared with their labels are the cluster's: judged with the objects, by every rule.
    const report = analyzeTraffic([...objects, ...declaredNamespaces(objects, config["waf-coverage"]?.[NAMESPACE_LABELS_SETTING])], options);
    const violations = PACK_RULES.map((rule) => {
        const own = config[rule.name] ?? {};
        const findings =
            rule.kind === "stack"
                ? rule.findings(report, own)
                : objects.filter((o) => rule.kinds.includes(String(o?.kind))).flatMap((o) => rule.check([o], options).filter((f) => (rule.codes as string[]).includes(f.code)));
        return { rule: rule.name, enforcementLevel: rule.enforcementLevel, findings };
    });
    return { report, violations };
}
