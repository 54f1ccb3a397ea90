// Image pull policies, as Fastly's guide advises for the agent image.
import { ImagePullPolicy } from "../args";
import { imageTag } from "../traffic/kube";
import { oneOf } from "./checks";

export const PULL_POLICIES = Object.values(ImagePullPolicy);
export type PullPolicy = ImagePullPolicy;

/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends, `-_.` between. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The `app.kubernetes.io/version` an image gives: its tag, when it names a release (not
 * `latest`, not a digest, and a valid label value); else none.
 */
export function imageVersion(image: string): string | undefined {
    if (typeof image !== "string" || image.includes("@")) return undefined;
    const tag = imageTag(image);
    return tag !== undefined && tag !== "latest" && LABEL_VALUE.test(tag) ? tag : undefined;
}

const VERSION_TAG = /^v?\d+(\.\d+){0,3}([-+._][A-Za-z0-9.-]+)?$/;

/**
 * Kubernetes' own rule, used for the app and Envoy images: `latest` or no tag pulls `Always`,
 * anything else (a version, a digest, a build tag from the team's registry) `IfNotPresent`.
 */
export function defaultPullPolicy(image: string): PullPolicy {
    const tag = imageTag(image);
    if (image.includes("@")) return "IfNotPresent";
    return tag === undefined || tag === "latest" ? "Always" : "IfNotPresent";
}

/**
 * Fastly's guide for the agent image: `latest` pulls `Always` so the agent stays current; a
 * version (or a digest) pulls `IfNotPresent`; a custom tag is a local re-tag updated by hand,
 * so it pulls `Never`.
 */
export function agentPullPolicy(image: string): PullPolicy {
    const tag = imageTag(image);
    if (image.includes("@")) return "IfNotPresent";
    if (tag === undefined || tag === "latest") return "Always";
    return VERSION_TAG.test(tag) ? "IfNotPresent" : "Never";
}

/** The explicit policy when one is given (it always wins), else the rule's choice. */
export function pullPolicy(input: string, explicit: unknown, image: string, rule: (image: string) => PullPolicy): PullPolicy {
    return oneOf(input, explicit, PULL_POLICIES, rule(image));
}
