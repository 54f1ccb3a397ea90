// The Kubernetes objects of an agent Service, built from its settings.
import { DEFAULTS, NAMES } from "../settings/defaults";
import { AgentServiceSettings } from "../settings/types";
import { agentContainer, agentMetricsParts, agentTmpVolume, ObjectName, withAgentMetricsAnnotation } from "./containers";
import { STATSD_EXPORTER } from "../monitoring/agent-metrics";
import { disruptionBudget, hardenedDeployment, namedMeta, serviceIpFamilies, spreadOverNodesAndZones, withAnnotations } from "./workload";

/**
 * Ready once the gRPC listener answers: a gRPC health check with ext_proc (as in Fastly's
 * Envoy Gateway guide), a TCP check with ext_authz - and with TLS, which the kubelet's gRPC
 * probe cannot speak.
 */
export function agentReadinessProbe(s: AgentServiceSettings) {
    const timing = DEFAULTS.readinessProbe;
    if (s.agent.integration === "ext_proc" && s.tlsSecretName === undefined) return { grpc: { port: s.agent.grpcPort }, ...timing };
    return { tcpSocket: { port: "grpc" }, ...timing };
}

/** Agent pods, spread over nodes and zones; no `replicas` when an autoscaler owns the count. */
export function agentDeployment(s: AgentServiceSettings, secretName: ObjectName) {
    const tls = s.tlsSecretName !== undefined;
    const metrics = agentMetricsParts(s.agent, s.name);
    return hardenedDeployment(s, s.replicas, withAgentMetricsAnnotation(s.pod, s.agent), {
        topologySpreadConstraints: spreadOverNodesAndZones(s.selectorLabels),
        ...(s.serviceAccountName ? { serviceAccountName: s.serviceAccountName } : {}),
        containers: [{ ...agentContainer(s.agent, secretName, tls), readinessProbe: agentReadinessProbe(s) }, ...metrics.containers],
        volumes: [agentTmpVolume, ...(tls ? [{ name: NAMES.agentTlsVolume, secret: { secretName: s.tlsSecretName } }] : []), ...metrics.volumes],
    });
}

/**
 * The Service on the gRPC port. With ext_authz and response data, the agent that saw a request
 * must also get its access-log entry: one virtual IP with `ClientIP` affinity pins each Envoy pod
 * to one agent pod. Otherwise (ext_proc: one stream per request) the Service is headless, so
 * Envoy resolves every ready agent pod and spreads requests over all of them, new pods included.
 */
export function agentServiceObject(s: AgentServiceSettings) {
    return {
        metadata: withAnnotations(namedMeta(s), s.serviceAnnotations),
        spec: {
            type: "ClusterIP",
            ...(s.agent.expectResponseData ? { sessionAffinity: "ClientIP" } : { clusterIP: "None" }),
            selector: s.selectorLabels,
            ports: [{ name: "grpc", port: s.agent.grpcPort, targetPort: "grpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" }],
            ...serviceIpFamilies(s.ipFamily),
        },
    };
}

export function agentAutoscaler(s: AgentServiceSettings) {
    const a = s.autoscaling!;
    const target = (name: string, averageUtilization: number) => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } });
    return {
        metadata: namedMeta(s),
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.name },
            minReplicas: a.minReplicas,
            maxReplicas: a.maxReplicas,
            metrics: [...(a.cpuUtilization !== undefined ? [target("cpu", a.cpuUtilization)] : []), ...(a.memoryUtilization !== undefined ? [target("memory", a.memoryUtilization)] : [])],
            behavior: {
                scaleDown: { stabilizationWindowSeconds: a.scaleDownStabilizationSeconds, policies: [{ type: "Percent", value: a.scaleDownPercentPerMinute, periodSeconds: 60 }] },
            },
        },
    };
}

export function agentDisruptionBudget(s: AgentServiceSettings) {
    return disruptionBudget(namedMeta(s), s.maxUnavailable, s.selectorLabels);
}

/**
 * Only Envoy pods carrying the client labels, in the client namespaces, reach the gRPC port. A
 * peer without a namespaceSelector is the policy's own namespace (by default, when the agent
 * Service is in the provider's namespace, whose name is not known here).
 */
export function agentNetworkPolicy(s: AgentServiceSettings) {
    return {
        metadata: namedMeta(s),
        spec: {
            podSelector: { matchLabels: s.selectorLabels },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        {
                            ...(s.clientNamespaces !== undefined
                                ? { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: s.clientNamespaces }] } }
                                : {}),
                            podSelector: { matchLabels: s.clientLabels },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: s.agent.grpcPort }],
                },
                // The agents' metrics, from their exporter, to whatever scrapes them.
                ...(s.agent.metrics ? [{ ports: [{ protocol: "TCP", port: STATSD_EXPORTER.metricsPort }] }] : []),
            ],
        },
    };
}
