// Public input types of the components.
//
// These are plain interfaces on purpose: Pulumi's multi-language component analyzer accepts
// only interfaces whose members are strings, numbers, booleans, arrays, maps, other interfaces
// and `Input<T>` of those (no `@pulumi/kubernetes` types, no unions beyond "optional"), so the
// same components can be offered to Python, Go and YAML programs. A closed set of strings is an
// `as const` object and its type (the analyzer's enum pattern): an enum in every language, and
// the list the input checks accept.
// Every `@default` here is `INPUT_DEFAULTS` of `settings/defaults.ts`, where the value lives (a
// test holds the two together); the prose says why, never the value again.
import * as pulumi from "@pulumi/pulumi";

/** How Envoy consults the agent about each request. */
export const Integration = { ExtAuthz: "ext_authz", ExtProc: "ext_proc" } as const;
export type Integration = (typeof Integration)[keyof typeof Integration];

/** When the kubelet pulls an image. */
export const ImagePullPolicy = { Always: "Always", IfNotPresent: "IfNotPresent", Never: "Never" } as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** Envoy's log levels (`--log-level`). */
export const EnvoyLogLevel = { Trace: "trace", Debug: "debug", Info: "info", Warning: "warning", Warn: "warn", Error: "error", Critical: "critical", Off: "off" } as const;
export type EnvoyLogLevel = (typeof EnvoyLogLevel)[keyof typeof EnvoyLogLevel];

/** The IP families the pods listen on: the cluster's. */
export const IpFamily = { IPv4: "IPv4", IPv6: "IPv6", DualStack: "DualStack" } as const;
export type IpFamily = (typeof IpFamily)[keyof typeof IpFamily];

/** How a Service is exposed. */
export const ServiceType = { ClusterIP: "ClusterIP", NodePort: "NodePort", LoadBalancer: "LoadBalancer" } as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/** Where a NodePort or LoadBalancer Service sends external traffic: any node's pods, or only the receiving node's (keeping the client's address). */
export const ExternalTrafficPolicy = { Cluster: "Cluster", Local: "Local" } as const;
export type ExternalTrafficPolicy = (typeof ExternalTrafficPolicy)[keyof typeof ExternalTrafficPolicy];

/** How a toleration matches a taint's value. */
export const TolerationOperator = { Equal: "Equal", Exists: "Exists" } as const;
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** The effect of a taint a toleration tolerates. */
export const TaintEffect = { NoSchedule: "NoSchedule", PreferNoSchedule: "PreferNoSchedule", NoExecute: "NoExecute" } as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** CPU and memory quantities, in Kubernetes notation (`"500m"`, `"1"`, `"512Mi"`). */
export interface ResourceQuantities {
    /** CPU, e.g. `"250m"` or `"1"`. */
    cpu?: pulumi.Input<string>;
    /** Memory, e.g. `"256Mi"` or `"1Gi"`. */
    memory?: pulumi.Input<string>;
}

/** Requests and limits of one container. A field left out keeps the container's default. */
export interface ContainerResources {
    /** What the scheduler reserves for the container. */
    requests?: ResourceQuantities;
    /** The most the container may use. */
    limits?: ResourceQuantities;
}

/**
 * The agent's credentials (Next-Gen WAF console: the site's "Agent keys"). Give either both
 * keys, and the component keeps them in a Secret it creates, or `existingSecretName`, naming a
 * Secret you manage with the keys `accesskeyid` and `secretaccesskey`.
 */
export interface AgentCredentials {
    /**
     * Secret. The Agent Access Key (`SIGSCI_ACCESSKEYID`): kept secret (`pulumi.secret`) whatever
     * is passed, and written only to the credentials Secret. Pass it as a secret too
     * (`pulumi config set --secret`), so that it is encrypted in your own stack's state.
     */
    accessKeyId?: pulumi.Input<string>;
    /**
     * Secret. The Agent Secret Key (`SIGSCI_SECRETACCESSKEY`): kept secret (`pulumi.secret`)
     * whatever is passed, and written only to the credentials Secret. Pass it as a secret too.
     */
    secretAccessKey?: pulumi.Input<string>;
    /** The name of an existing Secret in the same namespace, holding `accesskeyid` and `secretaccesskey`. */
    existingSecretName?: pulumi.Input<string>;
}

/** An environment variable of the application container. */
export interface EnvVar {
    /** The variable's name. */
    name: pulumi.Input<string>;
    /** Its literal value. Give this or `secretName`/`secretKey`. */
    value?: pulumi.Input<string>;
    /** The Secret to read the value from (with `secretKey`), instead of a literal value. */
    secretName?: pulumi.Input<string>;
    /** The key in `secretName` that holds the value. */
    secretKey?: pulumi.Input<string>;
}

