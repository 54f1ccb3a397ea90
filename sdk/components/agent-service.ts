// AgentService: the sigsci-agent as its own scaled Deployment behind a Service, shared by the
// EnvoyApps of one site (workspace). A thin layer: the plan (kube/plan.ts) says which objects
// exist and builds them from the checked settings; this registers them as Pulumi resources.
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials, AgentServiceArgs, AgentServiceLink, Integration } from "../args";
import { agentServiceChildren, agentServiceShape, AgentServiceShape, namedObjects } from "../kube/plan";
import { clusterDomainName, endpointText, plainLink, resolveAgentServiceSettings } from "../settings/agent-service";
import { AgentServiceSettings } from "../settings/types";
import { claim, Owner, providerNamespace } from "./claims";
import { isPending } from "../settings/pending";
import { checkedSettings, credentialsInput, Resolved } from "./inputs";
import { childName, childNamespace, credentialsSecret, registerChildren } from "./register";

export const AGENT_SERVICE_TYPE = "sigsci-envoy:index:AgentService";

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

/** The names an agent Service gives its objects (of its shape; of every shape while that is not known). */
export function agentServiceClaims(s: AgentServiceSettings) {
    return namedObjects(s, agentServiceChildren(s.name, agentServiceShape(s) ?? { secret: true, autoscaler: true, metrics: false }));
}

/** The objects an agent Service names, with their owner as messages name it. */
export function serviceClaims(name: string, s: AgentServiceSettings, instance: object): [Owner, ReturnType<typeof agentServiceClaims>] {
    return [{ label: `AgentService "${name}"`, instance }, agentServiceClaims(s)];
}

function prepare(name: string, args: AgentServiceArgs, opts: pulumi.ComponentResourceOptions | undefined): Prepared {
    const instance = {};
    const fallback = providerNamespace(opts);
    const settings = checkedSettings(
        args,
        (plain) => resolveAgentServiceSettings(name, plain),
        (s) => {
            const [owner, objects] = serviceClaims(name, s, instance);
            claim(owner, name, objects, fallback);
        },
    );
    return { settings, credentials: credentialsInput(args) };
}

function registerAll(parent: AgentService, name: string, p: Prepared, shape: AgentServiceShape) {
    const secretName = shape.secret ? credentialsSecret(parent, name, p.credentials, p.settings) : p.settings.output((s) => s.existingSecretName!);
    return { secretName, ...registerChildren(parent, p.settings, agentServiceChildren(name, shape), { secretName }) };
}

/** Does a settings value wait on an output anywhere in it? */
function containsPendingValue(v: unknown): boolean {
    if (isPending(v)) return true;
    return typeof v === "object" && v !== null && Object.values(v).some(containsPendingValue);
}

/** What link() hands an app, kept off the component (every property of a component is one of its outputs). */
const links = new WeakMap<AgentService, { endpoint: pulumi.Output<string>; clientNamespaces: pulumi.Output<string[] | undefined>; plain?: AgentServiceLink }>();

/** The agent Service a link came from, when its values are plain: the app's children then depend on it as a resource. */
const linkedServices = new WeakMap<object, AgentService>();

/** The AgentService of a plain link (from {@link AgentService.link}), or undefined. */
export function linkedAgentService(link: unknown): AgentService | undefined {
    return typeof link === "object" && link !== null ? linkedServices.get(link) : undefined;
}

/**
 * A link of plain values, when the agent Service's settings are known now and its address does
 * not wait on the provider's namespace (given, or the provider's with no named client namespaces:
 * reached by its bare name): every app of a fleet then resolves its settings at once (no output
 * to wait for per app), and waits for the fleet as a resource instead.
 */
function knownLink(s: AgentServiceSettings | undefined): AgentServiceLink | undefined {
    if (s === undefined || containsPendingValue(s)) return undefined;
    if (s.namespace === undefined && s.clientNamespaces !== undefined) return undefined;
    return plainLink(s);
}

