// The benchmark's baseline: one app behind Envoy with the agent sidecar, written the way a
// platform team following Fastly's guide would write it by hand in a Pulumi program - literal
// objects and a YAML template for Envoy, no helper of this package. It carries the same
// objects and fields as an EnvoyApp with default inputs (tests/golden/sidecar-ext-authz), so
// that the benchmark compares the component's own cost, not different output.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const envoyYaml = (name: string) => `node:
  id: ${name}
  cluster: ${name}
admin:
  address:
    socket_address: { address: 127.0.0.1, port_value: 9901 }
static_resources:
  listeners:
    - name: front
      address:
        socket_address: { address: 0.0.0.0, port_value: 8000 }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: front
                use_remote_address: true
                access_log:
                  - name: envoy.access_loggers.http_grpc
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig
                      common_config:
                        log_name: sigsci-agent
                        transport_api_version: V3
                        grpc_service:
                          envoy_grpc: { cluster_name: sigsci-agent }
                          timeout: 0.2s
                      additional_request_headers_to_log: [x-sigsci-request-id, x-sigsci-waf-response, accept, content-type, content-length]
                      additional_response_headers_to_log: [date, server, content-type, content-length]
                route_config:
                  name: app
                  virtual_hosts:
                    - name: app
                      domains: ["*"]
                      routes:
                        - match: { prefix: / }
                          route: { cluster: app }
                http_filters:
                  - name: envoy.filters.http.header_mutation
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation
                      mutations:
                        request_mutations:
                          - append:
                              header: { key: x-sigsci-client-ip, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" }
                              append_action: OVERWRITE_IF_EXISTS_OR_ADD
                  - name: envoy.filters.http.ext_authz
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
                      transport_api_version: V3
                      grpc_service:
                        envoy_grpc: { cluster_name: sigsci-agent }
                        timeout: 0.2s
                      failure_mode_allow: true
                      with_request_body: { max_request_bytes: 8192, allow_partial_message: true }
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
    - name: readiness
      address:
        socket_address: { address: 0.0.0.0, port_value: 9902 }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: readiness
                route_config:
                  name: readiness
                  virtual_hosts:
                    - name: readiness
                      domains: ["*"]
                      routes:
                        - match: { path: /ready }
                          route: { cluster: envoy-admin }
                        - match: { path: /stats/prometheus }
                          route: { cluster: envoy-admin }
                http_filters:
                  - name: envoy.filters.http.health_check
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck
                      pass_through_mode: false
                      headers:
                        - name: ":path"
                          string_match: { exact: /inspection-ready }
                      cluster_min_healthy_percentages:
                        sigsci-agent: { value: 1 }
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
    - name: app
      type: STATIC
      connect_timeout: 0.25s
      load_assignment:
        cluster_name: app
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: 127.0.0.1, port_value: 8080 }
    - name: sigsci-agent
      type: STATIC
      connect_timeout: 0.25s
      health_checks:
        - { timeout: 1s, interval: 5s, no_traffic_interval: 5s, unhealthy_threshold: 2, healthy_threshold: 1, tcp_health_check: {} }
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config:
            http2_protocol_options: {}
      load_assignment:
        cluster_name: sigsci-agent
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: 127.0.0.1, port_value: 9999 }
    - name: envoy-admin
      type: STATIC
      connect_timeout: 0.25s
      load_assignment:
        cluster_name: envoy-admin
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: 127.0.0.1, port_value: 9901 }
`;

const DRAIN = `admin() { exec 3<>/dev/tcp/127.0.0.1/9901 && printf 'POST %s HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n' "$1" >&3 && read -t 2 -r _ <&3; exec 3<&-; }; admin /healthcheck/fail; admin '/drain_listeners?graceful'; sleep 15`;

const hardened = (uid: number) => ({
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
});

/** One app, its Envoy and its agent sidecar, as six hand-written resources. */
export function rawApp(name: string, keys: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions): void {
    const labels = {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/component": "envoy-app",
        "app.kubernetes.io/managed-by": "pulumi",
    };
    const selector = { "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "envoy-app" };
    const secret = new k8s.core.v1.Secret(
        `${name}-sigsci-credentials`,
        {
            metadata: { labels },
            immutable: true,
            type: "Opaque",
            stringData: { accesskeyid: keys.accessKeyId, secretaccesskey: keys.secretAccessKey },
        },
        opts,
    );
    const config = new k8s.core.v1.ConfigMap(`${name}-envoy-config`, { metadata: { labels }, immutable: true, data: { "envoy.yaml": envoyYaml(name) } }, opts);
    new k8s.core.v1.Service(
        name,
        {
            metadata: { name, labels },
            spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
        },
        opts,
    );
    const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector }, matchLabelKeys: ["pod-template-hash"] });
    const keyRef = (key: string) => ({ secretKeyRef: { name: secret.metadata.name, key } });
    new k8s.apps.v1.Deployment(
        name,
        {
            metadata: { name, labels },
            spec: {
                replicas: 1,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels, annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9902", "prometheus.io/path": "/stats/prometheus" } },
                    spec: {
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                        terminationGracePeriodSeconds: 45,
                        topologySpreadConstraints: [spread("kubernetes.io/hostname"), spread("topology.kubernetes.io/zone")],
                        containers: [
                            {
                                name: "envoy",
                                image: "envoyproxy/envoy:v1.39.5",
                                imagePullPolicy: "IfNotPresent",
                                args: ["-c", "/etc/envoy/envoy.yaml", "--log-level", "info", "--disable-hot-restart", "--concurrency", "1", "--drain-time-s", "15"],
                                ports: [
                                    { name: "http", containerPort: 8000, protocol: "TCP" },
                                    { name: "envoy-ready", containerPort: 9902, protocol: "TCP" },
                                ],
                                startupProbe: { httpGet: { path: "/inspection-ready", port: "envoy-ready" }, periodSeconds: 2, failureThreshold: 90 },
                                readinessProbe: { httpGet: { path: "/ready", port: "envoy-ready" }, periodSeconds: 5, failureThreshold: 3 },
                                lifecycle: { preStop: { exec: { command: ["/bin/bash", "-c", DRAIN] } } },
                                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                                securityContext: hardened(10101),
                                volumeMounts: [{ name: "envoy-config", mountPath: "/etc/envoy", readOnly: true }],
                            },
                            {
                                name: "app",
                                image: "signalsciences/example-helloworld:latest",
                                imagePullPolicy: "Always",
                                args: ["localhost:8080"],
                                ports: [{ name: "app", containerPort: 8080, protocol: "TCP" }],
                                lifecycle: { preStop: { sleep: { seconds: 20 } } },
                                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                                securityContext: hardened(65532),
                                volumeMounts: [{ name: "app-tmp", mountPath: "/tmp" }],
                            },
                            {
                                name: "sigsci-agent",
                                image: "signalsciences/sigsci-agent:latest",
                                imagePullPolicy: "Always",
                                env: [
                                    { name: "SIGSCI_ACCESSKEYID", valueFrom: keyRef("accesskeyid") },
                                    { name: "SIGSCI_SECRETACCESSKEY", valueFrom: keyRef("secretaccesskey") },
                                    { name: "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA", value: "1" },
                                    { name: "SIGSCI_ENVOY_GRPC_ADDRESS", value: "127.0.0.1:9999" },
                                    { name: "SIGSCI_STARTUP_PROBE_LISTENER", value: "0.0.0.0:2024" },
                                    { name: "SIGSCI_CLIENT_IP_HEADER", value: "x-sigsci-client-ip" },
                                ],
                                ports: [
                                    { name: "grpc", containerPort: 9999, protocol: "TCP" },
                                    { name: "startup", containerPort: 2024, protocol: "TCP" },
                                ],
                                startupProbe: { httpGet: { path: "/startup", port: "startup" }, periodSeconds: 2, failureThreshold: 90 },
                                lifecycle: { preStop: { exec: { command: ["sleep", "30"] } } },
                                resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                                securityContext: hardened(65534),
                                volumeMounts: [{ name: "sigsci-tmp", mountPath: "/sigsci/tmp" }],
                            },
                        ],
                        volumes: [
                            { name: "envoy-config", configMap: { name: config.metadata.name } },
                            { name: "app-tmp", emptyDir: { sizeLimit: "256Mi" } },
                            { name: "sigsci-tmp", emptyDir: {} },
                        ],
                    },
                },
            },
        },
        opts,
    );
    new k8s.policy.v1.PodDisruptionBudget(name, { metadata: { name, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" } }, opts);
    new k8s.networking.v1.NetworkPolicy(
        name,
        {
            metadata: { name, labels },
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        ports: [
                            { protocol: "TCP", port: 8000 },
                            { protocol: "TCP", port: 9902 },
                        ],
                    },
                ],
            },
        },
        opts,
    );
}

/** An empty component that publishes seven outputs, as an EnvoyApp does: what any component costs (one more registration, its children parented to it, its outputs). */
class Wrapper extends pulumi.ComponentResource {
    constructor(name: string) {
        super("bench:index:Wrapper", name, {}, {});
        const outputs = ["agentGrpcEndpoint", "namespace", "secretName", "configMapName", "deploymentName", "serviceName", "frontUrl"];
        this.registerOutputs(Object.fromEntries(outputs.map((o) => [o, pulumi.output(o)])));
    }
}

/**
 * The floor of any component: the same hand-written objects, parented to an empty component.
 * What an EnvoyApp costs above this is its own.
 */
export function rawAppInComponent(name: string, keys: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }): void {
    rawApp(name, keys, { parent: new Wrapper(name) });
}