/** The application that Envoy fronts. It runs in the same pod and listens on loopback. */
export interface AppContainer {
    /** The container image, e.g. `signalsciences/example-helloworld:latest`. */
    image: pulumi.Input<string>;
    /**
     * The port the application listens on inside the pod; Envoy routes every request to
     * `127.0.0.1:<port>`. The default is the guide's helloworld port.
     * @default 8080
     */
    port?: pulumi.Input<number>;
    /** Arguments of the container (e.g. `["localhost:8080"]` for the example helloworld app). */
    args?: pulumi.Input<string>[];
    /** Overrides the image's entrypoint. */
    command?: pulumi.Input<string>[];
    /** Environment variables. */
    env?: EnvVar[];
    /**
     * Requests and limits.
     * @default {"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m","memory":"256Mi"}}
     */
    resources?: ContainerResources;
    /**
     * Pull policy, by Kubernetes' own rule unless given.
     * @default `Always` for `latest` or untagged images, else `IfNotPresent`
     */
    imagePullPolicy?: pulumi.Input<ImagePullPolicy>;
    /**
     * The user ID the app runs as; the pod never runs as root.
     * @default 65532
     */
    runAsUser?: pulumi.Input<number>;
    /**
     * Mount the app's root filesystem read-only; set false if the app writes to it.
     * @default true
     */
    readOnlyRootFilesystem?: pulumi.Input<boolean>;
    /**
     * Give the app a writable `emptyDir` at `/tmp` (256Mi at most).
     * @default true
     */
    tmpVolume?: pulumi.Input<boolean>;
    /**
     * An HTTP path on `port` for the app's readiness probe. Only for apps that listen on the pod
     * address: the kubelet cannot reach one that listens on localhost, as the guide's example does.
     */
    readinessProbePath?: pulumi.Input<string>;
    /**
     * The container's name in the pod (not `envoy`, nor `sigsci-agent` beside the sidecar).
     * @default "app"
     */
    containerName?: pulumi.Input<string>;
    /**
     * Seconds the app keeps running after its pod is told to stop (a `preStop` sleep that needs
     * no shell in the image; Kubernetes 1.30+), so it outlives Envoy's drain; it must be longer
     * than `envoy.preStopSleepSeconds`.
     * @default envoy.preStopSleepSeconds + 5
     */
    preStopSleepSeconds?: pulumi.Input<number>;
}

/** The Envoy front proxy container and its generated configuration. */
export interface EnvoyProxy {
    /**
     * The Envoy image: a current release, pinned.
     * @default "envoyproxy/envoy:v1.39.5"
     */
    image?: pulumi.Input<string>;
    /**
     * Pull policy, by Kubernetes' own rule unless given.
     * @default `Always` for `latest` or untagged images, else `IfNotPresent`
     */
    imagePullPolicy?: pulumi.Input<ImagePullPolicy>;
    /**
     * Envoy's log level (`trace`, `debug`, `info`, `warning`, `error`, `critical`, `off`).
     * @default "info"
     */
    logLevel?: pulumi.Input<EnvoyLogLevel>;
    /**
     * Loopback port of Envoy's admin interface. It is never exposed outside the pod.
     * @default 9901
     */
    adminPort?: pulumi.Input<number>;
    /**
     * Port of the readiness listener, which serves only `GET /ready` from the admin interface,
     * the startup probe's `/inspection-ready`, and with `metrics` `/stats/prometheus`.
     * @default 9902
     */
    readinessPort?: pulumi.Input<number>;
    /**
     * Serve Envoy's statistics in Prometheus' text format at `/stats/prometheus` on the readiness
     * port (the route forwards that one read-only admin path; the admin interface stays on
     * loopback), annotate the pods with `prometheus.io/scrape`, `port` and `path` for the common
     * annotation-based scrape setups, and let the app's NetworkPolicy admit that port. The
     * container port is named `envoy-ready` for a PodMonitor. On by default: with fail-open an
     * agent outage shows nowhere else. False turns all of it off.
     * @default true
     */
    metrics?: pulumi.Input<boolean>;
    /**
     * Seconds Envoy drains when its pod stops: its `preStop` hook fails its readiness, closes
     * connections gracefully (see `gracefulDrain`) and keeps serving this long while the pod is
     * taken out of its Services; 0 for none. The app and the agent outlive it.
     * @default 15
     */
    preStopSleepSeconds?: pulumi.Input<number>;
    /**
     * Drain through Envoy's loopback admin interface before stopping (`/healthcheck/fail`, then
     * `/drain_listeners?graceful`, from a bash `preStop` hook): clients are told to close their
     * connections instead of having them cut. Needs bash in the image, which the official
     * `envoyproxy/envoy` images have; without it Envoy only keeps serving for `preStopSleepSeconds`.
     * @default true, false for `distroless` images
     */
    gracefulDrain?: pulumi.Input<boolean>;
    /**
     * Envoy's worker threads (`--concurrency`); without the flag Envoy starts one worker per
     * hardware thread of the node.
     * @default the CPU limit, rounded up (at least 1)
     */
    concurrency?: pulumi.Input<number>;
    /**
     * Requests and limits.
     * @default {"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"1","memory":"512Mi"}}
     */
    resources?: ContainerResources;
    /**
     * How many proxies in front of Envoy append the client's address to X-Forwarded-For (Envoy's
     * `xff_num_trusted_hops`, with `use_remote_address`): Envoy trusts the address that many
     * entries from the right, and only that one, so a client cannot choose the address the WAF
     * sees by sending its own header. 0: the connection's own peer, right for a LoadBalancer or
     * NodePort Service with `externalTrafficPolicy: Local` (the client connects directly); 1:
     * behind an ingress controller or a cloud HTTP load balancer; 2: behind a cloud load balancer
     * and an ingress. Envoy writes the address it trusts to the header the agent reads
     * (`x-sigsci-client-ip`, the agent's `client-ip-header`). Too few hops is safe (the WAF sees a
     * proxy's address); too many lets a client choose its address.
     * @default 0
     */
    xffTrustedHops?: pulumi.Input<number>;
    /**
     * Extra top-level bootstrap settings, merged over the generated configuration (objects are
     * merged key by key, anything else replaces), in Envoy's v3 YAML/JSON form.
     */
    extraConfig?: { [key: string]: any };
    /**
     * A whole Envoy v3 bootstrap configuration (YAML or JSON text) used instead of the
     * generated one. You then own the listener, routes and the agent wiring.
     */
    configOverride?: pulumi.Input<string>;
    /**
     * With `extraConfig` or `configOverride`, the component runs the traffic-path verifier on
     * its own objects and refuses a bootstrap in which a request passes uninspected or whose
     * path cannot be verified. `true` deploys it anyway: the findings are then annotated on the
     * Deployment (`sigsci-envoy/acknowledged-findings`), shown by the offline render and in the
     * component's `acknowledgedFindings` output.
     * @default false
     */
    acknowledgeVerifierFindings?: pulumi.Input<boolean>;
}

