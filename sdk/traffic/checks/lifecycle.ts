// Starting and stopping: the pod turns Ready only once its inspection path answers, and on the
// way out Envoy drains first, the app outlives it, the agent outlives both, and the grace period
// covers all.
import { agentProbeProvesListening, agentShutdownFindings, isAgentContainer } from "../agent";
import { EnvoyScope, plural, ResolvedCluster, TrafficContext } from "../context";
import { allContainers, containerPortNumber, graceSeconds, isNativeSidecar, preStopSeconds } from "../kube";
import { Inspection } from "./agents";

/** The pod must not turn Ready before its inspection path can answer. */
export function checkReadiness(ctx: TrafficContext, scope: EnvoyScope, inspection: Inspection): void {
    const { w, at, envoy } = scope;
    if (inspection.clusters.size > 0) {
        const clusters = [...inspection.clusters];
        const envoyGated = [envoy.startupProbe, envoy.readinessProbe].some((probe: any) => {
            const hg = probe?.httpGet;
            if (!hg) return false;
            const port = containerPortNumber(w.pod, hg.port);
            const listener = scope.model.listeners.find((l) => l.exposed && l.port === port);
            return listener?.hcms.some((h) =>
                h.healthChecks.some((hc) => hc.paths.includes(hg.path ?? "/") && clusters.every((c) => (hc.clusterMinHealthy[c] ?? 0) > 0 && scope.model.cluster(c)?.healthChecked === true)),
            );
        });
        const all_ = clusters.map((c) => inspection.resolved.get(c)).filter((r): r is ResolvedCluster => r !== undefined);
        const sidecarGated = all_.length > 0 && all_.every((r) => r.loopbackOnly && r.agents.length > 0 && r.agents.every((x) => agentProbeProvesListening(x.listener)));
        if (!envoyGated && !sidecarGated) {
            ctx.add(
                "ready-before-inspection",
                at,
                `the pod can turn Ready before its agent answers: no probe waits for cluster ${clusters.join(", ")} (an Envoy probe on a health_check filter that requires ${plural(clusters.length, "it", "them")} healthy under active health checks, or an agent probe on /startup or a reachable gRPC port), so the first requests can pass uninspected`,
            );
        }
    }
}

/** Envoy drains first, the app outlives Envoy, the agent outlives both, the grace period covers all. */
export function checkShutdown(ctx: TrafficContext, scope: EnvoyScope): void {
    const { w, at, envoy, envoysHere } = scope;
    const envoyStop = preStopSeconds(envoy);
    if (envoyStop === 0)
        ctx.add("shutdown-order", at, `Envoy (container ${envoy.name}) has no preStop hook: it stops at once while the pod is still in its Services' endpoints, so new requests are refused`);
    const others = allContainers(w.pod).filter((c) => !envoysHere.includes(c));
    const apps = others.filter((c) => !isAgentContainer(c));
    const sidecars = others.filter(isAgentContainer);
    let appsStop = envoyStop;
    for (const c of apps) {
        const s = preStopSeconds(c);
        appsStop = Math.max(appsStop, s);
        // A native sidecar gets SIGTERM only once Envoy and the other containers have exited.
        if (s <= envoyStop && !isNativeSidecar(w.pod, c))
            ctx.add(
                "shutdown-order",
                at,
                `container ${c.name} gets SIGTERM after ${s} s, before Envoy has drained (${envoyStop} s): requests in flight through Envoy fail; give it a preStop sleep longer than Envoy's`,
            );
    }
    for (const c of sidecars) {
        const s = preStopSeconds(c);
        // An agent with no preStop at all is agent-no-prestop (below): one finding per defect. A
        // native sidecar gets SIGTERM only after the others have exited.
        if (s > 0 && s < appsStop && !isNativeSidecar(w.pod, c))
            ctx.add(
                "shutdown-order",
                at,
                `agent container ${c.name} gets SIGTERM after ${s} s, before the ${appsStop} s the other containers serve: their last requests pass uninspected; its preStop sleep must be at least ${appsStop} s`,
            );
    }
    for (const c of sidecars) for (const f of agentShutdownFindings(c, w.pod)) ctx.add(f.code, at, f.message);
    const longest = Math.max(0, ...allContainers(w.pod).map(preStopSeconds));
    const grace = graceSeconds(w.pod);
    // A grace period too short for an agent's sleep is agent-grace-short (above).
    const agentsSleepLongest = sidecars.some((c) => preStopSeconds(c) === longest);
    if (longest > 0 && grace <= longest && !agentsSleepLongest)
        ctx.add("shutdown-order", at, `terminationGracePeriodSeconds ${grace} does not outlast the longest preStop hook (${longest} s): the pod is killed mid-drain`);
}
