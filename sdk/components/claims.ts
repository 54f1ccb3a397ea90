// Two components of one program must not create the same Kubernetes object: Pulumi sees two
// different resources, and only the cluster would notice. Each component claims the names it
// gives its objects (the provider-named ones cannot clash) when it resolves its settings.
import * as pulumi from "@pulumi/pulumi";
import { mention, refuse } from "../settings/errors";
import { NamedObject } from "../kube/plan";
import { known } from "../settings/pending";

/** What claims objects: a component instance (or a part of one), and how messages name it. */
export interface Owner {
    label: string;
    /**
     * The instance: two components of one type and name may both exist (under different
     * parents), and they must not create one object either.
     */
    instance: object;
}

/** Where objects given no namespace go: the key that stands for that namespace, and how messages say it. */
export interface DefaultNamespace {
    key: string;
    text: string;
}

/**
 * The namespace of objects given none: the Kubernetes provider's. For the default provider that
 * is `kubernetes:namespace`, else `default`. An explicit provider's namespace (its `namespace`
 * argument, or its kubeconfig context's) cannot be read here: its objects are known to share
 * one namespace with each other, and none with objects named into a namespace.
 */
export function providerNamespace(opts?: pulumi.ResourceOptions): DefaultNamespace {
    const provider = kubernetesProvider(opts);
    if (provider === undefined) {
        const ns = new pulumi.Config("kubernetes").get("namespace") ?? "default";
        return { key: `namespace ${ns}`, text: `the provider's namespace (${ns})` };
    }
    return { key: `provider ${providerId(provider)}`, text: "the namespace of its Kubernetes provider" };
}

/** The explicit Kubernetes provider of a component's children, if one is given (to it or to a parent). */
function kubernetesProvider(opts?: pulumi.ResourceOptions & { provider?: pulumi.ProviderResource; providers?: unknown }): pulumi.ProviderResource | undefined {
    const isKubernetes = (p: unknown): p is pulumi.ProviderResource => pulumi.ProviderResource.isInstance(p) && (p as unknown as { getPackage(): string }).getPackage() === "kubernetes";
    if (isKubernetes(opts?.provider)) return opts!.provider;
    const providers = opts?.providers;
    const listed = Array.isArray(providers) ? providers : typeof providers === "object" && providers !== null ? Object.values(providers) : [];
    const own = listed.find(isKubernetes);
    if (own) return own;
    // (A parent that is no resource is refused by Pulumi itself, when the component registers.)
    const inherited = typeof opts?.parent?.getProvider === "function" ? opts.parent.getProvider("kubernetes:core/v1:Service") : undefined;
    return isKubernetes(inherited) ? inherited : undefined;
}

const providerIds = new WeakMap<object, number>();
let providers = 0;
function providerId(p: object): number {
    if (!providerIds.has(p)) providerIds.set(p, ++providers);
    return providerIds.get(p)!;
}

/** Which component creates which object: two may not create one. */
export class ClaimTable {
    private readonly owners = new Map<string, Owner>();

    /**
     * Claims `objects` for `owner`, or refuses the component's `name` input, naming both owners.
     * Claiming again for the same owner is fine; objects in a namespace not known yet are skipped
     * (they are claimed when it resolves). Objects given no namespace are in `fallback`: they
     * clash with the same objects given that namespace by name.
     */
    claim(owner: Owner, name: string, objects: NamedObject[], fallback: DefaultNamespace = providerNamespace()): void {
        const mine = objects.filter((o) => known(o.namespace, o.name));
        const key = (o: NamedObject) => `${o.kind}/${o.namespace === undefined ? fallback.key : `namespace ${o.namespace}`}/${o.name}`;
        // A namespace is shown as the component's input: hidden where it arrived as a secret.
        const ns = (o: NamedObject) => mention("namespace", o.namespace, o.namespace);
        const where = (o: NamedObject) => (o.namespace === undefined ? fallback.text : `namespace ${ns(o)}`);
        const same = (a: Owner | undefined, b: Owner) => a !== undefined && a.instance === b.instance && a.label === b.label;
        for (const o of mine) {
            const other = this.owners.get(key(o));
            if (other && !same(other, owner)) {
                const clashing = mine.filter((x) => same(this.owners.get(key(x)), other)).map((x) => `${x.kind} ${x.namespace === undefined ? "" : `${ns(x)}/`}${x.name}`);
                const otherLabel = other.label === owner.label ? `another ${other.label} (of another parent)` : other.label;
                refuse("name", name, `a name no other component of this program uses in ${where(o)}: ${owner.label} would create ${listed(clashing)}, which ${otherLabel} already creates`);
            }
        }
        for (const o of mine) this.owners.set(key(o), owner);
    }
}

// One table per program: keyed by the engine connection (a fresh one per test program too).
const tables = new WeakMap<object, ClaimTable>();
const fallbackTable = new ClaimTable();

/** Claims `objects` for `owner` in this program's table (see {@link ClaimTable.claim}). */
export function claim(owner: Owner, name: string, objects: NamedObject[], fallback: DefaultNamespace): void {
    const monitor = pulumi.runtime.getMonitor() as object | undefined;
    if (!monitor) return fallbackTable.claim(owner, name, objects, fallback);
    let t = tables.get(monitor);
    if (!t) tables.set(monitor, (t = new ClaimTable()));
    t.claim(owner, name, objects, fallback);
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: string[]): string {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
