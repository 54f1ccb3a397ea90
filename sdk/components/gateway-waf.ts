// GatewayWaf: Envoy Gateway sends every request of a Gateway (or of named routes) to the
// sigsci-agent, Fastly's Envoy Gateway layout. A thin layer: the plan (kube/plan.ts) says which
// objects exist and builds them from the checked settings; this registers them, parented to it.
import * as pulumi from "@pulumi/pulumi";
import { GatewayWafArgs } from "../args";
import { gatewayChildren, gatewayNamedObjects, gatewayShape, GatewayShape, NamedObject } from "../kube/plan";
import { clusterDomainName } from "../settings/agent-service";
import { gatewayAgentsName, resolveGatewaySettings } from "../settings/gateway";
import { AgentServiceSettings, GatewaySettings } from "../settings/types";
import { agentServiceClaims, ownAgentService } from "./agent-service";
import { claim, Owner, providerNamespace } from "./claims";
import { checkedSettings, credentialsInput, Resolved } from "./inputs";
import { childName, childNamespace, registerChildren } from "./register";

export const GATEWAY_WAF_TYPE = "sigsci-envoy:index:GatewayWaf";

function prepare(name: string, args: GatewayWafArgs, opts: pulumi.ComponentResourceOptions | undefined): Resolved<GatewaySettings> {
    const instance = {};
    const fallback = providerNamespace(opts);
    return checkedSettings(
        args,
        (plain) => resolveGatewaySettings(name, plain),
        (s) => {
            for (const [owner, objects] of gatewayClaims(name, s, instance)) claim(owner, name, objects, fallback);
        },
    );
}

/** The names a GatewayWaf's objects take, and its own agent fleet's (the stack program checks them too). */
export function gatewayClaims(name: string, s: GatewaySettings, instance: object): [Owner, NamedObject[]][] {
    const claims: [Owner, NamedObject[]][] = [[{ label: `GatewayWaf "${name}"`, instance }, gatewayNamedObjects(s)]];
    if (s.agents.create) claims.push([{ label: `GatewayWaf "${name}" (its own agent fleet)`, instance }, agentServiceClaims(s.agents.create)]);
    return claims;
}

function registerAll(parent: GatewayWaf, name: string, args: GatewayWafArgs, settings: Resolved<GatewaySettings>, shape: GatewayShape) {
    if (shape.own) {
        // Resolved once, with the GatewayWaf: it waits for its checks and holds the same credentials.
        const own = settings.derive((s) => s.agents.create as AgentServiceSettings);
        ownAgentService(gatewayAgentsName(name), { settings: own, credentials: credentialsInput(args) }, { parent });
    }
    return registerChildren(parent, settings, gatewayChildren(name, shape), {});
}

/**
 * Fastly's Envoy Gateway layout: an `EnvoyExtensionPolicy` that has Envoy Gateway send every
 * request of a Gateway's HTTP listeners (or of named routes) to the sigsci-agent over ext_proc,
 * the agent fleet it sends them to (an AgentService of its own, or one created elsewhere), a
 * `BackendTrafficPolicy` request buffer for buffered bodies, a `ReferenceGrant` when the agents
 * are in another namespace, and a NetworkPolicy that admits Envoy Gateway's proxies to them.
 */
export class GatewayWaf extends pulumi.ComponentResource {
    /** The EnvoyExtensionPolicy. */
    public readonly policyName: pulumi.Output<string>;
    /** What its policies attach to: `Gateway/<name>`, `HTTPRoute/<name>`, ... */
    public readonly targets: pulumi.Output<string[]>;
    /** The namespace of the policies (and of their targets). */
    public readonly namespace: pulumi.Output<string>;
    /** `<service>.<namespace>.svc.cluster.local:<port>`: where Envoy Gateway reaches the agents. */
    public readonly agentGrpcEndpoint: pulumi.Output<string>;

    constructor(name: string, args: GatewayWafArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything known is checked before the component itself is registered.
        const settings = prepare(name, args, opts);
        const registration = settings.componentRegistration(opts);
        super(GATEWAY_WAF_TYPE, name, registration.inputs, registration.opts);
        const children = settings.register(gatewayShape, (shape) => registerAll(this, name, args, settings, shape));
        this.policyName = children.output((c) => childName(c?.EnvoyExtensionPolicy));
        this.namespace = children.output((c) => childNamespace(c?.EnvoyExtensionPolicy));
        this.targets = settings.output((s) => s.targets.map((t) => `${t.kind}/${t.name}`));
        // The agents' namespace as the provider reports it, once the policy exists: the component's own when none was given.
        this.agentGrpcEndpoint = pulumi
            .all([settings.output((s) => ({ service: s.agents.service, namespace: s.agents.namespace, port: s.agents.port })), this.namespace])
            .apply(([a, ns]) => `${clusterDomainName(a.service, a.namespace ?? ns)}:${a.port}`);
        this.registerOutputs({ policyName: this.policyName, targets: this.targets, namespace: this.namespace, agentGrpcEndpoint: this.agentGrpcEndpoint });
    }
}
