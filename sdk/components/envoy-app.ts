// EnvoyApp: an application behind Envoy, with the sigsci-agent inspecting every request.
// A thin layer: the plan (kube/plan.ts) says which objects exist and builds them from the
// checked settings; this registers them as Pulumi resources, parented to the component.
import * as pulumi from "@pulumi/pulumi";
import { EnvoyAppArgs } from "../args";
import { agentListenAddress } from "../kube/containers";
import { appChildren, appShape, AppShape, EVERY_APP_CHILD, findingText, NamedObject, namedObjects, ownConfigFindings } from "../kube/plan";
import { renderMentions, refuseAs } from "../settings/errors";
import { clusterDomainName, endpointText } from "../settings/agent-service";
import { agentServiceNameFor, resolveAppSettings } from "../settings/envoy-app";
import { isPending } from "../settings/pending";
import { AgentServiceSettings, AppSettings } from "../settings/types";
import { agentServiceClaims, linkedAgentService, ownAgentService } from "./agent-service";
import { claim, Owner, providerNamespace } from "./claims";
import { checkedSettings, credentialsInput, Resolved } from "./inputs";
import { childName, childNamespace, credentialsSecret, registerChildren } from "./register";

export const ENVOY_APP_TYPE = "sigsci-envoy:index:EnvoyApp";

/** The objects an app names: its own, and its own agent Service's (each with its owner, as messages name it). */
export function appClaims(name: string, s: AppSettings, instance: object): [Owner, NamedObject[]][] {
    const claims: [Owner, NamedObject[]][] = [[{ label: `EnvoyApp "${name}"`, instance }, namedObjects(s, appChildren(name, EVERY_APP_CHILD))]];
    const own = s.agentService?.create;
    if (own && !isPending(own)) claims.push([{ label: `EnvoyApp "${name}" (its own agent Service)`, instance }, agentServiceClaims(own)]);
    return claims;
}

function prepare(name: string, args: EnvoyAppArgs, opts: pulumi.ComponentResourceOptions | undefined): Resolved<AppSettings> {
    const instance = {};
    const fallback = providerNamespace(opts);
    return checkedSettings(
        args,
        (plain) => resolveAppSettings(name, plain),
        (s) => {
            for (const [owner, objects] of appClaims(name, s, instance)) claim(owner, name, objects, fallback);
            // A bootstrap of the user's: built only if the verifier proves it, or the user acknowledges what it finds.
            const findings = ownConfigFindings(s);
            if (findings.length > 0 && !isPending(s.envoy) && s.envoy.acknowledgeVerifierFindings !== true) {
                const input = s.envoy.configOverride !== undefined ? "envoy.configOverride" : "envoy.extraConfig";
                refuseAs(
                    input,
                    `a bootstrap the traffic-path verifier rejects (${findings.map(findingText).join("; ")})`,
                    "one in which every request is proven inspected; or set envoy.acknowledgeVerifierFindings: true to deploy it anyway, with these findings annotated on the Deployment and in the acknowledgedFindings output",
                );
            }
        },
    );
}

function registerAll(parent: EnvoyApp, name: string, args: EnvoyAppArgs, settings: Resolved<AppSettings>, shape: AppShape, fleet: pulumi.Resource | undefined) {
    let secretName: pulumi.Output<string | undefined> = shape.secret ? credentialsSecret(parent, name, credentialsInput(args), settings) : settings.output((s) => s.existingSecretName);
    if (shape.own) {
        // Resolved once, with the app: it waits for the app's checks and holds the same credentials.
        const own = settings.derive((s) => s.agentService!.create as AgentServiceSettings);
        secretName = ownAgentService(agentServiceNameFor(name), { settings: own, credentials: credentialsInput(args) }, { parent }).secretName;
    }
    const refs = shape.secret ? { secretName: secretName as pulumi.Output<string> } : {};
    // Each child waits for a shared fleet linked with plain values, so the engine knows it too.
    return { secretName, ...registerChildren(parent, settings, appChildren(name, shape), refs, fleet ? [fleet] : []) };
}

/**
 * An application behind Envoy, with the Fastly Next-Gen WAF agent inspecting every request:
 * the Envoy config, the Deployment (Envoy and the app, plus the agent sidecar by default), the
 * Service, and the credentials Secret (sidecar) or an agent Service of its own (`agentService.create`).
 */
