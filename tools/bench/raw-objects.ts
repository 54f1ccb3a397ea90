// The benchmark's baselines. "raw": exactly the objects the components emit (their plan, the
// same bytes), registered directly as @pulumi/kubernetes resources with the agent keys as
// secrets: what a platform team would have to write to get the same objects without the
// package. "floor": those same resources inside an empty component with seven of the
// component's outputs, the least any component holding them costs. The objects are built before
// the timed region: a hand-written program holds them as literals.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { agentServiceObjects, appObjects, PlannedObject } from "../../sdk/kube/plan";
import { plainLink, resolveAgentServiceSettings } from "../../sdk/settings/agent-service";
import { resolveAppSettings } from "../../sdk/settings/envoy-app";

export const HELLOWORLD = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };
/** The shared layout's fleet and the namespace of its apps. */
export const FLEET = { name: "fleet", namespace: "waf", clients: "default" };

/** The keys the settings see (never their values) and the placeholders the plan writes. */
const GIVEN = { accessKeyId: "(given)", secretAccessKey: "(given)" };
const options = { nameOf: (resourceName: string) => `${resourceName}-raw` };

/** An app with its agent sidecar: the objects its EnvoyApp creates. */
export function sidecarObjects(name: string): PlannedObject[] {
    return appObjects(resolveAppSettings(name, { app: HELLOWORLD, credentials: GIVEN } as any), options);
}

/** The shared fleet's objects. */
export function fleetObjects(): PlannedObject[] {
    return agentServiceObjects(fleetSettings(), options);
}

function fleetSettings() {
    return resolveAgentServiceSettings(FLEET.name, { namespace: FLEET.namespace, clientNamespaces: [FLEET.clients], credentials: GIVEN } as any);
}

/** An app of the shared fleet: the objects its EnvoyApp creates. */
export function sharedAppObjects(name: string): PlannedObject[] {
    return appObjects(resolveAppSettings(name, { namespace: FLEET.clients, app: HELLOWORLD, agentService: plainLink(fleetSettings()) } as any), options);
}

const CLASSES: Record<string, new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource> = {
    Secret: k8s.core.v1.Secret,
    ConfigMap: k8s.core.v1.ConfigMap,
    Deployment: k8s.apps.v1.Deployment,
    Service: k8s.core.v1.Service,
    PodDisruptionBudget: k8s.policy.v1.PodDisruptionBudget,
    NetworkPolicy: k8s.networking.v1.NetworkPolicy,
    HorizontalPodAutoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler,
};

/** Registers `objects` as they are, the Secret's keys as secrets; returns the resources (a program holds what it creates). */
export function registerRaw(
    objects: PlannedObject[],
    keys: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
): pulumi.CustomResource[] {
    return objects.map(({ resourceName, object }) => {
        const { apiVersion: _a, kind, ...body } = object;
        const args = kind === "Secret" ? { ...body, stringData: { accesskeyid: pulumi.secret(keys.accessKeyId), secretaccesskey: pulumi.secret(keys.secretAccessKey) } } : body;
        return new CLASSES[kind](resourceName, args, opts);
    });
}

/** A component that only holds resources and has seven of an EnvoyApp's outputs (all but acknowledgedFindings). */
class Wrapper extends pulumi.ComponentResource {
    constructor(name: string) {
        super("bench:index:Wrapper", name, {});
        const out = pulumi.output(name);
        this.registerOutputs({ agentGrpcEndpoint: out, namespace: out, secretName: out, configMapName: out, deploymentName: out, serviceName: out, frontUrl: out });
    }
}

/** The floor: the same registration inside a component of its own; returns the component (it holds nothing more than a program would). */
export function registerInComponent(name: string, objects: PlannedObject[], keys: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }): pulumi.Resource[] {
    const component = new Wrapper(name);
    return [component, ...registerRaw(objects, keys, { parent: component })];
}
