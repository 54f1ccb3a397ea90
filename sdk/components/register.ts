// Registers a plan's children as Pulumi resources of @pulumi/kubernetes, parented to their
// component; each waits for the settings' checks through it (the component's registration
// waits for them, and a child's for its parent's).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials } from "../args";
import { API_VERSIONS, Child, credentialsSecretName, CustomKind, Kind, Refs } from "../kube/plan";
import { CREDENTIALS_SECRET, credentialsSecretObject } from "../kube/workload";
import { NAMES } from "../settings/defaults";
import { Resolved } from "./inputs";
import { isOutputLike } from "./read";

type KubeResource = pulumi.CustomResource & { metadata: pulumi.Output<{ name: string; namespace?: string }> };
type KubeClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => KubeResource;

/**
 * A custom resource of one kind: its type token (`kubernetes:<apiVersion>:<kind>`) must be known
 * when it is registered, so the kind is fixed here and only metadata and spec come as inputs.
 */
function customResource(kind: CustomKind): KubeClass {
    return class extends k8s.apiextensions.CustomResource {
        constructor(name: string, args: any, opts?: pulumi.CustomResourceOptions) {
            super(name, { apiVersion: API_VERSIONS[kind], kind, metadata: args.metadata, spec: args.spec }, opts);
        }
    } as unknown as KubeClass;
}

const CLASSES: Record<Kind, KubeClass> = {
    ConfigMap: k8s.core.v1.ConfigMap as unknown as KubeClass,
    Deployment: k8s.apps.v1.Deployment as unknown as KubeClass,
    Service: k8s.core.v1.Service as unknown as KubeClass,
    PodDisruptionBudget: k8s.policy.v1.PodDisruptionBudget as unknown as KubeClass,
    NetworkPolicy: k8s.networking.v1.NetworkPolicy as unknown as KubeClass,
    HorizontalPodAutoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler as unknown as KubeClass,
    EnvoyExtensionPolicy: customResource("EnvoyExtensionPolicy"),
    BackendTrafficPolicy: customResource("BackendTrafficPolicy"),
    ReferenceGrant: customResource("ReferenceGrant"),
    EnvoyFilter: customResource("EnvoyFilter"),
    PodMonitor: customResource("PodMonitor"),
    PrometheusRule: customResource("PrometheusRule"),
};

/** Registered children by kind. */
export type Registered = Partial<Record<Kind, KubeResource>>;

/**
 * Each child's name and namespace, lifted once: every `metadata.name` read makes one more output
 * (an `apply`), which each app would hold until registered. The Deployment's reference to its
 * ConfigMap and the component's `configMapName` are the same output.
 */
const lifted = new WeakMap<KubeResource, { name?: pulumi.Output<string>; namespace?: pulumi.Output<string> }>();

function liftedOnce(child: KubeResource, field: "name" | "namespace"): pulumi.Output<string> {
    let fields = lifted.get(child);
    if (fields === undefined) lifted.set(child, (fields = {}));
    return (fields[field] ??= (child.metadata as any)[field] as pulumi.Output<string>);
}

/** A child's Kubernetes name; undefined only in a preview that cannot tell which children there will be. */
export function childName(child: KubeResource | undefined): pulumi.Output<string> {
    return (child && liftedOnce(child, "name")) as pulumi.Output<string>;
}

/**
 * A child's namespace as the Kubernetes provider reports it: the component's, or, when it was
 * given none, the provider's (known once the object exists).
 */
export function childNamespace(child: KubeResource | undefined): pulumi.Output<string> {
    return (child && liftedOnce(child, "namespace")) as pulumi.Output<string>;
}

/**
 * A child's constructor call, in a small frame of its own. The SDK records a ten-frame stack trace
 * for every promise it makes while registering a resource, and V8 prices each frame by walking
 * its function's position table up to the call: so the frames just below a child's constructor
 * are kept short (this one, a callback whose inputs were built in calls that have returned, a
 * builtin `forEach`). Measured on Node.js 20 in the bench's shared-fleet layout: 2.0-2.9% fewer
 * instructions per app, with the same registrations, promises and outputs.
 */
function construct(kind: Kind, name: string, args: unknown, opts: pulumi.CustomResourceOptions): KubeResource {
    return new CLASSES[kind](name, args, opts);
}

/**
 * Registers `children` in order, handing each the names it needs of those before it. They wait
 * for the settings' checks through their parent (see `Resolved.componentRegistration`).
 */
export function registerChildren<S>(
    parent: pulumi.Resource,
    settings: Resolved<S>,
    children: Child<S>[],
    refs: { secretName?: pulumi.Output<string> },
    /** Resources every child waits for (and fails with), beside what its inputs name. */
    dependsOn: pulumi.Resource[] = [],
): Registered {
    const names: Partial<Record<keyof Refs, pulumi.Output<string>>> = { ...refs };
    const out: Registered = {};
    const argsOf = (c: Child<S>) => settings.childArgs(Object.fromEntries(c.needs.map((k) => [k, names[k]!])), (s, values) => c.object(s, values as Refs));
    const optsOf = (c: Child<S>): pulumi.CustomResourceOptions => ({ parent, aliases: c.aliases?.map((name) => ({ name })), ...(dependsOn.length > 0 ? { dependsOn } : {}) });
    children.forEach((c) => {
        const resource = construct(c.kind, c.name, argsOf(c), optsOf(c));
        // The first of a kind is the component's (its Envoy ConfigMap, not a dashboard's).
        if (c.kind === "ConfigMap" && names.configMapName === undefined) names.configMapName = childName(resource);
        out[c.kind] ??= resource;
    });
    return out;
}

/**
 * The Secret the agent reads, made from the (secret) keys. Like every child it waits for the
 * settings' checks (the keys' values' too) through its parent; the keys reach it only as secrets,
 * whatever form the caller gave them in.
 */
export function credentialsSecret(
    parent: pulumi.Resource,
    name: string,
    credentials: pulumi.Input<AgentCredentials> | undefined,
    settings: Resolved<{ namespace?: string; labels: Record<string, string> }>,
): pulumi.Output<string> {
    // Each key as a secret of its own when the object is plain; the object as one secret when it is an output itself.
    const fields = credentials as AgentCredentials;
    const stringData =
        !isOutputLike(credentials) && typeof credentials === "object" && credentials !== null
            ? { [NAMES.accessKeyIdKey]: pulumi.secret(fields.accessKeyId as pulumi.Input<string>), [NAMES.secretAccessKeyKey]: pulumi.secret(fields.secretAccessKey as pulumi.Input<string>) }
            : pulumi.secret(
                  pulumi.output(credentials as pulumi.Input<AgentCredentials>).apply((c) => ({
                      [NAMES.accessKeyIdKey]: c.accessKeyId as string,
                      [NAMES.secretAccessKeyKey]: c.secretAccessKey as string,
                  })),
              );
    const metadata = settings.map((s) => credentialsSecretObject(s).metadata);
    const secret = new k8s.core.v1.Secret(credentialsSecretName(name), { metadata, ...CREDENTIALS_SECRET, stringData }, { parent });
    return childName(secret as unknown as KubeResource);
}
