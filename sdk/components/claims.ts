// Two components of one program must not create the same Kubernetes object: Pulumi sees two
// different resources, and only the cluster would notice. Each component claims the names it
// gives its objects (the provider-named ones cannot clash) when it resolves its settings.
import * as pulumi from "@pulumi/pulumi";
import { refuse } from "../settings/errors";
import { NamedObject } from "../kube/plan";
import { known } from "../settings/pending";

/** A component instance, as messages name it (one label, one instance: Pulumi allows no two of one type and name). */
export interface Owner {
    label: string;
}


/**
 * The namespace of objects given none: the Kubernetes provider's, which is `kubernetes:namespace`
 * for the default provider, else `default` (a kubeconfig context's own namespace, or an explicit
 * provider's, cannot be known here: those are taken to be `default` too).
 */
export function providerNamespace(): string {
    return new pulumi.Config("kubernetes").get("namespace") ?? "default";
}

/** Which component creates which object: two may not create one. */
export class ClaimTable {
    private readonly owners = new Map<string, Owner>();

    /**
     * Claims `objects` for `owner`, or refuses the component's `name` input, naming both owners.
     * Claiming again for the same owner is fine; objects in a namespace not known yet are skipped
     * (they are claimed when it resolves). Objects given no namespace are in the provider's: they
     * clash with the same objects given that namespace by name.
     */
    claim(owner: Owner, name: string, objects: NamedObject[]): void {
        const mine = objects.filter((o) => known(o.namespace, o.name));
        const fallback = providerNamespace();
        const key = (o: NamedObject) => `${o.kind}/${o.namespace ?? fallback}/${o.name}`;
        const where = (o: NamedObject) => (o.namespace === undefined ? `the provider's namespace (${fallback})` : `namespace ${o.namespace}`);
        for (const o of mine) {
            const other = this.owners.get(key(o));
            if (other && other.label !== owner.label) {
                const clashing = mine.filter((x) => this.owners.get(key(x))?.label === other.label).map((x) => `${x.kind} ${x.namespace === undefined ? "" : `${x.namespace}/`}${x.name}`);
                refuse("name", name, `a name no other component of this program uses in ${where(o)}: ${owner.label} would create ${listed(clashing)}, which ${other.label} already creates`);
            }
        }
        for (const o of mine) this.owners.set(key(o), owner);
    }
}

// One table per program: keyed by the engine connection (a fresh one per test program too).
const tables = new WeakMap<object, ClaimTable>();
const fallbackTable = new ClaimTable();

/** Claims `objects` for `owner` in this program's table (see {@link ClaimTable.claim}). */
export function claim(owner: Owner, name: string, objects: NamedObject[]): void {
    const monitor = pulumi.runtime.getMonitor() as object | undefined;
    if (!monitor) return fallbackTable.claim(owner, name, objects);
    let t = tables.get(monitor);
    if (!t) tables.set(monitor, (t = new ClaimTable()));
    t.claim(owner, name, objects);
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: string[]): string {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
