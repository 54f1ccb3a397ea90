// Each listener Envoy exposes, route by route: which requests an inspection filter sees, which
// pass uninspected, what reaches Envoy's admin interface, and where the app listens.
import { TrafficContext, EnvoyScope, plural } from "../context";
import { chainRuns, ClientAddressModel, InspectionFilter, Integration, ListenerModel, PerRouteEffect } from "../envoy";
import { dialsOwnPod, isLoopback } from "../kube";
import { ADDRESSES, READ_ONLY_ADMIN_PATHS } from "../../vocabulary/envoy";

/** One inspection filter a listener runs, and the clusters its calls go to. */
export interface InspectionUse {
    listener: ListenerModel;
    integration: Integration;
    failOpen: boolean;
    filterCluster?: string;
    logClusters: string[];
    /** The filter's name in the chain. */
    filterName: string;
    /** Headers written with the trusted client address before the filter (every chain running it), and which address the connection manager trusts. */
    clientHeaders: string[];
    /** Those written from the connection's own peer. */
    peerHeaders: string[];
    clientAddress: ClientAddressModel;
}

/** What the routes of one Envoy lead to. */
export interface Routes {
    /** Ports of the pod the routes forward to: the app's. */
    appPorts: Set<number>;
    /** Clusters of other pods the routes forward to: the app may run there, behind a Service. */
    remoteTargets: Set<string>;
    /** Listeners with a route that passes uninspected: never reported as proven. */
    gaps: Set<ListenerModel>;
    uses: InspectionUse[];
}

export const listenerText = (l: ListenerModel) => `listener ${l.name} (${l.address}:${l.port})`;

/** A bind address only the pod reaches (the admin interface must have one): loopback, or a Unix socket. */
function isLoopbackBind(address: string): boolean {
    return isLoopback(address) || address.startsWith("unix:");
}

/** Does filter `f` inspect requests forwarded with this per-route effect? Why not, when it does not. */
function notInspecting(f: InspectionFilter, e: PerRouteEffect | undefined): string | undefined {
    if (f.partial) return `${f.name}: ${f.partial}`;
    if (e?.disabled) return `${f.name} is turned off for this route`;
    if (f.offByDefault && !e?.enabled) return `${f.name} is disabled in the chain and not turned on for this route`;
    if (e?.partial) return `${f.name}: ${e.partial}`;
    return undefined;
}

