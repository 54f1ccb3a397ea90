// Which Kubernetes objects a component creates, in what order, named how: one plan that the
// components register as Pulumi resources and that plain callers (tests, tools) build directly.
//
// The naming rule, for every child: its Pulumi resource name is its component's name, plus a
// role for the objects the provider names (`-sigsci-credentials`, `-envoy-config`: a new name for
// each new version, so the pods that refer to them roll); the objects named after the
// component (Deployment, Service, PodDisruptionBudget, NetworkPolicy, HorizontalPodAutoscaler)
// carry exactly that name in Kubernetes too.
import { holdsPending, isPending } from "../settings/pending";
import { AgentServiceSettings, AppSettings, GatewaySettings, MeshSettings } from "../settings/types";
import { agentAutoscaler, agentDeployment, agentDisruptionBudget, agentNetworkPolicy, agentServiceObject } from "./agent-service";
import { appDeployment, appDisruptionBudget, appNetworkPolicy, envoyConfigMap, frontService } from "./envoy-app";
import { ObjectName, statsdMappingConfigMap, statsdMappingName } from "./containers";
import { agentsReferenceGrant, extensionPolicy, gatewayPolicyName, proxiesNetworkPolicy, requestBufferPolicy } from "./gateway";
import { meshDeployment, meshDisruptionBudget, meshEnvoyFilter, meshService } from "./mesh";
import { ENVOY_GATEWAY_API, GATEWAY_API } from "../vocabulary/gateway";
import { ISTIO_NETWORKING_API } from "../vocabulary/istio";
import { PROMETHEUS_OPERATOR_API } from "../vocabulary/prometheus";
import { agentAlerts, agentPodMonitor, dashboardName, envoyAlerts, envoyDashboardConfigMap, envoyPodMonitor } from "./monitoring";
import { credentialsSecretObject } from "./workload";
import { analyzeTraffic, Finding, FindingCode } from "../traffic";
import { ACKNOWLEDGED_FINDINGS_ANNOTATION } from "../vocabulary/package";

/** An object a component names itself; `namespace` undefined: the provider's. */
export interface NamedObject {
    kind: string;
    namespace?: string;
    name: string;
}

export type Kind = "ConfigMap" | "Deployment" | "Service" | "PodDisruptionBudget" | "NetworkPolicy" | "HorizontalPodAutoscaler" | CustomKind;
/** Kinds of the Gateway API, Envoy Gateway and Istio (custom resources). */
export type CustomKind = "EnvoyExtensionPolicy" | "BackendTrafficPolicy" | "ReferenceGrant" | "EnvoyFilter" | "PodMonitor" | "PrometheusRule";

/** The resource name of a component's credentials Secret (provider-named: new keys, new name). */
export function credentialsSecretName(component: string): string {
    return `${component}-sigsci-credentials`;
}

/** Names of objects registered before a child, which it refers to. */
export interface Refs {
    /** The credentials Secret the agent reads (the component's, or the user's). */
    secretName?: ObjectName;
    /** The Envoy config's ConfigMap. */
    configMapName?: ObjectName;
}

export interface Child<S> {
    kind: Kind;
    /** The Pulumi resource name (see the naming rule above). */
    name: string;
    /** Resource names it had in earlier releases: its identity stays when it is renamed. */
    aliases?: string[];
    /** Named by the component (else by the provider). */
    named: boolean;
    /** The refs it needs, registered before it. */
    needs: (keyof Refs)[];
    object(s: S, refs: Refs): object;
}

/** Which children an app has: decided from what is known before anything is registered. */
export interface AppShape {
    /** The sidecar's credentials Secret. */
    secret: boolean;
    /** An agent Service of the app's own. */
    own: AgentServiceShape | undefined;
    networkPolicy: boolean;
    /** The monitoring objects (EnvoyMonitoring). */
    monitoring: { podMonitor: boolean; alerts: boolean; dashboard: boolean };
    /** The sidecar agent's StatsD mapping (agent.metrics). */
    agentMetrics: boolean;
}

export interface AgentServiceShape {
    secret: boolean;
    autoscaler: boolean;
    /** The agents' StatsD mapping (agent.metrics). */
    metrics: boolean;
    /** Its monitoring objects (AgentMonitoring). */
    podMonitor?: boolean;
    alerts?: boolean;
}

