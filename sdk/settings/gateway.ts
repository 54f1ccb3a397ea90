// Resolves the inputs of a GatewayWaf: which Gateway or routes its policies attach to, how
// Envoy Gateway consults the agent, the agent fleet (created here, as an AgentService in
// ext_proc mode, or one created elsewhere) and the Envoy Gateway proxies that the agents admit.
import { GatewayBodyMode, GatewayRouteKind, GatewayWafArgs } from "../args";
import { ENVOY_GATEWAY_NAMESPACE, ENVOY_GATEWAY_PROXY_LABELS, ENVOY_GATEWAY_SERVER_FLAVOR, OWNING_GATEWAY_LABELS } from "../vocabulary/gateway";
import { AGENT_OPTIONS } from "../vocabulary/agent";
import { EXTERNAL_ADDRESS_HEADER, INSPECTION_TIMEOUT_LIMITS } from "../vocabulary/envoy";
import { agentServiceSettings } from "./agent-service";
import * as check from "./checks";
import { AGENT_SERVICE_DEFAULTS, DEFAULTS, NAMES } from "./defaults";
import { refuse, refuseKind } from "./errors";
import { FIELDS, onlyFields } from "./fields";
import { isPending, known, PENDING } from "./pending";
import { Plain, resolveCredentials, standardLabels } from "./shared";
import { GatewaySettings, GatewayTargetSettings } from "./types";

const BODY_MODES = Object.values(GatewayBodyMode);
const ROUTE_KINDS = Object.values(GatewayRouteKind);

/** The name of the agent fleet a GatewayWaf creates: its own, as an EnvoyApp's own agent Service. */
export const gatewayAgentsName = (name: string) => `${name}-agent`;

/** A protobuf duration in seconds (`"0.2s"`) as a Gateway API duration (`200ms`, `1s500ms`). */
export function gatewayDuration(seconds: string): string {
    const ms = Math.round(Number(seconds.slice(0, -1)) * 1000);
    const [s, rest] = [Math.floor(ms / 1000), ms % 1000];
    return `${s > 0 ? `${s}s` : ""}${rest > 0 || s === 0 ? `${rest}ms` : ""}`;
}

export function resolveGatewaySettings(name: string, args: Plain<GatewayWafArgs>): GatewaySettings {
    check.dns1035Label("name", name);
    if (typeof args !== "object" || args === null || Array.isArray(args)) refuseKind("args", args, "an object with a gateway or routes");
    onlyFields("", args, FIELDS.GatewayWafArgs);
    const namespace = args.namespace === undefined ? undefined : check.dns1123Label("namespace", args.namespace);
    const labels = check.labels("labels", args.labels);
    const targets = resolveTargets(args);

    const i = check.plainObject("inspection", args.inspection, FIELDS.GatewayInspection) ?? {};
    const timeout = check.duration("inspection.timeout", i.timeout, DEFAULTS.inspection.timeout, INSPECTION_TIMEOUT_LIMITS.ext_proc);
    const body = check.oneOf("inspection.body", i.body, BODY_MODES, GatewayBodyMode.Buffered);
    if (known(body) && body !== GatewayBodyMode.Buffered && i.maxRequestBytes !== undefined)
        refuse("inspection.maxRequestBytes", i.maxRequestBytes, `nothing with inspection.body "${body}" (only a Buffered body has a request buffer)`);
    const inspection: GatewaySettings["inspection"] = {
        failOpen: check.bool("inspection.failOpen", i.failOpen, DEFAULTS.inspection.failOpen),
        messageTimeout: isPending(timeout) ? PENDING : gatewayDuration(timeout),
        body,
        ...(body === GatewayBodyMode.Buffered ? { maxRequestBytes: check.int("inspection.maxRequestBytes", i.maxRequestBytes, DEFAULTS.inspection.extProcMaxRequestBytes, 1, 64 * 1024 * 1024) } : {}),
    };

    const agents = resolveAgents(name, namespace, labels, args);
    const gateway = targets.find((t) => t.kind === "Gateway");
    const p = check.plainObject("proxies", args.proxies, FIELDS.GatewayProxies) ?? {};
    const proxies = {
        namespace: check.dns1123Label("proxies.namespace", p.namespace, ENVOY_GATEWAY_NAMESPACE),
        labels:
            p.labels !== undefined
                ? check.labels("proxies.labels", p.labels)
                : { ...ENVOY_GATEWAY_PROXY_LABELS, ...(gateway && namespace !== undefined ? { [OWNING_GATEWAY_LABELS.name]: gateway.name, [OWNING_GATEWAY_LABELS.namespace]: namespace } : {}) },
    };
    const agentsNamespace = agents.namespace ?? namespace;
    // A policy reaches a Service in another namespace only through a ReferenceGrant there (which names the policy's namespace).
    const referenceGrant = known(agentsNamespace, namespace) && agentsNamespace !== namespace;
    if (referenceGrant && namespace === undefined)
        refuse("namespace", undefined, "a namespace when the agents are in another one: the ReferenceGrant that lets the policy reach them names the policy's namespace");
    return { name, namespace, labels: standardLabels(name, NAMES.gatewayWafKind, "", labels).labels, targets, inspection, agents, referenceGrant, proxies };
}

