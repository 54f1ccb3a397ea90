// The objects the components create, built by their plan (sdk/kube/plan.ts) from plain inputs,
// without the Pulumi runtime: what most tests look at. The mock runtime is kept for what needs
// it (parenting, secrets, outputs), and a test holds the two paths to the same objects.
import { AgentServiceArgs, AgentServiceLink, EnvoyAppArgs } from "../../sdk";
import { resolveAgentServiceSettings } from "../../sdk/settings/agent-service";
import { AgentServiceSettings } from "../../sdk/settings/types";
import { autoName } from "../../sdk/render/evaluate";
import { linkOf, Spec, specObjects } from "../../tools/scenarios";
import { parseConfigText } from "./envoy-schema";

/** The Envoy bootstrap text of a ConfigMap (its one key: `envoy.json`, or `envoy.yaml` for an override). */
export function envoyText(configMap: any): string {
    const keys = Object.keys(configMap.data);
    if (keys.length !== 1) throw new Error(`expected one key in ConfigMap ${configMap.metadata.name}, found ${keys.join(", ")}`);
    return configMap.data[keys[0]];
}

/** The Envoy bootstrap of a ConfigMap, parsed. */
export function envoyConfigOf(configMap: any): any {
    return parseConfigText(envoyText(configMap));
}

/** Names provider-named objects as the mock runtime does, so both paths give the same names. */
export const nameOf = (resourceName: string) => autoName(resourceName);

/** The objects of a program described as data (see tools/scenarios.ts). */
export function objectsOf(spec: Spec): any[] {
    return specObjects(spec, nameOf);
}

/** An EnvoyApp's objects (its own agent Service's included). */
export function envoyAppObjects(name: string, args: EnvoyAppArgs): any[] {
    return objectsOf([{ component: "EnvoyApp", name, args }]);
}

/** An AgentService's objects, and what `link()` hands an app. */
export function agentServiceOf(name: string, args: AgentServiceArgs): { objects: any[]; settings: AgentServiceSettings; link: AgentServiceLink } {
    const settings = resolveAgentServiceSettings(name, args as any);
    return { objects: objectsOf([{ component: "AgentService", name, args }]), settings, link: linkOf(settings) };
}

/** The one object of `kind` (and name, when given) among `objects`. */
export function one(objects: any[], kind: string, name?: string): any {
    const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
    if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
    return found[0];
}

/** The parts of an app's objects tests look at most. */
export function appParts(objects: any[], name = "helloworld") {
    const deployment = one(objects, "Deployment", name);
    const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.labels["app.kubernetes.io/instance"] === name);
    const text = envoyText(configMap);
    return {
        deployment,
        pod: deployment.spec.template.spec,
        containers: Object.fromEntries(deployment.spec.template.spec.containers.map((c: any) => [c.name, c])) as Record<string, any>,
        configMap,
        envoyText: text,
        envoyConfig: parseConfigText(text) as any,
        service: one(objects, "Service", name),
    };
}

export function frontManager(config: any): any {
    return config.static_resources.listeners.find((l: any) => l.name === "front").filter_chains[0].filters[0].typed_config;
}

/** The HTTP filters of the front listener. */
export function frontFilters(config: any): any[] {
    return frontManager(config).http_filters;
}

export function cluster(config: any, name: string): any {
    return config.static_resources.clusters.find((c: any) => c.name === name);
}

/** An EnvoyApp's objects, as tests read them: its own objects by kind, its containers, its Envoy config. */
export function appRun(args: EnvoyAppArgs, name = "helloworld") {
    const objects = envoyAppObjects(name, args);
    /** The app's own object of `kind` (not those of an agent Service it creates). */
    const byKind = (kind: string) => {
        const found = objects.filter((o) => o.kind === kind && o.metadata.labels?.["app.kubernetes.io/instance"] === name);
        if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
        return found[0];
    };
    const text = envoyText(byKind("ConfigMap"));
    const containers: Record<string, any> = Object.fromEntries(byKind("Deployment").spec.template.spec.containers.map((c: any) => [c.name, c]));
    return { objects, byKind, envoyText: text, envoyConfig: parseConfigText(text) as any, containers };
}
export type AppRun = ReturnType<typeof appRun>;