/**
 * The sigsci-agent as a separately scaled Service: credentials Secret, agent Deployment,
 * Service on the gRPC port, PodDisruptionBudget, NetworkPolicy and, when asked, a
 * HorizontalPodAutoscaler. One agent Service serves one site (workspace).
 */
export class AgentService extends pulumi.ComponentResource {
    /** `<service>.<namespace>.svc.cluster.local:<port>`: where Envoy reaches the agents (the namespace as the provider reports it). */
    public readonly grpcEndpoint: pulumi.Output<string>;
    /** Labels an EnvoyApp's pods must carry to pass the NetworkPolicy. */
    public readonly clientLabels: pulumi.Output<{ [key: string]: string }>;
    /** Whether the agents expect response data (apps must agree). */
    public readonly expectResponseData: pulumi.Output<boolean>;
    /** How Envoy talks to the agents, `ext_authz` or `ext_proc` (apps must agree). */
    public readonly integration: pulumi.Output<Integration>;
    /** The namespace of every object: the one given, or the Kubernetes provider's. */
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
        const p = ownServices.get(args) ?? prepare(name, args, opts);
        // Pulumi stores a component's inputs in state: this one keeps none (the credentials above
        // all); its children hold everything worth diffing. Its registration waits for every
        // check, and its children for it.
        const registration = p.settings.componentRegistration(opts);
        super(AGENT_SERVICE_TYPE, name, registration.inputs, registration.opts);
        const settings = p.settings;
        // Which children exist is decided from what is known (now, or once outputs resolve); none
        // is registered when a check fails.
        const children = settings.register(agentServiceShape, (shape) => registerAll(this, name, p, shape));

        // The namespace as the provider reports it, once the Service exists: who reads the endpoint depends on it.
        this.namespace = children.output((c) => childNamespace(c?.Service));
        const service = { name: children.output((c) => childName(c?.Service)), namespace: this.namespace };
        this.grpcEndpoint = pulumi.all([service.name, service.namespace, settings.output((s) => s.endpoint.port)]).apply(([svc, ns, port]) => `${clusterDomainName(svc, ns)}:${port}`);
        this.clientLabels = settings.output((s) => s.clientLabels);
        this.expectResponseData = settings.output((s) => s.agent.expectResponseData);
        this.integration = settings.output((s) => s.agent.integration);
        this.clientNamespaces = pulumi.all([settings.output((s) => s.clientNamespaces), this.namespace]).apply(([given, own]) => given ?? [own]);
        // An agent Service in the provider's namespace that admits only that namespace is reached
        // by its bare name: it resolves in the app pod's own namespace, the only one admitted (an
        // app elsewhere resolves nothing, and its pod never turns Ready).
        links.set(this, {
            endpoint: pulumi
                .all([settings.output((s) => (s.namespace === undefined && s.clientNamespaces === undefined ? endpointText(s.endpoint) : undefined)), this.grpcEndpoint])
                .apply(([bare, full]) => bare ?? full),
            clientNamespaces: settings.output((s) => s.clientNamespaces),
            plain: knownLink(settings.known),
        });
        this.secretName = children.output((c) => c?.secretName as pulumi.Output<string>);
        this.deploymentName = children.output((c) => childName(c?.Deployment));
        this.serviceName = children.output((c) => childName(c?.Service));
        this.autoscalerName = children.output((c) => childName(c?.HorizontalPodAutoscaler));
        this.disruptionBudgetName = children.output((c) => childName(c?.PodDisruptionBudget));
        this.networkPolicyName = children.output((c) => childName(c?.NetworkPolicy));
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
        const own = links.get(this)!;
        if (own.plain) {
            const link = { ...own.plain, ...(tlsCaSecretName !== undefined ? { tlsCaSecretName } : {}) };
            linkedServices.set(link, this);
            return link;
        }
        return {
            endpoint: own.endpoint,
            clientLabels: this.clientLabels,
            clientNamespaces: own.clientNamespaces as pulumi.Output<string[]>,
            expectResponseData: this.expectResponseData,
            integration: this.integration,
            tlsCaSecretName,
        };
    }
}