/** The shape of an agent Service, or undefined while what decides it waits on an output. */
export function agentServiceShape(s: AgentServiceSettings): AgentServiceShape | undefined {
    if (isPending(s) || isPending(s.createSecret) || isPending(s.autoscaling) || isPending(s.agent) || isPending(s.agent.metrics)) return undefined;
    if (isPending(s.monitoring) || isPending(s.monitoring.podMonitor) || isPending(s.monitoring.alerts)) return undefined;
    return { secret: s.createSecret, autoscaler: s.autoscaling !== undefined, metrics: s.agent.metrics, podMonitor: s.monitoring.podMonitor, alerts: s.monitoring.alerts };
}

/** The shape of an app, or undefined while what decides it waits on an output. */
export function appShape(s: AppSettings): AppShape | undefined {
    if (isPending(s) || isPending(s.networkPolicy) || isPending(s.monitoring)) return undefined;
    const { podMonitor, alerts, dashboard } = s.monitoring;
    if ([podMonitor, alerts, dashboard].some(isPending)) return undefined;
    const common = { networkPolicy: s.networkPolicy, monitoring: { podMonitor, alerts, dashboard }, agentMetrics: false };
    if (s.agentService === undefined) {
        if (isPending(s.createSecret) || isPending(s.agent) || isPending(s.agent?.metrics)) return undefined;
        return { secret: s.createSecret, own: undefined, ...common, agentMetrics: s.agent!.metrics };
    }
    const create = s.agentService.create;
    if (isPending(create)) return undefined;
    const own = create === undefined ? undefined : agentServiceShape(create);
    if (create !== undefined && own === undefined) return undefined;
    return { secret: false, own, ...common };
}

/** The annotation that carries the verifier findings an app acknowledged (`envoy.acknowledgeVerifierFindings`). */
export { ACKNOWLEDGED_FINDINGS_ANNOTATION } from "../vocabulary/package";

/** The app's children after its credentials Secret and its own agent Service (which the component registers itself). */
export function appChildren(name: string, shape: AppShape, annotate = true): Child<AppSettings>[] {
    const deployment = (s: AppSettings, refs: Refs) => appDeployment(s, { configMapName: refs.configMapName!, secretName: refs.secretName ?? s.existingSecretName });
    return [
        { kind: "ConfigMap", name: `${name}-envoy-config`, named: false, needs: [], object: envoyConfigMap },
        {
            kind: "Deployment",
            name,
            named: true,
            needs: ["configMapName", ...(shape.secret ? (["secretName"] as const) : [])],
            object: (s, refs) => (annotate ? acknowledged(deployment(s, refs), s) : deployment(s, refs)),
        },
        { kind: "Service", name, named: true, needs: [], object: frontService },
        { kind: "PodDisruptionBudget", name, named: true, needs: [], object: appDisruptionBudget },
        ...(shape.networkPolicy ? [{ kind: "NetworkPolicy" as const, name, named: true, needs: [], object: appNetworkPolicy }] : []),
        // Monitoring last: the dashboard's ConfigMap is not the Envoy config the pods mount.
        ...(shape.monitoring.podMonitor ? [{ kind: "PodMonitor" as const, name, named: true, needs: [], object: envoyPodMonitor }] : []),
        ...(shape.monitoring.alerts ? [{ kind: "PrometheusRule" as const, name, named: true, needs: [], object: envoyAlerts }] : []),
        ...(shape.monitoring.dashboard ? [{ kind: "ConfigMap" as const, name: dashboardName(name), named: true, needs: [], object: envoyDashboardConfigMap }] : []),
        ...(shape.agentMetrics ? [{ kind: "ConfigMap" as const, name: statsdMappingName(name), named: true, needs: [], object: statsdMappingConfigMap }] : []),
    ];
}

