// Two components of one program must not create the same Kubernetes object: Pulumi sees two
// different resources, and only the cluster would notice. Each component claims the names it
// gives its objects (the provider-named ones cannot clash) when it resolves its settings.
import * as pulumi from "@pulumi/pulumi";
import { refuse } from "../settings/errors";
import { NamedObject } from "../kube/plan";
import { known } from "../settings/pending";

/** A component instance, as messages name it. */
export interface Owner {
    label: string;
}


// One table per program: keyed by the engine connection (a fresh one per test program too).
const tables = new WeakMap<object, Map<string, Owner>>();
const fallback = new Map<string, Owner>();

function table(): Map<string, Owner> {
    const monitor = pulumi.runtime.getMonitor() as object | undefined;
    if (!monitor) return fallback;
    let t = tables.get(monitor);
    if (!t) tables.set(monitor, (t = new Map()));
    return t;
}

/**
 * Claims `objects` for `owner`, or refuses the component's `name` input, naming both owners.
 * Claiming again for the same owner is fine; objects in a namespace not known yet are skipped
 * (they are claimed when it resolves).
 */
export function claim(owner: Owner, name: string, objects: NamedObject[]): void {
    const t = table();
    const mine = objects.filter((o) => known(o.namespace, o.name));
    const where = (o: NamedObject) => (o.namespace === undefined ? "the provider's namespace" : `namespace ${o.namespace}`);
    for (const o of mine) {
        const other = t.get(key(o));
        if (other && other !== owner) {
            const clashing = mine.filter((x) => t.get(key(x)) === other).map((x) => `${x.kind} ${x.namespace === undefined ? "" : `${x.namespace}/`}${x.name}`);
            refuse("name", name, `a name no other component of this program uses in ${where(o)}: ${owner.label} would create ${listed(clashing)}, which ${other.label} already creates`);
        }
    }
    for (const o of mine) t.set(key(o), owner);
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: string[]): string {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function key(o: NamedObject): string {
    // Components without a namespace share the provider's (one provider per program, as a rule).
    return `${o.kind}/${o.namespace ?? ""}/${o.name}`;
}
