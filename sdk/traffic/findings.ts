// What the traffic-path verifier reports: one finding model for every check of the package (the
// traffic model's and the guide's), the paths it proves inspected, and its verdict.
import { Integration } from "./envoy";
import type { EnvoyGatewayOptions } from "./gateway";

/**
 * The agent container as Fastly's guide prescribes it (sigsci-envoy/guide checks every one; the
 * traffic model those on an inspection path, with the same findings).
 */
export const GUIDE_CODES = [
    "agent-key-literal",
    "agent-root-writable",
    "agent-tmp-missing",
    "agent-no-prestop",
    "agent-grace-short",
    "agent-pull-policy",
    "agent-no-requests",
    "agent-keys-in-configmap",
    "inspection-fail-open",
] as const;

export type FindingCode =
    | (typeof GUIDE_CODES)[number]
    | "envoy-config-unreadable"
    | "admin-exposed"
    | "listener-uninspected"
    | "inspection-cluster-missing"
    | "agent-not-http2"
    | "agent-unresolved"
    | "agent-port-missing"
    | "agent-no-pods"
    | "agent-target-port"
    | "agent-not-listening"
    | "agent-mode-mismatch"
    | "agent-tls-mismatch"
    | "agent-policy-blocks"
    | "envoy-egress-blocks"
    | "agent-unready-endpoints"
    | "pairing"
    | "app-bypass"
    | "ready-before-inspection"
    | "shutdown-order"
    | "agent-fleet-unused"
    | "client-address-unproven"
    | "inspection-partial"
    // Cannot verify: the objects do not show what happens to the request there.
    | "envoy-unverifiable"
    | "agent-unverifiable"
    | "workload-unverifiable"
    | "dns-unverifiable"
    | "patch-unverifiable"
    | "duplicate-object";

/**
 * The codes that mean "cannot verify": the model does not understand what decides the request's
 * path there, so it refuses to vouch for it (an error unless `unverifiable: "warning"`).
 */
export const CANNOT_VERIFY: readonly FindingCode[] = [
    "envoy-config-unreadable",
    "envoy-unverifiable",
    "agent-unverifiable",
    "workload-unverifiable",
    "dns-unverifiable",
    "patch-unverifiable",
    "duplicate-object",
];

/** The verdict a finding stands for: a request proven to pass uninspected (or lost), or a path that cannot be verified. */
export function verdictOf(f: Finding): "not-inspected" | "cannot-verify" {
    return CANNOT_VERIFY.includes(f.code) ? "cannot-verify" : "not-inspected";
}

export interface Finding {
    /** What kind of gap, stable for tests and policies. */
    code: FindingCode;
    /** Errors let requests pass uninspected or fail; warnings waste capacity or cannot be verified. */
    severity: "error" | "warning";
    /** The object the finding is about, e.g. `Deployment shop/web`. */
    object: string;
    /** What happens to requests, and what fixes it. */
    message: string;
    /** For "cannot verify": the exact place, e.g. `ConfigMap shop/web-envoy key envoy.yaml: static_resources.listeners[0]...`. */
    path?: string;
}

/** One agent a gRPC client of Envoy reaches. */
export interface AgentHop {
    /** How Envoy gets there: `loopback 127.0.0.1:9999` or `Service waf/agents:9999`. */
    via: string;
    /** The workload whose pods answer. */
    workload: string;
    container: string;
    /** The agent's listen address (`SIGSCI_ENVOY_GRPC_ADDRESS`). */
    listen: string;
}

/** How one Envoy listener has requests inspected. */
export interface InspectionPath {
    envoy: string;
    /** The Envoy pods' namespace. */
    namespace: string;
    listener: string;
    integration: Integration;
    failOpen: boolean;
    /** The filter's call and, with ext_authz, the access log's: each with the agents it reaches. */
    calls: { role: "filter" | "access log"; cluster: string; agents: AgentHop[] }[];
}

export interface TrafficReport {
    /** Listeners proven to have every request inspected (each with the agents it reaches). */
    paths: InspectionPath[];
    findings: Finding[];
    /**
     * The whole verdict: `inspected` only when every path is proven inspected; `not-inspected`
     * when some request provably passes uninspected (or is lost); else `cannot-verify`.
     */
    verdict: "inspected" | "not-inspected" | "cannot-verify";
}

export interface VerifyOptions {
    /** The namespace of objects without `metadata.namespace` (the Kubernetes provider's). Default `default`. */
    defaultNamespace?: string;
    /** The cluster's DNS domain. Default `cluster.local`. */
    clusterDomain?: string;
    /**
     * How a path that cannot be verified is reported: `error` (the default: nothing unproven
     * passes), or `warning`, for a reviewed setup whose unverifiable parts are acknowledged.
     */
    unverifiable?: "error" | "warning";
    /** Where Envoy Gateway runs the proxies of the Gateways among the objects (its default deployment mode otherwise). */
    envoyGateway?: EnvoyGatewayOptions;
    /**
     * For tools that judge objects holding values not known yet (the policy pack at preview):
     * told which Envoy workload the verifier is following (`undefined`: the objects as a whole)
     * and of each finding as it is made, so a finding can be tied to the values read for it.
     */
    tracer?: VerifyTracer;
}

export interface VerifyTracer {
    enter(scope: string | undefined): void;
    found(finding: Finding): void;
}
