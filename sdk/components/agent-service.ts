// AgentService: the sigsci-agent as its own scaled Deployment behind a Service, shared by the
// EnvoyApps of one site (workspace). A thin layer: settings and objects come from the plain
// builders; this checks the inputs and turns the objects into Pulumi resources.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials, AgentServiceArgs, AgentServiceLink } from "../args";
import { agentAutoscaler, agentDeployment, agentDisruptionBudget, agentNetworkPolicy, agentServiceObject } from "../kube/agent-service";
import { endpointText, resolveAgentServiceSettings } from "../settings/agent-service";
import { isPending } from "../settings/pending";
import { AgentServiceSettings } from "../settings/types";
import { claim, Owner } from "./claims";
import { credentialsSecret } from "./credentials";
import { checkedSettings, Resolved } from "./inputs";

export const AGENT_SERVICE_TYPE = "sigsci-envoy:index:AgentService";

/** Which children exist: decided from what is known before anything is registered. */
interface Shape {
    secret: boolean;
    autoscaler: boolean;
}

/** The shape, or undefined while what decides it waits on an output. */
export function agentServiceShape(s: AgentServiceSettings): Shape | undefined {
    if (isPending(s) || isPending(s.createSecret) || isPending(s.autoscaling)) return undefined;
    return { secret: s.createSecret, autoscaler: s.autoscaling !== undefined };
}

interface Prepared {
    settings: Resolved<AgentServiceSettings>;
    credentials: pulumi.Input<AgentCredentials> | undefined;
}

/** The agent Services an EnvoyApp creates for itself: resolved, checked and claimed by the app. */
const ownServices = new WeakMap<object, Prepared>();

/** The agent Service of an EnvoyApp, from the app's own settings (which it waits for). */
export function ownAgentService(name: string, prepared: Prepared, opts: pulumi.ComponentResourceOptions): AgentService {
    const args = { credentials: {} } as AgentServiceArgs; // a key to the prepared settings; never read
    ownServices.set(args, prepared);
    return new AgentService(name, args, opts);
}

/** Names of the objects an agent Service names itself (the others are named by the provider). */
export function agentServiceClaims(s: AgentServiceSettings) {
    return [
        { kind: "Deployment", namespace: s.namespace, name: s.name },
        { kind: "Service", namespace: s.namespace, name: s.name },
    ];
}

function prepare(name: string, args: AgentServiceArgs): Prepared {
    const owner: Owner = { label: `AgentService "${name}"` };
    const settings = checkedSettings(args, (plain) => resolveAgentServiceSettings(name, plain), (s) => claim(owner, name, agentServiceClaims(s)));
    return { settings, credentials: args.credentials };
}

interface Children {
    secretName: pulumi.Output<string>;
    deployment: k8s.apps.v1.Deployment;
    service: k8s.core.v1.Service;
    autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    budget: k8s.policy.v1.PodDisruptionBudget;
    policy: k8s.networking.v1.NetworkPolicy;
}

