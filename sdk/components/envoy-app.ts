// EnvoyApp: an application behind Envoy, with the sigsci-agent inspecting every request.
// A thin layer: settings and objects come from the plain builders; this turns them into
// Pulumi resources, parented to the component.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvoyAppArgs } from "../args";
import { envoyConfigYaml } from "../envoy/config";
import { agentListenAddress } from "../kube/containers";
import { appDeployment, appDisruptionBudget, appNetworkPolicy, envoyConfigMap, frontService } from "../kube/envoy-app";
import { clusterDomainName, endpointText } from "../settings/agent-service";
import { agentServiceNameFor, resolveAppSettings } from "../settings/envoy-app";
import { AgentService } from "./agent-service";
import { credentialsSecret } from "./credentials";
import { credentialPresence, Resolved } from "./inputs";

/**
 * An application behind Envoy, with the Fastly Next-Gen WAF agent inspecting every request:
 * the Envoy config, the Deployment (Envoy and the app, plus the agent sidecar by default), the
 * Service, and the credentials Secret (sidecar) or an agent Service of its own (`agentService.create`).
 */
export class EnvoyApp extends pulumi.ComponentResource {
    /** Where Envoy reaches the agent's gRPC listener (`localhost:9999` for the sidecar). */
    public readonly agentGrpcEndpoint: pulumi.Output<string>;
    /** The namespace of every object. */
    public readonly namespace: pulumi.Output<string>;
    /** The Secret holding the agent's credentials (yours, when `credentials.existingSecretName` is given); none with a shared agent Service. */
    public readonly secretName: pulumi.Output<string | undefined>;
    /** The ConfigMap holding `envoy.yaml`. */
    public readonly configMapName: pulumi.Output<string>;
    /** The Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** The Service in front of Envoy. */
    public readonly serviceName: pulumi.Output<string>;
    /** The app's address inside the cluster, through Envoy: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
    public readonly frontUrl: pulumi.Output<string>;

    constructor(name: string, args: EnvoyAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // The credentials stay out of the settings: only whether each was given.
        const safeArgs = { ...args, credentials: credentialPresence(args?.credentials) };
        // Pulumi stores a component's inputs in state; this one keeps none (the credentials above
        // all), and its children hold everything worth diffing.
        super("sigsci-envoy:index:EnvoyApp", name, {}, opts);
        const settings = Resolved.of(safeArgs, (plain) => resolveAppSettings(name, plain as pulumi.Unwrap<EnvoyAppArgs>));
        const child = { parent: this };

        let secretName: pulumi.Output<string | undefined> = pulumi.output(undefined);
        const create = args.agentService?.create;
        if (args.agentService === undefined) {
            secretName = credentialsSecret(`${name}-sigsci-credentials`, args.credentials, settings, child);
        } else if (create !== undefined) {
            // The app's own agent Service: same credentials and namespace; its endpoint is derived
            // from its name, which the settings already hold.
            const own = new AgentService(
                agentServiceNameFor(name),
                { ...create, credentials: args.credentials!, namespace: args.namespace, labels: args.labels, expectResponseData: args.inspection?.expectResponseData, integration: args.inspection?.integration },
                child,
            );
            secretName = own.secretName;
        }
        const configMap = new k8s.core.v1.ConfigMap(`${name}-envoy-config`, settings.map((s) => envoyConfigMap(s, envoyConfigYaml(s))), child);
        const deployment = new k8s.apps.v1.Deployment(
            name,
            pulumi.all([settings.input, configMap.metadata.name, secretName]).apply(([s, configMapName, secret]) => appDeployment(s, { configMapName, secretName: secret })),
            child,
        );
        const service = new k8s.core.v1.Service(name, settings.map(frontService), child);
        new k8s.policy.v1.PodDisruptionBudget(name, settings.map(appDisruptionBudget), child);
        if (args.networkPolicy !== false) new k8s.networking.v1.NetworkPolicy(name, settings.map(appNetworkPolicy), child);

        settings.map((s) => s.warnings.forEach((w) => pulumi.log.warn(w, this)));
        this.agentGrpcEndpoint = settings.output((s) => (s.agent ? agentListenAddress(s.agent) : endpointText(s.agentService!.endpoint)));
        this.namespace = settings.output((s) => s.namespace);
        this.secretName = secretName;
        this.configMapName = configMap.metadata.name;
        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.frontUrl = pulumi.all([service.metadata.name, settings.input]).apply(([svc, s]) => `http://${clusterDomainName(svc, s.namespace)}:${s.service.port}`);
        this.registerOutputs({
            agentGrpcEndpoint: this.agentGrpcEndpoint,
            namespace: this.namespace,
            secretName: this.secretName,
            configMapName: this.configMapName,
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            frontUrl: this.frontUrl,
        });
    }
}
