// sigsci-envoy: Pulumi components for the Fastly Next-Gen WAF (Signal Sciences) agent with Envoy.
export * from "./args";
export { AgentService } from "./components/agent-service";
export { EnvoyApp } from "./components/envoy-app";
export { GatewayWaf } from "./components/gateway-waf";
export { IstioApp } from "./components/istio-app";
export { InputError } from "./settings/errors";
export { analyzeTraffic, verifyTraffic } from "./traffic";
export type { AgentHop, Finding, FindingCode, InspectionPath, KubeObject, TrafficReport, VerifyOptions } from "./traffic";