/** How Envoy consults the agent about each request. */
export interface WafInspection {
    /**
     * `ext_authz` (as in Fastly's Kubernetes Envoy guide): the ext_authz filter holds each
     * request for the agent's decision, and the gRPC access log sends the response data
     * afterwards. `ext_proc` (Fastly's current guides, agent with ext_proc support): one
     * external-processing stream per request carries request headers and body and response
     * headers, so no access log and no session affinity are needed.
     * @default "ext_authz"
     */
    integration?: pulumi.Input<Integration>;
    /**
     * Let requests through when the agent cannot be reached or does not answer in time, as
     * Fastly's modules do: a WAF outage must not take the application down. Set false to refuse
     * such requests (fail closed): 503 with ext_authz, 500 with ext_proc (Envoy's ext_proc answer).
     * @default true
     */
    failOpen?: pulumi.Input<boolean>;
    /**
     * How long Envoy waits for the agent, as a protobuf duration (`"0.2s"`): the ext_authz
     * timeout, or ext_proc's `message_timeout` for each message.
     * @default "0.2s"
     */
    timeout?: pulumi.Input<string>;
    /**
     * The most request-body bytes Envoy buffers and sends to the agent (with ext_proc the
     * buffer filter's limit: larger bodies get 413).
     * @default 8192 with ext_authz, 1048576 with ext_proc
     */
    maxRequestBytes?: pulumi.Input<number>;
    /**
     * ext_authz only: send the first `maxRequestBytes` of a larger body instead of refusing it with 413.
     * @default true
     */
    allowPartialMessage?: pulumi.Input<boolean>;
    /**
     * Send response data to the agent through Envoy's gRPC access logger and set
     * `SIGSCI_ENVOY_EXPECT_RESPONSE_DATA=1` on the agent, as in Fastly's guide; ext_authz only
     * (ext_proc sends the response on its stream).
     * @default true with ext_authz, false with ext_proc
     */
    expectResponseData?: pulumi.Input<boolean>;
}

/** The sigsci-agent container: the sidecar of an EnvoyApp, or the pods of an AgentService. */
export interface AgentContainer {
    /**
     * The agent image, as in Fastly's guide. Pin a version in production.
     * @default "signalsciences/sigsci-agent:latest"
     */
    image?: pulumi.Input<string>;
    /**
     * Pull policy, as Fastly's guide advises unless given (a custom tag is a local re-tag,
     * updated by hand).
     * @default `Always` for `latest` or untagged images, `IfNotPresent` for a version or digest, `Never` for any other tag
     */
    imagePullPolicy?: pulumi.Input<ImagePullPolicy>;
    /**
     * The agent's gRPC port for Envoy. The sidecar listens on `127.0.0.1:<port>`, an
     * AgentService on `0.0.0.0:<port>` (`SIGSCI_ENVOY_GRPC_ADDRESS`).
     * @default 9999
     */
    grpcPort?: pulumi.Input<number>;
    /**
     * Where the writable `emptyDir` is mounted (the guide's). When changed, the agent's
     * `rpc-address` and `shared-cache-dir` follow it.
     * @default "/sigsci/tmp"
     */
    tmpMountPath?: pulumi.Input<string>;
    /**
     * Seconds the agent's `preStop` hook sleeps so that drains finish (the guide's sleep): the
     * sidecar must outlive Envoy and the app, an agent Service's pod every Envoy's DNS refresh.
     * @default 30 for the sidecar (or app.preStopSleepSeconds, if longer), 0 for a native sidecar, 40 in an agent Service
     */
    preStopSleepSeconds?: pulumi.Input<number>;
    /**
     * Run the sidecar agent as a Kubernetes native sidecar (an init container with
     * `restartPolicy: Always`): the kubelet starts it, and waits for its startup probe, before
     * Envoy and the app, and stops it only after they have exited, so no preStop sleep has to
     * approximate the order. Needs the SidecarContainers feature (on by default since Kubernetes
     * 1.29, GA in 1.33): on a cluster where it is off, the API server drops the field and the pod
     * never leaves Init, so it is not the default. Not for an agent Service's pods, where the agent
     * is the main container.
     * @default false
     */
    nativeSidecar?: pulumi.Input<boolean>;
    /**
     * Export the agent's own metrics to Prometheus (its decisions by result, its decision and
     * queue time, errors): the agent has no Prometheus endpoint and sends StatsD, so a
     * `statsd-exporter` container (prom/statsd-exporter) beside it receives them on the pod's
     * loopback and serves them on port 9102 (`agent-metrics`), which no other port of the pod may
     * then take, with its mapping in a ConfigMap (`<name>-statsd-mapping`); the NetworkPolicy
     * admits that port. A plain value: it decides whether objects exist.
     * @default false
     */
    metrics?: boolean;
    /**
     * Enable the agent's own startup probe (agent 4.51.0+): `SIGSCI_STARTUP_PROBE_LISTENER` serves
     * `GET /startup`, 200 once the rules are loaded, and the pod is not Ready before (the agent
     * answers Envoy before it has its rules otherwise). On by default where the image is known
     * to have it; set true for a custom tag of such an agent.
     * @default true for `latest`, untagged or 4.51.0+ images, else false
     */
    startupProbe?: pulumi.Input<boolean>;
    /**
     * Port of the startup probe listener.
     * @default 2024
     */
    startupProbePort?: pulumi.Input<number>;
    /**
     * Requests and limits, after Fastly's sizing guidance (about one core and at least 500 MB).
     * @default {"requests":{"cpu":"500m","memory":"512Mi"},"limits":{"cpu":"1","memory":"1Gi"}}
     */
    resources?: ContainerResources;
    /**
     * Any other agent option by its documented name, e.g. `{"max-procs": "2"}`; each becomes
     * `SIGSCI_<NAME>` (upper case, dashes to underscores). Options the component manages itself
     * are refused here.
     */
    options?: { [name: string]: pulumi.Input<string> };
}

