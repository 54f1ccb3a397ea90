// Where Envoy's inspection calls go: each cluster followed to the agents that answer (in the pod,
// or through a Service to the pods it selects, past every NetworkPolicy), whether those agents
// run the integration Envoy speaks, and whether a request and its response reach the same agent.
import { agentListeners, AgentListener, agentShutdownFindings, answersLoopback, listensOnPodAddress } from "../agent";
import { EnvoyScope, labelsText, plural, ResolvedCluster, TrafficContext } from "../context";
import { InspectionPath } from "../findings";
import { containerPortNumber, dialsOwnPod, KubeObject, serviceForHost, Workload } from "../kube";
import { egressAllows, egressAllowsDns, ingressAdmits, PodEnd } from "../network-policy";
import { checkClientAddress } from "./client-address";
import { listenerText, Routes } from "./routes";
import { AGENT_OPTIONS, agentVariable } from "../../vocabulary/agent";
import { ADDRESSES } from "../../vocabulary/envoy";
import { IPV4_ADDRESS, NAMESPACE_NAME_LABEL } from "../../vocabulary/kubernetes";

/** The clusters the inspection calls of one Envoy use, each resolved once. */
export interface Inspection {
    clusters: Set<string>;
    resolved: Map<string, ResolvedCluster>;
}

/**
 * Follows each inspection filter's calls (and the access log's) to the agents, records the
 * listeners proven inspected, and checks that the agents answer as Envoy expects.
 */
export function checkInspectionCalls(ctx: TrafficContext, scope: EnvoyScope, routes: Routes): Inspection {
    const { uses, gaps } = routes;
    const resolved = new Map<string, ResolvedCluster>();
    const resolve = (role: string, name: string | undefined): ResolvedCluster => {
        const key = name ?? "";
        if (!resolved.has(key)) resolved.set(key, resolveCluster(ctx, scope, role, name));
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
        if (!gaps.has(u.listener) && calls.every((c) => c.agents.length > 0))
            ctx.paths.push({
                envoy: scope.at,
                namespace: scope.w.namespace,
                listener: `${u.listener.name} ${u.listener.address}:${u.listener.port}`,
                integration: u.integration,
                failOpen: u.failOpen,
                calls,
            });

        checkClientAddress(ctx, scope, u, filter.agents);

        // The agent must run the integration Envoy speaks, and expect response data exactly when Envoy sends it.
        const sendsResponseData = logs.length > 0;
        for (const { workload, listener: a } of [...filter.agents, ...logs.flatMap((l) => l.r.agents)]) {
            const where = `${workload.ref} (container ${a.container.name})`;
            if (u.integration === "ext_proc" && !a.extProc) {
                ctx.add(
                    "agent-mode-mismatch",
                    scope.at,
                    `Envoy's ext_proc filter calls the agent of ${where}, which is not in ext_proc mode (${agentVariable(AGENT_OPTIONS.extProc)}=true): its calls fail and requests pass ${u.failOpen ? "uninspected" : "with errors"}`,
                );
            }
            if (u.integration === "ext_authz" && a.extProc) {
                ctx.add(
                    "agent-mode-mismatch",
                    scope.at,
                    `Envoy's ext_authz filter calls the agent of ${where}, which runs in ext_proc mode: its calls fail and requests pass ${u.failOpen ? "uninspected" : "with errors"}`,
                );
            }
            if (u.integration === "ext_authz" && sendsResponseData && !a.expectsResponseData) {
                ctx.add(
                    "agent-mode-mismatch",
                    scope.at,
                    `Envoy sends response data through its gRPC access log, but the agent of ${where} does not expect it (${agentVariable(AGENT_OPTIONS.expectResponseData)}=1)`,
                );
            }
            if (u.integration === "ext_authz" && !sendsResponseData && a.expectsResponseData) {
                ctx.add(
                    "agent-mode-mismatch",
                    scope.at,
                    `the agent of ${where} waits for response data (${agentVariable(AGENT_OPTIONS.expectResponseData)}) that Envoy never sends: it holds every request until its context expires`,
                );
            }
        }

        // ext_authz with the access log: the agent that saw the request must get its response.
        if (u.integration === "ext_authz" && logs.length > 0) {
            const key = (r: ResolvedCluster) => [...new Set(r.agents.map((x) => x.workload.ref))].sort().join(",");
            for (const l of logs) {
                if (key(l.r) !== key(filter))
                    ctx.add(
                        "pairing",
                        scope.at,
                        `the ext_authz filter reaches ${key(filter) || "no agent"} but the access log ${key(l.r) || "no agent"}: the agent that saw a request never gets its response`,
                    );
            }
            const cluster = scope.model.cluster(u.filterCluster ?? "");
            if (cluster && cluster.endpoints.length > 1)
                ctx.add("pairing", scope.at, `cluster ${cluster.name} has ${cluster.endpoints.length} endpoints: the check and the access log of one request may reach different agents`);
            for (const s of filter.services) {
                const many = s.pods.some((p) => p.replicas === undefined || p.replicas > 1 || ctx.autoscalerMax(p) !== undefined) || s.pods.length > 1;
                if (!many) continue;
                if (s.headless)
                    ctx.add(
                        "pairing",
                        scope.at,
                        `ext_authz and the access log reach the agents through headless Service ${s.ref}, which spreads the check and the response of one request over different agent pods: use a ClusterIP Service with sessionAffinity: ClientIP, or ext_proc`,
                    );
                else if (s.object.spec?.sessionAffinity !== "ClientIP")
                    ctx.add("pairing", scope.at, `Service ${s.ref} has no sessionAffinity: ClientIP, so the check and the response of one request may reach different agent pods`);
                else {
                    const fleet = ctx.pairedFleets.get(s.object) ?? { pods: s.pods, envoyReplicas: 0 };
                    const envoyPods = ctx.autoscalerMax(scope.w) ?? scope.w.replicas;
                    fleet.envoyReplicas = fleet.envoyReplicas === undefined || envoyPods === undefined ? undefined : fleet.envoyReplicas + envoyPods;
                    ctx.pairedFleets.set(s.object, fleet);
                }
            }
        }
    }
    return { clusters: inspectionClusters, resolved };
}

