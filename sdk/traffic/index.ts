// The model of a request's path through Envoy, the agent and Kubernetes, over plain objects.
export { analyzeTraffic, CANNOT_VERIFY, pairedFleetWarning, verdictOf, verifyTraffic, READ_ONLY_ADMIN_PATHS } from "./verify";
export type { AgentHop, Finding, FindingCode, InspectionPath, TrafficReport, VerifyOptions, VerifyTracer } from "./verify";
export type { KubeObject, Workload } from "./kube";
// What the model tells apart, for tools that judge objects with it (the policy pack).
export { isAgentContainer } from "./agent";
export { isEnvoyContainer } from "./envoy";
export { objectRef } from "./kube";
export { ObjectIndex, workloads } from "./objects";