/** The Service in front of Envoy. */
export interface FrontService {
    /**
     * The Service type: `ClusterIP`, `NodePort` or `LoadBalancer`.
     * @default "ClusterIP"
     */
    type?: pulumi.Input<ServiceType>;
    /**
     * The Service port.
     * @default the Envoy listener port (`port`); for an IstioApp, the app's port
     */
    port?: pulumi.Input<number>;
    /** Annotations on the Service, e.g. your cloud load balancer's (`service.beta.kubernetes.io/...`). */
    annotations?: { [key: string]: pulumi.Input<string> };
    /** Client CIDRs a `LoadBalancer` Service admits (`spec.loadBalancerSourceRanges`). Only with `type: LoadBalancer`. */
    loadBalancerSourceRanges?: pulumi.Input<string>[];
    /**
     * `Cluster` or `Local` (`spec.externalTrafficPolicy`): `Local` keeps the client's source
     * address and skips the second hop between nodes. Only with `NodePort` or `LoadBalancer`.
     * Kubernetes' default (`Cluster`) applies when not given.
     */
    externalTrafficPolicy?: pulumi.Input<ExternalTrafficPolicy>;
}

/** A toleration of a node taint, as Kubernetes writes it (`spec.tolerations[]`). */
export interface Toleration {
    /** The taint key; empty with `operator: Exists` tolerates every taint. */
    key?: pulumi.Input<string>;
    /** `Equal` (the default: key and value must match) or `Exists` (any value). */
    operator?: pulumi.Input<TolerationOperator>;
    /** The taint value, with `operator: Equal`. */
    value?: pulumi.Input<string>;
    /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`; every effect when not given. */
    effect?: pulumi.Input<TaintEffect>;
    /** With `effect: NoExecute`: how long the pod stays on a node that gets the taint. */
    tolerationSeconds?: pulumi.Input<number>;
}

/**
 * Where and how the pods run on your cluster: node pools and taints, priority, private
 * registries, pod metadata for a service mesh or log shipper. Nothing is set by default:
 * Kubernetes' own defaults apply.
 */
export interface PodOptions {
    /** Node labels the pods must run on (`spec.nodeSelector`), e.g. `{"pool": "web"}`. */
    nodeSelector?: { [key: string]: pulumi.Input<string> };
    /** Taints the pods tolerate (`spec.tolerations`). */
    tolerations?: pulumi.Input<Toleration>[];
    /**
     * A Kubernetes `Affinity` object as Kubernetes writes it (`nodeAffinity`, `podAffinity`,
     * `podAntiAffinity`). It applies beside the component's topology spread over nodes and
     * zones, which never blocks scheduling.
     */
    affinity?: pulumi.Input<{ [key: string]: any }>;
    /** The pods' PriorityClass (`spec.priorityClassName`). */
    priorityClassName?: pulumi.Input<string>;
    /** Secrets (`kubernetes.io/dockerconfigjson`) to pull images with, by name (`spec.imagePullSecrets`). */
    imagePullSecrets?: pulumi.Input<string>[];
    /** Annotations on the pods (the pod template's metadata). */
    annotations?: { [key: string]: pulumi.Input<string> };
    /** Extra labels on the pods only; the labels the component selects its pods by cannot be overridden. */
    labels?: { [key: string]: pulumi.Input<string> };
    /**
     * Inject the environment variables Kubernetes derives from the namespace's Services
     * (`<SERVICE>_SERVICE_HOST`, ...; `enableServiceLinks`). Off: a Service named `sigsci...`
     * would otherwise put `SIGSCI_*` variables, which the agent reads as its options, into its
     * container. Turn on only for an app that reads them.
     * @default false
     */
    enableServiceLinks?: pulumi.Input<boolean>;
}

/** Scaling of an agent Service: an autoscaler between `minReplicas` and `maxReplicas`. */
export interface AgentAutoscaling {
    /**
     * The fewest agent pods.
     * @default 2, or maxReplicas if lower
     */
    minReplicas?: pulumi.Input<number>;
    /** The most agent pods. */
    maxReplicas: pulumi.Input<number>;
    /**
     * Target average CPU use, in percent of the request.
     * @default 70 when no memory target is given
     */
    cpuUtilization?: pulumi.Input<number>;
    /** Target average memory use, in percent of the request. */
    memoryUtilization?: pulumi.Input<number>;
    /**
     * Seconds the autoscaler waits, after load drops, before it removes agent pods (the
     * HorizontalPodAutoscaler's `behavior.scaleDown.stabilizationWindowSeconds`): traffic that
     * comes back within it finds its agents still there.
     * @default 600
     */
    scaleDownStabilizationSeconds?: pulumi.Input<number>;
    /**
     * The most agent pods removed per minute, in percent of the fleet: each removal moves its
     * Envoys' streams to the others, so the fleet shrinks in steps.
     * @default 25
     */
    scaleDownPercentPerMinute?: pulumi.Input<number>;
}

/** Listener TLS of an agent Service. */
export interface AgentTls {
    /**
     * A `kubernetes.io/tls` Secret in the agent's namespace (keys `tls.crt`, `tls.key`), served
     * on the gRPC listener (`SIGSCI_ENVOY_GRPC_CERT` / `SIGSCI_ENVOY_GRPC_KEY`). Its certificate
     * must name the Service's DNS name.
     */
    secretName: pulumi.Input<string>;
}

/** The settings of an agent Service, whether standalone or created by an EnvoyApp for itself. */
export interface AgentServiceSettings {
    /** The agent container. */
    agent?: AgentContainer;
    /**
     * Fixed number of agent pods (Fastly's Envoy Gateway example runs two). Not with `autoscaling`.
     * @default 2, unless autoscaling is given
     */
    replicas?: pulumi.Input<number>;
    /** Scale the agent pods with a HorizontalPodAutoscaler instead. Not with `replicas`. */
    autoscaling?: AgentAutoscaling;
    /**
     * The most agent pods that may be down at once during voluntary disruptions.
     * @default 1
     */
    maxUnavailable?: pulumi.Input<number>;
    /** Serve the gRPC listener over TLS. */
    tls?: AgentTls;
    /**
     * Namespaces whose Envoy pods may reach the agent (the NetworkPolicy). An app linked from any
     * other namespace is refused.
     * @default the agent Service's own namespace
     */
    clientNamespaces?: pulumi.Input<string>[];
    /**
     * Seconds Kubernetes waits for an agent pod to stop; longer than the preStop sleep.
     * @default agent.preStopSleepSeconds + 15
     */
    terminationGracePeriodSeconds?: pulumi.Input<number>;
    /** Where and how the agent pods run: scheduling, pull secrets, pod metadata. */
    pod?: PodOptions;
    /** The ServiceAccount the agent pods run as (Kubernetes' default: the namespace's `default`); no API token is mounted. */
    serviceAccountName?: pulumi.Input<string>;
    /** Annotations on the agent Service. */
    serviceAnnotations?: { [key: string]: pulumi.Input<string> };
    /**
     * The IP families the agent pods listen on and the Service serves: `IPv4`, `IPv6` or
     * `DualStack` (the agent listens on `[::]`, the Service prefers both families).
     * @default "IPv4", or the app's with agentService.create
     */
    ipFamily?: pulumi.Input<IpFamily>;
    /**
     * Monitoring objects of the fleet, from its agents' own metrics (which need `agent.metrics`):
     * a PodMonitor that scrapes each agent's exporter and the alerts on its decision errors.
     */
    monitoring?: AgentMonitoring;
}

/** Inputs of an {@link AgentService}. */
export interface AgentServiceArgs extends AgentServiceSettings {
    /** The agent's credentials: both keys, or an existing Secret's name. */
    credentials: AgentCredentials;
    /**
     * The namespace of every object. When not given, the objects carry none, and the Kubernetes
     * provider's namespace applies (its `namespace` setting, else the kubeconfig context's, else
     * `default`).
     * @default the Kubernetes provider's namespace
     */
    namespace?: pulumi.Input<string>;
    /** Extra labels on every object. */
    labels?: { [key: string]: pulumi.Input<string> };
    /**
     * The agent waits for response data from Envoy's gRPC access log
     * (`SIGSCI_ENVOY_EXPECT_RESPONSE_DATA=1`), and the Service pins each Envoy to one agent pod
     * (`sessionAffinity: ClientIP`) so the agent that saw a request also sees its response: no
     * more agent pods are used than there are Envoy pods. Without it the Service is headless and
     * Envoy balances over every agent pod. Every app using the service must agree
     * (`inspection.expectResponseData`).
     * @default true with ext_authz, false with ext_proc
     */
    expectResponseData?: pulumi.Input<boolean>;
    /**
     * How Envoy talks to these agents: `ext_authz` or `ext_proc`
     * (`SIGSCI_ENVOY_EXTPROC_ENABLED=true`, a gRPC readiness probe, and a headless Service that
     * Envoy balances over: one stream per request needs no affinity). Every app using the
     * service must use the same (`inspection.integration`).
     * @default "ext_authz"
     */
    integration?: pulumi.Input<Integration>;
}

/** How an EnvoyApp reaches an agent Service. */
export interface AgentServiceLink {
    /** Create an agent Service for this app alone, with the app's credentials and namespace. */
    create?: AgentServiceSettings;
    /** `host:port` of a shared agent Service (an AgentService's `grpcEndpoint`). Not with `create`. */
    endpoint?: pulumi.Input<string>;
    /** Labels the shared service's NetworkPolicy admits (an AgentService's `clientLabels`); put on the app's pods. */
    clientLabels?: { [key: string]: pulumi.Input<string> };
    /** Whether the shared service expects response data; checked against `inspection.expectResponseData`. */
    expectResponseData?: pulumi.Input<boolean>;
    /** The shared service's integration (`ext_authz` or `ext_proc`); checked against `inspection.integration`. */
    integration?: pulumi.Input<Integration>;
    /**
     * The namespaces the shared service admits (an AgentService's `clientNamespaces`): an app in
     * any other namespace is refused, as its Envoy could never reach the agents.
     */
    clientNamespaces?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Talk TLS to the agent and verify its certificate against `ca.crt` in this Secret of the
     * app's namespace. Needed when the agent Service has `tls`.
     */
    tlsCaSecretName?: pulumi.Input<string>;
}

/** Inputs of an {@link EnvoyApp}. */
export interface EnvoyAppArgs {
    /** The application container. */
    app: AppContainer;
    /**
     * The agent's credentials: both keys, or an existing Secret's name. Required for the
     * sidecar and for `agentService.create`; not given when using a shared agent Service.
     */
    credentials?: AgentCredentials;
    /**
     * The namespace of every object. When not given, the objects carry none, and the Kubernetes
     * provider's namespace applies (its `namespace` setting, else the kubeconfig context's, else
     * `default`).
     * @default the Kubernetes provider's namespace
     */
    namespace?: pulumi.Input<string>;
    /**
     * Pod replicas.
     * @default 1
     */
    replicas?: pulumi.Input<number>;
    /**
     * Port of Envoy's listener, the pod's front door (the guide's front proxy port).
     * @default 8000
     */
    port?: pulumi.Input<number>;
    /** Extra labels on every object (the `app.kubernetes.io/*` labels are always set). */
    labels?: { [key: string]: pulumi.Input<string> };
    /**
     * The most app pods that may be down at once during voluntary disruptions (the PodDisruptionBudget).
     * @default 1
     */
    maxUnavailable?: pulumi.Input<number>;
    /**
     * Admit traffic to the pods only on Envoy's front port (a NetworkPolicy), so nothing can
     * reach the app around the WAF. A plain value: it decides whether the object exists.
     * @default true
     */
    networkPolicy?: boolean;
    /** The ServiceAccount the pod runs as (Kubernetes' default: the namespace's `default`). */
    serviceAccountName?: pulumi.Input<string>;
    /**
     * Mount the ServiceAccount's API token into the pod (for an app that calls the Kubernetes API).
     * @default false
     */
    automountServiceAccountToken?: pulumi.Input<boolean>;
    /**
     * Seconds Kubernetes waits for the pod to stop; it must be longer than the longest preStop sleep.
     * @default the longest preStop sleep (the sidecar agent's, else app.preStopSleepSeconds) + 15
     */
    terminationGracePeriodSeconds?: pulumi.Input<number>;
    /** The Envoy container and its configuration. */
    envoy?: EnvoyProxy;
    /** How Envoy consults the agent. */
    inspection?: WafInspection;
    /** The sigsci-agent sidecar (the default layout). Not with `agentService`. */
    agent?: AgentContainer;
    /**
     * Use an agent Service instead of the sidecar: the pod then holds only Envoy and the app,
     * and Envoy reaches the agent through the Service's DNS name. Either create one for this
     * app (`create`) or point at a shared one (`endpoint`, e.g. from `AgentService.link()`).
     */
    agentService?: AgentServiceLink;
    /** The Service in front of Envoy. */
    service?: FrontService;
    /** Where and how the app's pods run: scheduling, pull secrets, pod metadata. */
    pod?: PodOptions;
    /**
     * The IP families Envoy listens on and the front Service serves: `IPv4` (`0.0.0.0`), `IPv6`
     * (`::`, for IPv6-only clusters) or `DualStack` (both; the Service prefers both families).
     * Envoy's listeners fail to bind `::` where the pod has no IPv6, so it is not the default.
     * @default "IPv4"
     */
    ipFamily?: pulumi.Input<IpFamily>;
    /**
     * Monitoring objects for the app's Envoy metrics (which need `envoy.metrics`, on by
     * default): a Prometheus Operator PodMonitor, the alerts that mean requests pass without an
     * agent, and a Grafana dashboard. Each is off unless switched on.
     */
    monitoring?: EnvoyMonitoring;
}

