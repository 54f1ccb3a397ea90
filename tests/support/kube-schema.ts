// Strict validation of Kubernetes objects against the Kubernetes OpenAPI types:
// 1. kubernetes-models' own validators (types, required fields, enums, formats such as
//    quantities and int-or-string), which let unknown fields through;
// 2. the JSON schema generated from the same models' type declarations with
//    `additionalProperties: false` everywhere (tools/schemas/kubernetes.schema.json, written by
//    `npm run schemas`), which rejects unknown fields; compiled by ajv ahead of time into
//    tools/schemas/kubernetes.validate.js, which a test holds to the schema.
import { KUBERNETES_VALIDATORS_FILE } from "../../tools/schemas/kubernetes";
import { validateCustomObject } from "./crd-schema";

interface StrictValidator {
    (obj: unknown): boolean;
    errors?: { instancePath: string; message?: string; params: unknown }[] | null;
}

let compiled: Record<string, StrictValidator> | undefined;

function strictValidators(): Record<string, StrictValidator> {
    return (compiled ??= require(KUBERNETES_VALIDATORS_FILE));
}

const MODEL_MODULES: Record<string, [string, string]> = {
    "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
    "v1/Secret": ["kubernetes-models/v1/Secret", "Secret"],
    "v1/Service": ["kubernetes-models/v1/Service", "Service"],
    "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment"],
    "autoscaling/v2/HorizontalPodAutoscaler": ["kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler", "HorizontalPodAutoscaler"],
    "policy/v1/PodDisruptionBudget": ["kubernetes-models/policy/v1/PodDisruptionBudget", "PodDisruptionBudget"],
    "networking.k8s.io/v1/NetworkPolicy": ["kubernetes-models/networking.k8s.io/v1/NetworkPolicy", "NetworkPolicy"],
};

/** Throws, naming every problem, unless `obj` is a valid Kubernetes object with no unknown field. */
export function validateKubernetesObject(obj: any): void {
    const key = `${obj?.apiVersion}/${obj?.kind}`;
    const strict = strictValidators()[key];
    const model = MODEL_MODULES[key];
    if (!strict || !model) throw new Error(`no schema for ${key}`);
    const where = `${key} ${obj.metadata?.name}`;
    if (!strict(obj)) {
        throw new Error(`${where} does not match the Kubernetes schema:\n${strict.errors!.map((e) => `  ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join("\n")}`);
    }
    const Model = require(model[0])[model[1]];
    try {
        new Model(obj).validate();
    } catch (e) {
        throw new Error(`${where} fails kubernetes-models validation: ${(e as Error).message}`, { cause: e });
    }
}

/** Any object the package emits: a built-in kind by the Kubernetes schema, a custom resource by its CRD's. */
export function validateAnyObject(obj: any): void {
    if (MODEL_MODULES[`${obj?.apiVersion}/${obj?.kind}`]) validateKubernetesObject(obj);
    else validateCustomObject(obj);
}
