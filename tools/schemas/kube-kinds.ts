// The Kubernetes kinds the components emit, by apiVersion and kind. The strict JSON schema is
// generated from these declarations (kubernetes-models, Kubernetes' own OpenAPI types) by
// `npm run schemas` (tools/schemas/kubernetes.ts).
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";

export interface KubeKinds {
    "v1/ConfigMap": IConfigMap;
    "v1/Secret": ISecret;
    "v1/Service": IService;
    "apps/v1/Deployment": IDeployment;
    "autoscaling/v2/HorizontalPodAutoscaler": IHorizontalPodAutoscaler;
    "policy/v1/PodDisruptionBudget": IPodDisruptionBudget;
    "networking.k8s.io/v1/NetworkPolicy": INetworkPolicy;
}
