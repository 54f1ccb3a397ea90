// The objects of an IstioApp, built from its settings: the pod (the app and the agent sidecar;
// Istio's injector adds its proxy), the Service, the disruption budget, and the EnvoyFilter that
// inserts the client address and the inspection into that proxy's inbound HTTP chain, before its
// router, with the agent's cluster on the pod's loopback (Fastly's Istio guide).
import * as k8s from "@pulumi/kubernetes";
import { inspectionParts } from "../envoy/bootstrap";
import { DEFAULTS, NAMES } from "../settings/defaults";
import { MESH_CLIENT_ADDRESS, MESH_SERVICE_PORT_NAME } from "../settings/mesh";
import { MeshSettings } from "../settings/types";
import { ISTIO_MATCH, ISTIO_NETWORKING_API } from "../vocabulary/istio";
import { agentContainer, agentMetricsParts, agentTmpVolume, ObjectName, withAgentMetricsAnnotation, withSidecarAgent } from "./containers";
import { appContainer } from "./envoy-app";
import { disruptionBudget, hardenedDeployment, namedMeta, serviceIpFamilies, spreadOverNodesAndZones, withAnnotations } from "./workload";

export function meshDeployment(s: MeshSettings, secretName: ObjectName) {
    const metrics = agentMetricsParts(s.agent, s.name);
    const volumes: k8s.types.input.core.v1.Volume[] = [agentTmpVolume, ...metrics.volumes];
    if (s.app.tmpVolume) volumes.unshift({ name: NAMES.appTmpVolume, emptyDir: { sizeLimit: DEFAULTS.appTmpSizeLimit } });
    return hardenedDeployment(s, s.replicas, withAgentMetricsAnnotation(s.pod, s.agent), {
        topologySpreadConstraints: spreadOverNodesAndZones(s.selectorLabels),
        ...(s.serviceAccountName ? { serviceAccountName: s.serviceAccountName } : {}),
        ...withSidecarAgent([appContainer(s)], agentContainer(s.agent, secretName), s.agent.nativeSidecar, metrics.containers),
        volumes,
    });
}

/** The Service in front of the app: its port named `http` (and appProtocol http), so Istio runs its HTTP filters, the inspection among them, there. */
export function meshService(s: MeshSettings) {
    const sv = s.service;
    return {
        metadata: withAnnotations(namedMeta(s), sv.annotations),
        spec: {
            type: sv.type,
            selector: s.selectorLabels,
            ports: [{ name: MESH_SERVICE_PORT_NAME, port: sv.port, targetPort: "app", protocol: "TCP", appProtocol: "http" }],
            ...(sv.loadBalancerSourceRanges ? { loadBalancerSourceRanges: sv.loadBalancerSourceRanges } : {}),
            ...(sv.externalTrafficPolicy ? { externalTrafficPolicy: sv.externalTrafficPolicy } : {}),
            ...serviceIpFamilies("IPv4"),
        },
    };
}

export function meshDisruptionBudget(s: MeshSettings) {
    return disruptionBudget(namedMeta(s), s.maxUnavailable, s.selectorLabels);
}

/** Every inbound HTTP chain of the sidecar (no port: the catch-all chain of undeclared ports too), before its router. */
const beforeRouter = { context: ISTIO_MATCH.context, listener: { filterChain: { filter: { name: ISTIO_MATCH.hcm, subFilter: { name: ISTIO_MATCH.router } } } } };

export function meshEnvoyFilter(s: MeshSettings) {
    const parts = inspectionParts(s.inspection, { host: s.agent.listenHost, port: s.agent.grpcPort, resolveByDns: false }, MESH_CLIENT_ADDRESS);
    return {
        apiVersion: ISTIO_NETWORKING_API,
        kind: "EnvoyFilter",
        metadata: namedMeta(s),
        spec: {
            // Exactly this workload's pods: its selector labels.
            workloadSelector: { labels: s.selectorLabels },
            configPatches: [
                // Each goes right before the router, after the one before it: client address, buffer, ext_proc, router.
                ...parts.httpFilters.map((value) => ({ applyTo: "HTTP_FILTER", match: beforeRouter, patch: { operation: "INSERT_BEFORE", value } })),
                { applyTo: "CLUSTER", match: { context: ISTIO_MATCH.context }, patch: { operation: "ADD", value: parts.cluster } },
            ],
        },
    };
}