/** Monitoring objects of an agent fleet (AgentService, an app's own agent Service, a GatewayWaf's agents). */
export interface AgentMonitoring {
    /**
     * A `PodMonitor` (monitoring.coreos.com/v1) that scrapes each agent pod's statsd-exporter. A
     * plain value: it decides whether the object exists.
     * @default false
     */
    podMonitor?: boolean;
    /**
     * A `PrometheusRule` with the alerts on the agents' own metrics: decisions they fail to make,
     * agents gone. A plain value.
     * @default false
     */
    alerts?: boolean;
    /** Labels on the PodMonitor and the PrometheusRule: the ones your Prometheus selects them by. */
    prometheusLabels?: { [key: string]: pulumi.Input<string> };
}

/**
 * Monitoring objects of an EnvoyApp. Their expressions name the series Envoy exports for the
 * app's own config (its connection managers' stat prefixes and its agent cluster), scraped with
 * the pods' `app.kubernetes.io/instance` label (the PodMonitor's target label; annotation-based
 * scrape jobs map pod labels the same way).
 */
export interface EnvoyMonitoring {
    /**
     * A `PodMonitor` (monitoring.coreos.com/v1) that scrapes the Envoy pods' `/stats/prometheus`
     * on the `envoy-ready` port. A plain value: it decides whether the object exists.
     * @default false
     */
    podMonitor?: boolean;
    /**
     * A `PrometheusRule` with the alerts that mean requests are, or may soon be, passing without
     * an agent: requests let through uninspected (fail-open), failing agent calls, no healthy
     * agent, response data dropped, and the Envoy targets gone from Prometheus. A plain value.
     * @default false
     */
    alerts?: boolean;
    /**
     * Labels on the PodMonitor and the PrometheusRule: the ones your Prometheus selects them by
     * (kube-prometheus-stack: `release: <its release name>`, unless its selectors are opened).
     */
    prometheusLabels?: { [key: string]: pulumi.Input<string> };
    /**
     * A Grafana dashboard of the app (requests inspected and let through, agent errors, agent
     * call latency against the timeout, healthy agents), in a ConfigMap that Grafana's dashboard
     * sidecar loads. A plain value.
     * @default false
     */
    dashboard?: boolean;
    /**
     * The labels on the dashboard's ConfigMap that Grafana's sidecar looks for.
     * @default {"grafana_dashboard":"1"}
     */
    dashboardLabels?: { [key: string]: pulumi.Input<string> };
}

