// The objects as the API server holds them: one per identity, none rewritten after it is applied,
// and no Envoy or agent in a workload kind the model does not know how to run.
import { isAgentContainer } from "../agent";
import { TrafficContext } from "../context";
import { envoyContainers } from "../envoy";
import { allContainers, objectRef } from "../kube";
import { WORKLOAD_KINDS } from "../../vocabulary/kubernetes";

/** Kinds whose Patch resources (Pulumi's `DeploymentPatch`, ...) can rewrite what the model judges. */
const JUDGED_KINDS = [...WORKLOAD_KINDS, "Service", "NetworkPolicy", "ConfigMap", "Secret", "HorizontalPodAutoscaler", "Namespace"];

export function checkObjectSet(ctx: TrafficContext): void {
    const { index, ns0 } = ctx;
    for (const d of index.duplicates)
        ctx.add("duplicate-object", d, `${d} is listed more than once: the API server keeps only the last, so what the earlier copies say does not hold; list each object once`);
    for (const o of index.objects) {
        const base = o.kind.endsWith("Patch") ? o.kind.slice(0, -"Patch".length) : undefined;
        if (base && JUDGED_KINDS.includes(base)) {
            ctx.add(
                "patch-unverifiable",
                objectRef(o, ns0),
                `a ${o.kind} rewrites ${base} ${index.namespaceOf({ ...o, kind: base })}/${o.metadata?.name} after it is applied, so what the model judges may not be what runs; fold the change into the object itself`,
            );
        }
    }
    // Endpoints given by hand join a Service's own (kube-proxy and DNS merge every slice labelled
    // with its name): where a Service then sends requests is not what its selector says.
    for (const o of index.objects) {
        const service =
            o.kind === "EndpointSlice" && String(o.apiVersion).startsWith("discovery.k8s.io/")
                ? o.metadata?.labels?.["kubernetes.io/service-name"]
                : o.kind === "Endpoints" && o.apiVersion === "v1"
                  ? o.metadata?.name
                  : undefined;
        const svc = typeof service === "string" ? index.get("Service", index.namespaceOf(o), service) : undefined;
        if (!svc) continue;
        // The controllers' own (a dump of the cluster has them): they follow the Service's selector.
        if (o.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"] === "endpointslice-controller.k8s.io") continue;
        if (o.kind === "Endpoints" && svc.spec?.selector && Object.keys(svc.spec.selector).length > 0) continue;
        ctx.add(
            "workload-unverifiable",
            objectRef(o, ns0),
            `${o.kind} ${index.namespaceOf(o)}/${o.metadata?.name} adds endpoints to Service ${index.namespaceOf(o)}/${service} by hand: where that Service sends requests cannot be verified; let its selector pick its pods`,
        );
    }
    for (const t of index.unknownTemplates) {
        if (!allContainers(t.pod).some((c) => isAgentContainer(c) || envoyContainers({ containers: [c] }).length > 0)) continue;
        ctx.add(
            "workload-unverifiable",
            t.ref,
            `a ${t.object.kind} runs an Envoy or agent pod template (${t.at}), but the model does not know how that kind runs its pods (how many, which Services it rewires): its inspection path cannot be verified; run it as a Deployment, or verify it by hand`,
        );
    }
}
