// The traffic-path verifier: given the Kubernetes objects a program creates, it follows what
// Kubernetes and Envoy would do with a request - from each Envoy pod's listener, through the
// inspection filter and the access log, to the cluster's endpoint (the pod's loopback, or a
// Service by DNS name), the Service's port and target port, the pods its selector picks, the
// agent listening there and every NetworkPolicy on the way - and reports each place where a
// request would pass uninspected, reach the app around Envoy, or be lost while a pod starts or
// stops. Plain data in, plain findings out: the tests, the policy pack and users share it.
import { agentListeners, AgentListener, agentProbeProvesListening, answersLoopback, isAgentContainer, listensOnPodAddress } from "./agent";
import { Bootstrap, envoyBootstrapOf, envoyCommand, envoyContainers, EnvoyModel, envoyModel, InspectionFilter, Integration, ListenerModel, PerRouteEffect, Unverifiable } from "./envoy";
import { allContainers, containerPortNumber, dialsOwnPod, graceSeconds, isLoopback, IPV4_ADDRESS, KubeObject, objectRef, preStopSeconds, serviceForHost, serviceSelects, Workload } from "./kube";
import { egressAllows, egressAllowsDns, ingressAdmits, ingressOnlyFrom, ingressOpenOnPort, PodEnd } from "./network-policy";
import { indexOf, ObjectIndex } from "./objects";

export type FindingCode =
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
export const CANNOT_VERIFY: readonly FindingCode[] = ["envoy-config-unreadable", "envoy-unverifiable", "agent-unverifiable", "workload-unverifiable", "dns-unverifiable", "patch-unverifiable", "duplicate-object"];

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

/**
 * With ext_authz and the access log, `sessionAffinity: ClientIP` keeps each Envoy pod on one
 * agent pod: an autoscaler that may run more agent pods than there are Envoy pods wastes them.
 */
export function pairedFleetWarning(service: string, maxAgents: number, envoyPods: number, shown = { maxAgents: String(maxAgents), envoyPods: String(envoyPods) }): string | undefined {
    if (maxAgents <= envoyPods) return undefined;
    return `its autoscaler may run ${shown.maxAgents} agent pods, but with ext_authz and the access log each Envoy pod keeps one agent pod (${service}, sessionAffinity: ClientIP) and at most ${shown.envoyPods} Envoy ${envoyPods === 1 ? "pod reaches" : "pods reach"} it: lower maxReplicas to ${shown.envoyPods} or use ext_proc`;
}

/** Admin paths a pod-facing listener may forward, by exact match: they only read. */
export const READ_ONLY_ADMIN_PATHS = ["/ready", "/stats/prometheus"];