export class EnvoyApp extends pulumi.ComponentResource {
    /** Where Envoy reaches the agent's gRPC listener (`127.0.0.1:9999` for the sidecar). */
    public readonly agentGrpcEndpoint: pulumi.Output<string>;
    /** The namespace of every object. */
    public readonly namespace: pulumi.Output<string>;
    /** The Secret holding the agent's credentials (yours, when `credentials.existingSecretName` is given); none with a shared agent Service. */
    public readonly secretName: pulumi.Output<string | undefined>;
    /** The ConfigMap holding Envoy's bootstrap (`envoy.json`; `envoy.yaml` with `envoy.configOverride`). */
    public readonly configMapName: pulumi.Output<string>;
    /** The Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** The Service in front of Envoy. */
    public readonly serviceName: pulumi.Output<string>;
    /** The app's address inside the cluster, through Envoy: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
    public readonly frontUrl: pulumi.Output<string>;
    /** The traffic-path verifier's findings on a bootstrap of your own that `envoy.acknowledgeVerifierFindings` let through (`code object: message`); empty otherwise. */
    public readonly acknowledgedFindings: pulumi.Output<string[]>;

    constructor(name: string, args: EnvoyAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything known is checked before the component itself is registered.
        const settings = prepare(name, args, opts);
        // A shared agent Service linked with plain values: the app waits for it as a resource (and
        // is not registered when the fleet fails), as each of its children does.
        const fleet = linkedAgentService((args as { agentService?: unknown })?.agentService);
        // Pulumi stores a component's inputs in state: this one keeps none (the credentials above
        // all); its children hold everything worth diffing. Its registration waits for every
        // check, and its children for it.
        const registration = settings.componentRegistration(opts, fleet ? [fleet] : []);
        super(ENVOY_APP_TYPE, name, registration.inputs, registration.opts);
        // Which children exist is decided from what is known (now, or once outputs resolve); none
        // is registered when a check fails.
        const children = settings.register(appShape, (shape) => registerAll(this, name, args, settings, shape, fleet));
        // Logged once the component is registered: Pulumi sends log lines in order, each once its
        // resource has a URN, so a warning on a component that a failed check keeps unregistered
        // would hold back every later line, the error that says why included.
        settings.map((s) => {
            if (s.warnings.length > 0) this.urn.apply(() => s.warnings.forEach((w) => pulumi.log.warn(renderMentions(w), this)));
        });

        // The namespace as the provider reports it (the one given, or the provider's), once the Service exists.
        this.namespace = children.output((c) => childNamespace(c?.Service));
        this.secretName = children.output((c) => c?.secretName);
        this.configMapName = children.output((c) => childName(c?.ConfigMap));
        this.deploymentName = children.output((c) => childName(c?.Deployment));
        this.serviceName = children.output((c) => childName(c?.Service));
        // The sidecar's address in the pod; an agent Service's by its full name, in the namespace it is in.
        const given = (s: AppSettings) => (s.agent ? agentListenAddress(s.agent) : s.agentService!.create ? undefined : endpointText(s.agentService!.endpoint));
        const known = settings.known;
        if (known) {
            // Known now: one output each, on the namespace the provider reports (the Service's).
            this.frontUrl = this.namespace.apply((ns) => `http://${clusterDomainName(known.name, ns)}:${known.service.port}`);
            const own = known.agentService?.create;
            this.agentGrpcEndpoint = own ? this.namespace.apply((ns) => `${clusterDomainName(own.name, ns)}:${own.agent.grpcPort}`) : pulumi.output(given(known)!);
        } else {
            this.frontUrl = pulumi.all([this.serviceName, this.namespace, settings.output((s) => s.service.port)]).apply(([svc, ns, port]) => `http://${clusterDomainName(svc, ns)}:${port}`);
            this.agentGrpcEndpoint = pulumi
                .all([
                    settings.output(given),
                    this.namespace,
                    settings.output((s) => (s.agentService?.create ? { name: s.agentService.create.name, port: s.agentService.create.agent.grpcPort } : undefined)),
                ])
                .apply(([address, ns, own]) => address ?? `${clusterDomainName(own!.name, ns)}:${own!.port}`);
        }
        this.acknowledgedFindings = settings.output((s) => (s.envoy.acknowledgeVerifierFindings === true ? ownConfigFindings(s).map(findingText) : []));
        this.registerOutputs({
            agentGrpcEndpoint: this.agentGrpcEndpoint,
            namespace: this.namespace,
            secretName: this.secretName,
            configMapName: this.configMapName,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            frontUrl: this.frontUrl,
            acknowledgedFindings: this.acknowledgedFindings,
        });
    }
}
