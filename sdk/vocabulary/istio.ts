// Istio's names, as the package writes them and the traffic model reads them (istio/istio 1.30.3,
// istio/api v1.30.3; sources in tools/schemas/crds/SOURCE.md).

/** The API of EnvoyFilter. */
export const ISTIO_NETWORKING_API = "networking.istio.io/v1alpha3";

/** The container Istio's injector adds, and the annotation it records the injection in. */
export const ISTIO_PROXY_CONTAINER = "istio-proxy";
export const ISTIO_SIDECAR_STATUS = "sidecar.istio.io/status";

/**
 * The ports Istio's sidecar (the injected istio-proxy: Envoy and its pilot-agent) uses in the pod,
 * with what each is for (Istio's "Application Requirements", "Ports used by Istio": "applications
 * should not use any of the ports used by Envoy"). Some listen on the pod's address, some on its
 * loopback only; either way a container of the pod cannot take them.
 */
export const ISTIO_SIDECAR_PORTS: Readonly<Record<number, string>> = {
    15000: "Envoy's admin port",
    15001: "Envoy's outbound capture port",
    15004: "the pilot-agent's debug port",
    15006: "Envoy's inbound capture port",
    15008: "the HBONE mTLS tunnel port",
    15020: "the merged Prometheus telemetry port",
    15021: "the health check port",
    15053: "the DNS proxy port",
    15090: "Envoy's Prometheus telemetry port",
};

/** Labels that decide injection: on the pod, and on its namespace (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml). */
export const ISTIO_LABELS = {
    inject: "sidecar.istio.io/inject",
    revision: "istio.io/rev",
    namespaceInjection: "istio-injection",
    dataplaneMode: "istio.io/dataplane-mode",
} as const;

/** Pod annotations that take inbound ports out of the sidecar's capture (annotation/annotations.yaml). */
export const ISTIO_CAPTURE_ANNOTATIONS = {
    includeInboundPorts: "traffic.sidecar.istio.io/includeInboundPorts",
    excludeInboundPorts: "traffic.sidecar.istio.io/excludeInboundPorts",
    interceptionMode: "sidecar.istio.io/interceptionMode",
    excludeInterfaces: "traffic.sidecar.istio.io/excludeInterfaces",
    /** ProxyConfig overrides of the pod, merged by the injector (its interceptionMode too). */
    proxyConfig: "proxy.istio.io/config",
} as const;

/** Namespaces Istio's injector never injects into (pkg/kube/inject: IgnoredNamespaces). */
export const ISTIO_IGNORED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"];

/** The init containers that set up the sidecar's traffic capture: istio-init, or istio-validation with Istio's CNI plugin. */
export const ISTIO_CAPTURE_INIT_CONTAINERS = ["istio-init", "istio-validation"];

/** The unnamed Service ports Istio takes as TCP (pilot's wellKnownPorts). */
export const ISTIO_WELL_KNOWN_TCP_PORTS = [25, 53, 3306, 27017];

/** The names an EnvoyFilter's patches match: the inbound HTTP connection manager, and its router (which must stay last). */
export const ISTIO_MATCH = {
    context: "SIDECAR_INBOUND",
    hcm: "envoy.filters.network.http_connection_manager",
    router: "envoy.filters.http.router",
} as const;

/** Istio's config root namespace, whose EnvoyFilters apply to workloads of every namespace. */
export const ISTIO_ROOT_NAMESPACE = "istio-system";
