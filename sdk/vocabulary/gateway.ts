// Envoy Gateway's and the Gateway API's names, as the package writes them and the traffic model
// reads them (envoyproxy/gateway v1.9.0, Gateway API v1.6.1; sources in tools/schemas/crds/SOURCE.md).

/** The Gateway API group, and the versions of its kinds the package writes. */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
export const GATEWAY_API = {
    gateway: `${GATEWAY_API_GROUP}/v1`,
    httpRoute: `${GATEWAY_API_GROUP}/v1`,
    grpcRoute: `${GATEWAY_API_GROUP}/v1`,
    /** v1beta1: the version Envoy Gateway lists ReferenceGrants through (it is v1.6.1's storage version). */
    referenceGrant: `${GATEWAY_API_GROUP}/v1beta1`,
} as const;

/** Envoy Gateway's own API group and version. */
export const ENVOY_GATEWAY_GROUP = "gateway.envoyproxy.io";
export const ENVOY_GATEWAY_API = `${ENVOY_GATEWAY_GROUP}/v1alpha1`;

/** The policy kinds the package writes and reads. */
export const GATEWAY_KINDS = {
    gateway: "Gateway",
    httpRoute: "HTTPRoute",
    grpcRoute: "GRPCRoute",
    referenceGrant: "ReferenceGrant",
    extensionPolicy: "EnvoyExtensionPolicy",
    backendTrafficPolicy: "BackendTrafficPolicy",
    clientTrafficPolicy: "ClientTrafficPolicy",
    patchPolicy: "EnvoyPatchPolicy",
    gatewayClass: "GatewayClass",
} as const;

/** The controller name of Envoy Gateway's GatewayClasses (its default; api/v1alpha1 envoygateway_types.go). */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";

/** Where Envoy Gateway runs its proxies by default (its controller's namespace, `ENVOY_GATEWAY_NAMESPACE`). */
export const ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system";

/** The labels on every Envoy Gateway proxy pod (internal/infrastructure/kubernetes/proxy/resource.go). */
export const ENVOY_GATEWAY_PROXY_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "envoy",
    "app.kubernetes.io/component": "proxy",
    "app.kubernetes.io/managed-by": "envoy-gateway",
};

/** The labels naming the Gateway a proxy serves (not with mergeGateways). */
export const OWNING_GATEWAY_LABELS = { name: "gateway.envoyproxy.io/owning-gateway-name", namespace: "gateway.envoyproxy.io/owning-gateway-namespace" } as const;

/** The agent's server flavor in Fastly's Envoy Gateway guide (`SIGSCI_SERVER_FLAVOR`). */
export const ENVOY_GATEWAY_SERVER_FLAVOR = "envoy-gateway";

/** Envoy Gateway's default per-connection buffer limit, which a buffered ext_proc body may not exceed without a request buffer (api/v1alpha1/connection_types.go). */
export const ENVOY_GATEWAY_DEFAULT_BUFFER_BYTES = 32768;

/** Listener protocols whose requests pass the HTTP filters (ext_proc among them); the rest are TCP, TLS passthrough or UDP. */
export const HTTP_LISTENER_PROTOCOLS: readonly string[] = ["HTTP", "HTTPS"];
