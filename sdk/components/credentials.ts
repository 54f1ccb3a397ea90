// The credentials Secret shared by both components.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials } from "../args";
import { autoNamedMeta } from "../kube/workload";
import { NAMES } from "../settings/defaults";
import { Resolved } from "./inputs";

/**
 * The Secret the agent reads, made from the (secret) keys. Immutable and provider-named: new keys
 * make a new Secret, and the pods that refer to it roll. It waits for the settings' checks like
 * every other child; the keys reach it only as secrets, whatever form the caller gave them in.
 */
export function credentialsSecret(
    resourceName: string,
    credentials: pulumi.Input<AgentCredentials> | undefined,
    settings: Resolved<{ namespace: string; labels: Record<string, string> }>,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    const keys = pulumi.output(credentials as pulumi.Input<AgentCredentials>).apply((c) => ({
        [NAMES.accessKeyIdKey]: c.accessKeyId as string,
        [NAMES.secretAccessKeyKey]: c.secretAccessKey as string,
    }));
    const secret = new k8s.core.v1.Secret(
        resourceName,
        { metadata: settings.map(autoNamedMeta), immutable: true, type: "Opaque", stringData: pulumi.secret(settings.gated(keys)) },
        opts,
    );
    return secret.metadata.name;
}