/** How much of a request body Envoy Gateway sends the agent (the ext_proc `processingMode.request.body`). */
export const GatewayBodyMode = { Buffered: "Buffered", BufferedPartial: "BufferedPartial", Streamed: "Streamed" } as const;
export type GatewayBodyMode = (typeof GatewayBodyMode)[keyof typeof GatewayBodyMode];

/** The kinds of route a GatewayWaf can inspect on their own. */
export const GatewayRouteKind = { HTTPRoute: "HTTPRoute", GRPCRoute: "GRPCRoute" } as const;
export type GatewayRouteKind = (typeof GatewayRouteKind)[keyof typeof GatewayRouteKind];

/** A route of the Gateway API, in the GatewayWaf's namespace. */
export interface GatewayRoute {
    /**
     * The route's kind.
     * @default "HTTPRoute"
     */
    kind?: pulumi.Input<GatewayRouteKind>;
    /** The route's name. */
    name: pulumi.Input<string>;
}

/** How Envoy Gateway consults the agent (an `EnvoyExtensionPolicy`'s `extProc`). */
export interface GatewayInspection {
    /**
     * Let requests through when the agent cannot be reached or does not answer in time, as
     * Fastly's modules do. Envoy Gateway then also bypasses the agent when the policy is invalid
     * (a Service it cannot find): the traffic-path verifier checks that it is not. False: such
     * requests get 500.
     * @default true
     */
    failOpen?: pulumi.Input<boolean>;
    /**
     * How long Envoy waits for each message of the agent, as a protobuf duration (`"0.2s"`): the
     * policy's `messageTimeout`.
     * @default "0.2s"
     */
    timeout?: pulumi.Input<string>;
    /**
     * How the request body reaches the agent: `Buffered` (whole, up to `maxRequestBytes`; larger
     * bodies get 413, as with the buffer filter of the other layouts), `BufferedPartial` (its
     * first bytes, up to Envoy's buffer limit) or `Streamed` (in chunks as it arrives, for gRPC
     * streams and WebSockets).
     * @default "Buffered"
     */
    body?: pulumi.Input<GatewayBodyMode>;
    /**
     * With `Buffered`: the request-buffer limit of a `BackendTrafficPolicy` on the same targets
     * (Envoy Gateway 1.4+), so that bodies up to it are inspected whole. It turns off HTTP upgrades
     * (WebSocket) on those routes; use `Streamed` there.
     * @default 1048576
     */
    maxRequestBytes?: pulumi.Input<number>;
}

