// Where and how a workload's pods run on the user's cluster (node pools, taints, priority,
// private registries, pod metadata): checked here, placed by the builders where Kubernetes reads
// them. Nothing is set by default.
import { PodOptions, TaintEffect, Toleration, TolerationOperator } from "../args";
import * as check from "./checks";
import { DEFAULTS } from "./defaults";
import { mention, refuse } from "./errors";
import { checkAffinity } from "./affinity";
import { FIELDS } from "./fields";
import { isPending } from "./pending";
import { Plain } from "./shared";
import { PodSettings, TolerationSetting } from "./types";

const OPERATORS = Object.values(TolerationOperator);
const EFFECTS = Object.values(TaintEffect);

function resolveToleration(at: string, given: unknown): TolerationSetting {
    const t = check.plainObject(at, given, FIELDS.Toleration);
    if (t === undefined) refuse(at, given, "a toleration {key, operator, value, effect, tolerationSeconds}");
    if (isPending(t)) return t as never;
    const g = t as Plain<Toleration>;
    const operator = g.operator === undefined ? undefined : check.oneOf(`${at}.operator`, g.operator, OPERATORS, "Equal");
    const effect = g.effect === undefined ? undefined : check.oneOf(`${at}.effect`, g.effect, EFFECTS, "NoSchedule");
    const key = g.key === undefined ? undefined : check.str(`${at}.key`, g.key);
    const value = g.value === undefined ? undefined : check.str(`${at}.value`, g.value);
    // What the API server refuses (k8s.io/kubernetes/pkg/apis/core/validation ValidateTolerations).
    if (operator === "Exists" && value !== undefined && value !== "") refuse(`${at}.value`, value, 'nothing with operator "Exists" (it tolerates any value)');
    if ((key === undefined || key === "") && operator !== "Exists") refuse(`${at}.operator`, operator ?? "Equal", '"Exists" when no key is given (an empty key matches every taint)');
    const tolerationSeconds = g.tolerationSeconds === undefined ? undefined : check.int(`${at}.tolerationSeconds`, g.tolerationSeconds, undefined, 0, 2 ** 31 - 1);
    if (tolerationSeconds !== undefined && effect !== "NoExecute") refuse(`${at}.tolerationSeconds`, tolerationSeconds, 'nothing unless effect is "NoExecute"');
    return Object.fromEntries(Object.entries({ key, operator, value, effect, tolerationSeconds }).filter(([, v]) => v !== undefined)) as TolerationSetting;
}

/**
 * The pod options at `at` (e.g. `pod`, `agentService.create.pod`). `selectorLabels` and
 * `reservedLabels` are the labels the component relies on (its selector, the agents'
 * NetworkPolicy): extra pod labels may not set them.
 */
export function resolvePod(at: string, given: Plain<PodOptions> | undefined, reservedLabels: string[], objectLabels: Record<string, string> = {}): PodSettings {
    const p = check.plainObject(at, given, FIELDS.PodOptions) as Plain<PodOptions> | undefined;
    if (isPending(p)) return p as never;
    if (p === undefined) return { annotations: {}, labels: {}, enableServiceLinks: DEFAULTS.enableServiceLinks };
    const tolerationList = p.tolerations;
    if (tolerationList !== undefined && !isPending(tolerationList) && !Array.isArray(tolerationList)) refuse(`${at}.tolerations`, tolerationList, "a list of tolerations");
    const affinity = p.affinity;
    checkAffinity(`${at}.affinity`, affinity);
    const labels = check.labels(`${at}.labels`, p.labels);
    if (!isPending(labels)) {
        for (const key of Object.keys(labels))
            if (reservedLabels.includes(key)) refuse(`${at}.labels.${key}`, labels[key], "a label the component does not rely on: it selects its pods (and admits them to the agents) by this one");
        // The component's other labels, and labels that every object gets, are on the pods already: one value each.
        for (const key of Object.keys(labels)) {
            if (!(key in objectLabels) || objectLabels[key] === labels[key]) continue;
            if (key.startsWith("app.kubernetes.io/")) refuse(`${at}.labels.${key}`, labels[key], `a label the component does not set itself (it sets ${key})`);
            refuse(
                `${at}.labels.${key}`,
                labels[key],
                `the value labels.${key} gives every object (${mention(`labels.${key}`, objectLabels[key])}), or no ${at}.labels.${key}: a pod has one value per label`,
            );
        }
    }
    const nodeSelector = p.nodeSelector === undefined ? undefined : check.labels(`${at}.nodeSelector`, p.nodeSelector);
    const imagePullSecrets = check.stringList(`${at}.imagePullSecrets`, p.imagePullSecrets);
    if (imagePullSecrets && !isPending(imagePullSecrets)) imagePullSecrets.forEach((s, i) => check.dns1123Subdomain(`${at}.imagePullSecrets[${i}]`, s));
    return {
        ...(nodeSelector !== undefined ? { nodeSelector } : {}),
        ...(tolerationList !== undefined
            ? { tolerations: isPending(tolerationList) ? (tolerationList as never) : (tolerationList as unknown[]).map((t, i) => resolveToleration(`${at}.tolerations[${i}]`, t)) }
            : {}),
        ...(affinity !== undefined ? { affinity } : {}),
        ...(p.priorityClassName !== undefined ? { priorityClassName: check.dns1123Subdomain(`${at}.priorityClassName`, p.priorityClassName) } : {}),
        ...(imagePullSecrets !== undefined ? { imagePullSecrets } : {}),
        annotations: check.annotations(`${at}.annotations`, p.annotations),
        labels,
        enableServiceLinks: check.bool(`${at}.enableServiceLinks`, p.enableServiceLinks, DEFAULTS.enableServiceLinks),
    };
}
