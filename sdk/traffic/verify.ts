// The traffic-path verifier: given the Kubernetes objects a program creates, it follows what
// Kubernetes and Envoy would do with a request - from each Envoy pod's listener, through the
// inspection filter and the access log, to the cluster's endpoint (the pod's loopback, or a
// Service by DNS name), the Service's port and target port, the pods its selector picks, the
// agent listening there and every NetworkPolicy on the way - and reports each place where a
// request would pass uninspected, reach the app around Envoy, or be lost while a pod starts or
// stops. Plain data in, plain findings out: the tests, the policy pack and users share it.
//
// One function per check (checks/), over one explicit context: the objects, the options, the
// findings so far, and for each Envoy followed its scope.
import { checkInspectionCalls } from "./checks/agents";
import { checkAppBypass } from "./checks/bypass";
import { checkPairedFleets } from "./checks/fleets";
import { checkGateways } from "./checks/gateway";
import { checkMesh } from "./checks/mesh";
import { checkReadiness, checkShutdown } from "./checks/lifecycle";
import { checkObjectSet } from "./checks/objects";
import { followRoutes } from "./checks/routes";
import { EnvoyScope, TrafficContext } from "./context";
import { Bootstrap, envoyBootstrapOf, envoyCommand, envoyContainers, envoyModel } from "./envoy";
import { Finding, TrafficReport, verdictOf, VerifyOptions } from "./findings";
import { KubeObject, Workload } from "./kube";
import { ObjectIndex } from "./objects";

export { CANNOT_VERIFY, verdictOf } from "./findings";
export type { AgentHop, Finding, FindingCode, InspectionPath, TrafficReport, VerifyOptions, VerifyTracer } from "./findings";
export { pairedFleetWarning } from "./checks/fleets";

/** Follows every request path of `objects` and reports every gap, and every place it cannot follow. */
export function analyzeTraffic(objects: KubeObject[] | ObjectIndex, options: VerifyOptions = {}): TrafficReport {
    const ctx = new TrafficContext(objects, options);
    checkObjectSet(ctx);
    for (const w of ctx.index.workloads) {
        options.tracer?.enter(w.ref);
        followEnvoys(ctx, w);
    }
    checkGateways(ctx);
    checkMesh(ctx);
    options.tracer?.enter(undefined);
    checkPairedFleets(ctx);
    const errors = ctx.findings.filter((f) => f.severity === "error");
    const verdict = errors.length === 0 ? "inspected" : errors.some((f) => verdictOf(f) === "not-inspected") ? "not-inspected" : "cannot-verify";
    return { paths: ctx.paths, findings: ctx.findings, verdict };
}

/** Each Envoy of one workload: its command line and bootstrap read, then every check of its paths. */
function followEnvoys(ctx: TrafficContext, w: Workload): void {
    const envoys = envoyContainers(w.pod, ctx.index, w.namespace);
    for (const envoy of envoys) {
        const command = envoyCommand(envoy);
        for (const why of command.unverifiable)
            ctx.add("envoy-unverifiable", w.ref, `container ${envoy.name} runs Envoy with ${why}: its inspection path cannot be verified`, "error", `${w.ref} container ${envoy.name} command line`);
        const bootstrap: Bootstrap = envoyBootstrapOf(ctx.index, w.namespace, w.pod, envoy);
        if ("missing" in bootstrap) {
            ctx.add(
                "envoy-config-unreadable",
                w.ref,
                `container ${envoy.name} runs Envoy with ${bootstrap.missing}: its inspection path cannot be verified; mount the bootstrap from a ConfigMap or Secret among the objects`,
            );
            continue;
        }
        if ("unreadable" in bootstrap) {
            ctx.add("envoy-config-unreadable", w.ref, `container ${envoy.name} runs Envoy with ${bootstrap.unreadable}: Envoy does not start`);
            continue;
        }
        const scope = new EnvoyScope(ctx, w, envoy, envoys, envoyModel(bootstrap.config), bootstrap.source);
        const routes = followRoutes(ctx, scope);
        const inspection = checkInspectionCalls(ctx, scope, routes);
        checkAppBypass(ctx, scope, routes);
        checkReadiness(ctx, scope, inspection);
        checkShutdown(ctx, scope);
    }
}

/** The findings of {@link analyzeTraffic}: empty when every request is inspected on every path. */
export function verifyTraffic(objects: KubeObject[] | ObjectIndex, options: VerifyOptions = {}): Finding[] {
    return analyzeTraffic(objects, options).findings;
}