/** Follows every route of every exposed listener; reports what passes uninspected and what reaches admin. */
export function followRoutes(ctx: TrafficContext, scope: EnvoyScope): Routes {
    const { model, at } = scope;
    if (model.admin && !isLoopbackBind(model.admin.address)) {
        ctx.add(
            "admin-exposed",
            at,
            `Envoy's admin interface listens on ${model.admin.address}:${model.admin.port}, reachable on the pod's address: anyone who reaches it can reconfigure or stop Envoy; bind it to ${ADDRESSES.loopback}`,
        );
    }
    const isAdminCluster = (name: string) => {
        const c = model.admin ? model.cluster(name) : undefined;
        return c !== undefined && c.endpoints.length > 0 && c.endpoints.every((e) => dialsOwnPod(e.address) && e.port === model.admin!.port);
    };
    const appPorts = new Set<number>();
    const remoteTargets = new Set<string>();
    const gaps = new Set<ListenerModel>();
    const uses: InspectionUse[] = [];

    for (const l of model.listeners.filter((x) => x.exposed)) {
        for (const hcm of l.hcms) {
            let forwards = false;
            for (const route of hcm.routes) {
                for (const m of route.mirrors)
                    if (isAdminCluster(m)) ctx.add("admin-exposed", at, `${listenerText(l)} mirrors ${route.ref} to Envoy's admin interface (cluster ${m}): a request there is replayed against admin`);
                for (const target of route.targets) {
                    const cluster = target.cluster;
                    if (isAdminCluster(cluster)) {
                        const path = route.match?.path;
                        if (!(typeof path === "string" && READ_ONLY_ADMIN_PATHS.includes(path)) || route.rewrites) {
                            ctx.add(
                                "admin-exposed",
                                at,
                                `${listenerText(l)} forwards ${route.ref}${route.rewrites ? " with a path rewrite" : ""} to Envoy's admin interface (cluster ${cluster}): only the exact paths ${READ_ONLY_ADMIN_PATHS.join(", ")} may be exposed${route.rewrites ? ", unrewritten" : ""}`,
                            );
                        }
                        continue;
                    }
                    forwards = true;
                    const c = scope.usedCluster(cluster);
                    for (const e of c?.endpoints ?? []) {
                        if (dialsOwnPod(e.address)) appPorts.add(e.port);
                        else remoteTargets.add(cluster);
                    }
                    for (const chain of hcm.chains.filter((ch) => chainRuns(ch, route))) {
                        const active = chain.inspection.filter((f) => notInspecting(f, target.effects.get(f.name)) === undefined);
                        if (active.length > 0) continue;
                        const which = chain.label ? ` (${chain.label} requests, which run the upgrade's own filters)` : "";
                        const why =
                            chain.inspection.length === 0
                                ? chain.afterRouter.length > 0
                                    ? `${chain.afterRouter.join(", ")} ${plural(chain.afterRouter.length, "comes", "come")} after the router and never ${plural(chain.afterRouter.length, "runs", "run")}`
                                    : "no ext_authz or ext_proc filter runs before the router"
                                : chain.inspection.map((f) => notInspecting(f, target.effects.get(f.name))).join("; ");
                        ctx.add("listener-uninspected", at, `${listenerText(l)} forwards ${route.ref} to cluster ${cluster}${which} uninspected: ${why}`);
                        gaps.add(l);
                    }
                }
            }
            if (!forwards) continue;
            for (const chain of hcm.chains) {
                for (const f of chain.inspection.filter((x) => x.partial === undefined)) {
                    for (const spot of f.blindSpots ?? []) ctx.add("inspection-partial", at, `${listenerText(l)}: ${f.name} inspects its requests, but ${spot}`, "warning");
                    const overrides = hcm.routes.flatMap((r) => r.targets.map((t) => t.effects.get(f.name)?.failOpen)).filter((x): x is boolean => x !== undefined);
                    const failOpen = f.failOpen || overrides.includes(true);
                    const same = uses.find((u) => u.listener === l && u.filterCluster === f.cluster && u.integration === f.integration);
                    // A header counts only where every chain that inspects writes it.
                    if (same) {
                        same.clientHeaders = same.clientHeaders.filter((h) => f.clientHeaders.has(h));
                        same.peerHeaders = same.peerHeaders.filter((h) => f.peerHeaders.has(h));
                        const [a, b] = [same.clientAddress, hcm.clientAddress];
                        if (a !== b)
                            same.clientAddress = {
                                useRemoteAddress: a.useRemoteAddress && b.useRemoteAddress,
                                xffTrustedHops: Math.max(a.xffTrustedHops, b.xffTrustedHops),
                                detection: a.detection || b.detection,
                                proxyProtocol: a.proxyProtocol === true || b.proxyProtocol === true,
                            };
                    } else {
                        uses.push({
                            listener: l,
                            integration: f.integration,
                            failOpen,
                            filterCluster: f.cluster,
                            logClusters: f.integration === "ext_authz" ? hcm.accessLogClusters : [],
                            filterName: f.name,
                            clientHeaders: [...f.clientHeaders.keys()],
                            peerHeaders: [...f.peerHeaders],
                            clientAddress: hcm.clientAddress,
                        });
                    }
                }
            }
        }
        for (const cluster of l.tcpProxyClusters) {
            if (!isAdminCluster(cluster)) ctx.add("listener-uninspected", at, `${listenerText(l)} proxies raw TCP to cluster ${cluster}: no HTTP filter, so no inspection, sees that traffic`);
        }
    }
    return { appPorts, remoteTargets, gaps, uses };
}
