// Kubernetes objects of an evaluation as manifests: Secret values redacted, a fixed order,
// multi-document YAML (or one file per object) that is byte-identical for the same input.
import { dump } from "js-yaml";
import { kubernetesObjects, Registered } from "./evaluate";

/** What a Secret value shows in rendered output. */
export const REDACTED = "<redacted>";

/** Objects a cluster needs first come first (what `kubectl apply` would otherwise retry). */
const KIND_ORDER = ["Namespace", "Secret", "ConfigMap", "Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"];

function redactLeaves(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(redactLeaves);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactLeaves(x)]));
    return REDACTED;
}

/** Every emitted Secret's `data` / `stringData` values, and every value marked secret anywhere, become {@link REDACTED}. */
export function redactedObjects(resources: Registered[], nameByContent = true): any[] {
    return redactSecretData(kubernetesObjects(resources, redactLeaves, nameByContent));
}

/** The objects with every Secret's `data` / `stringData` values {@link REDACTED}. */
export function redactSecretData(objects: any[]): any[] {
    return objects.map((o) => {
        if (o.kind !== "Secret") return o;
        const out = { ...o };
        for (const field of ["data", "stringData"]) if (out[field] !== undefined) out[field] = redactLeaves(out[field]);
        return out;
    });
}

export function sortObjects(objects: any[]): any[] {
    const rank = (k: string) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
    const key = (o: any) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    return [...objects].sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || key(a).localeCompare(key(b)));
}

/** One object as a YAML document, with apiVersion and kind first as kubectl writes them. */
export function objectYaml(o: any): string {
    const { apiVersion, kind, metadata, ...rest } = o;
    // No YAML anchors: objects built in code share parts (labels, selectors); each document spells
    // them out, as kubectl writes them. No folded lines. Strings that YAML 1.1 readers (kubectl's
    // go-yaml) would take for booleans, such as "on" or "yes", stay quoted: js-yaml's default.
    return dump({ apiVersion, kind, metadata, ...rest }, { lineWidth: -1, noRefs: true, quoteStyle: "double" });
}

/** A multi-document YAML stream, ready for `kubectl apply -f -`. */
export function manifestStream(objects: any[]): string {
    return objects.map((o) => `---\n${objectYaml(o)}`).join("");
}

/** The file name of one object in `--out` mode: `<namespace>.<kind>.<name>.yaml`, lower case. */
export function manifestFileName(o: any): string {
    return `${o.metadata?.namespace ?? "cluster"}.${String(o.kind).toLowerCase()}.${o.metadata.name}.yaml`;
}