/** The Service an endpoint address names from `namespace` (a cluster IP or a DNS name), if among the objects. */
export function serviceOf(ctx: TrafficContext, address: string, namespace: string): KubeObject | undefined {
    if (IPV4_ADDRESS.test(address) || address.includes(":")) return ctx.index.serviceAt(address);
    const ref = serviceForHost(address, namespace, ctx.domain);
    return ref ? ctx.index.get("Service", ref.namespace, ref.name) : undefined;
}

function resolveCluster(ctx: TrafficContext, scope: EnvoyScope, role: string, name: string | undefined): ResolvedCluster {
    const { w, at, end: envoyEnd } = scope;
    const { index } = ctx;
    const out: ResolvedCluster = { hops: [], agents: [], services: [], loopbackOnly: true };
    const cluster = name === undefined ? undefined : scope.usedCluster(name);
    if (!cluster) {
        ctx.add("inspection-cluster-missing", at, `${role} calls ${name === undefined ? "no envoy_grpc cluster" : `cluster ${name}, which the bootstrap does not define`}: every call fails`);
        return out;
    }
    if (!cluster.http2) ctx.add("agent-not-http2", at, `cluster ${cluster.name} does not speak HTTP/2, which the agent's gRPC listener needs: declare explicit_http_config.http2_protocol_options`);
    for (const why of cluster.mayFailEveryCall)
        ctx.add(
            "agent-unverifiable",
            at,
            `cluster ${cluster.name}, which ${role} calls, ${why}: whether calls reach an agent at all cannot be verified (a fail-open filter lets every failed call through)`,
        );
    if (!["STATIC", "STRICT_DNS", "LOGICAL_DNS"].includes(cluster.type)) return out; // reported as cannot verify by the cluster's reader
    if (cluster.endpoints.length === 0) ctx.add("agent-unresolved", at, `cluster ${cluster.name} has no endpoints: ${role} has nowhere to go`);
    const dnsOverride = dnsOverrideOf(w.pod);
    for (const e of cluster.endpoints) {
        if (dialsOwnPod(e.address)) {
            // Envoy resolves a name by the cluster's dns_lookup_family (AUTO tries IPv6 first): localhost may be ::1.
            if (!IPV4_ADDRESS.test(e.address) && !e.address.includes(":")) {
                ctx.add(
                    "dns-unverifiable",
                    at,
                    `${role} dials ${e.address}:${e.port}, a name Envoy resolves itself (localhost may be ::1 or 127.0.0.1, by the cluster's dns_lookup_family): which agent listener it reaches cannot be verified; dial ${ADDRESSES.loopback}`,
                );
                continue;
            }
            const pod = agentListeners(index, w.namespace, w.pod);
            for (const u of pod.unknown)
                ctx.add(
                    "agent-unverifiable",
                    at,
                    `${role} dials ${e.address}:${e.port} in the pod, but the agent container ${u.container.name}'s ${u.why}: whether it listens there cannot be verified`,
                );
            const listeners = pod.listeners.filter((a) => a.port === e.port && answersLoopback(a, e.address));
            if (listeners.length === 0 && pod.unknown.length === 0) {
                const there = pod.listeners.map((a) => `${a.host}:${a.port}`);
                ctx.add(
                    "agent-not-listening",
                    at,
                    `${role} dials ${e.address}:${e.port} in the pod, but no agent container listens there (${agentVariable(AGENT_OPTIONS.grpcAddress)}: ${there.length ? there.join(", ") : "none"})`,
                );
            }
            for (const a of listeners) {
                out.hops.push({ via: `loopback ${e.address}:${e.port}`, workload: w.ref, container: a.container.name, listen: `${a.host}:${a.port}` });
                out.agents.push({ workload: w, listener: a });
            }
            continue;
        }
        out.loopbackOnly = false;
        const isIp = IPV4_ADDRESS.test(e.address) || e.address.includes(":");
        if (!isIp && cluster.type === "STATIC") ctx.add("agent-unresolved", at, `cluster ${cluster.name} is STATIC but names the host ${e.address}: Envoy refuses it; use STRICT_DNS`);
        if (!isIp) {
            const alias = (Array.isArray(w.pod.hostAliases) ? w.pod.hostAliases : []).find((h: any) => (h?.hostnames ?? []).some((n: string) => n === e.address || n === e.address.replace(/\.$/, "")));
            if (alias) {
                ctx.add(
                    "dns-unverifiable",
                    at,
                    `the pod's hostAliases map ${e.address} to ${alias.ip}, so ${role} goes there, not to a Service: the agents behind it cannot be verified; remove the alias`,
                );
                continue;
            }
            if (dnsOverride) {
                ctx.add("dns-unverifiable", at, `${role} dials ${e.address}, but ${dnsOverride}, so the name may not resolve to the cluster's Service: the agents behind it cannot be verified`);
                continue;
            }
        }
        const svc = serviceOf(ctx, e.address, w.namespace);
        if (!svc || svc.spec?.type === "ExternalName") {
            ctx.add("agent-unresolved", at, `${role} dials ${e.address}:${e.port}, which names no Service among the objects: the agents behind it cannot be verified`);
            continue;
        }
        const svcNs = index.namespaceOf(svc);
        const headless = svc.spec?.clusterIP === "None";
        const ref = ctx.refOf(svc);
        // Only agents on the caller's node answer, and which node each pod lands on is not in the objects.
        if (svc.spec?.internalTrafficPolicy === "Local" && !headless)
            ctx.add(
                "agent-unverifiable",
                at,
                `Service ${ref} has internalTrafficPolicy: Local: ${role} reaches only agents on its own node, and whether one runs there cannot be verified; use Cluster`,
            );
        let targetPort: number | string = e.port;
        if (!headless) {
            const sp = (svc.spec?.ports ?? []).find((p: any) => p.port === e.port && (p.protocol ?? "TCP") === "TCP");
            if (!sp) {
                ctx.add(
                    "agent-port-missing",
                    at,
                    `${role} dials Service ${ref} on port ${e.port}, which the Service does not serve (ports ${(svc.spec?.ports ?? []).map((p: any) => p.port).join(", ") || "none"})`,
                );
                continue;
            }
            targetPort = sp.targetPort ?? sp.port;
        }
        if (svc.spec?.publishNotReadyAddresses === true) {
            ctx.add(
                "agent-unready-endpoints",
                at,
                `Service ${ref} publishes its pods before they are ready (publishNotReadyAddresses: true): ${role} reaches agents that have not loaded their rules, or are stopping; remove it`,
            );
        }
        const { pods: allPods, unknown } = ctx.selected(svcNs, svc.spec?.selector);
        for (const t of unknown)
            ctx.add("workload-unverifiable", at, `${role} reaches Service ${ref}, which selects pods of ${t.ref}, a kind the model does not know how to run: the agents there cannot be verified`);
        // A workload scaled to zero runs no pod (an autoscaler leaves a target at zero alone).
        const pods = allPods.filter((p) => p.replicas !== 0);
        out.services.push({ object: svc, ref, headless, pods });
        if (pods.length === 0 && unknown.length === 0) {
            ctx.add(
                "agent-no-pods",
                at,
                allPods.length > 0
                    ? `${role} reaches Service ${ref}, whose pods (${allPods.map((p) => p.ref).join(", ")}) are scaled to zero: no agent answers`
                    : `${role} reaches Service ${ref}, whose selector ${labelsText(svc.spec?.selector ?? {})} picks no pods among the objects`,
            );
        }
        if (!isIp && ["STRICT_DNS", "LOGICAL_DNS"].includes(cluster.type)) {
            const dns = egressAllowsDns(index, envoyEnd);
            if (!dns.admitted) ctx.add("envoy-egress-blocks", at, `${dns.policies.join(", ")} allow${plural(dns.policies.length, "s", "")} the pod no DNS (UDP 53): Envoy cannot resolve ${e.address}`);
        }
        for (const p of pods) {
            // A Job's or CronJob's pods run to completion (or not at all while suspended): no agent
            // to count on, unless pods of a lasting kind serve the Service too.
            if (p.object.kind === "Job" || p.object.kind === "CronJob") {
                if (pods.every((x) => x.object.kind === "Job" || x.object.kind === "CronJob"))
                    ctx.add(
                        "agent-unverifiable",
                        at,
                        `${role} reaches agents of ${p.ref}, whose pods run to completion, or only on a schedule: whether one answers cannot be verified; run them as a Deployment`,
                    );
                continue;
            }
            const number = containerPortNumber(p.pod, targetPort);
            if (number === undefined) {
                ctx.add(
                    "agent-target-port",
                    at,
                    `Service ${ref} forwards port ${e.port} to target port ${JSON.stringify(targetPort)}, which names no container port of ${p.ref}: those pods get no traffic`,
                );
                continue;
            }
            const podAgents = agentListeners(index, p.namespace, p.pod);
            const a = podAgents.listeners.find((x) => x.port === number);
            if (!a) {
                if (podAgents.unknown.length > 0)
                    ctx.add(
                        "agent-unverifiable",
                        at,
                        `${role} reaches ${p.ref} on port ${number} through Service ${ref}, but the agent container ${podAgents.unknown[0].container.name}'s ${podAgents.unknown[0].why}: whether it listens there cannot be verified`,
                    );
                else ctx.add("agent-not-listening", at, `${role} reaches ${p.ref} on port ${number} through Service ${ref}, but no agent listens there`);
                continue;
            }
            if (!listensOnPodAddress(a)) {
                ctx.add(
                    "agent-not-listening",
                    at,
                    `the agent of ${p.ref} listens on ${a.host}:${a.port}, which only its own pod can reach: set ${agentVariable(AGENT_OPTIONS.grpcAddress)} to ${ADDRESSES.any}:${a.port}`,
                );
                continue;
            }
            const agentEnd: PodEnd = { namespace: p.namespace, labels: p.labels, pod: p.pod };
            const ingress = ingressAdmits(index, envoyEnd, agentEnd, number);
            if (ingress.undecided) {
                ctx.add(
                    "agent-unverifiable",
                    at,
                    `${ingress.undecided.join(", ")} on the agent pods of ${p.ref} admit${plural(ingress.undecided.length, "s", "")} Envoy's pods, if at all, by labels of namespace ${w.namespace}, which is not among the objects: whether ${role} reaches an agent cannot be verified; include the Namespace (or declare its labels: the policy pack's namespaceLabels), or admit Envoy's namespace by its name (${NAMESPACE_NAME_LABEL})`,
                );
            } else if (!ingress.admitted) {
                ctx.add(
                    "agent-policy-blocks",
                    at,
                    `${ingress.policies.join(", ")} on the agent pods of ${p.ref} admit${plural(ingress.policies.length, "s", "")} no pod of namespace ${w.namespace} labelled ${labelsText(w.labels)} on port ${number}: ${role} never reaches an agent`,
                );
            }
            const egress = egressAllows(index, envoyEnd, agentEnd, number);
            if (egress.undecided) {
                ctx.add(
                    "agent-unverifiable",
                    at,
                    `${egress.undecided.join(", ")} allow${plural(egress.undecided.length, "s", "")} the pod egress to the agents of ${p.ref}, if at all, by labels of namespace ${p.namespace}, which is not among the objects: whether ${role} reaches an agent cannot be verified; include the Namespace (or declare its labels: the policy pack's namespaceLabels), or name it by ${NAMESPACE_NAME_LABEL}`,
                );
            } else if (!egress.admitted) {
                ctx.add(
                    "envoy-egress-blocks",
                    at,
                    `${egress.policies.join(", ")} allow${plural(egress.policies.length, "s", "")} the pod no egress to the agents of ${p.ref} on port ${number}: ${role} never reaches an agent`,
                );
            }
            if (cluster.tls !== a.tls) {
                ctx.add(
                    "agent-tls-mismatch",
                    at,
                    cluster.tls
                        ? `cluster ${cluster.name} speaks TLS, but the agent of ${p.ref} serves plain gRPC (no ${agentVariable(AGENT_OPTIONS.grpcCert)})`
                        : `the agent of ${p.ref} serves TLS (${agentVariable(AGENT_OPTIONS.grpcCert)}), but cluster ${cluster.name} speaks plain gRPC`,
                );
            }
            checkAgentWorkload(ctx, p, a);
            out.hops.push({ via: `Service ${ref}:${e.port}${headless ? " (headless)" : ""}`, workload: p.ref, container: a.container.name, listen: `${a.host}:${a.port}` });
            out.agents.push({ workload: p, listener: a });
        }
    }
    return out;
}

