// Nothing reaches the app around Envoy: no NetworkPolicy admits its port, no Service targets it,
// the pod does not share the node's network, no host port maps it; and an app in pods of its own
// admits only Envoy.
import { EnvoyScope, plural, TrafficContext } from "../context";
import { allContainers, containerPortNumber, serviceSelects } from "../kube";
import { ingressOnlyFrom, ingressOpenOnPort } from "../network-policy";
import { envoyContainers } from "../envoy";
import { serviceOf } from "./agents";
import { Routes } from "./routes";

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
            if (p?.hostPort !== undefined && !envoyPorts.has(Number(p.containerPort)))
                ctx.add(
                    "app-bypass",
                    at,
                    `container ${c.name} maps port ${p.containerPort} to host port ${p.hostPort}: it is reachable on the node's address, around Envoy and past NetworkPolicies; remove the hostPort`,
                );
        }
    }
    // The app's ports: those Envoy forwards to, and every other TCP port the containers that
    // serve them declare (a debug or admin port of the app is a way in too).
    const appContainers = allContainers(w.pod).filter(
        (c) => !scope.envoysHere.includes(c) && (Array.isArray(c.ports) ? c.ports : []).some((p: any) => appPorts.has(Number(p?.containerPort)) && (p?.protocol ?? "TCP") === "TCP"),
    );
    const ports = new Set(appPorts);
    for (const c of appContainers)
        for (const p of Array.isArray(c.ports) ? c.ports : []) if ((p?.protocol ?? "TCP") === "TCP" && !envoyPorts.has(Number(p?.containerPort))) ports.add(Number(p.containerPort));
    for (const port of [...ports].sort((a, b) => a - b)) {
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
    for (const svc of ctx.index.selecting("Service", w.namespace, w.labels).filter((s) => serviceSelects(s.spec?.selector, w.labels))) {
        for (const sp of svc.spec?.ports ?? []) {
            const target = containerPortNumber(w.pod, sp.targetPort ?? sp.port, sp.protocol ?? "TCP");
            if (target !== undefined && ports.has(target))
                ctx.add("app-bypass", at, `Service ${ctx.refOf(svc)} forwards port ${sp.port} straight to the app's port ${target}, around Envoy: target Envoy's listener`);
        }
        // A Service spreads its requests over every pod it selects: each of them must run Envoy.
        const selected = ctx.selected(w.namespace, svc.spec?.selector);
        for (const other of [...selected.pods, ...selected.unknown]) {
            if (envoyContainers(other.pod, ctx.index, other.namespace).length === 0)
                ctx.add(
                    "app-bypass",
                    at,
                    `Service ${ctx.refOf(svc)} also selects the pods of ${other.ref}, which run no Envoy: the requests it sends there are not inspected; give those pods labels the Service does not select`,
                );
        }
    }
    // The app in pods of its own, behind a Service Envoy forwards to: only Envoy may reach them.
    for (const name of remoteTargets) {
        for (const e of scope.model.cluster(name)?.endpoints ?? []) {
            const svc = serviceOf(ctx, e.address, w.namespace);
            const selector = svc?.spec?.selector;
            if (!svc || svc.spec?.type === "ExternalName" || selector === undefined || selector === null || Object.keys(selector).length === 0) {
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
                if (!only.only)
                    ctx.add(
                        "app-bypass",
                        at,
                        `cluster ${name} forwards to ${p.ref} through Service ${ctx.refOf(svc)}, but ${only.why}: the app there can be reached around Envoy; admit only Envoy's pods to port ${port}`,
                    );
            }
        }
    }
}