interface Resolved {
    hops: AgentHop[];
    /** The agent listeners reached, for the mode checks. */
    agents: { workload: Workload; listener: AgentListener }[];
    /** Services passed through, with whether the cluster sees one address for them. */
    services: { object: KubeObject; ref: string; headless: boolean; pods: Workload[] }[];
    loopbackOnly: boolean;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
/** Labels in key order: the same text however the object was built (the engine sorts keys, a plain object keeps insertion order). */
const labelsText = (labels: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

/** Kinds whose Patch resources (Pulumi's `DeploymentPatch`, ...) can rewrite what the model judges. */
const JUDGED_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod", "Service", "NetworkPolicy", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "Namespace"];

/** Follows every request path of `objects` and reports every gap, and every place it cannot follow. */
export function analyzeTraffic(objects: KubeObject[] | ObjectIndex, options: VerifyOptions = {}): TrafficReport {
    const ns0 = options.defaultNamespace ?? "default";
    const domain = options.clusterDomain ?? "cluster.local";
    const index = indexOf(objects, ns0);
    const findings: Finding[] = [];
    const paths: InspectionPath[] = [];
    const seen = new Set<string>();
    const add = (code: FindingCode, object: string, message: string, severity: Finding["severity"] = "error", path?: string) => {
        const key = `${code}\u0000${object}\u0000${message}`;
        if (seen.has(key)) return;
        seen.add(key);
        const s = CANNOT_VERIFY.includes(code) && severity === "error" ? (options.unverifiable ?? "error") : severity;
        const f: Finding = path === undefined ? { code, severity: s, object, message } : { code, severity: s, object, message, path };
        findings.push(f);
        options.tracer?.found(f);
    };
    const refOf = (o: KubeObject) => objectRef(o, ns0).replace(/^\w+ /, "");
    /** Envoy pods reaching each paired (affinity) agent Service, for the fleet warning. */
    const pairedFleets = new Map<KubeObject, { pods: Workload[]; envoyReplicas: number | undefined }>();
    const agentWorkloadsChecked = new Set<Workload>();

    // The objects as the API server holds them: one per identity.
    for (const d of index.duplicates) add("duplicate-object", d, `${d} is listed more than once: the API server keeps only the last, so what the earlier copies say does not hold; list each object once`);
    for (const o of index.objects) {
        const base = o.kind.endsWith("Patch") ? o.kind.slice(0, -"Patch".length) : undefined;
        if (base && JUDGED_KINDS.includes(base)) {
            add("patch-unverifiable", objectRef(o, ns0), `a ${o.kind} rewrites ${base} ${index.namespaceOf({ ...o, kind: base })}/${o.metadata?.name} after it is applied, so what the model judges may not be what runs; fold the change into the object itself`);
        }
    }
    for (const t of index.unknownTemplates) {
        if (!allContainers(t.pod).some((c) => isAgentContainer(c) || envoyContainers({ containers: [c] }).length > 0)) continue;
        add("workload-unverifiable", t.ref, `a ${t.object.kind} runs an Envoy or agent pod template (${t.at}), but the model does not know how that kind runs its pods (how many, which Services it rewires): its inspection path cannot be verified; run it as a Deployment, or verify it by hand`);
    }

    /** The pods of the workloads a Service selector picks, and templates of unknown kinds it picks. */
    const selected = (namespace: string, selector: Record<string, string> | undefined) => ({
        pods: index.selectedBy(namespace, selector).filter((p) => serviceSelects(selector, p.labels)),
        unknown: index.unknownTemplates.filter((t) => t.namespace === namespace && serviceSelects(selector, t.labels)),
    });
    const autoscalerMax = (p: Workload): number | undefined => {
        const hpa = index.autoscalerOf(p);
        return hpa ? Number(hpa.spec?.maxReplicas) : undefined;
    };
    /** A workload that runs no pod: scaled to zero (an autoscaler leaves a target at zero alone). */
    const scaledToZero = (p: Workload) => p.replicas === 0;

    function checkAgentWorkload(p: Workload, a: AgentListener) {
        if (agentWorkloadsChecked.has(p)) return;
        agentWorkloadsChecked.add(p);
        if (!a.container.readinessProbe) {
            add("agent-unready-endpoints", p.ref, `agent container ${a.container.name} has no readiness probe: its Service sends Envoy to it as soon as it starts, before it listens; probe its gRPC port`);
        }
        const stop = preStopSeconds(a.container);
        const grace = graceSeconds(p.pod);
        if (stop === 0) add("shutdown-order", p.ref, `agent container ${a.container.name} has no preStop hook: a stopping agent pod exits while Envoy still sends it requests; give it a preStop sleep (Fastly's guide: 30 s)`);
        else if (grace <= stop) add("shutdown-order", p.ref, `terminationGracePeriodSeconds ${grace} does not outlast the agent's preStop sleep (${stop} s): the pod is killed before it stops cleanly`);
    }

    for (const w of index.workloads) {
        options.tracer?.enter(w.ref);
        const envoys = envoyContainers(w.pod, index, w.namespace);
        for (const envoy of envoys) {
            const command = envoyCommand(envoy);
            for (const why of command.unverifiable) add("envoy-unverifiable", w.ref, `container ${envoy.name} runs Envoy with ${why}: its inspection path cannot be verified`, "error", `${w.ref} container ${envoy.name} command line`);
            const bootstrap: Bootstrap = envoyBootstrapOf(index, w.namespace, w.pod, envoy);
            if ("missing" in bootstrap) {
                add("envoy-config-unreadable", w.ref, `container ${envoy.name} runs Envoy with ${bootstrap.missing}: its inspection path cannot be verified; mount the bootstrap from a ConfigMap or Secret among the objects`);
                continue;
            }
            if ("unreadable" in bootstrap) {
                add("envoy-config-unreadable", w.ref, `container ${envoy.name} runs Envoy with ${bootstrap.unreadable}: Envoy does not start`);
                continue;
            }
            analyzeEnvoy(w, envoy, envoys, envoyModel(bootstrap.config), bootstrap.source);
        }
    }
    options.tracer?.enter(undefined);

    function analyzeEnvoy(w: Workload, envoy: any, envoysHere: any[], model: EnvoyModel, source: string) {
        const at = w.ref;
        const envoyEnd: PodEnd = { namespace: w.namespace, labels: w.labels, pod: w.pod };
        const unverifiable = (u: Unverifiable) => add("envoy-unverifiable", at, `Envoy (container ${envoy.name}) has ${u.at || "its bootstrap"}: ${u.why}; whether requests there are inspected cannot be verified`, "error", `${source}: ${u.at}`);
        model.unverifiable.forEach(unverifiable);
        const usedCluster = (name: string) => {
            const c = model.cluster(name);
            c?.unverifiable.forEach(unverifiable);
            return c;
        };
        if (model.admin && !isLoopbackBind(model.admin.address)) {
            add("admin-exposed", at, `Envoy's admin interface listens on ${model.admin.address}:${model.admin.port}, reachable on the pod's address: anyone who reaches it can reconfigure or stop Envoy; bind it to 127.0.0.1`);
        }
        const isAdminCluster = (name: string) => {
            const c = model.admin ? model.cluster(name) : undefined;
            return c !== undefined && c.endpoints.length > 0 && c.endpoints.every((e) => dialsOwnPod(e.address) && e.port === model.admin!.port);
        };
        const appPorts = new Set<number>();
        /** Clusters of other pods the routes forward to: the app may run there, behind a Service. */
        const remoteTargets = new Set<string>();
        const listenerText = (l: ListenerModel) => `listener ${l.name} (${l.address}:${l.port})`;
        /** Listeners with a route that passes uninspected: never reported as proven. */
        const gaps = new Set<ListenerModel>();
        const uses: { listener: ListenerModel; integration: Integration; failOpen: boolean; filterCluster?: string; logClusters: string[] }[] = [];
        /** Does filter `f` inspect requests forwarded with this per-route effect? Why not, when it does not. */
        const notInspecting = (f: InspectionFilter, e: PerRouteEffect | undefined): string | undefined => {
            if (f.partial) return `${f.name}: ${f.partial}`;
            if (e?.disabled) return `${f.name} is turned off for this route`;
            if (f.offByDefault && !e?.enabled) return `${f.name} is disabled in the chain and not turned on for this route`;
            if (e?.partial) return `${f.name}: ${e.partial}`;
            return undefined;
        };

        for (const l of model.listeners.filter((x) => x.exposed)) {
            for (const hcm of l.hcms) {
                let forwards = false;
                for (const route of hcm.routes) {
                    for (const m of route.mirrors) if (isAdminCluster(m)) add("admin-exposed", at, `${listenerText(l)} mirrors ${route.ref} to Envoy's admin interface (cluster ${m}): a request there is replayed against admin`);
                    for (const target of route.targets) {
                        const cluster = target.cluster;
                        if (isAdminCluster(cluster)) {
                            const path = route.match?.path;
                            if (!(typeof path === "string" && READ_ONLY_ADMIN_PATHS.includes(path)) || route.rewrites) {
                                add("admin-exposed", at, `${listenerText(l)} forwards ${route.ref}${route.rewrites ? " with a path rewrite" : ""} to Envoy's admin interface (cluster ${cluster}): only the exact paths ${READ_ONLY_ADMIN_PATHS.join(", ")} may be exposed${route.rewrites ? ", unrewritten" : ""}`);
                            }
                            continue;
                        }
                        forwards = true;
                        const c = usedCluster(cluster);
                        for (const e of c?.endpoints ?? []) (dialsOwnPod(e.address) ? appPorts.add(e.port) : remoteTargets.add(cluster));
                        for (const chain of hcm.chains) {
                            const active = chain.inspection.filter((f) => notInspecting(f, target.effects.get(f.name)) === undefined);
                            if (active.length > 0) continue;
                            const which = chain.label ? ` (${chain.label} requests, which run the upgrade's own filters)` : "";
                            const why =
                                chain.inspection.length === 0
                                    ? chain.afterRouter.length > 0
                                        ? `${chain.afterRouter.join(", ")} ${plural(chain.afterRouter.length, "comes", "come")} after the router and never ${plural(chain.afterRouter.length, "runs", "run")}`
                                        : "no ext_authz or ext_proc filter runs before the router"
                                    : chain.inspection.map((f) => notInspecting(f, target.effects.get(f.name))).join("; ");
                            add("listener-uninspected", at, `${listenerText(l)} forwards ${route.ref} to cluster ${cluster}${which} uninspected: ${why}`);
                            gaps.add(l);
                        }
                    }
                }
                if (!forwards) continue;
                for (const chain of hcm.chains) {
                    for (const f of chain.inspection.filter((x) => x.partial === undefined)) {
                        const overrides = hcm.routes.flatMap((r) => r.targets.map((t) => t.effects.get(f.name)?.failOpen)).filter((x): x is boolean => x !== undefined);
                        const failOpen = f.failOpen || overrides.includes(true);
                        if (!uses.some((u) => u.listener === l && u.filterCluster === f.cluster && u.integration === f.integration)) {
                            uses.push({ listener: l, integration: f.integration, failOpen, filterCluster: f.cluster, logClusters: f.integration === "ext_authz" ? hcm.accessLogClusters : [] });
                        }
                    }
                }
            }
            for (const cluster of l.tcpProxyClusters) {
                if (!isAdminCluster(cluster)) add("listener-uninspected", at, `${listenerText(l)} proxies raw TCP to cluster ${cluster}: no HTTP filter, so no inspection, sees that traffic`);
            }
        }

        // Resolve each inspection cluster once.
        const resolved = new Map<string, Resolved>();
        const resolve = (role: string, name: string | undefined): Resolved => {
            const key = name ?? "";
            if (!resolved.has(key)) resolved.set(key, resolveCluster(w, envoyEnd, usedCluster, role, name));
            return resolved.get(key)!;
        };
        const inspectionClusters = new Set<string>();
        for (const u of uses) {
            const filter = resolve(`${u.integration} on ${listenerText(u.listener)}`, u.filterCluster);
            if (u.filterCluster) inspectionClusters.add(u.filterCluster);
            const calls: InspectionPath["calls"] = [{ role: "filter", cluster: u.filterCluster ?? "(none)", agents: filter.hops }];
            const logs = u.logClusters.map((c) => ({ cluster: c, r: resolve(`the gRPC access log on ${listenerText(u.listener)}`, c) }));
            for (const l of logs) {
                inspectionClusters.add(l.cluster);
                calls.push({ role: "access log", cluster: l.cluster, agents: l.r.hops });
            }
            // Proven: every route of the listener inspected, and every call reaching an agent.
            if (!gaps.has(u.listener) && calls.every((c) => c.agents.length > 0)) paths.push({ envoy: at, namespace: w.namespace, listener: `${u.listener.name} ${u.listener.address}:${u.listener.port}`, integration: u.integration, failOpen: u.failOpen, calls });

            // The agent must run the integration Envoy speaks, and expect response data exactly when Envoy sends it.
            const sendsResponseData = logs.length > 0;
            for (const { workload, listener: a } of [...filter.agents, ...logs.flatMap((l) => l.r.agents)]) {
                const where = `${workload.ref} (container ${a.container.name})`;
                if (u.integration === "ext_proc" && !a.extProc) {
                    add("agent-mode-mismatch", at, `Envoy's ext_proc filter calls the agent of ${where}, which is not in ext_proc mode (SIGSCI_ENVOY_EXTPROC_ENABLED=true): its calls fail and requests pass ${u.failOpen ? "uninspected" : "with errors"}`);
                }
                if (u.integration === "ext_authz" && a.extProc) {
                    add("agent-mode-mismatch", at, `Envoy's ext_authz filter calls the agent of ${where}, which runs in ext_proc mode: its calls fail and requests pass ${u.failOpen ? "uninspected" : "with errors"}`);
                }
                if (u.integration === "ext_authz" && sendsResponseData && !a.expectsResponseData) {
                    add("agent-mode-mismatch", at, `Envoy sends response data through its gRPC access log, but the agent of ${where} does not expect it (SIGSCI_ENVOY_EXPECT_RESPONSE_DATA=1)`);
                }
                if (u.integration === "ext_authz" && !sendsResponseData && a.expectsResponseData) {
                    add("agent-mode-mismatch", at, `the agent of ${where} waits for response data (SIGSCI_ENVOY_EXPECT_RESPONSE_DATA) that Envoy never sends: it holds every request until its context expires`);
                }
            }

            // ext_authz with the access log: the agent that saw the request must get its response.
            if (u.integration === "ext_authz" && logs.length > 0) {
                const key = (r: Resolved) => [...new Set(r.agents.map((x) => x.workload.ref))].sort().join(",");
                for (const l of logs) {
                    if (key(l.r) !== key(filter)) add("pairing", at, `the ext_authz filter reaches ${key(filter) || "no agent"} but the access log ${key(l.r) || "no agent"}: the agent that saw a request never gets its response`);
                }
                const cluster = model.cluster(u.filterCluster ?? "");
                if (cluster && cluster.endpoints.length > 1) add("pairing", at, `cluster ${cluster.name} has ${cluster.endpoints.length} endpoints: the check and the access log of one request may reach different agents`);
                for (const s of filter.services) {
                    const many = s.pods.some((p) => p.replicas === undefined || p.replicas > 1 || autoscalerMax(p) !== undefined) || s.pods.length > 1;
                    if (!many) continue;
                    if (s.headless) add("pairing", at, `ext_authz and the access log reach the agents through headless Service ${s.ref}, which spreads the check and the response of one request over different agent pods: use a ClusterIP Service with sessionAffinity: ClientIP, or ext_proc`);
                    else if (s.object.spec?.sessionAffinity !== "ClientIP") add("pairing", at, `Service ${s.ref} has no sessionAffinity: ClientIP, so the check and the response of one request may reach different agent pods`);
                    else {
                        const fleet = pairedFleets.get(s.object) ?? { pods: s.pods, envoyReplicas: 0 };
                        const envoyPods = autoscalerMax(w) ?? w.replicas;
                        fleet.envoyReplicas = fleet.envoyReplicas === undefined || envoyPods === undefined ? undefined : fleet.envoyReplicas + envoyPods;
                        pairedFleets.set(s.object, fleet);
                    }
                }
            }
        }

        // Nothing reaches the app around Envoy: no policy admits its port, no Service targets it,
        // the pod does not share the node's network, no host port maps it.
        const envoyPorts = new Set(model.listeners.filter((l) => l.exposed).flatMap((l) => l.addresses.map((a) => a.port)));
        if (w.pod.hostNetwork === true) {
            add("app-bypass", at, `the pod runs in the node's network namespace (hostNetwork: true): NetworkPolicies do not restrict it, and every port it listens on${appPorts.size ? `, the app's ${[...appPorts].join(", ")} too,` : ""} is open on the node's address; run it in its own network namespace`);
        }
        for (const c of allContainers(w.pod)) {
            for (const p of Array.isArray(c.ports) ? c.ports : []) {
                if (p?.hostPort !== undefined && !envoyPorts.has(Number(p.containerPort))) add("app-bypass", at, `container ${c.name} maps port ${p.containerPort} to host port ${p.hostPort}: it is reachable on the node's address, around Envoy and past NetworkPolicies; remove the hostPort`);
            }
        }
        for (const port of [...appPorts].sort((a, b) => a - b)) {
            const open = ingressOpenOnPort(index, envoyEnd, port);
            if (open.admitted) {
                add(
                    "app-bypass",
                    at,
                    open.policies.length === 0
                        ? `no NetworkPolicy restricts ingress to the pod, so the app's port ${port} can be reached around Envoy (unless the app listens on loopback only): admit only Envoy's listener port`
                        : `${open.policies.join(", ")} admit${plural(open.policies.length, "s", "")} the app's port ${port}, around Envoy: admit only Envoy's listener port`,
                );
            }
        }
        for (const svc of index.selecting("Service", w.namespace, w.labels).filter((s) => serviceSelects(s.spec?.selector, w.labels))) {
            for (const sp of svc.spec?.ports ?? []) {
                const target = containerPortNumber(w.pod, sp.targetPort ?? sp.port, sp.protocol ?? "TCP");
                if (target !== undefined && appPorts.has(target)) add("app-bypass", at, `Service ${refOf(svc)} forwards port ${sp.port} straight to the app's port ${target}, around Envoy: target Envoy's listener`);
            }
        }
        // The app in pods of its own, behind a Service Envoy forwards to: only Envoy may reach them.
        for (const name of remoteTargets) {
            for (const e of model.cluster(name)?.endpoints ?? []) {
                const svc = serviceOf(e.address, w.namespace);
                if (!svc) continue;
                const sp = (svc.spec?.ports ?? []).find((p: any) => p.port === e.port);
                for (const p of selected(index.namespaceOf(svc), svc.spec?.selector).pods) {
                    const port = containerPortNumber(p.pod, svc.spec?.clusterIP === "None" ? e.port : (sp?.targetPort ?? sp?.port));
                    if (port === undefined) continue;
                    const only = ingressOnlyFrom(index, { namespace: p.namespace, labels: p.labels, pod: p.pod }, port, [{ ...envoyEnd, ref: w.ref }]);
                    if (!only.only) add("app-bypass", at, `cluster ${name} forwards to ${p.ref} through Service ${refOf(svc)}, but ${only.why}: the app there can be reached around Envoy; admit only Envoy's pods to port ${port}`);
                }
            }
        }

        // The pod must not turn Ready before its inspection path can answer.
        if (inspectionClusters.size > 0) {
            const clusters = [...inspectionClusters];
            const envoyGated = [envoy.startupProbe, envoy.readinessProbe].some((probe: any) => {
                const hg = probe?.httpGet;
                if (!hg) return false;
                const port = containerPortNumber(w.pod, hg.port);
                const listener = model.listeners.find((l) => l.exposed && l.port === port);
                return listener?.hcms.some((h) => h.healthChecks.some((hc) => hc.paths.includes(hg.path ?? "/") && clusters.every((c) => (hc.clusterMinHealthy[c] ?? 0) > 0 && model.cluster(c)?.healthChecked === true)));
            });
            const all_ = clusters.map((c) => resolved.get(c)).filter((r): r is Resolved => r !== undefined);
            const sidecarGated = all_.length > 0 && all_.every((r) => r.loopbackOnly && r.agents.length > 0 && r.agents.every((x) => agentProbeProvesListening(x.listener)));
            if (!envoyGated && !sidecarGated) {
                add(
                    "ready-before-inspection",
                    at,
                    `the pod can turn Ready before its agent answers: no probe waits for cluster ${clusters.join(", ")} (an Envoy probe on a health_check filter that requires ${plural(clusters.length, "it", "them")} healthy under active health checks, or an agent probe on /startup or a reachable gRPC port), so the first requests can pass uninspected`,
                );
            }
        }

        // Shutdown: Envoy drains first, the app outlives Envoy, the agent outlives both, the grace period covers all.
        const envoyStop = preStopSeconds(envoy);
        if (envoyStop === 0) add("shutdown-order", at, `Envoy (container ${envoy.name}) has no preStop hook: it stops at once while the pod is still in its Services' endpoints, so new requests are refused`);
        const others = allContainers(w.pod).filter((c) => !envoysHere.includes(c));
        const apps = others.filter((c) => !isAgentContainer(c));
        const sidecars = others.filter(isAgentContainer);
        let appsStop = envoyStop;
        for (const c of apps) {
            const s = preStopSeconds(c);
            appsStop = Math.max(appsStop, s);
            if (s <= envoyStop) add("shutdown-order", at, `container ${c.name} gets SIGTERM after ${s} s, before Envoy has drained (${envoyStop} s): requests in flight through Envoy fail; give it a preStop sleep longer than Envoy's`);
        }
        for (const c of sidecars) {
            const s = preStopSeconds(c);
            if (s < appsStop) add("shutdown-order", at, `agent container ${c.name} gets SIGTERM after ${s} s, before the ${appsStop} s the other containers serve: their last requests pass uninspected; its preStop sleep must be at least ${appsStop} s`);
        }
        const longest = Math.max(0, ...allContainers(w.pod).map(preStopSeconds));
        const grace = graceSeconds(w.pod);
        if (longest > 0 && grace <= longest) add("shutdown-order", at, `terminationGracePeriodSeconds ${grace} does not outlast the longest preStop hook (${longest} s): the pod is killed mid-drain`);
    }

    /** The Service an endpoint address names from `namespace` (a cluster IP or a DNS name), if among the objects. */
    function serviceOf(address: string, namespace: string): KubeObject | undefined {
        if (IPV4_ADDRESS.test(address) || address.includes(":")) return index.serviceAt(address);
        const ref = serviceForHost(address, namespace, domain);
        return ref ? index.get("Service", ref.namespace, ref.name) : undefined;
    }

    function resolveCluster(w: Workload, envoyEnd: PodEnd, usedCluster: (name: string) => ReturnType<EnvoyModel["cluster"]>, role: string, name: string | undefined): Resolved {
        const at = w.ref;
        const out: Resolved = { hops: [], agents: [], services: [], loopbackOnly: true };
        const cluster = name === undefined ? undefined : usedCluster(name);
        if (!cluster) {
            add("inspection-cluster-missing", at, `${role} calls ${name === undefined ? "no envoy_grpc cluster" : `cluster ${name}, which the bootstrap does not define`}: every call fails`);
            return out;
        }
        if (!cluster.http2) add("agent-not-http2", at, `cluster ${cluster.name} does not speak HTTP/2, which the agent's gRPC listener needs: declare explicit_http_config.http2_protocol_options`);
        if (!["STATIC", "STRICT_DNS", "LOGICAL_DNS"].includes(cluster.type)) return out; // reported as cannot verify by the cluster's reader
        if (cluster.endpoints.length === 0) add("agent-unresolved", at, `cluster ${cluster.name} has no endpoints: ${role} has nowhere to go`);
        const dnsOverride = dnsOverrideOf(w.pod);
        for (const e of cluster.endpoints) {
            if (dialsOwnPod(e.address)) {
                const pod = agentListeners(index, w.namespace, w.pod);
                for (const u of pod.unknown) add("agent-unverifiable", at, `${role} dials ${e.address}:${e.port} in the pod, but the agent container ${u.container.name}'s ${u.why}: whether it listens there cannot be verified`);
                const listeners = pod.listeners.filter((a) => a.port === e.port && answersLoopback(a, e.address));
                if (listeners.length === 0 && pod.unknown.length === 0) {
                    const there = pod.listeners.map((a) => `${a.host}:${a.port}`);
                    add("agent-not-listening", at, `${role} dials ${e.address}:${e.port} in the pod, but no agent container listens there (SIGSCI_ENVOY_GRPC_ADDRESS: ${there.length ? there.join(", ") : "none"})`);
                }
                for (const a of listeners) {
                    out.hops.push({ via: `loopback ${e.address}:${e.port}`, workload: w.ref, container: a.container.name, listen: `${a.host}:${a.port}` });
                    out.agents.push({ workload: w, listener: a });
                }
                continue;
            }
            out.loopbackOnly = false;
            const isIp = IPV4_ADDRESS.test(e.address) || e.address.includes(":");
            if (!isIp && cluster.type === "STATIC") add("agent-unresolved", at, `cluster ${cluster.name} is STATIC but names the host ${e.address}: Envoy refuses it; use STRICT_DNS`);
            if (!isIp) {
                const alias = (Array.isArray(w.pod.hostAliases) ? w.pod.hostAliases : []).find((h: any) => (h?.hostnames ?? []).some((n: string) => n === e.address || n === e.address.replace(/\.$/, "")));
                if (alias) {
                    add("dns-unverifiable", at, `the pod's hostAliases map ${e.address} to ${alias.ip}, so ${role} goes there, not to a Service: the agents behind it cannot be verified; remove the alias`);
                    continue;
                }
                if (dnsOverride) {
                    add("dns-unverifiable", at, `${role} dials ${e.address}, but ${dnsOverride}, so the name may not resolve to the cluster's Service: the agents behind it cannot be verified`);
                    continue;
                }
            }
            const svc = serviceOf(e.address, w.namespace);
            if (!svc || svc.spec?.type === "ExternalName") {
                add("agent-unresolved", at, `${role} dials ${e.address}:${e.port}, which names no Service among the objects: the agents behind it cannot be verified`);
                continue;
            }
            const svcNs = index.namespaceOf(svc);
            const headless = svc.spec?.clusterIP === "None";
            const ref = refOf(svc);
            let targetPort: number | string = e.port;
            if (!headless) {
                const sp = (svc.spec?.ports ?? []).find((p: any) => p.port === e.port && (p.protocol ?? "TCP") === "TCP");
                if (!sp) {
                    add("agent-port-missing", at, `${role} dials Service ${ref} on port ${e.port}, which the Service does not serve (ports ${(svc.spec?.ports ?? []).map((p: any) => p.port).join(", ") || "none"})`);
                    continue;
                }
                targetPort = sp.targetPort ?? sp.port;
            }
            if (svc.spec?.publishNotReadyAddresses === true) {
                add("agent-unready-endpoints", at, `Service ${ref} publishes its pods before they are ready (publishNotReadyAddresses: true): ${role} reaches agents that have not loaded their rules, or are stopping; remove it`);
            }
            const { pods: allPods, unknown } = selected(svcNs, svc.spec?.selector);
            for (const t of unknown) add("workload-unverifiable", at, `${role} reaches Service ${ref}, which selects pods of ${t.ref}, a kind the model does not know how to run: the agents there cannot be verified`);
            const pods = allPods.filter((p) => !scaledToZero(p));
            out.services.push({ object: svc, ref, headless, pods });
            if (pods.length === 0 && unknown.length === 0) {
                add("agent-no-pods", at, allPods.length > 0 ? `${role} reaches Service ${ref}, whose pods (${allPods.map((p) => p.ref).join(", ")}) are scaled to zero: no agent answers` : `${role} reaches Service ${ref}, whose selector ${labelsText(svc.spec?.selector ?? {})} picks no pods among the objects`);
            }
            if (!isIp && ["STRICT_DNS", "LOGICAL_DNS"].includes(cluster.type)) {
                const dns = egressAllowsDns(index, envoyEnd);
                if (!dns.admitted) add("envoy-egress-blocks", at, `${dns.policies.join(", ")} allow${plural(dns.policies.length, "s", "")} the pod no DNS (UDP 53): Envoy cannot resolve ${e.address}`);
            }
            for (const p of pods) {
                const number = containerPortNumber(p.pod, targetPort);
                if (number === undefined) {
                    add("agent-target-port", at, `Service ${ref} forwards port ${e.port} to target port ${JSON.stringify(targetPort)}, which names no container port of ${p.ref}: those pods get no traffic`);
                    continue;
                }
                const podAgents = agentListeners(index, p.namespace, p.pod);
                const a = podAgents.listeners.find((x) => x.port === number);
                if (!a) {
                    if (podAgents.unknown.length > 0) add("agent-unverifiable", at, `${role} reaches ${p.ref} on port ${number} through Service ${ref}, but the agent container ${podAgents.unknown[0].container.name}'s ${podAgents.unknown[0].why}: whether it listens there cannot be verified`);
                    else add("agent-not-listening", at, `${role} reaches ${p.ref} on port ${number} through Service ${ref}, but no agent listens there`);
                    continue;
                }
                if (!listensOnPodAddress(a)) {
                    add("agent-not-listening", at, `the agent of ${p.ref} listens on ${a.host}:${a.port}, which only its own pod can reach: set SIGSCI_ENVOY_GRPC_ADDRESS to 0.0.0.0:${a.port}`);
                    continue;
                }
                const agentEnd: PodEnd = { namespace: p.namespace, labels: p.labels, pod: p.pod };
                const ingress = ingressAdmits(index, envoyEnd, agentEnd, number);
                if (!ingress.admitted) {
                    add("agent-policy-blocks", at, `${ingress.policies.join(", ")} on the agent pods of ${p.ref} admit${plural(ingress.policies.length, "s", "")} no pod of namespace ${w.namespace} labelled ${labelsText(w.labels)} on port ${number}: ${role} never reaches an agent`);
                }
                const egress = egressAllows(index, envoyEnd, agentEnd, number);
                if (!egress.admitted) {
                    add("envoy-egress-blocks", at, `${egress.policies.join(", ")} allow${plural(egress.policies.length, "s", "")} the pod no egress to the agents of ${p.ref} on port ${number}: ${role} never reaches an agent`);
                }
                if (cluster.tls !== a.tls) {
                    add("agent-tls-mismatch", at, cluster.tls ? `cluster ${cluster.name} speaks TLS, but the agent of ${p.ref} serves plain gRPC (no SIGSCI_ENVOY_GRPC_CERT)` : `the agent of ${p.ref} serves TLS (SIGSCI_ENVOY_GRPC_CERT), but cluster ${cluster.name} speaks plain gRPC`);
                }
                checkAgentWorkload(p, a);
                out.hops.push({ via: `Service ${ref}:${e.port}${headless ? " (headless)" : ""}`, workload: p.ref, container: a.container.name, listen: `${a.host}:${a.port}` });
                out.agents.push({ workload: p, listener: a });
            }
        }
        return out;
    }

    // With ClientIP affinity each Envoy pod keeps one agent pod: more agents than Envoy pods idle.
    for (const [svc, fleet] of pairedFleets) {
        if (fleet.envoyReplicas === undefined) continue;
        for (const p of fleet.pods) {
            const max = autoscalerMax(p);
            const warning = max === undefined ? undefined : pairedFleetWarning(`Service ${refOf(svc)}`, max, fleet.envoyReplicas);
            if (warning) add("agent-fleet-unused", p.ref, warning, "warning");
        }
    }

    const errors = findings.filter((f) => f.severity === "error");
    const verdict = errors.length === 0 ? "inspected" : errors.some((f) => verdictOf(f) === "not-inspected") ? "not-inspected" : "cannot-verify";
    return { paths, findings, verdict };
}

/** A bind address only the pod reaches (the admin interface must have one): loopback, or a Unix socket. */
function isLoopbackBind(address: string): boolean {
    return isLoopback(address) || address.startsWith("unix:");
}

/** Why a pod's Service names may not resolve as the cluster's DNS would, if they may not. */
function dnsOverrideOf(pod: any): string | undefined {
    const policy = pod?.dnsPolicy ?? "ClusterFirst";
    if (policy === "None") return "the pod's dnsPolicy is None (its dnsConfig names the resolvers)";
    if (policy === "Default") return "the pod's dnsPolicy is Default (the node's resolvers, not the cluster's)";
    if (pod?.hostNetwork === true && policy !== "ClusterFirstWithHostNet") return "the pod runs in the node's network with dnsPolicy ClusterFirst, which Kubernetes then treats as Default (the node's resolvers)";
    if (Array.isArray(pod?.dnsConfig?.nameservers) && pod.dnsConfig.nameservers.length > 0) return `the pod's dnsConfig adds nameservers (${pod.dnsConfig.nameservers.join(", ")})`;
    return undefined;
}

/** The findings of {@link analyzeTraffic}: empty when every request is inspected on every path. */
export function verifyTraffic(objects: KubeObject[] | ObjectIndex, options: VerifyOptions = {}): Finding[] {
    return analyzeTraffic(objects, options).findings;
}
