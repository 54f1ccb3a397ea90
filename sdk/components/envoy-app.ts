// EnvoyApp: an application behind Envoy, with the sigsci-agent inspecting every request.
// A thin layer: settings and objects come from the plain builders; this turns them into
// Pulumi resources, parented to the component.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvoyAppArgs } from "../args";
import { envoyConfigYaml } from "../envoy/config";
import { agentListenAddress } from "../kube/containers";
import { appDeployment, autoNamedMeta, clusterDomainName, envoyConfigMap, frontService } from "../kube/envoy-app";
import { NAMES } from "../settings/defaults";
import { resolveAppSettings } from "../settings/resolve";
import { AppSettings } from "../settings/types";
import { credentialPresence, resolveWhenKnown } from "./inputs";

/**
 * An application behind Envoy, with the Fastly Next-Gen WAF agent as a sidecar: the
 * credentials Secret, the Envoy config, the Deployment (Envoy, app, agent) and the Service.
 */
export class EnvoyApp extends pulumi.ComponentResource {
    /** Where Envoy reaches the agent's gRPC listener (`localhost:9999` for the sidecar). */
    public readonly agentGrpcEndpoint: pulumi.Output<string>;
    /** The namespace of every object. */
    public readonly namespace: pulumi.Output<string>;
    /** The Secret holding the agent's credentials (yours, when `credentials.existingSecretName` is given). */
    public readonly secretName: pulumi.Output<string>;
    /** The ConfigMap holding `envoy.yaml`. */
    public readonly configMapName: pulumi.Output<string>;
    /** The Deployment. */
    public readonly deploymentName: pulumi.Output<string>;
    /** The Service in front of Envoy. */
    public readonly serviceName: pulumi.Output<string>;
    /** The app's address inside the cluster, through Envoy: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
    public readonly frontUrl: pulumi.Output<string>;

    constructor(name: string, args: EnvoyAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // The credentials stay out of the component's own stored inputs.
        super("sigsci-envoy:index:EnvoyApp", name, { ...args, credentials: credentialPresence(args?.credentials) }, opts);
        const settings = resolveWhenKnown({ ...args, credentials: credentialPresence(args?.credentials) }, (plain) =>
            resolveAppSettings(name, plain as pulumi.Unwrap<EnvoyAppArgs>),
        );
        const child = { parent: this };

        const secretName = this.credentialsSecret(name, args, settings, child);
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-envoy-config`,
            settings.apply((s) => envoyConfigMap(s, envoyConfigYaml(s))),
            child,
        );
        const deployment = new k8s.apps.v1.Deployment(
            name,
            pulumi.all([settings, configMap.metadata.name, secretName]).apply(([s, configMapName, secret]) =>
                appDeployment(s, { configMapName, secretName: secret }),
            ),
            child,
        );
        const service = new k8s.core.v1.Service(name, settings.apply(frontService), child);

        this.agentGrpcEndpoint = settings.apply((s) => agentListenAddress(s.agent));
        this.namespace = settings.apply((s) => s.namespace);
        this.secretName = secretName;
        this.configMapName = configMap.metadata.name;
        this.deploymentName = deployment.metadata.name;
        this.serviceName = service.metadata.name;
        this.frontUrl = pulumi
            .all([service.metadata.name, settings])
            .apply(([svc, s]) => `http://${clusterDomainName(svc, s.namespace)}:${s.service.port}`);
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

    /** The Secret the agent reads: the user's, or one made from the (secret) keys. */
    private credentialsSecret(name: string, args: EnvoyAppArgs, settings: pulumi.Output<AppSettings>, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
        const existing = args.credentials?.existingSecretName;
        if (existing !== undefined) return settings.apply((s) => s.existingSecretName!);
        const secret = new k8s.core.v1.Secret(
            `${name}-sigsci-credentials`,
            {
                metadata: settings.apply(autoNamedMeta),
                // Immutable and auto-named: new keys make a new Secret, and the pods roll onto it.
                immutable: true,
                type: "Opaque",
                stringData: {
                    [NAMES.accessKeyIdKey]: pulumi.secret(args.credentials?.accessKeyId!),
                    [NAMES.secretAccessKeyKey]: pulumi.secret(args.credentials?.secretAccessKey!),
                },
            },
            opts,
        );
        return secret.metadata.name;
    }
}