function registerChildren(parent: pulumi.Resource, name: string, p: Prepared, settings: Resolved<AgentServiceSettings>, shape: Shape): Children {
    const child = { parent };
    const secretName = shape.secret ? credentialsSecret(`${name}-sigsci-credentials`, p.credentials, settings, child) : settings.output((s) => s.existingSecretName!);
    return {
        secretName,
        deployment: new k8s.apps.v1.Deployment(name, pulumi.all([settings.input, secretName]).apply(([s, secret]) => agentDeployment(s, secret)), child),
        service: new k8s.core.v1.Service(name, settings.map(agentServiceObject), child),
        autoscaler: shape.autoscaler ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-agent`, settings.map(agentAutoscaler), child) : undefined,
        budget: new k8s.policy.v1.PodDisruptionBudget(`${name}-agent`, settings.map(agentDisruptionBudget), child),
        policy: new k8s.networking.v1.NetworkPolicy(`${name}-agent`, settings.map(agentNetworkPolicy), child),
    };
}

/**
 * The sigsci-agent as a separately scaled Service: credentials Secret, agent Deployment,
 * Service on the gRPC port, PodDisruptionBudget, NetworkPolicy and, when asked, a
 * HorizontalPodAutoscaler. One agent Service serves one site (workspace).
 */
export class AgentService extends pulumi.ComponentResource {
    /** `<service>.<namespace>.svc.cluster.local:<port>`: where Envoy reaches the agents. */
    public readonly grpcEndpoint: pulumi.Output<string>;
    /** Labels an EnvoyApp's pods must carry to pass the NetworkPolicy. */
    public readonly clientLabels: pulumi.Output<{ [key: string]: string }>;
    /** Whether the agents expect response data (apps must agree). */
    public readonly expectResponseData: pulumi.Output<boolean>;
    /** How Envoy talks to the agents, `ext_authz` or `ext_proc` (apps must agree). */
    public readonly integration: pulumi.Output<string>;
    /** The namespace of every object. */
    public readonly namespace: pulumi.Output<string>;
    /** The namespaces whose Envoy pods the NetworkPolicy admits (apps must be in one). */
    public readonly clientNamespaces: pulumi.Output<string[]>;
    /** The credentials Secret. */
    public readonly secretName: pulumi.Output<string>;
    /** The agent Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** The agent Service. */
    public readonly serviceName: pulumi.Output<string>;
    /** The HorizontalPodAutoscaler, when autoscaling is on. */
    public readonly autoscalerName: pulumi.Output<string | undefined>;
    /** The PodDisruptionBudget. */
    public readonly disruptionBudgetName: pulumi.Output<string>;
    /** The NetworkPolicy. */
    public readonly networkPolicyName: pulumi.Output<string>;

    constructor(name: string, args: AgentServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything known is checked before the component itself is registered.
        const p = ownServices.get(args) ?? prepare(name, args);
        // Pulumi stores a component's inputs in state: this one keeps none (the credentials above
        // all); its children hold everything worth diffing.
        super(AGENT_SERVICE_TYPE, name, p.settings.componentInputs(), opts);
        const settings = p.settings;
        // Which children exist is decided from what is known (now, or once outputs resolve); their
        // inputs wait for every check, so none is registered when one fails.
        const children = settings.register(agentServiceShape, (shape) => registerChildren(this, name, p, settings, shape));

        // Derived from the settings, but published only once the Service exists.
        this.grpcEndpoint = pulumi.all([settings.input, children.output((c) => c?.service.metadata.name)]).apply(([s]) => endpointText(s.endpoint));
        this.clientLabels = settings.output((s) => s.clientLabels);
        this.expectResponseData = settings.output((s) => s.agent.expectResponseData);
        this.integration = settings.output((s) => s.agent.integration);
        this.namespace = settings.output((s) => s.namespace);
        this.clientNamespaces = settings.output((s) => s.clientNamespaces);
        // Undefined only in a preview that cannot tell which children there will be.
        this.secretName = children.output((c) => c?.secretName as pulumi.Output<string>);
        this.deploymentName = children.output((c) => c?.deployment.metadata.name as pulumi.Output<string>);
        this.serviceName = children.output((c) => c?.service.metadata.name as pulumi.Output<string>);
        this.autoscalerName = children.output((c) => c?.autoscaler?.metadata.name);
        this.disruptionBudgetName = children.output((c) => c?.budget.metadata.name as pulumi.Output<string>);
        this.networkPolicyName = children.output((c) => c?.policy.metadata.name as pulumi.Output<string>);
        this.registerOutputs({
            grpcEndpoint: this.grpcEndpoint,
            clientLabels: this.clientLabels,
            expectResponseData: this.expectResponseData,
            integration: this.integration,
            namespace: this.namespace,
            clientNamespaces: this.clientNamespaces,
            secretName: this.secretName,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            autoscalerName: this.autoscalerName,
            disruptionBudgetName: this.disruptionBudgetName,
            networkPolicyName: this.networkPolicyName,
        });
    }

    /** What an EnvoyApp's `agentService` input needs to use this service. */
    link(tlsCaSecretName?: pulumi.Input<string>): AgentServiceLink {
        return {
            endpoint: this.grpcEndpoint,
            clientLabels: this.clientLabels,
            clientNamespaces: this.clientNamespaces,
            expectResponseData: this.expectResponseData,
            integration: this.integration,
            tlsCaSecretName,
        };
    }
}
