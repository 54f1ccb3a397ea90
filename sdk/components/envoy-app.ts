// EnvoyApp: an application behind Envoy, with the sigsci-agent inspecting every request.
// A thin layer: settings and objects come from the plain builders; this checks the inputs and
// turns the objects into Pulumi resources, parented to the component.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvoyAppArgs } from "../args";
import { envoyConfigYaml } from "../envoy/config";
import { agentListenAddress } from "../kube/containers";
import { appDeployment, appDisruptionBudget, appNetworkPolicy, envoyConfigMap, frontService } from "../kube/envoy-app";
import { clusterDomainName, endpointText } from "../settings/agent-service";
import { agentServiceNameFor, resolveAppSettings } from "../settings/envoy-app";
import { isPending } from "../settings/pending";
import { AgentServiceSettings, AppSettings } from "../settings/types";
import { agentServiceClaims, agentServiceShape, ownAgentService } from "./agent-service";
import { claim, Owner } from "./claims";
import { credentialsSecret } from "./credentials";
import { checkedSettings, Resolved } from "./inputs";

export const ENVOY_APP_TYPE = "sigsci-envoy:index:EnvoyApp";

/** Which children exist: decided from what is known before anything is registered. */
interface Shape {
    /** The sidecar's credentials Secret. */
    secret: boolean;
    /** The app's own agent Service. */
    own: boolean;
    networkPolicy: boolean;
}

/** The shape, or undefined while what decides it waits on an output. */
function appShape(s: AppSettings): Shape | undefined {
    if (isPending(s) || isPending(s.networkPolicy)) return undefined;
    if (s.agentService === undefined) return isPending(s.createSecret) ? undefined : { secret: s.createSecret, own: false, networkPolicy: s.networkPolicy };
    const create = s.agentService.create;
    if (isPending(create) || (create !== undefined && agentServiceShape(create) === undefined)) return undefined;
    return { secret: false, own: create !== undefined, networkPolicy: s.networkPolicy };
}

/** Names of the objects an app names itself. */
function appClaims(s: AppSettings) {
    return ["Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy"].map((kind) => ({ kind, namespace: s.namespace, name: s.name }));
}

interface Prepared {
    settings: Resolved<AppSettings>;
}

function prepare(name: string, args: EnvoyAppArgs): Prepared {
    const owner: Owner = { label: `EnvoyApp "${name}"` };
    const ownService: Owner = { label: `EnvoyApp "${name}" (its own agent Service)` };
    const settings = checkedSettings(args, (plain) => resolveAppSettings(name, plain), (s) => {
        claim(owner, name, appClaims(s));
        const own = s.agentService?.create;
        if (own && !isPending(own)) claim(ownService, name, agentServiceClaims(own));
    });
    return { settings };
}

interface Children {
    secretName: pulumi.Output<string | undefined>;
    configMap: k8s.core.v1.ConfigMap;
    deployment: k8s.apps.v1.Deployment;
    service: k8s.core.v1.Service;
}

function registerChildren(parent: EnvoyApp, name: string, args: EnvoyAppArgs, settings: Resolved<AppSettings>, shape: Shape): Children {
    const child = { parent };
    let secretName: pulumi.Output<string | undefined> = settings.output((s) => s.existingSecretName);
    if (shape.secret) secretName = credentialsSecret(`${name}-sigsci-credentials`, args.credentials, settings, child);
    if (shape.own) {
        // Resolved once, with the app: it waits for the app's checks and holds the same credentials.
        const own = settings.derive((s) => s.agentService!.create as AgentServiceSettings);
        secretName = ownAgentService(agentServiceNameFor(name), { settings: own, credentials: args.credentials }, child).secretName;
    }
    const configMap = new k8s.core.v1.ConfigMap(`${name}-envoy-config`, settings.map((s) => envoyConfigMap(s, envoyConfigYaml(s))), child);
    const deployment = new k8s.apps.v1.Deployment(
        name,
        pulumi.all([settings.input, configMap.metadata.name, secretName]).apply(([s, configMapName, secret]) => appDeployment(s, { configMapName, secretName: secret })),
        child,
    );
    const service = new k8s.core.v1.Service(name, settings.map(frontService), child);
    new k8s.policy.v1.PodDisruptionBudget(name, settings.map(appDisruptionBudget), child);
    if (shape.networkPolicy) new k8s.networking.v1.NetworkPolicy(name, settings.map(appNetworkPolicy), child);
    return { secretName, configMap, deployment, service };
}

/**
 * An application behind Envoy, with the Fastly Next-Gen WAF agent inspecting every request:
 * the Envoy config, the Deployment (Envoy and the app, plus the agent sidecar by default), the
 * Service, and the credentials Secret (sidecar) or an agent Service of its own (`agentService.create`).
 */
export class EnvoyApp extends pulumi.ComponentResource {
    /** Where Envoy reaches the agent's gRPC listener (`localhost:9999` for the sidecar). */
    public readonly agentGrpcEndpoint: pulumi.Output<string>;
    /** The namespace of every object. */
    public readonly namespace: pulumi.Output<string>;
    /** The Secret holding the agent's credentials (yours, when `credentials.existingSecretName` is given); none with a shared agent Service. */
    public readonly secretName: pulumi.Output<string | undefined>;
    /** The ConfigMap holding `envoy.yaml`. */
    public readonly configMapName: pulumi.Output<string>;
    /** The Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** The Service in front of Envoy. */
    public readonly serviceName: pulumi.Output<string>;
    /** The app's address inside the cluster, through Envoy: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
    public readonly frontUrl: pulumi.Output<string>;

    constructor(name: string, args: EnvoyAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything known is checked before the component itself is registered.
        const { settings } = prepare(name, args);
        // Pulumi stores a component's inputs in state: this one keeps none (the credentials above
        // all); its children hold everything worth diffing.
        super(ENVOY_APP_TYPE, name, settings.componentInputs(), opts);
        // Which children exist is decided from what is known (now, or once outputs resolve); their
        // inputs wait for every check, so none is registered when one fails.
        const children = settings.register(appShape, (shape) => registerChildren(this, name, args, settings, shape));
        settings.map((s) => s.warnings.forEach((w) => pulumi.log.warn(w, this)));

        this.agentGrpcEndpoint = settings.output((s) => (s.agent ? agentListenAddress(s.agent) : endpointText(s.agentService!.endpoint)));
        this.namespace = settings.output((s) => s.namespace);
        this.secretName = children.output((c) => c?.secretName);
        // Undefined only in a preview that cannot tell which children there will be.
        this.configMapName = children.output((c) => c?.configMap.metadata.name as pulumi.Output<string>);
        this.deploymentName = children.output((c) => c?.deployment.metadata.name as pulumi.Output<string>);
        this.serviceName = children.output((c) => c?.service.metadata.name as pulumi.Output<string>);
        this.frontUrl = pulumi.all([this.serviceName, settings.input]).apply(([svc, s]) => `http://${clusterDomainName(svc, s.namespace)}:${s.service.port}`);
        this.registerOutputs({
            agentGrpcEndpoint: this.agentGrpcEndpoint,
            namespace: this.namespace,
            secretName: this.secretName,
            configMapName: this.configMapName,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            frontUrl: this.frontUrl,
        });
    }
}
