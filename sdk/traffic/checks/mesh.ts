// Istio's sidecars, followed by the same checks as any Envoy: each meshed workload's model
// (traffic/istio.ts) goes through the routes, the inspection calls to the agent in the pod, and
// the readiness gate; what the model noted is reported; and the agent outlives the app.
import { agentShutdownFindings, isAgentContainer } from "../agent";
import { EnvoyScope, TrafficContext } from "../context";
import { idleMeshFilters, meshEnvoys } from "../istio";
import { allContainers, preStopSeconds } from "../kube";
import { checkInspectionCalls } from "./agents";
import { checkReadiness } from "./lifecycle";
import { followRoutes } from "./routes";

export function checkMesh(ctx: TrafficContext): void {
    for (const idle of idleMeshFilters(ctx.index)) ctx.add("listener-uninspected", idle.ref, idle.message);
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
            if (s > 0 && s < appStop)
                ctx.add(
                    "shutdown-order",
                    w.ref,
                    `agent container ${agent.name} gets SIGTERM after ${s} s, before the ${appStop} s the app serves: its last requests pass uninspected; its preStop sleep must be at least ${appStop} s`,
                );
            for (const f of agentShutdownFindings(agent, w.pod)) ctx.add(f.code, w.ref, f.message);
        }
    }
}