/** The Gateway, or the routes, the policies attach to (in the component's namespace, as Envoy Gateway requires). */
function resolveTargets(args: Plain<GatewayWafArgs>): GatewayTargetSettings[] {
    if (isPending(args.gateway) || isPending(args.routes)) return PENDING;
    if ((args.gateway === undefined) === (args.routes === undefined)) refuse("gateway", args.gateway, "either gateway (every route of its HTTP listeners) or routes (those routes only)");
    if (args.gateway !== undefined) return [{ kind: "Gateway", name: check.dns1123Subdomain("gateway", args.gateway) }];
    const routes = check.list("routes", args.routes) ?? [];
    if (known(routes) && routes.length === 0) refuse("routes", routes, "at least one route");
    const targets = routes.map((r, i) => {
        const route = check.plainObject(`routes[${i}]`, r, FIELDS.GatewayRoute)!;
        return { kind: check.oneOf(`routes[${i}].kind`, route.kind, ROUTE_KINDS, GatewayRouteKind.HTTPRoute), name: check.dns1123Subdomain(`routes[${i}].name`, route.name) };
    });
    targets.forEach((t, i) => {
        if (targets.findIndex((u) => u.kind === t.kind && u.name === t.name) < i) refuse(`routes[${i}]`, t, "a route not already listed");
    });
    return targets;
}

/** The agent fleet: created here with the credentials, or one created elsewhere. */
function resolveAgents(name: string, namespace: string | undefined, labels: Record<string, string>, args: Plain<GatewayWafArgs>): GatewaySettings["agents"] {
    const existing = check.plainObject("existingAgentService", args.existingAgentService, FIELDS.ExistingAgentService);
    if (existing !== undefined) {
        for (const input of ["credentials", "agents", "agentNamespace"] as const) {
            if (args[input] !== undefined) refuse(input, input === "credentials" ? "(set)" : args[input], "nothing with existingAgentService (that fleet holds its own credentials and settings)");
        }
        const service = check.dns1035Label("existingAgentService.name", existing.name);
        const ns = existing.namespace === undefined ? namespace : check.dns1123Label("existingAgentService.namespace", existing.namespace);
        return {
            service,
            namespace: ns,
            port: check.port("existingAgentService.port", existing.port, DEFAULTS.agentGrpcPort),
            selectorLabels: standardLabels(service, NAMES.agentServiceKind, "", {}).selectorLabels,
        };
    }
    if (args.credentials === undefined) refuse("credentials", undefined, "the agent keys (or existingSecretName) for the agent fleet the component creates, or existingAgentService");
    const credentials = resolveCredentials("credentials", args.credentials);
    const agentNamespace = args.agentNamespace === undefined ? namespace : check.dns1123Label("agentNamespace", args.agentNamespace);
    const given = check.plainObject("agents", args.agents, FIELDS.AgentServiceSettings) ?? {};
    const agent = check.plainObject("agents.agent", given.agent, FIELDS.AgentContainer) ?? {};
    const options = check.plainObject("agents.agent.options", agent.options) ?? {};
    if (!isPending(options) && options[AGENT_OPTIONS.serverFlavor] !== undefined)
        refuse(
            `agents.agent.options.${AGENT_OPTIONS.serverFlavor}`,
            options[AGENT_OPTIONS.serverFlavor],
            `no value here: the component sets it ("${ENVOY_GATEWAY_SERVER_FLAVOR}", Fastly's Envoy Gateway guide)`,
        );
    // Fastly's Envoy Gateway guide: ext_proc, its server flavor, a gRPC readiness probe on the agent's port.
    const withFlavor = { ...given, agent: { ...agent, options: { ...options, [AGENT_OPTIONS.serverFlavor]: ENVOY_GATEWAY_SERVER_FLAVOR } } };
    const fleet = agentServiceSettings("agents.", gatewayAgentsName(name), agentNamespace, labels, credentials, withFlavor, { integration: "ext_proc", expectResponseData: false });
    // Envoy Gateway's proxies trust the peer (use_remote_address) and write the address they trust to this header themselves.
    const create = isPending(fleet.agent) ? fleet : { ...fleet, agent: { ...fleet.agent, clientIpHeader: EXTERNAL_ADDRESS_HEADER } };
    return { create, service: create.name, namespace: agentNamespace, port: create.agent.grpcPort, selectorLabels: create.selectorLabels };
}

/** The NetworkPolicy's label the Envoy pods of an agent Service carry, re-exported for the plan. */
export const AGENT_CLIENT_LABEL = AGENT_SERVICE_DEFAULTS.clientLabelKey;
