// Nothing reaches the app around Envoy: no NetworkPolicy admits its port, no Service targets it,
// the pod does not share the node's network, no host port maps it; and an app in pods of its own
// admits only Envoy.
import { EnvoyScope, plural, TrafficContext } from "../context";
import { allContainers, containerPortNumber, noLabels, serviceSelects } from "../kube";
import { ingressOnlyFrom, ingressOpenOnPort, ingressOpenToAll } from "../network-policy";
import { envoyContainers } from "../envoy";
import { serviceOf } from "./agents";
import { Routes } from "./routes";

/**
 * May `address` name something in the cluster? A private or unique-local IP (a pod's or a
 * Service's), a name of one or two labels, or one with a `svc` or `pod` label or the cluster
 * domain (in any case).
 */
function mayBeInCluster(address: string, clusterDomain: string): boolean {
    const a = address.toLowerCase().replace(/\.$/, "");
    if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/.test(a) || /^f[cd][0-9a-f]{2}:/.test(a)) return true;
    if (/^[\d.]+$/.test(a) || a.includes(":")) return false;
    const labels = a.split(".");
    return labels.length <= 2 || labels.includes("svc") || labels.includes("pod") || a.endsWith(`.${clusterDomain.toLowerCase()}`);
}

/** Does the pod's hostAliases map `address` (then it goes wherever the alias says)? */
function aliased(pod: any, address: string): boolean {
    return (Array.isArray(pod?.hostAliases) ? pod.hostAliases : []).some((h: any) => (Array.isArray(h?.hostnames) ? h.hostnames : []).includes(address.replace(/\.$/, "")));
}

/** The TCP port numbers a container declares (entries that are not objects with a whole number skipped). */
function tcpPorts(c: any): number[] {
    return (Array.isArray(c?.ports) ? c.ports : [])
        .filter((p: any) => p !== null && typeof p === "object" && Number.isInteger(p.containerPort) && (p.protocol ?? "TCP") === "TCP")
        .map((p: any) => p.containerPort);
}

