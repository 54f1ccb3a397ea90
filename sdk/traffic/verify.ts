// The traffic-path verifier: given the Kubernetes objects a program creates, it follows what
// Kubernetes and Envoy would do with a request - from each Envoy pod's listener, through the
// inspection filter and the access log, to the cluster's endpoint (the pod's loopback, or a
// Service by DNS name), the Service's port and target port, the pods its selector picks, the
// agent listening there and every NetworkPolicy on the way - and reports each place where a
// request would pass uninspected, reach the app around Envoy, or be lost while a pod starts or
// stops. Plain data in, plain findings out: the tests, the policy pack and users share it.
import { agentListeners, AgentListener, agentProbeProvesListening, answersLoopback, isAgentContainer, listensOnPodAddress } from "./agent";
import { configPath, envoyBootstrapOf, envoyContainers, EnvoyModel, envoyModel, Integration, isEnvoyContainer, ListenerModel } from "./envoy";
import {
    allContainers,
    containerPortNumber,
    graceSeconds,
    IPV4_ADDRESS,
    isLoopback,
    KubeObject,
    objectRef,
    preStopSeconds,
    serviceForHost,
    serviceSelects,
    Workload,
    workloads,
} from "./kube";
import { egressAllows, egressAllowsDns, ingressAdmits, ingressOpenOnPort, PodEnd } from "./network-policy";

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
    | "agent-fleet-unused";

export interface Finding {
    /** What kind of gap, stable for tests and policies. */
    code: FindingCode;
    /** Errors let requests pass uninspected or fail; warnings waste capacity or cannot be verified. */
    severity: "error" | "warning";
    /** The object the finding is about, e.g. `Deployment shop/web`. */
    object: string;
    /** What happens to requests, and what fixes it. */
    message: string;
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
    paths: InspectionPath[];
    findings: Finding[];
}

export interface VerifyOptions {
    /** The namespace of objects without `metadata.namespace` (the Kubernetes provider's). Default `default`. */
    defaultNamespace?: string;
    /** The cluster's DNS domain. Default `cluster.local`. */
    clusterDomain?: string;
}

/**
 * With ext_authz and the access log, `sessionAffinity: ClientIP` keeps each Envoy pod on one
 * agent pod: an autoscaler that may run more agent pods than there are Envoy pods wastes them.
 */