function checkAgentWorkload(ctx: TrafficContext, p: Workload, a: AgentListener): void {
    if (ctx.agentWorkloadsChecked.has(p)) return;
    ctx.agentWorkloadsChecked.add(p);
    if (!a.container.readinessProbe) {
        ctx.add(
            "agent-unready-endpoints",
            p.ref,
            `agent container ${a.container.name} has no readiness probe: its Service sends Envoy to it as soon as it starts, before it listens; probe its gRPC port`,
        );
    }
    for (const f of agentShutdownFindings(a.container, p.pod)) ctx.add(f.code, p.ref, f.message);
}

/** Why a pod's Service names may not resolve as the cluster's DNS would, if they may not. */
function dnsOverrideOf(pod: any): string | undefined {
    const policy = pod?.dnsPolicy ?? "ClusterFirst";
    if (policy === "None") return "the pod's dnsPolicy is None (its dnsConfig names the resolvers)";
    if (policy === "Default") return "the pod's dnsPolicy is Default (the node's resolvers, not the cluster's)";
    if (pod?.hostNetwork === true && policy !== "ClusterFirstWithHostNet")
        return "the pod runs in the node's network with dnsPolicy ClusterFirst, which Kubernetes then treats as Default (the node's resolvers)";
    if (Array.isArray(pod?.dnsConfig?.nameservers) && pod.dnsConfig.nameservers.length > 0) return `the pod's dnsConfig adds nameservers (${pod.dnsConfig.nameservers.join(", ")})`;
    return undefined;
}
