// IstioApp: an application in an Istio mesh, with the sigsci-agent beside it and Istio's
// sidecar proxy asking the agent about every inbound request (Fastly's Istio layout). A thin
// layer: the plan (kube/plan.ts) says which objects exist and builds them from the checked
// settings; this registers them as Pulumi resources, parented to the component.
import * as pulumi from "@pulumi/pulumi";
import { IstioAppArgs } from "../args";
import { agentListenAddress } from "../kube/containers";
import { meshChildren, meshShape, MeshShape, NamedObject, namedObjects } from "../kube/plan";
import { clusterDomainName } from "../settings/agent-service";
import { resolveMeshSettings } from "../settings/mesh";
import { MeshSettings } from "../settings/types";
import { claim, Owner, providerNamespace } from "./claims";
import { checkedSettings, credentialsInput, Resolved } from "./inputs";
import { childName, childNamespace, credentialsSecret, registerChildren } from "./register";

export const ISTIO_APP_TYPE = "sigsci-envoy:index:IstioApp";

/** The names an IstioApp's objects take (the stack program checks them too). */
export function meshClaims(name: string, s: MeshSettings, instance: object): [Owner, NamedObject[]] {
    return [{ label: `IstioApp "${name}"`, instance }, namedObjects(s, meshChildren(name, { secret: true, agentMetrics: false }))];
}

function prepare(name: string, args: IstioAppArgs, opts: pulumi.ComponentResourceOptions | undefined): Resolved<MeshSettings> {
    const instance = {};
    const fallback = providerNamespace(opts);
    return checkedSettings(
        args,
        (plain) => resolveMeshSettings(name, plain),
        (s) => {
            const [owner, objects] = meshClaims(name, s, instance);
            claim(owner, name, objects, fallback);
        },
    );
}

function registerAll(parent: IstioApp, name: string, args: IstioAppArgs, settings: Resolved<MeshSettings>, shape: MeshShape) {
    const secretName = shape.secret ? credentialsSecret(parent, name, credentialsInput(args), settings) : settings.output((s) => s.existingSecretName!);
    return { secretName, ...registerChildren(parent, settings, meshChildren(name, shape), shape.secret ? { secretName } : {}) };
}

/**
 * An application in an Istio mesh, with the Fastly Next-Gen WAF agent inspecting every inbound
 * request: the Deployment (the app, the agent sidecar on the pod's loopback, and the label that
 * has Istio inject its proxy), the Service (HTTP, so the proxy's HTTP filters run), the
 * EnvoyFilter that puts the inspection (ext_proc) into that proxy's inbound chain for exactly
 * these pods, the disruption budget and the credentials Secret.
 */
export class IstioApp extends pulumi.ComponentResource {
    /** Where the proxy reaches the agent in the pod (`127.0.0.1:9999`). */
    public readonly agentGrpcEndpoint: pulumi.Output<string>;
    /** The namespace of every object. */
    public readonly namespace: pulumi.Output<string>;
    /** The Secret holding the agent's credentials (yours, when `credentials.existingSecretName` is given). */
    public readonly secretName: pulumi.Output<string>;
    /** The Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** The Service. */
    public readonly serviceName: pulumi.Output<string>;
    /** The EnvoyFilter. */
    public readonly envoyFilterName: pulumi.Output<string>;
    /** The app's address inside the mesh: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: IstioAppArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = prepare(name, args, opts);
        const registration = settings.componentRegistration(opts);
        super(ISTIO_APP_TYPE, name, registration.inputs, registration.opts);
        const children = settings.register(meshShape, (shape) => registerAll(this, name, args, settings, shape));
        this.namespace = children.output((c) => childNamespace(c?.Service));
        this.secretName = children.output((c) => c?.secretName as pulumi.Output<string>);
        this.deploymentName = children.output((c) => childName(c?.Deployment));
        this.serviceName = children.output((c) => childName(c?.Service));
        this.envoyFilterName = children.output((c) => childName(c?.EnvoyFilter));
        this.agentGrpcEndpoint = settings.output((s) => agentListenAddress(s.agent));
        this.url = pulumi.all([this.serviceName, this.namespace, settings.output((s) => s.service.port)]).apply(([svc, ns, port]) => `http://${clusterDomainName(svc, ns)}:${port}`);
        this.registerOutputs({
            agentGrpcEndpoint: this.agentGrpcEndpoint,
            namespace: this.namespace,
            secretName: this.secretName,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            envoyFilterName: this.envoyFilterName,
            url: this.url,
        });
    }
}
