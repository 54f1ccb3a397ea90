// With ext_authz and the access log, a Service with ClientIP affinity pins each Envoy pod to one
// agent pod: an autoscaler that may run more agent pods than there are Envoy pods wastes them.
import { TrafficContext } from "../context";

/**
 * With ext_authz and the access log, `sessionAffinity: ClientIP` keeps each Envoy pod on one
 * agent pod: an autoscaler that may run more agent pods than there are Envoy pods wastes them.
 */
export function pairedFleetWarning(service: string, maxAgents: number, envoyPods: number, shown = { maxAgents: String(maxAgents), envoyPods: String(envoyPods) }): string | undefined {
    if (maxAgents <= envoyPods) return undefined;
    return `its autoscaler may run ${shown.maxAgents} agent pods, but with ext_authz and the access log each Envoy pod keeps one agent pod (${service}, sessionAffinity: ClientIP) and at most ${shown.envoyPods} Envoy ${envoyPods === 1 ? "pod reaches" : "pods reach"} it: lower maxReplicas to ${shown.envoyPods} or use ext_proc`;
}

export function checkPairedFleets(ctx: TrafficContext): void {
    for (const [svc, fleet] of ctx.pairedFleets) {
        if (fleet.envoyReplicas === undefined) continue;
        for (const p of fleet.pods) {
            const max = ctx.autoscalerMax(p);
            const warning = max === undefined ? undefined : pairedFleetWarning(`Service ${ctx.refOf(svc)}`, max, fleet.envoyReplicas);
            if (warning) ctx.add("agent-fleet-unused", p.ref, warning, "warning");
        }
    }
}