/** Envoy Gateway's proxy pods, which the agents admit. */
export interface GatewayProxies {
    /**
     * Where Envoy Gateway runs the proxies: its controller's namespace (its default deployment
     * mode), or, with `deploy.type: GatewayNamespace`, the Gateway's own.
     * @default "envoy-gateway-system"
     */
    namespace?: pulumi.Input<string>;
    /**
     * Labels the proxy pods carry, which the agents' NetworkPolicy admits.
     * @default Envoy Gateway's proxy labels (`app.kubernetes.io/name: envoy`, `component: proxy`, `managed-by: envoy-gateway`), and with `gateway` its owning-gateway labels
     */
    labels?: { [key: string]: pulumi.Input<string> };
}

/** An agent Service created elsewhere (an `AgentService` with `integration: ext_proc`), which a GatewayWaf sends its requests to. */
export interface ExistingAgentService {
    /** The AgentService's name: its Service's and the selector of its pods. */
    name: pulumi.Input<string>;
    /**
     * Its namespace.
     * @default the GatewayWaf's namespace
     */
    namespace?: pulumi.Input<string>;
    /**
     * Its gRPC port.
     * @default 9999
     */
    port?: pulumi.Input<number>;
}

/** Inputs of a {@link GatewayWaf}. */
export interface GatewayWafArgs {
    /**
     * The namespace of the Gateway or the routes, and of the policies: Envoy Gateway attaches a
     * policy only to targets in its own namespace.
     * @default the Kubernetes provider's namespace
     */
    namespace?: pulumi.Input<string>;
    /** Inspect every route of every HTTP listener of this Gateway, whoever attaches it. Not with `routes`. */
    gateway?: pulumi.Input<string>;
    /** Inspect these routes only. Not with `gateway`. */
    routes?: GatewayRoute[];
    /** How Envoy Gateway consults the agent. */
    inspection?: GatewayInspection;
    /** The agent's credentials, for the agent fleet the component creates. Not with `existingAgentService`. */
    credentials?: AgentCredentials;
    /** The agent fleet the component creates: an AgentService in ext_proc mode with Envoy Gateway's server flavor. */
    agents?: AgentServiceSettings;
    /**
     * The namespace of the agent fleet it creates (a ReferenceGrant lets the policy reach it when it differs).
     * @default the GatewayWaf's namespace
     */
    agentNamespace?: pulumi.Input<string>;
    /** Send the requests to an agent fleet created elsewhere instead. Not with `credentials` or `agents`. */
    existingAgentService?: ExistingAgentService;
    /** Envoy Gateway's proxy pods. */
    proxies?: GatewayProxies;
    /** Extra labels on every object. */
    labels?: { [key: string]: pulumi.Input<string> };
}

