// The one vocabulary of the package (Envoy's, the agent's and Kubernetes' names and limits):
// builders, the traffic model, the guide check and the policy pack import it, so that what is
// written and what is checked cannot drift apart.
export * from "./agent";
export * from "./envoy";
export * from "./kubernetes";
export * from "./package";
export * from "./gateway";
export * from "./istio";
