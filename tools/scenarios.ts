// Programs described as data: which components, with which args, which app links which shared
// agent Service. The same description is built two ways: by the components' plan, without the
// Pulumi runtime (the golden files, most tests), and by the components themselves (the tests
// that hold the two to the same objects).
import { AgentService, AgentServiceArgs, AgentServiceLink, EnvoyApp, EnvoyAppArgs } from "../sdk";
import { agentServiceObjects, appObjects, PlanOptions } from "../sdk/kube/plan";
import { plainLink, resolveAgentServiceSettings } from "../sdk/settings/agent-service";
import { resolveAppSettings } from "../sdk/settings/envoy-app";
import { AgentServiceSettings } from "../sdk/settings/types";
import { GUIDE_KEYS, guideArgs } from "./fixtures";

export type Component =
    | { component: "AgentService"; name: string; args: AgentServiceArgs }
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

/** Secrets a scenario refers to without creating them (the user manages them). */
export const EXTERNAL_SECRETS: Record<string, string[]> = {
    "sidecar-ext-proc": ["sigsci.site"],
    "agent-service-tls": ["agent-tls", "agent-ca"],
};
