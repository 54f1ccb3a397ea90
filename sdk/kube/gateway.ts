// The objects of a GatewayWaf, built from its settings: the EnvoyExtensionPolicy that has Envoy
// Gateway send each request to the agents (ext_proc), the BackendTrafficPolicy whose request
// buffer lets a buffered body reach them whole, the ReferenceGrant that lets the policy reach
// agents in another namespace, and the NetworkPolicy that admits Envoy Gateway's proxies to them.
import { GatewaySettings } from "../settings/types";
import { ENVOY_GATEWAY_API, ENVOY_GATEWAY_GROUP, GATEWAY_API, GATEWAY_API_GROUP, GATEWAY_KINDS } from "../vocabulary/gateway";
import { NAMESPACE_NAME_LABEL } from "../vocabulary/kubernetes";

const targetRefs = (s: GatewaySettings) => s.targets.map((t) => ({ group: GATEWAY_API_GROUP, kind: t.kind, name: t.name }));

/** The agents' namespace as objects there carry it (none: the provider's, the component's own). */
const inAgentsNamespace = (s: GatewaySettings) => (s.agents.namespace === undefined ? {} : { namespace: s.agents.namespace });

export function extensionPolicy(s: GatewaySettings) {
    const backendRef = { name: s.agents.service, ...(s.referenceGrant ? { namespace: s.agents.namespace } : {}), port: s.agents.port };
    return {
        apiVersion: ENVOY_GATEWAY_API,
        kind: GATEWAY_KINDS.extensionPolicy,
        metadata: { name: s.name, ...(s.namespace === undefined ? {} : { namespace: s.namespace }), labels: s.labels },
        spec: {
            targetRefs: targetRefs(s),
            extProc: [
                {
                    backendRefs: [backendRef],
                    // Left out, Envoy Gateway sends the agent nothing: request headers and body, and the response headers.
                    processingMode: { request: { body: s.inspection.body }, response: {} },
                    failOpen: s.inspection.failOpen,
                    messageTimeout: s.inspection.messageTimeout,
                },
            ],
        },
    };
}

/** A request buffer as large as the body the agent is to see: without it Envoy answers 413 above its 32 KiB connection buffer. */
export function requestBufferPolicy(s: GatewaySettings) {
    return {
        apiVersion: ENVOY_GATEWAY_API,
        kind: GATEWAY_KINDS.backendTrafficPolicy,
        metadata: { name: s.name, ...(s.namespace === undefined ? {} : { namespace: s.namespace }), labels: s.labels },
        spec: { targetRefs: targetRefs(s), requestBuffer: { limit: String(s.inspection.maxRequestBytes) } },
    };
}

/** Lets the policy, in its namespace, refer to the agents' Service in theirs. */
export function agentsReferenceGrant(s: GatewaySettings) {
    return {
        apiVersion: GATEWAY_API.referenceGrant,
        kind: GATEWAY_KINDS.referenceGrant,
        metadata: { name: s.name, ...inAgentsNamespace(s), labels: s.labels },
        spec: {
            from: [{ group: ENVOY_GATEWAY_GROUP, kind: GATEWAY_KINDS.extensionPolicy, namespace: s.namespace }],
            to: [{ group: "", kind: "Service", name: s.agents.service }],
        },
    };
}

/** The agents admit Envoy Gateway's proxies on their gRPC port (beside whatever else admits them). */
export function proxiesNetworkPolicy(s: GatewaySettings) {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: gatewayPolicyName(s.name), ...inAgentsNamespace(s), labels: s.labels },
        spec: {
            podSelector: { matchLabels: s.agents.selectorLabels },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: s.proxies.namespace } }, podSelector: { matchLabels: s.proxies.labels } }],
                    ports: [{ protocol: "TCP", port: s.agents.port }],
                },
            ],
        },
    };
}

/** The NetworkPolicy's name: the component's, marked as the proxies'. */
export const gatewayPolicyName = (name: string) => `${name}-gateway-proxies`;
