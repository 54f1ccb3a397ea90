// Kubernetes' names the package writes and reads: workload kinds, well-known labels, address forms.

/** The kinds whose pods the traffic model knows how to run. */
export const WORKLOAD_KINDS: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod"];

/** Workload kinds with a replica count (`spec.replicas`), which an autoscaler may scale. */
export const SCALED_KINDS: readonly string[] = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"];

/** The label Kubernetes puts on every namespace (1.21+), naming it. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** A dotted-quad IPv4 address, each part 0-255 (as net.ParseIP reads one). */
export const IPV4_ADDRESS = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The longest HorizontalPodAutoscaler stabilization window the API server accepts (autoscaling/v2 validation). */
export const HPA_STABILIZATION_MAX_SECONDS = 3600;
