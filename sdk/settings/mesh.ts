// Resolves the inputs of an IstioApp: the app, the agent sidecar beside it and Istio's proxy
// (ext_proc, as Fastly's Istio guide), and how the pods ask Istio's injector for that proxy.
import { IstioAppArgs } from "../args";
import { ISTIO_LABELS } from "../vocabulary/istio";
import { PEER_ADDRESS } from "../vocabulary/envoy";
import * as check from "./checks";
import { DEFAULTS, NAMES } from "./defaults";
import { resolveApp, resolveFrontService, resolveInspection } from "./envoy-app";
import { mention, refuse, refuseKind } from "./errors";
import { FIELDS, onlyFields } from "./fields";
import { resolvePod } from "./pod";
import { isPending, known, PENDING } from "./pending";
import { checkDistinctPorts, istioSidecarPorts, metricsExporterPorts, Plain, resolveAgent, resolveCredentials, resolveGrace, sidecarAgent, standardLabels } from "./shared";
import { MeshSettings } from "./types";

/** The `http` port name of the Service, so Istio treats the port as HTTP and runs its HTTP filters there. */
export const MESH_SERVICE_PORT_NAME = "http";

/** The header value the sidecar writes for the agent: the connection's peer (Istio's sidecar does not trust X-Forwarded-For). */
export const MESH_CLIENT_ADDRESS = PEER_ADDRESS;

export function resolveMeshSettings(name: string, args: Plain<IstioAppArgs>): MeshSettings {
    check.dns1035Label("name", name);
    if (typeof args !== "object" || args === null || Array.isArray(args)) refuseKind("args", args, "an object with at least {app, credentials}");
    onlyFields("", args, FIELDS.IstioAppArgs);
    const namespace = args.namespace === undefined ? undefined : check.dns1123Label("namespace", args.namespace);
    const i = check.plainObject("inspection", args.inspection, FIELDS.IstioInspection) ?? {};
    // ext_proc, as every one of Fastly's current guides: one stream per request, no access log.
    const inspection = resolveInspection({ integration: "ext_proc", failOpen: i.failOpen as boolean, timeout: i.timeout as string, maxRequestBytes: i.maxRequestBytes as number });
    const credentials = resolveCredentials("credentials", args.credentials);
    const app = resolveApp(args.app, DEFAULTS.envoyPreStopSleepSeconds);
    const stop = known(app.preStopSleepSeconds) ? Math.max(DEFAULTS.agentPreStopSleepSeconds, app.preStopSleepSeconds) : PENDING;
    const agent = resolveAgent("agent", args.agent, sidecarAgent("IPv4", stop), inspection);
    if (agent.nativeSidecar !== true && known(agent.preStopSleepSeconds, app.preStopSleepSeconds) && agent.preStopSleepSeconds < app.preStopSleepSeconds) {
        refuse(
            "agent.preStopSleepSeconds",
            agent.preStopSleepSeconds,
            `at least app.preStopSleepSeconds (${mention("app.preStopSleepSeconds", app.preStopSleepSeconds)}), so the agent outlives the app`,
        );
    }
    const givenAgent = (args.agent ?? {}) as Record<string, unknown>;
    checkDistinctPorts(
        [
            ["app.port", app.port, (args.app as Record<string, unknown>)?.port !== undefined],
            ["agent.grpcPort", agent.grpcPort, givenAgent.grpcPort !== undefined],
            ["agent.startupProbePort", agent.startupProbe?.port, givenAgent.startupProbePort !== undefined],
        ],
        [...istioSidecarPorts(), ...metricsExporterPorts(agent.metrics, "agent.metrics")],
    );
    if (app.containerName === NAMES.agentContainer) refuse("app.containerName", app.containerName, `a name other than "${NAMES.agentContainer}", which the agent sidecar uses`);
    const injection = check.plainObject("istio", args.istio, FIELDS.IstioInjection) ?? {};
    const revision = injection.revision === undefined ? undefined : check.dns1123Label("istio.revision", injection.revision);
    const { labels, selectorLabels } = standardLabels(name, NAMES.istioAppKind, app.image, check.labels("labels", args.labels));
    const injectionLabels = isPending(revision) ? PENDING : revision !== undefined ? { [ISTIO_LABELS.revision]: revision } : { [ISTIO_LABELS.inject]: "true" };
    const pod = resolvePod("pod", args.pod, [...Object.keys(selectorLabels), ISTIO_LABELS.inject, ISTIO_LABELS.revision], labels);
    return {
        name,
        namespace,
        labels,
        selectorLabels,
        replicas: check.int("replicas", args.replicas, DEFAULTS.replicas, 0, 10000),
        maxUnavailable: check.int("maxUnavailable", args.maxUnavailable, DEFAULTS.maxUnavailable, 1, 10000),
        serviceAccountName: args.serviceAccountName === undefined ? undefined : check.dns1123Subdomain("serviceAccountName", args.serviceAccountName),
        terminationGracePeriodSeconds:
            agent.nativeSidecar === true
                ? resolveGrace("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, app.preStopSleepSeconds, "app.preStopSleepSeconds")
                : resolveGrace("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, agent.preStopSleepSeconds, "agent.preStopSleepSeconds"),
        ...credentials,
        app,
        agent,
        inspection,
        service: resolveFrontService(check.plainObject("service", args.service, FIELDS.FrontService) ?? {}, app.port),
        pod: isPending(pod) || isPending(injectionLabels) ? pod : { ...pod, labels: { ...pod.labels, ...injectionLabels } },
        injection: injectionLabels,
    };
}