/** An agent Service's children after its credentials Secret. */
export function agentServiceChildren(name: string, shape: AgentServiceShape): Child<AgentServiceSettings>[] {
    // Before 0.2.0 these three were provider-named `<name>-agent-<suffix>`.
    const aliases = [`${name}-agent`];
    return [
        { kind: "Deployment", name, named: true, needs: shape.secret ? ["secretName"] : [], object: (s, refs) => agentDeployment(s, refs.secretName ?? s.existingSecretName!) },
        { kind: "Service", name, named: true, needs: [], object: agentServiceObject },
        ...(shape.autoscaler ? [{ kind: "HorizontalPodAutoscaler" as const, name, aliases, named: true, needs: [], object: agentAutoscaler }] : []),
        { kind: "PodDisruptionBudget", name, aliases, named: true, needs: [], object: agentDisruptionBudget },
        { kind: "NetworkPolicy", name, aliases, named: true, needs: [], object: agentNetworkPolicy },
        ...(shape.metrics ? [{ kind: "ConfigMap" as const, name: statsdMappingName(name), named: true, needs: [], object: statsdMappingConfigMap }] : []),
        ...(shape.podMonitor ? [{ kind: "PodMonitor" as const, name, named: true, needs: [], object: agentPodMonitor }] : []),
        ...(shape.alerts ? [{ kind: "PrometheusRule" as const, name, named: true, needs: [], object: agentAlerts }] : []),
    ];
}

/** Objects named by a component, which no other component of a program may also create. */
export function namedObjects<S extends { namespace?: string }>(s: S, children: Child<S>[]): NamedObject[] {
    return children.filter((c) => c.named).map((c) => ({ kind: c.kind, namespace: s.namespace, name: c.name }));
}

/** Every child an app could have: the names it claims whatever its shape. */
// (Not its monitoring objects: they take the app's own name, which its Deployment claims already.)
export const EVERY_APP_CHILD: AppShape = {
    secret: true,
    own: { secret: true, autoscaler: true, metrics: false },
    networkPolicy: true,
    monitoring: { podMonitor: false, alerts: false, dashboard: false },
    agentMetrics: false,
};

/** The apiVersion of each kind the components create. */
export const API_VERSIONS: Record<Kind | "Secret", string> = {
    Secret: "v1",
    ConfigMap: "v1",
    Service: "v1",
    Deployment: "apps/v1",
    PodDisruptionBudget: "policy/v1",
    NetworkPolicy: "networking.k8s.io/v1",
    HorizontalPodAutoscaler: "autoscaling/v2",
    EnvoyExtensionPolicy: ENVOY_GATEWAY_API,
    BackendTrafficPolicy: ENVOY_GATEWAY_API,
    ReferenceGrant: GATEWAY_API.referenceGrant,
    EnvoyFilter: ISTIO_NETWORKING_API,
    PodMonitor: PROMETHEUS_OPERATOR_API,
    PrometheusRule: PROMETHEUS_OPERATOR_API,
};

/** A Kubernetes object of a plan, as the cluster would receive it. */
export interface PlannedObject {
    /** The Pulumi resource name. */
    resourceName: string;
    /** The component it belongs to, e.g. `EnvoyApp helloworld`. */
    owner: string;
    object: any;
}

export interface PlanOptions {
    /** The name the provider would give an object it names (the Pulumi resource name plus a suffix). */
    nameOf(resourceName: string, object: object): string;
    /** What the credentials Secret holds (placeholders, when not given). */
    credentials?: { accessKeyId: string; secretAccessKey: string };
}

function planned(owner: string, resourceName: string, kind: Kind | "Secret", body: any, nameOf: PlanOptions["nameOf"]): PlannedObject {
    const object = { apiVersion: API_VERSIONS[kind], kind, ...body };
    if (object.metadata?.name === undefined) object.metadata = { name: nameOf(resourceName, object), ...object.metadata };
    return { resourceName, owner, object };
}

function secretObject(owner: string, name: string, s: { namespace?: string; labels: Record<string, string> }, options: PlanOptions): PlannedObject {
    const c = options.credentials ?? { accessKeyId: "<accesskeyid>", secretAccessKey: "<secretaccesskey>" };
    const body = { ...credentialsSecretObject(s), stringData: { accesskeyid: c.accessKeyId, secretaccesskey: c.secretAccessKey } };
    return planned(owner, credentialsSecretName(name), "Secret", body, options.nameOf);
}

