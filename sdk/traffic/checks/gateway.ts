// Envoy Gateway's Gateways, followed by the same checks as any Envoy: each Gateway's model
// (traffic/gateway.ts) goes through the routes and the inspection calls with the proxies as the
// Envoy end; what the model noted is reported; and no Service exposes a route's backend on the
// nodes or a load balancer, around the Gateway.
import { EnvoyScope, TrafficContext } from "../context";
import { gatewayEnvoys } from "../gateway";
import { serviceSelects } from "../kube";
import { checkInspectionCalls } from "./agents";
import { serviceOf } from "./agents";
import { followRoutes } from "./routes";

const EXPOSING = ["NodePort", "LoadBalancer"];

export function checkGateways(ctx: TrafficContext): void {
    const { envoys, policyNotes } = gatewayEnvoys(ctx.index, ctx.options.envoyGateway);
    for (const n of policyNotes) ctx.add(n.code, n.object, n.message, n.severity ?? "error");
    for (const g of envoys) {
        ctx.options.tracer?.enter(g.ref);
        for (const n of g.notes) ctx.add(n.code, g.ref, n.message, n.severity ?? "error");
        const scope = new EnvoyScope(ctx, g.proxies, { name: "envoy" }, [], g.model, g.ref);
        const routes = followRoutes(ctx, scope);
        for (const l of g.gaps) routes.gaps.add(l);
        const before = ctx.paths.length;
        checkInspectionCalls(ctx, scope, routes);
        // A Gateway's paths are of the Gateway's namespace (its proxies may run elsewhere).
        for (const p of ctx.paths.slice(before)) p.namespace = ctx.index.namespaceOf(g.gateway);
        checkBackendsExposed(ctx, scope, routes.remoteTargets);
    }
}

/** A route's backend that a NodePort or LoadBalancer Service also exposes is reachable around the Gateway. */
function checkBackendsExposed(ctx: TrafficContext, scope: EnvoyScope, clusters: Set<string>): void {
    for (const name of clusters) {
        for (const e of scope.model.cluster(name)?.endpoints ?? []) {
            const backend = serviceOf(ctx, e.address, scope.w.namespace);
            if (!backend) continue;
            const ns = ctx.index.namespaceOf(backend);
            const pods = ctx.selected(ns, backend.spec?.selector).pods;
            for (const svc of ctx.index.objects.filter((o) => o.kind === "Service" && ctx.index.namespaceOf(o) === ns && EXPOSING.includes(o.spec?.type))) {
                if (!pods.some((p) => serviceSelects(svc.spec?.selector, p.labels))) continue;
                ctx.add(
                    "app-bypass",
                    scope.at,
                    `Service ${ctx.refOf(svc)} (${svc.spec.type}) exposes the pods behind Service ${ctx.refOf(backend)}, which ${scope.at} routes to, on the nodes or a load balancer: requests there reach the app around the Gateway and its WAF; make it a ClusterIP Service`,
                );
            }
        }
    }
}
