// Pods and Services that fit the cluster: every pod and Service option lands exactly where
// Kubernetes reads it, in both components and in an app's own agent Service; the objects stay
// strictly valid and every request still reaches an agent. Nothing changes when none is given.
import * as assert from "assert";
import { AgentServiceArgs, EnvoyAppArgs, PodOptions, verifyTraffic } from "../sdk";
import { GUIDE_KEYS, guideArgs } from "../tools/fixtures";
import { validateKubernetesObject } from "./support/kube-schema";
import { lintManifests } from "./support/manifest-lint";
import { objectsOf, one } from "./support/objects";

const POD: PodOptions = {
    nodeSelector: { pool: "web" },
    tolerations: [
        { key: "pool", operator: "Equal", value: "web", effect: "NoSchedule" },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
    ],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] }] } } },
    priorityClassName: "business-critical",
    imagePullSecrets: ["registry-creds"],
    annotations: { "sidecar.istio.io/inject": "false", "fluentbit.io/parser": "json" },
    labels: { team: "payments" },
};

const KUBERNETES_POD_FIELDS = {
    nodeSelector: { pool: "web" },
    tolerations: POD.tolerations,
    affinity: POD.affinity,
    priorityClassName: "business-critical",
    imagePullSecrets: [{ name: "registry-creds" }],
};

function template(deployment: any) {
    return deployment.spec.template;
}

/** The annotations annotation-based scrape jobs follow, on an app's pods while Envoy's metrics are on (the default). */
const SCRAPE = { "prometheus.io/scrape": "true", "prometheus.io/port": "9902", "prometheus.io/path": "/stats/prometheus" };

const LATEST = ["signalsciences/sigsci-agent:latest", "signalsciences/example-helloworld:latest"];

describe("pod and Service options", () => {
    it("reach an app's pods where Kubernetes reads them, beside the spread and the security defaults", () => {
        const objects = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ pod: POD }) }]);
        const t = template(one(objects, "Deployment", "helloworld"));
        for (const [field, value] of Object.entries(KUBERNETES_POD_FIELDS)) assert.deepStrictEqual(t.spec[field], value, field);
        // The user's annotations beside the scrape annotations of Envoy's metrics (on by default).
        assert.deepStrictEqual(t.metadata.annotations, { ...SCRAPE, ...POD.annotations });
        assert.strictEqual(t.metadata.labels.team, "payments");
        // The selector and the Deployment's own labels are untouched; the spread stays.
        const deployment = one(objects, "Deployment", "helloworld");
        assert.deepStrictEqual(deployment.spec.selector.matchLabels, { "app.kubernetes.io/instance": "helloworld", "app.kubernetes.io/component": "envoy-app" });
        assert.strictEqual(deployment.metadata.labels.team, undefined);
        assert.strictEqual(t.spec.topologySpreadConstraints.length, 2);
        assert.strictEqual(t.spec.securityContext.runAsNonRoot, true);
        for (const o of objects) validateKubernetesObject(o);
        assert.deepStrictEqual(lintManifests(objects, { latestAllowed: LATEST }), []);
        assert.deepStrictEqual(verifyTraffic(objects), []);
    });

    it("reach an agent Service's pods, its ServiceAccount and its Service, standalone or an app's own", () => {
        const service: Partial<AgentServiceArgs> = { pod: POD, serviceAccountName: "sigsci-agent", serviceAnnotations: { "service.kubernetes.io/topology-mode": "Auto" } };
        const standalone = objectsOf([{ component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, ...service } }]);
        const own = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ agentService: { create: service } }) }]);
        for (const [objects, name] of [
            [standalone, "agents"],
            [own, "helloworld-agent"],
        ] as const) {
            const t = template(one(objects, "Deployment", name));
            for (const [field, value] of Object.entries(KUBERNETES_POD_FIELDS)) assert.deepStrictEqual(t.spec[field], value, `${name} ${field}`);
            assert.strictEqual(t.spec.serviceAccountName, "sigsci-agent");
            assert.strictEqual(t.spec.automountServiceAccountToken, false, "no API token, whatever the ServiceAccount");
            assert.deepStrictEqual(t.metadata.annotations, POD.annotations);
            assert.deepStrictEqual(one(objects, "Service", name).metadata.annotations, { "service.kubernetes.io/topology-mode": "Auto" });
            for (const o of objects) validateKubernetesObject(o);
        }
        // The app's own pod is not touched by its agent Service's options.
        assert.strictEqual(template(one(own, "Deployment", "helloworld")).spec.nodeSelector, undefined);
        assert.deepStrictEqual(verifyTraffic(own), []);
    });

    it("make the front Service a load balancer with its annotations, source ranges and traffic policy", () => {
        const args: EnvoyAppArgs = guideArgs({
            service: {
                type: "LoadBalancer",
                annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
                loadBalancerSourceRanges: ["203.0.113.0/24", "2001:db8::/32"],
                externalTrafficPolicy: "Local",
            },
        });
        const svc = one(objectsOf([{ component: "EnvoyApp", name: "helloworld", args }]), "Service", "helloworld");
        assert.deepStrictEqual(svc.metadata.annotations, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" });
        assert.strictEqual(svc.spec.type, "LoadBalancer");
        assert.deepStrictEqual(svc.spec.loadBalancerSourceRanges, ["203.0.113.0/24", "2001:db8::/32"]);
        assert.strictEqual(svc.spec.externalTrafficPolicy, "Local");
        validateKubernetesObject(svc);
    });

    it("change nothing when none is given (no empty fields)", () => {
        const objects = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ pod: {}, service: {} }) }]);
        assert.deepStrictEqual(objects, objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }]));
        const t = template(one(objects, "Deployment", "helloworld"));
        for (const field of [...Object.keys(KUBERNETES_POD_FIELDS), "serviceAccountName"]) assert.ok(!(field in t.spec), field);
        assert.deepStrictEqual(t.metadata.annotations, SCRAPE, "only the scrape annotations of the metrics");
        assert.ok(!("annotations" in one(objects, "Service", "helloworld").metadata));
    });
});