function childObjects<S>(owner: string, s: S, children: Child<S>[], refs: Refs, options: PlanOptions): PlannedObject[] {
    const out: PlannedObject[] = [];
    for (const c of children) {
        const o = planned(owner, c.name, c.kind, c.object(s, refs), options.nameOf);
        // The first ConfigMap is the one the pods mount (a dashboard's comes last).
        if (c.kind === "ConfigMap" && refs.configMapName === undefined) refs = { ...refs, configMapName: o.object.metadata.name };
        out.push(o);
    }
    return out;
}

/** The objects of an agent Service, as its component creates them. */
export function agentServiceObjects(s: AgentServiceSettings, options: PlanOptions): PlannedObject[] {
    const shape = agentServiceShape(s)!;
    const owner = `AgentService ${s.name}`;
    const secret = shape.secret ? [secretObject(owner, s.name, s, options)] : [];
    return [...secret, ...childObjects(owner, s, agentServiceChildren(s.name, shape), { secretName: secret[0]?.object.metadata.name }, options)];
}

/** Which children a GatewayWaf has. */
export interface GatewayShape {
    own: AgentServiceShape | undefined;
    buffer: boolean;
    referenceGrant: boolean;
}

/** The shape of a GatewayWaf, or undefined while what decides it waits on an output. */
export function gatewayShape(s: GatewaySettings): GatewayShape | undefined {
    if (isPending(s) || isPending(s.inspection) || isPending(s.agents) || isPending(s.referenceGrant)) return undefined;
    const own = s.agents.create === undefined ? undefined : agentServiceShape(s.agents.create);
    if (s.agents.create !== undefined && own === undefined) return undefined;
    return { own, buffer: s.inspection.body === "Buffered", referenceGrant: s.referenceGrant };
}

/** A GatewayWaf's children after its own agent fleet (which the component registers itself). */
export function gatewayChildren(name: string, shape: GatewayShape): Child<GatewaySettings>[] {
    return [
        { kind: "EnvoyExtensionPolicy", name, named: true, needs: [], object: extensionPolicy },
        ...(shape.buffer ? [{ kind: "BackendTrafficPolicy" as const, name, named: true, needs: [], object: requestBufferPolicy }] : []),
        ...(shape.referenceGrant ? [{ kind: "ReferenceGrant" as const, name, named: true, needs: [], object: agentsReferenceGrant }] : []),
        { kind: "NetworkPolicy", name: gatewayPolicyName(name), named: true, needs: [], object: proxiesNetworkPolicy },
    ];
}

/** The objects a GatewayWaf names, each in its namespace (the policies in the component's, the rest in the agents'). */
export function gatewayNamedObjects(s: GatewaySettings): NamedObject[] {
    const agentsSide = new Set(["ReferenceGrant", "NetworkPolicy"]);
    return gatewayChildren(s.name, { own: undefined, buffer: true, referenceGrant: true }).map((c) => ({
        kind: c.kind,
        namespace: agentsSide.has(c.kind) ? s.agents.namespace : s.namespace,
        name: c.kind === "NetworkPolicy" ? gatewayPolicyName(s.name) : c.name,
    }));
}

/** The objects of a GatewayWaf (its own agent fleet's included), as its component creates them. */
export function gatewayObjects(s: GatewaySettings, options: PlanOptions): PlannedObject[] {
    const shape = gatewayShape(s)!;
    const own = shape.own ? agentServiceObjects(s.agents.create!, options) : [];
    return [...own, ...childObjects(`GatewayWaf ${s.name}`, s, gatewayChildren(s.name, shape), {}, options)];
}

/** Which children an IstioApp has: its credentials Secret, unless it uses one of the user's. */
export interface MeshShape {
    secret: boolean;
    agentMetrics: boolean;
}

export function meshShape(s: MeshSettings): MeshShape | undefined {
    if (isPending(s) || isPending(s.createSecret) || isPending(s.agent) || isPending(s.agent.metrics)) return undefined;
    return { secret: s.createSecret, agentMetrics: s.agent.metrics };
}

