// The model of a request's path through Envoy, the agent and Kubernetes, over plain objects.
export { analyzeTraffic, CANNOT_VERIFY, pairedFleetWarning, verdictOf, verifyTraffic } from "./verify";
// The names the model reads by, from the package's one vocabulary.
export { READ_ONLY_ADMIN_PATHS } from "../vocabulary/envoy";
export { WORKLOAD_KINDS } from "../vocabulary/kubernetes";
export type { AgentHop, Finding, FindingCode, InspectionPath, TrafficReport, VerifyOptions, VerifyTracer } from "./verify";
export type { KubeObject, Workload } from "./kube";
// What the model tells apart, for tools that judge objects with it (the policy pack).
export { isAgentContainer } from "./agent";
export { isEnvoyContainer } from "./envoy";
export { objectRef } from "./kube";
export { ObjectIndex, workloads } from "./objects";