/** How Istio's sidecar consults the agent (an ext_proc filter the EnvoyFilter inserts, as in Fastly's Istio guide). */
export interface IstioInspection {
    /**
     * Let requests through when the agent cannot be reached or does not answer in time, as
     * Fastly's modules do. False: such requests get 500 (Envoy's ext_proc answer).
     * @default true
     */
    failOpen?: pulumi.Input<boolean>;
    /**
     * How long the sidecar waits for each message of the agent, as a protobuf duration (`"0.2s"`).
     * @default "0.2s"
     */
    timeout?: pulumi.Input<string>;
    /**
     * The most request-body bytes the sidecar buffers and sends to the agent (the buffer filter's limit: larger bodies get 413).
     * @default 1048576
     */
    maxRequestBytes?: pulumi.Input<number>;
}

/** How the pods get Istio's sidecar. */
export interface IstioInjection {
    /**
     * The revision of a revisioned control plane (`istio.io/rev`); without it the pods ask the
     * default one (`sidecar.istio.io/inject: "true"`). Either way a namespace labelled
     * `istio-injection` with any value but `enabled` gets no sidecar: the verifier reports it
     * when that Namespace is among the objects (or its labels are declared to the policy pack),
     * and cannot verify the injection otherwise.
     */
    revision?: pulumi.Input<string>;
}

/** Inputs of an {@link IstioApp}. */
export interface IstioAppArgs {
    /** The application container. It must listen on the pod's address (Istio's sidecar forwards to it there), not only on loopback. */
    app: AppContainer;
    /** The agent's credentials: both keys, or an existing Secret's name. */
    credentials: AgentCredentials;
    /**
     * The namespace of every object (Istio applies an EnvoyFilter to the workloads of its own namespace).
     * @default the Kubernetes provider's namespace
     */
    namespace?: pulumi.Input<string>;
    /**
     * Pod replicas.
     * @default 1
     */
    replicas?: pulumi.Input<number>;
    /** Extra labels on every object. */
    labels?: { [key: string]: pulumi.Input<string> };
    /**
     * The most pods that may be down at once during voluntary disruptions.
     * @default 1
     */
    maxUnavailable?: pulumi.Input<number>;
    /** The ServiceAccount the pods run as (Istio's identity for them); no API token is mounted. */
    serviceAccountName?: pulumi.Input<string>;
    /**
     * Seconds Kubernetes waits for the pod to stop; it must be longer than the longest preStop sleep.
     * @default the agent's preStop sleep + 15
     */
    terminationGracePeriodSeconds?: pulumi.Input<number>;
    /** How the sidecar consults the agent. */
    inspection?: IstioInspection;
    /** The sigsci-agent sidecar, beside the app and Istio's proxy. */
    agent?: AgentContainer;
    /** The Service in front of the app (its port is named `http`, so Istio treats it as HTTP). */
    service?: FrontService;
    /** Where and how the pods run: scheduling, pull secrets, pod metadata. */
    pod?: PodOptions;
    /** How the pods get Istio's sidecar. */
    istio?: IstioInjection;
}
