// Istio's sidecars, followed by the same checks as any Envoy: each meshed workload's model
// (traffic/istio.ts) goes through the routes, the inspection calls to the agent in the pod, and
// the readiness gate; what the model noted is reported; and the agent outlives the app.
import { agentListeners, agentShutdownFindings, isAgentContainer, listensOnPodAddress } from "../agent";
import { envoyContainers } from "../envoy";
import { EnvoyScope, TrafficContext } from "../context";
import { idleMeshFilters, meshEnvoys, meshInspects } from "../istio";
import { allContainers, isNativeSidecar, preStopSeconds } from "../kube";
import { checkInspectionCalls } from "./agents";
import { checkReadiness } from "./lifecycle";
import { followRoutes } from "./routes";

export function checkMesh(ctx: TrafficContext): void {
    for (const idle of idleMeshFilters(ctx.index)) ctx.add("listener-uninspected", idle.ref, idle.message);
    checkUncalledAgents(ctx);
    for (const m of meshEnvoys(ctx.index)) {
        const w = m.workload;
        ctx.options.tracer?.enter(w.ref);
        for (const n of m.notes) ctx.add(n.code, w.ref, n.message);
        if (!m.model) continue;
        const scope = new EnvoyScope(ctx, w, { name: "istio-proxy" }, [], m.model, m.source);
        const routes = followRoutes(ctx, scope);
        // An uncaptured or TCP port is a way in that no chain inspects: the workload is not proven.
        if (m.notes.some((n) => n.code !== "envoy-unverifiable")) for (const l of m.model.listeners) routes.gaps.add(l);
        const inspection = checkInspectionCalls(ctx, scope, routes);
        checkReadiness(ctx, scope, inspection);
        // The agent outlives the app (Istio's proxy drains on its own).
        const containers = allContainers(w.pod);
        const appStop = Math.max(0, ...containers.filter((c) => !isAgentContainer(c)).map(preStopSeconds));
        for (const agent of containers.filter(isAgentContainer)) {
            const s = preStopSeconds(agent);
            if (s > 0 && s < appStop && !isNativeSidecar(w.pod, agent))
                ctx.add(
                    "shutdown-order",
                    w.ref,
                    `agent container ${agent.name} gets SIGTERM after ${s} s, before the ${appStop} s the app serves: its last requests pass uninspected; its preStop sleep must be at least ${appStop} s`,
                );
            for (const f of agentShutdownFindings(agent, w.pod)) ctx.add(f.code, w.ref, f.message);
        }
    }
}

/**
 * An agent on its pod's loopback answers that pod alone: with no Envoy container there and no
 * EnvoyFilter putting an inspection filter into Istio's sidecar for the pod, nothing calls it, and
 * the app beside it (an IstioApp whose EnvoyFilter is gone, an EnvoyApp without its Envoy) is
 * served uninspected.
 */
function checkUncalledAgents(ctx: TrafficContext): void {
    for (const w of ctx.index.workloads) {
        const loopback = agentListeners(ctx.index, w.namespace, w.pod).listeners.filter((a) => !listensOnPodAddress(a));
        if (loopback.length === 0 || envoyContainers(w.pod, ctx.index, w.namespace).length > 0 || meshInspects(ctx.index, w)) continue;
        for (const a of loopback) {
            ctx.add(
                "listener-uninspected",
                w.ref,
                `agent container ${a.container.name} listens on the pod's loopback (${a.host}:${a.port}), which only its own pod reaches, but nothing in the pod calls it: no Envoy container, and no EnvoyFilter puts an inspection filter into Istio's sidecar for these pods; the requests of the app beside it are not inspected`,
            );
        }
    }
}
