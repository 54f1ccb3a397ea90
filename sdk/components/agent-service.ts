// AgentService: the sigsci-agent as its own scaled Deployment behind a ClusterIP Service,
// shared by the EnvoyApps of one site (workspace).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentServiceArgs, AgentServiceLink } from "../args";
import { agentAutoscaler, agentDeployment, agentDisruptionBudget, agentNetworkPolicy, agentServiceObject } from "../kube/agent-service";
import { endpointText, resolveAgentServiceSettings } from "../settings/agent-service";
import { credentialsSecret } from "./credentials";
import { credentialPresence, Resolved } from "./inputs";

/**
 * The sigsci-agent as a separately scaled Service: credentials Secret, agent Deployment,
 * ClusterIP Service on the gRPC port, PodDisruptionBudget, NetworkPolicy and, when asked, a
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
        const safeArgs = { ...args, credentials: credentialPresence(args?.credentials) };
        // Pulumi stores a component's inputs in state; this one keeps none (the credentials above
        // all), and its children hold everything worth diffing.
        super("sigsci-envoy:index:AgentService", name, {}, opts);
        const settings = Resolved.of(safeArgs, (plain) => resolveAgentServiceSettings(name, plain as pulumi.Unwrap<AgentServiceArgs>));
        const child = { parent: this };

        const secretName = credentialsSecret(`${name}-sigsci-credentials`, args.credentials, settings, child);
        const deployment = new k8s.apps.v1.Deployment(name, pulumi.all([settings.input, secretName]).apply(([s, secret]) => agentDeployment(s, secret)), child);
        const service = new k8s.core.v1.Service(name, settings.map(agentServiceObject), child);
        const autoscaler = args.autoscaling !== undefined ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-agent`, settings.map(agentAutoscaler), child) : undefined;
        const budget = new k8s.policy.v1.PodDisruptionBudget(`${name}-agent`, settings.map(agentDisruptionBudget), child);
        const policy = new k8s.networking.v1.NetworkPolicy(`${name}-agent`, settings.map(agentNetworkPolicy), child);

        // Derived from the settings, but published only once the Service exists.
        this.grpcEndpoint = pulumi.all([settings.input, service.metadata.name]).apply(([s]) => endpointText(s.endpoint));
        this.clientLabels = settings.output((s) => s.clientLabels);
        this.expectResponseData = settings.output((s) => s.agent.expectResponseData);
        this.integration = settings.output((s) => s.agent.integration);
        this.namespace = settings.output((s) => s.namespace);
        this.clientNamespaces = settings.output((s) => s.clientNamespaces);
        this.secretName = secretName;
        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.autoscalerName = autoscaler ? autoscaler.metadata.name : pulumi.output(undefined);
        this.disruptionBudgetName = budget.metadata.name;
        this.networkPolicyName = policy.metadata.name;
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
