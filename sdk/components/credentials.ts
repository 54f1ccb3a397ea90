// The credentials Secret shared by both components.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentCredentials } from "../args";
import { autoNamedMeta } from "../kube/workload";
import { NAMES } from "../settings/defaults";
import { Resolved } from "./inputs";

/**
 * The Secret the agent reads: the user's existing one, or one made from the (secret) keys.
 * Immutable and provider-named: new keys make a new Secret, and the pods that refer to it roll.
 */
export function credentialsSecret(
    resourceName: string,
    credentials: AgentCredentials | undefined,
    settings: Resolved<{ namespace: string; labels: Record<string, string>; existingSecretName?: string }>,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    if (credentials?.existingSecretName !== undefined) return settings.output((s) => s.existingSecretName!);
    const secret = new k8s.core.v1.Secret(
        resourceName,
        {
            metadata: settings.map(autoNamedMeta),
            immutable: true,
            type: "Opaque",
            stringData: {
                [NAMES.accessKeyIdKey]: pulumi.secret(credentials?.accessKeyId!),
                [NAMES.secretAccessKeyKey]: pulumi.secret(credentials?.secretAccessKey!),
            },
        },
        opts,
    );
    return secret.metadata.name;
}
