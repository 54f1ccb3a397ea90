// Programs whose objects the traffic-path tests follow, and small helpers to plant faults in
// a copy of those objects.
import { parse, stringify } from "yaml";
import { AgentService, EnvoyApp } from "../../sdk";
import { ACCESS_KEY_ID, guideArgs, SECRET_ACCESS_KEY } from "./envoy-app-fixture";
import { kubernetesObjects, runProgram } from "./pulumi-mocks";

export const KEYS = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };

/** The Kubernetes objects a program registers (secrets revealed, as the cluster gets them). */
export async function objectsOf(program: () => unknown): Promise<any[]> {
    return kubernetesObjects(await runProgram(program));
}

/** Fastly's guide: helloworld with the agent sidecar, ext_authz and response data. */
export const guideSidecar = () => new EnvoyApp("helloworld", guideArgs());

/** One agent Service in `waf`, shared by the app `shop` in `shop` (ext_authz and response data). */
export const sharedService = () => {
    const agents = new AgentService("agents", { credentials: KEYS, namespace: "waf", clientNamespaces: ["shop"] });
    new EnvoyApp("shop", { namespace: "shop", app: { image: "registry.example.com/shop:1.0" }, agentService: agents.link() });
};

export function copy<T>(v: T): T {
    return JSON.parse(JSON.stringify(v));
}

export function find(objects: any[], kind: string, name: string, namespace?: string): any {
    const found = objects.filter((o) => o.kind === kind && (name === "*" || o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)) && (namespace === undefined || o.metadata.namespace === namespace));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
    return found[0];
}

export function container(deployment: any, name: string): any {
    return deployment.spec.template.spec.containers.find((c: any) => c.name === name);
}

/** Edits the Envoy bootstrap of the ConfigMap in `namespace` in place. */
export function editEnvoyConfig(objects: any[], namespace: string, edit: (config: any) => void): void {
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.namespace === namespace);
    const config = parse(cm.data["envoy.yaml"]);
    edit(config);
    cm.data["envoy.yaml"] = stringify(config);
}

export const listener = (config: any, name: string) => config.static_resources.listeners.find((l: any) => l.name === name);
export const hcmOf = (config: any, name: string) => listener(config, name).filter_chains[0].filters[0].typed_config;
export const clusterOf = (config: any, name: string) => config.static_resources.clusters.find((c: any) => c.name === name);
