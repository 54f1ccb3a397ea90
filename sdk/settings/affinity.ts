// A pod's affinity (`pod.affinity`), checked as the API server checks it: its shape is
// Kubernetes' own (io.k8s.api.core.v1.Affinity and the types it holds; a test holds AFFINITY_TYPES
// to the vendored OpenAPI schema field by field), and the rules of
// k8s.io/kubernetes/pkg/apis/core/validation (weights, operators and their values, topology keys)
// on top. What passes is what is written to the pod, so nothing is refused only by the cluster.
import { refuse, refuseAs } from "./errors";
import { closest, didYouMean } from "./fields";
import { isPending } from "./pending";

/** A field's type: a scalar, another object type, a list of either, or a map of strings. */
type FieldType = "string" | "integer" | "stringMap" | { list: FieldType } | { object: string };

interface ObjectType {
    fields: Record<string, FieldType>;
    required?: string[];
    /** Values a string field may take. */
    enums?: Record<string, string[]>;
}

const list = (of: FieldType): FieldType => ({ list: of });
const object = (name: string): FieldType => ({ object: name });

const NODE_OPERATORS = ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"];
const LABEL_OPERATORS = ["DoesNotExist", "Exists", "In", "NotIn"];

/** Affinity and what it holds, named as in the Kubernetes API. */
export const AFFINITY_TYPES: Record<string, ObjectType> = {
    Affinity: { fields: { nodeAffinity: object("NodeAffinity"), podAffinity: object("PodAffinity"), podAntiAffinity: object("PodAntiAffinity") } },
    NodeAffinity: { fields: { preferredDuringSchedulingIgnoredDuringExecution: list(object("PreferredSchedulingTerm")), requiredDuringSchedulingIgnoredDuringExecution: object("NodeSelector") } },
    PreferredSchedulingTerm: { fields: { preference: object("NodeSelectorTerm"), weight: "integer" }, required: ["preference", "weight"] },
    NodeSelector: { fields: { nodeSelectorTerms: list(object("NodeSelectorTerm")) }, required: ["nodeSelectorTerms"] },
    NodeSelectorTerm: { fields: { matchExpressions: list(object("NodeSelectorRequirement")), matchFields: list(object("NodeSelectorRequirement")) } },
    NodeSelectorRequirement: { fields: { key: "string", operator: "string", values: list("string") }, required: ["key", "operator"], enums: { operator: NODE_OPERATORS } },
    PodAffinity: {
        fields: { preferredDuringSchedulingIgnoredDuringExecution: list(object("WeightedPodAffinityTerm")), requiredDuringSchedulingIgnoredDuringExecution: list(object("PodAffinityTerm")) },
    },
    PodAntiAffinity: {
        fields: { preferredDuringSchedulingIgnoredDuringExecution: list(object("WeightedPodAffinityTerm")), requiredDuringSchedulingIgnoredDuringExecution: list(object("PodAffinityTerm")) },
    },
    WeightedPodAffinityTerm: { fields: { podAffinityTerm: object("PodAffinityTerm"), weight: "integer" }, required: ["podAffinityTerm", "weight"] },
    PodAffinityTerm: {
        fields: {
            labelSelector: object("LabelSelector"),
            matchLabelKeys: list("string"),
            mismatchLabelKeys: list("string"),
            namespaceSelector: object("LabelSelector"),
            namespaces: list("string"),
            topologyKey: "string",
        },
        required: ["topologyKey"],
    },
    LabelSelector: { fields: { matchExpressions: list(object("LabelSelectorRequirement")), matchLabels: "stringMap" } },
    LabelSelectorRequirement: { fields: { key: "string", operator: "string", values: list("string") }, required: ["key", "operator"], enums: { operator: LABEL_OPERATORS } },
};

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(|[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isQualifiedName(v: string): boolean {
    const name = v.slice(v.lastIndexOf("/") + 1);
    return QUALIFIED_NAME.test(v) && name.length <= 63 && v.length <= 253 + 1 + 63;
}

/** Checks `value` at `at` against `type`; returns it. */
function checkType(at: string, value: unknown, type: FieldType): void {
    if (isPending(value)) return;
    if (type === "string") {
        if (typeof value !== "string") refuse(at, value, "a string");
    } else if (type === "integer") {
        if (typeof value !== "number" || !Number.isInteger(value)) refuse(at, value, "a whole number");
    } else if (type === "stringMap") {
        if (typeof value !== "object" || value === null || Array.isArray(value)) refuse(at, value, "a map of strings");
        for (const [k, v] of Object.entries(value as object)) checkType(`${at}.${k}`, v, "string");
    } else if ("list" in type) {
        if (!Array.isArray(value)) refuse(at, value, "a list");
        (value as unknown[]).forEach((v, i) => checkType(`${at}[${i}]`, v, type.list));
    } else checkObject(at, value, type.object);
}

function checkObject(at: string, value: unknown, typeName: string): void {
    const t = AFFINITY_TYPES[typeName];
    if (typeof value !== "object" || value === null || Array.isArray(value)) refuse(at, value, `an object (a Kubernetes ${typeName})`);
    const o = value as Record<string, unknown>;
    const names = Object.keys(t.fields);
    for (const key of Object.keys(o)) {
        if (!(key in t.fields)) {
            const near = closest(key, names);
            refuseAs(`${at}.${key}`, "a value", `no such field${didYouMean(near === undefined ? undefined : `${at}.${near}`)} (a Kubernetes ${typeName} has ${names.join(", ")})`);
        }
    }
    for (const key of t.required ?? []) if (o[key] === undefined) refuse(`${at}.${key}`, undefined, `a value: a ${typeName} requires ${key}`);
    for (const [key, type] of Object.entries(t.fields)) if (o[key] !== undefined) checkType(`${at}.${key}`, o[key], type);
    for (const [key, allowed] of Object.entries(t.enums ?? {})) {
        if (o[key] !== undefined && !isPending(o[key]) && !allowed.includes(o[key] as string)) refuse(`${at}.${key}`, o[key], `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    }
    RULES[typeName]?.(at, o);
}

/** What the API server checks beyond the shape (ValidateAffinity and the functions it calls). */
const RULES: Record<string, (at: string, o: Record<string, any>) => void> = {
    PreferredSchedulingTerm: weight,
    WeightedPodAffinityTerm: weight,
    NodeSelector: (at, o) => {
        if (Array.isArray(o.nodeSelectorTerms) && o.nodeSelectorTerms.length === 0)
            refuse(`${at}.nodeSelectorTerms`, o.nodeSelectorTerms, "at least one term (a node selector with none matches no node)");
    },
    NodeSelectorTerm: (at, o) => {
        (o.matchFields ?? []).forEach((r: any, i: number) => {
            // The only field a node selector can match (validateNodeFieldSelectorRequirement).
            if (r.key !== "metadata.name") refuse(`${at}.matchFields[${i}].key`, r.key, '"metadata.name", the only node field a selector matches');
            if ((r.operator !== "In" && r.operator !== "NotIn") || r.values?.length !== 1) refuse(`${at}.matchFields[${i}]`, r, 'operator "In" or "NotIn" with exactly one value');
        });
    },
    NodeSelectorRequirement: (at, o) => {
        if (!isQualifiedName(o.key) && o.key !== "metadata.name") refuse(`${at}.key`, o.key, "a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'");
        operatorValues(at, o, ["Gt", "Lt"]);
    },
    LabelSelectorRequirement: (at, o) => {
        if (!isQualifiedName(o.key)) refuse(`${at}.key`, o.key, "a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'");
        operatorValues(at, o, []);
        (o.values ?? []).forEach((v: string, i: number) => {
            if (v.length > 63 || !LABEL_VALUE.test(v)) refuse(`${at}.values[${i}]`, v, "a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
        });
    },
    LabelSelector: (at, o) => {
        for (const [k, v] of Object.entries<string>(o.matchLabels ?? {})) {
            if (!isQualifiedName(k)) refuse(`${at}.matchLabels key`, k, "a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'");
            if (v.length > 63 || !LABEL_VALUE.test(v)) refuse(`${at}.matchLabels.${k}`, v, "a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
        }
    },
    PodAffinityTerm: (at, o) => {
        if (o.topologyKey === "" || !isQualifiedName(o.topologyKey)) refuse(`${at}.topologyKey`, o.topologyKey, 'a node label name, such as "kubernetes.io/hostname" or "topology.kubernetes.io/zone"');
        (o.namespaces ?? []).forEach((n: string, i: number) => {
            if (!DNS1123_LABEL.test(n) || n.length > 63) refuse(`${at}.namespaces[${i}]`, n, "a namespace name: a DNS-1123 label");
        });
        // validateMatchLabelKeysAndMismatchLabelKeys: label names, each in one list, and only beside a labelSelector.
        for (const field of ["matchLabelKeys", "mismatchLabelKeys"]) {
            const keys: string[] = o[field] ?? [];
            if (keys.length > 0 && o.labelSelector === undefined) refuse(`${at}.${field}`, keys, "nothing without a labelSelector (the keys add to it)");
            keys.forEach((k, i) => {
                if (!isQualifiedName(k)) refuse(`${at}.${field}[${i}]`, k, "a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'");
            });
        }
        const both = (o.matchLabelKeys ?? []).find((k: string) => (o.mismatchLabelKeys ?? []).includes(k));
        if (both !== undefined) refuse(`${at}.mismatchLabelKeys`, both, "a key not also in matchLabelKeys");
    },
};

function weight(at: string, o: Record<string, any>): void {
    if (o.weight < 1 || o.weight > 100) refuse(`${at}.weight`, o.weight, "a whole number from 1 to 100");
}

/** In/NotIn need values; Exists/DoesNotExist none; Gt/Lt (nodes only) exactly one whole number. */
function operatorValues(at: string, o: Record<string, any>, numeric: string[]): void {
    const values: string[] = o.values ?? [];
    if ((o.operator === "In" || o.operator === "NotIn") && values.length === 0) refuse(`${at}.values`, o.values, `at least one value with operator "${o.operator}"`);
    if ((o.operator === "Exists" || o.operator === "DoesNotExist") && values.length > 0) refuse(`${at}.values`, o.values, `none with operator "${o.operator}"`);
    if (numeric.includes(o.operator) && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) refuse(`${at}.values`, o.values, `exactly one whole number with operator "${o.operator}"`);
}

/** Checks a pod's affinity at `at`: a Kubernetes Affinity, as the API server accepts it. */
export function checkAffinity(at: string, value: unknown): void {
    if (value === undefined || isPending(value)) return;
    checkObject(at, value, "Affinity");
}