export function checkAppBypass(ctx: TrafficContext, scope: EnvoyScope, routes: Routes): void {
    const { w, at, end: envoyEnd } = scope;
    const { appPorts, remoteTargets } = routes;
    const envoyPorts = new Set(scope.model.listeners.filter((l) => l.exposed).flatMap((l) => l.addresses.map((a) => a.port)));
    if (w.pod.hostNetwork === true) {
        ctx.add(
            "app-bypass",
            at,
            `the pod runs in the node's network namespace (hostNetwork: true): NetworkPolicies do not restrict it, and every port it listens on${appPorts.size ? `, the app's ${[...appPorts].join(", ")} too,` : ""} is open on the node's address; run it in its own network namespace`,
        );
    }
    for (const c of allContainers(w.pod)) {
        for (const p of Array.isArray(c.ports) ? c.ports : []) {
            if (p !== null && typeof p === "object" && p.hostPort !== undefined && p.hostPort !== null && !envoyPorts.has(Number(p.containerPort)))
                ctx.add(
                    "app-bypass",
                    at,
                    `container ${c.name} maps port ${p.containerPort} to host port ${p.hostPort}: it is reachable on the node's address, around Envoy and past NetworkPolicies; remove the hostPort`,
                );
        }
    }
    for (const port of [...appPorts].sort((a, b) => a - b)) {
        const open = ingressOpenOnPort(ctx.index, envoyEnd, port);
        if (open.admitted) {
            ctx.add(
                "app-bypass",
                at,
                open.policies.length === 0
                    ? `no NetworkPolicy restricts ingress to the pod, so the app's port ${port} can be reached around Envoy (unless the app listens on loopback only): admit only Envoy's listener port`
                    : `${open.policies.join(", ")} admit${plural(open.policies.length, "s", "")} the app's port ${port}, around Envoy: admit only Envoy's listener port`,
            );
        }
    }
    // The other TCP ports the app's containers declare (a metrics or debug port): open to peers,
    // they are a way into the app that no filter inspects; often meant (Prometheus), so a warning.
    const appContainers = allContainers(w.pod).filter((c) => !scope.envoysHere.includes(c) && tcpPorts(c).some((p) => appPorts.has(p)));
    const others = [...new Set(appContainers.flatMap(tcpPorts))].filter((p) => !appPorts.has(p) && !envoyPorts.has(p)).sort((a, b) => a - b);
    for (const port of others) {
        const open = ingressOpenToAll(ctx.index, envoyEnd, port);
        if (!open.admitted) continue;
        const own = `the app's own port ${port} (one Envoy does not forward to)`;
        const where =
            open.policies.length === 0
                ? `no NetworkPolicy restricts ingress to the pod, so ${own} can be reached around Envoy`
                : `${open.policies.join(", ")} admit${plural(open.policies.length, "s", "")} ${own}, around Envoy`;
        ctx.add("app-bypass", at, `${where}: requests there are not inspected; admit it only to the peers that need it (Prometheus), or not at all`, "warning");
    }
    for (const svc of ctx.index.selecting("Service", w.namespace, w.labels).filter((s) => serviceSelects(s.spec?.selector, w.labels))) {
        const svcPorts: any[] = (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).filter((sp: any) => sp !== null && typeof sp === "object");
        for (const sp of svcPorts) {
            const target = containerPortNumber(w.pod, sp.targetPort ?? sp.port, sp.protocol ?? "TCP");
            if (target !== undefined && appPorts.has(target))
                ctx.add("app-bypass", at, `Service ${ctx.refOf(svc)} forwards port ${sp.port} straight to the app's port ${target}, around Envoy: target Envoy's listener`);
        }
        // A Service spreads its requests over every pod it selects that serves its target port: each of them must run Envoy.
        const selected = ctx.selected(w.namespace, svc.spec?.selector);
        // A named target port: the pods that declare it; a number: those that declare it (a pod that does not fails the requests, it does not pass them on).
        const servesIt = (pod: any) =>
            svcPorts.some((sp: any) => {
                const target = containerPortNumber(pod, sp?.targetPort ?? sp?.port, sp?.protocol ?? "TCP");
                return target !== undefined && allContainers(pod).some((c) => tcpPorts(c).includes(target));
            });
        // A numeric target port a pod does not declare: it may still listen there (Jobs, CronJobs and Helm's hook Pods, which run to completion, are left out).
        const numeric = svcPorts.some((sp: any) => typeof (sp?.targetPort ?? sp?.port) === "number" || /^\d+$/.test(String(sp?.targetPort ?? "")));
        const lasting = (o: { object: any; pod: any }) => !["Job", "CronJob"].includes(o.object?.kind) && o.object?.metadata?.annotations?.["helm.sh/hook"] === undefined;
        for (const other of [...selected.pods.filter((p) => p.replicas !== 0), ...selected.unknown]) {
            if (envoyContainers(other.pod, ctx.index, other.namespace).length > 0) continue;
            if (servesIt(other.pod))
                ctx.add(
                    "app-bypass",
                    at,
                    `Service ${ctx.refOf(svc)} also selects the pods of ${other.ref}, which run no Envoy: the requests it sends there are not inspected; give those pods labels the Service does not select`,
                );
            else if (numeric && lasting(other))
                ctx.add(
                    "workload-unverifiable",
                    at,
                    `Service ${ctx.refOf(svc)} also selects the pods of ${other.ref}, which run no Envoy and do not declare its target port: whether they listen there (and take requests uninspected) cannot be verified; give those pods labels the Service does not select`,
                );
        }
    }
    // The app in pods of its own, behind a Service Envoy forwards to: only Envoy may reach them.
    for (const name of remoteTargets) {
        for (const e of scope.model.cluster(name)?.endpoints ?? []) {
            const svc = serviceOf(ctx, e.address, w.namespace);
            const selector = svc?.spec?.selector;
            // A public name or address (or an ExternalName pointing to one): no NetworkPolicy of the
            // cluster guards it, nothing to judge here. Anything that may be in the cluster is judged.
            const external = (address: string) => !mayBeInCluster(address, ctx.domain) && !aliased(w.pod, address);
            if (svc === undefined ? external(e.address) : svc.spec?.type === "ExternalName" && external(String(svc.spec?.externalName ?? ""))) continue;
            if (!svc || noLabels(selector)) {
                ctx.add(
                    "workload-unverifiable",
                    at,
                    `cluster ${name} forwards to ${e.address}:${e.port}, ${svc ? `Service ${ctx.refOf(svc)}, whose pods no selector among the objects names` : "which is no Service among the objects"}: whether the app there admits only Envoy cannot be verified`,
                );
                continue;
            }
            const sp = (svc.spec?.ports ?? []).find((p: any) => p.port === e.port);
            for (const p of ctx.selected(ctx.index.namespaceOf(svc), svc.spec?.selector).pods) {
                const port = containerPortNumber(p.pod, svc.spec?.clusterIP === "None" ? e.port : (sp?.targetPort ?? sp?.port));
                if (port === undefined) continue;
                const only = ingressOnlyFrom(ctx.index, { namespace: p.namespace, labels: p.labels, pod: p.pod }, port, [{ ...envoyEnd, ref: w.ref }]);
                if (only.unverifiable)
                    ctx.add(
                        "workload-unverifiable",
                        at,
                        `cluster ${name} forwards to ${p.ref} through Service ${ctx.refOf(svc)}, but ${only.why}: whether only Envoy reaches the app there cannot be verified; ${only.fix ?? "admit Envoy's pods by their labels"}`,
                    );
                else if (!only.only)
                    ctx.add(
                        "app-bypass",
                        at,
                        `cluster ${name} forwards to ${p.ref} through Service ${ctx.refOf(svc)}, but ${only.why}: the app there can be reached around Envoy; admit only Envoy's pods to port ${port}`,
                    );
            }
        }
    }
}