/** An IstioApp's children after its credentials Secret. */
export function meshChildren(name: string, shape: MeshShape): Child<MeshSettings>[] {
    return [
        { kind: "Deployment", name, named: true, needs: shape.secret ? ["secretName"] : [], object: (s, refs) => meshDeployment(s, refs.secretName ?? s.existingSecretName!) },
        { kind: "Service", name, named: true, needs: [], object: meshService },
        { kind: "PodDisruptionBudget", name, named: true, needs: [], object: meshDisruptionBudget },
        { kind: "EnvoyFilter", name, named: true, needs: [], object: meshEnvoyFilter },
        ...(shape.agentMetrics ? [{ kind: "ConfigMap" as const, name: statsdMappingName(name), named: true, needs: [], object: statsdMappingConfigMap }] : []),
    ];
}

/** The objects of an IstioApp, as its component creates them. */
export function meshObjects(s: MeshSettings, options: PlanOptions): PlannedObject[] {
    const shape = meshShape(s)!;
    const owner = `IstioApp ${s.name}`;
    const secret = shape.secret ? [secretObject(owner, s.name, s, options)] : [];
    return [...secret, ...childObjects(owner, s, meshChildren(s.name, shape), { secretName: secret[0]?.object.metadata.name }, options)];
}

/** The objects of an app (its own agent Service's included), as its component creates them. */
export function appObjects(s: AppSettings, options: PlanOptions, annotate = true): PlannedObject[] {
    const shape = appShape(s)!;
    const owner = `EnvoyApp ${s.name}`;
    const secret = shape.secret ? [secretObject(owner, s.name, s, options)] : [];
    const own = shape.own ? agentServiceObjects(s.agentService!.create!, options) : [];
    return [...secret, ...own, ...childObjects(owner, s, appChildren(s.name, shape, annotate), { secretName: secret[0]?.object.metadata.name }, options)];
}

/**
 * Findings that depend on the agent fleet of a linked AgentService, which is not among an app's
 * own objects: with such a link only the rest is judged here (the fleet's own component and the
 * policy pack judge the whole).
 */
const FLEET_CODES: FindingCode[] = [
    "agent-unresolved",
    "agent-port-missing",
    "agent-no-pods",
    "agent-target-port",
    "agent-not-listening",
    "agent-mode-mismatch",
    "agent-tls-mismatch",
    "agent-policy-blocks",
    "agent-unready-endpoints",
    "pairing",
    "agent-unverifiable",
    "dns-unverifiable",
    "workload-unverifiable",
    "agent-fleet-unused",
    "envoy-egress-blocks",
];

const verified = new WeakMap<AppSettings, Finding[]>();

/**
 * With a bootstrap of the user's (`envoy.extraConfig`, `envoy.configOverride`): the errors the
 * traffic-path verifier finds in the app's own objects, as this plan builds them. Empty without
 * one (the generated bootstrap is proven by the tests), or while a value is still unknown.
 */
export function ownConfigFindings(s: AppSettings): Finding[] {
    if (isPending(s) || isPending(s.envoy) || (s.envoy.extraConfig === undefined && s.envoy.configOverride === undefined)) return [];
    // Judged once every value is known (the components check again when outputs resolve).
    if (holdsPending(s) || appShape(s) === undefined) return [];
    let found = verified.get(s);
    if (!found) {
        const objects = appObjects(s, { nameOf: (resourceName) => resourceName }, false).map((p) => p.object);
        const linked = s.agentService !== undefined && s.agentService.create === undefined;
        found = analyzeTraffic(objects, { defaultNamespace: s.namespace ?? "default" }).findings.filter((f) => f.severity === "error" && !(linked && FLEET_CODES.includes(f.code)));
        verified.set(s, found);
    }
    return found;
}

/** A finding as one line: `code object: message`. */
export const findingText = (f: Finding) => `${f.code} ${f.object}: ${f.message}`;

/** The Deployment, annotated with the findings its app acknowledged. */
function acknowledged(deployment: any, s: AppSettings): any {
    if (isPending(s.envoy) || s.envoy.acknowledgeVerifierFindings !== true) return deployment;
    const findings = ownConfigFindings(s);
    if (findings.length === 0) return deployment;
    const codes = [...new Set(findings.map((f) => f.code))].join(",");
    return { ...deployment, metadata: { ...deployment.metadata, annotations: { ...(deployment.metadata.annotations ?? {}), [ACKNOWLEDGED_FINDINGS_ANNOTATION]: codes } } };
}