export function pairedFleetWarning(service: string, maxAgents: number, envoyPods: number): string | undefined {
    if (maxAgents <= envoyPods) return undefined;
    return `its autoscaler may run ${maxAgents} agent pods, but with ext_authz and the access log each Envoy pod keeps one agent pod (${service}, sessionAffinity: ClientIP) and at most ${envoyPods} Envoy ${envoyPods === 1 ? "pod reaches" : "pods reach"} it: lower maxReplicas to ${envoyPods} or use ext_proc`;
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

/** Follows every request path of `objects` and reports every gap. */
export function analyzeTraffic(objects: KubeObject[], options: VerifyOptions = {}): TrafficReport {
    const ns0 = options.defaultNamespace ?? "default";
    const domain = options.clusterDomain ?? "cluster.local";
    const all = workloads(objects, ns0);
    const findings: Finding[] = [];
    const paths: InspectionPath[] = [];
    const add = (code: FindingCode, object: string, message: string, severity: Finding["severity"] = "error") => {
        if (!findings.some((f) => f.code === code && f.object === object && f.message === message)) findings.push({ code, severity, object, message });
    };
    const services = objects.filter((o) => o.kind === "Service");
    const refOf = (o: KubeObject) => objectRef(o, ns0).replace(/^\w+ /, "");
    /** Envoy pods reaching each paired (affinity) agent Service, for the fleet warning. */
    const pairedFleets = new Map<KubeObject, { pods: Workload[]; envoyReplicas: number | undefined }>();
    const agentWorkloadsChecked = new Set<Workload>();

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

    for (const w of all) {
        const envoys = envoyContainers(w.pod);
        for (const envoy of envoys) {
            const bootstrap = envoyBootstrapOf(objects, w.namespace, w.pod, envoy, ns0);
            if ("missing" in bootstrap) {
                add("envoy-config-unreadable", w.ref, `container ${envoy.name} runs Envoy with ${configPath(envoy)}, which no ConfigMap or Secret among the objects provides: its inspection path cannot be verified`, "warning");
                continue;
            }
            if ("unreadable" in bootstrap) {
                add("envoy-config-unreadable", w.ref, `container ${envoy.name} runs Envoy with ${configPath(envoy)}, but ${bootstrap.unreadable}: Envoy does not start`);
                continue;
            }
            analyzeEnvoy(w, envoy, envoyModel(bootstrap.config));
        }
    }

    function analyzeEnvoy(w: Workload, envoy: any, model: EnvoyModel) {
        const at = w.ref;
        const envoyEnd: PodEnd = { namespace: w.namespace, labels: w.labels, pod: w.pod };
        if (model.admin && !isLoopback(model.admin.address)) {
            add("admin-exposed", at, `Envoy's admin interface listens on ${model.admin.address}:${model.admin.port}, reachable on the pod's address: anyone who reaches it can reconfigure or stop Envoy; bind it to 127.0.0.1`);
        }
        const adminClusters = new Set(
            [...model.clusters.values()].filter((c) => model.admin && c.endpoints.length > 0 && c.endpoints.every((e) => isLoopback(e.address) && e.port === model.admin!.port)).map((c) => c.name),
        );
        const appPorts = new Set<number>();
        const listenerText = (l: ListenerModel) => `listener ${l.name} (${l.address}:${l.port})`;
        /** Inspection clusters by role, for resolution once per cluster. */
        const uses: { listener: ListenerModel; integration: Integration; failOpen: boolean; filterCluster?: string; logClusters: string[] }[] = [];

        for (const l of model.listeners.filter((x) => x.exposed)) {
            for (const hcm of l.hcms) {
                if (hcm.dynamicRoutes) add("listener-uninspected", at, `${listenerText(l)} takes its routes from RDS: which routes are inspected cannot be verified from the objects`, "warning");
                let forwards = false;
                for (const route of hcm.routes) {
                    for (const cluster of route.clusters) {
                        if (adminClusters.has(cluster)) {
                            const path = route.match?.path;
                            if (!(typeof path === "string" && READ_ONLY_ADMIN_PATHS.includes(path))) {
                                add("admin-exposed", at, `${listenerText(l)} forwards ${route.ref} to Envoy's admin interface (cluster ${cluster}): only the exact paths ${READ_ONLY_ADMIN_PATHS.join(", ")} may be exposed`);
                            }
                            continue;
                        }
                        forwards = true;
                        for (const e of model.clusters.get(cluster)?.endpoints ?? []) if (isLoopback(e.address)) appPorts.add(e.port);
                        const active = hcm.inspection.filter((f) => f.partial === undefined && !route.disabledFilters.includes(f.name));
                        if (active.length === 0) {
                            const why =
                                hcm.inspection.length === 0
                                    ? hcm.afterRouter.length > 0
                                        ? `${hcm.afterRouter.join(", ")} ${plural(hcm.afterRouter.length, "comes", "come")} after the router and never ${plural(hcm.afterRouter.length, "runs", "run")}`
                                        : "no ext_authz or ext_proc filter runs before the router"
                                    : hcm.inspection.map((f) => (f.partial ? `${f.name}: ${f.partial}` : `${f.name} is turned off for this route`)).join("; ");
                            add("listener-uninspected", at, `${listenerText(l)} forwards ${route.ref} to cluster ${cluster} uninspected: ${why}`);
                        }
                    }
                }
                const filters = hcm.inspection.filter((f) => f.partial === undefined);
                if (forwards && filters.length > 0) {
                    for (const f of filters) uses.push({ listener: l, integration: f.integration, failOpen: f.failOpen, filterCluster: f.cluster, logClusters: f.integration === "ext_authz" ? hcm.accessLogClusters : [] });
                }
            }
            for (const cluster of l.tcpProxyClusters) {
                if (!adminClusters.has(cluster)) add("listener-uninspected", at, `${listenerText(l)} proxies raw TCP to cluster ${cluster}: no HTTP filter, so no inspection, sees that traffic`);
            }
        }

        // Resolve each inspection cluster once.
        const resolved = new Map<string, Resolved>();
        const resolve = (role: string, name: string | undefined): Resolved => {
            const key = name ?? "";
            if (!resolved.has(key)) resolved.set(key, resolveCluster(w, envoyEnd, model, role, name));
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
            paths.push({ envoy: at, namespace: w.namespace, listener: `${u.listener.name} ${u.listener.address}:${u.listener.port}`, integration: u.integration, failOpen: u.failOpen, calls });

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
                const cluster = model.clusters.get(u.filterCluster ?? "");
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

        // Nothing reaches the app around Envoy: no policy admits its port, no Service targets it.
        for (const port of [...appPorts].sort((a, b) => a - b)) {
            const open = ingressOpenOnPort(objects, envoyEnd, port, ns0);
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
        for (const svc of services.filter((s) => (s.metadata?.namespace ?? ns0) === w.namespace && serviceSelects(s.spec?.selector, w.labels))) {
            for (const sp of svc.spec?.ports ?? []) {
                const target = containerPortNumber(w.pod, sp.targetPort ?? sp.port, sp.protocol ?? "TCP");
                if (target !== undefined && appPorts.has(target)) add("app-bypass", at, `Service ${refOf(svc)} forwards port ${sp.port} straight to the app's port ${target}, around Envoy: target Envoy's listener`);
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
                return listener?.hcms.some((h) => h.healthChecks.some((hc) => hc.paths.includes(hg.path ?? "/") && clusters.every((c) => (hc.clusterMinHealthy[c] ?? 0) > 0 && model.clusters.get(c)?.healthChecked === true)));
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
        const others = allContainers(w.pod).filter((c) => c !== envoy && !isEnvoyContainer(c));
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

    function resolveCluster(w: Workload, envoyEnd: PodEnd, model: EnvoyModel, role: string, name: string | undefined): Resolved {
        const at = w.ref;
        const out: Resolved = { hops: [], agents: [], services: [], loopbackOnly: true };
        const cluster = name === undefined ? undefined : model.clusters.get(name);
        if (!cluster) {
            add("inspection-cluster-missing", at, `${role} calls ${name === undefined ? "no envoy_grpc cluster" : `cluster ${name}, which the bootstrap does not define`}: every call fails`);
            return out;
        }
        if (!cluster.http2) add("agent-not-http2", at, `cluster ${cluster.name} does not speak HTTP/2, which the agent's gRPC listener needs: declare explicit_http_config.http2_protocol_options`);
        if (!["STATIC", "STRICT_DNS", "LOGICAL_DNS"].includes(cluster.type)) {
            add("agent-unresolved", at, `cluster ${cluster.name} is of type ${cluster.type}: its endpoints are not in the objects, so the path to the agent cannot be verified`, "warning");
            return out;
        }
        if (cluster.endpoints.length === 0) add("agent-unresolved", at, `cluster ${cluster.name} has no endpoints: ${role} has nowhere to go`);
        for (const e of cluster.endpoints) {
            if (isLoopback(e.address)) {
                const listeners = agentListeners(w.pod).filter((a) => a.port === e.port && answersLoopback(a, e.address));
                if (listeners.length === 0) {
                    const there = agentListeners(w.pod).map((a) => `${a.host}:${a.port}`);
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
            const svc = isIp
                ? services.find((s) => s.spec?.clusterIP === e.address)
                : (() => {
                      const ref = serviceForHost(e.address, w.namespace, domain);
                      return ref && services.find((s) => s.metadata?.name === ref.name && (s.metadata?.namespace ?? ns0) === ref.namespace);
                  })();
            if (!svc || svc.spec?.type === "ExternalName") {
                add("agent-unresolved", at, `${role} dials ${e.address}:${e.port}, which names no Service among the objects: the agents behind it cannot be verified`);
                continue;
            }
            const svcNs = svc.metadata?.namespace ?? ns0;
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
            const pods = all.filter((p) => p.namespace === svcNs && serviceSelects(svc.spec?.selector, p.labels));
            out.services.push({ object: svc, ref, headless, pods });
            if (pods.length === 0) add("agent-no-pods", at, `${role} reaches Service ${ref}, whose selector ${labelsText(svc.spec?.selector ?? {})} picks no pods among the objects`);
            if (!isIp && ["STRICT_DNS", "LOGICAL_DNS"].includes(cluster.type)) {
                const dns = egressAllowsDns(objects, envoyEnd, ns0);
                if (!dns.admitted) add("envoy-egress-blocks", at, `${dns.policies.join(", ")} allow${plural(dns.policies.length, "s", "")} the pod no DNS (UDP 53): Envoy cannot resolve ${e.address}`);
            }
            for (const p of pods) {
                const number = containerPortNumber(p.pod, targetPort);
                if (number === undefined) {
                    add("agent-target-port", at, `Service ${ref} forwards port ${e.port} to target port ${JSON.stringify(targetPort)}, which names no container port of ${p.ref}: those pods get no traffic`);
                    continue;
                }
                const a = agentListeners(p.pod).find((x) => x.port === number);
                if (!a) {
                    add("agent-not-listening", at, `${role} reaches ${p.ref} on port ${number} through Service ${ref}, but no agent listens there`);
                    continue;
                }
                if (!listensOnPodAddress(a)) {
                    add("agent-not-listening", at, `the agent of ${p.ref} listens on ${a.host}:${a.port}, which only its own pod can reach: set SIGSCI_ENVOY_GRPC_ADDRESS to 0.0.0.0:${a.port}`);
                    continue;
                }
                const agentEnd: PodEnd = { namespace: p.namespace, labels: p.labels, pod: p.pod };
                const ingress = ingressAdmits(objects, envoyEnd, agentEnd, number, ns0);
                if (!ingress.admitted) {
                    add("agent-policy-blocks", at, `${ingress.policies.join(", ")} on the agent pods of ${p.ref} admit${plural(ingress.policies.length, "s", "")} no pod of namespace ${w.namespace} labelled ${labelsText(w.labels)} on port ${number}: ${role} never reaches an agent`);
                }
                const egress = egressAllows(objects, envoyEnd, agentEnd, number, ns0);
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

    function autoscalerMax(p: Workload): number | undefined {
        const hpa = objects.find(
            (o) => o.kind === "HorizontalPodAutoscaler" && (o.metadata?.namespace ?? ns0) === p.namespace && o.spec?.scaleTargetRef?.kind === p.object.kind && o.spec?.scaleTargetRef?.name === p.object.metadata?.name,
        );
        return hpa ? Number(hpa.spec.maxReplicas) : undefined;
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

    return { paths, findings };
}

/** The findings of {@link analyzeTraffic}: empty when every request is inspected on every path. */
export function verifyTraffic(objects: KubeObject[], options: VerifyOptions = {}): Finding[] {
    return analyzeTraffic(objects, options).findings;
}
