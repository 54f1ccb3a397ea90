// Programs described as data: which components, with which args, which app links which shared
// agent Service. The same description is built two ways: by the components' plan, without the
// Pulumi runtime (the golden files, most tests), and by the components themselves (the tests
// that hold the two to the same objects).
import { AgentService, AgentServiceArgs, AgentServiceLink, EnvoyApp, EnvoyAppArgs, GatewayWaf, GatewayWafArgs, IstioApp, IstioAppArgs } from "../sdk";
import { agentServiceObjects, appObjects, gatewayObjects, meshObjects, PlanOptions } from "../sdk/kube/plan";
import { resolveMeshSettings } from "../sdk/settings/mesh";
import { resolveGatewaySettings } from "../sdk/settings/gateway";
import { plainLink, resolveAgentServiceSettings } from "../sdk/settings/agent-service";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { AgentServiceSettings } from "../sdk/settings/types";
import { GUIDE_KEYS, guideArgs } from "./fixtures";

export type Component =
    | { component: "AgentService"; name: string; args: AgentServiceArgs }
    | { component: "GatewayWaf"; name: string; args: GatewayWafArgs }
    | { component: "IstioApp"; name: string; args: IstioAppArgs }
    | { component: "EnvoyApp"; name: string; args: EnvoyAppArgs; /** The AgentService of this program it links. */ linkTo?: string; tlsCaSecretName?: string };

export type Spec = Component[];

/** What `AgentService.link()` resolves to. */
export function linkOf(s: AgentServiceSettings, tlsCaSecretName?: string): AgentServiceLink {
    return plainLink(s, tlsCaSecretName) as AgentServiceLink;
}

function credentialsOf(c: unknown) {
    const k = c as { accessKeyId?: unknown; secretAccessKey?: unknown } | undefined;
    return typeof k?.accessKeyId === "string" && typeof k?.secretAccessKey === "string" ? { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey } : undefined;
}

/** The objects of a program, built by the components' plan (plain args only). */
export function specObjects(spec: Spec, nameOf: PlanOptions["nameOf"]): any[] {
    const services = new Map<string, AgentServiceSettings>();
    const objects: any[] = [];
    for (const c of spec) {
        const credentials = credentialsOf(c.args.credentials);
        if (c.component === "AgentService") {
            const s = resolveAgentServiceSettings(c.name, c.args as any);
            services.set(c.name, s);
            objects.push(...agentServiceObjects(s, { nameOf, credentials }).map((p) => p.object));
        } else if (c.component === "IstioApp") {
            objects.push(...meshObjects(resolveMeshSettings(c.name, c.args as any), { nameOf, credentials }).map((p) => p.object));
        } else if (c.component === "GatewayWaf") {
            objects.push(...gatewayObjects(resolveGatewaySettings(c.name, c.args as any), { nameOf, credentials }).map((p) => p.object));
        } else {
            const args = c.linkTo ? { ...c.args, agentService: linkOf(services.get(c.linkTo)!, c.tlsCaSecretName) } : c.args;
            objects.push(...appObjects(resolveAppSettings(c.name, args as any), { nameOf, credentials }).map((p) => p.object));
        }
    }
    return objects;
}

/** The same program, made of the components (run it under the Pulumi runtime). */
export function specProgram(spec: Spec): () => void {
    return () => {
        const services = new Map<string, AgentService>();
        for (const c of spec) {
            if (c.component === "AgentService") services.set(c.name, new AgentService(c.name, c.args));
            else if (c.component === "GatewayWaf") new GatewayWaf(c.name, c.args);
            else if (c.component === "IstioApp") new IstioApp(c.name, c.args);
            else new EnvoyApp(c.name, c.linkTo ? { ...c.args, agentService: services.get(c.linkTo)!.link(c.tlsCaSecretName) } : c.args);
        }
    };
}

const helloworld = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };

/**
 * The scenarios kept as golden files (tests/golden/<name>/), and checked by the manifest lint
 * and the traffic-path verifier: every layout and integration.
 */
export const SCENARIOS: Record<string, Spec> = {
    "sidecar-ext-authz": [{ component: "EnvoyApp", name: "helloworld", args: guideArgs() }],
    "sidecar-ext-proc": [
        { component: "EnvoyApp", name: "helloworld", args: guideArgs({ credentials: { existingSecretName: "sigsci.site" }, inspection: { integration: "ext_proc" }, agent: { startupProbe: true } }) },
    ],
    "agent-service-tls": [
        {
            component: "EnvoyApp",
            name: "helloworld",
            args: guideArgs({ namespace: "default", replicas: 3, agentService: { create: { autoscaling: { maxReplicas: 3 }, tls: { secretName: "agent-tls" } }, tlsCaSecretName: "agent-ca" } }),
        },
    ],
    "shared-agent-service": [
        { component: "AgentService", name: "agents", args: { credentials: GUIDE_KEYS, namespace: "waf", clientNamespaces: ["shop", "blog"], integration: "ext_proc", replicas: 3 } },
        { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: { image: "registry.example.com/shop:1.0" }, inspection: { integration: "ext_proc" } }, linkTo: "agents" },
        { component: "EnvoyApp", name: "blog", args: { namespace: "blog", app: helloworld, inspection: { integration: "ext_proc" } }, linkTo: "agents" },
    ],
};

/** A Gateway of Envoy Gateway, two routes of two teams, and the app behind one: the objects a GatewayWaf's policies act on (the user's, not the component's). */
export const GATEWAY_FIXTURE = [
    {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "eg", namespace: "shop" },
        spec: { gatewayClassName: "eg", listeners: [{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "All" } } }] },
    },
    {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "web", namespace: "shop" },
        spec: { parentRefs: [{ name: "eg" }], rules: [{ backendRefs: [{ name: "web", port: 8080 }] }] },
    },
    {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "blog", namespace: "blog" },
        spec: { parentRefs: [{ name: "eg", namespace: "shop" }], rules: [{ backendRefs: [{ name: "blog", port: 80 }] }] },
    },
    {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop" },
        spec: {
            selector: { matchLabels: { app: "web" } },
            template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "registry.example.com/web:1.0", ports: [{ containerPort: 8080 }] }] } },
        },
    },
    { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { selector: { app: "web" }, ports: [{ port: 8080, targetPort: 8080 }] } },
];

/**
 * The namespace the Istio layouts run in, as `kubectl create namespace shop` makes it (no labels):
 * the cluster's, not the component's. Without it, whether Istio honours the pods' request for its
 * sidecar (a namespace labelled istio-injection with any value but "enabled" turns it off) cannot
 * be verified.
 */
export const ISTIO_NAMESPACE_FIXTURE = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: {} as Record<string, string> } }];

/** The other two layouts of Fastly's guides: Envoy Gateway (the agents as an ext_proc service), Istio (the agent beside the app, inspected by Istio's sidecar). */
export const LAYOUT_SCENARIOS: Record<string, Spec> = {
    "gateway-waf": [{ component: "GatewayWaf", name: "waf", args: { namespace: "shop", gateway: "eg", credentials: GUIDE_KEYS, agentNamespace: "waf" } }],
    "istio-app": [{ component: "IstioApp", name: "shop", args: { namespace: "shop", app: { image: "registry.example.com/shop:1.0", port: 8080 }, credentials: GUIDE_KEYS } }],
};

/** Secrets a scenario refers to without creating them (the user manages them). */
export const EXTERNAL_SECRETS: Record<string, string[]> = {
    "sidecar-ext-proc": ["sigsci.site"],
    "agent-service-tls": ["agent-tls", "agent-ca"],
};
