// Small helpers to plant faults in a copy of a program's objects.
import { dump as stringify, load as parse } from "js-yaml";

export function copy<T>(v: T): T {
    return JSON.parse(JSON.stringify(v));
}

/** The one object of `kind` named `name` (or `name-<suffix>`, for provider-named ones; `*` for any). */
export function find(objects: any[], kind: string, name: string, namespace?: string): any {
    const found = objects.filter(
        (o) => o.kind === kind && (name === "*" || o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)) && (namespace === undefined || o.metadata.namespace === namespace),
    );
    if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
    return found[0];
}

export function container(deployment: any, name: string): any {
    return deployment.spec.template.spec.containers.find((c: any) => c.name === name);
}

/** Edits the Envoy bootstrap of the ConfigMap in `namespace` (none: the provider's) in place. */
export function editEnvoyConfig(objects: any[], namespace: string | undefined, edit: (config: any) => void): void {
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.namespace === namespace);
    const [key] = Object.keys(cm.data);
    const config = key.endsWith(".json") ? JSON.parse(cm.data[key]) : parse(cm.data[key]);
    edit(config);
    cm.data[key] = key.endsWith(".json") ? JSON.stringify(config) : stringify(config);
}

export const listener = (config: any, name: string) => config.static_resources.listeners.find((l: any) => l.name === name);
export const hcmOf = (config: any, name: string) => listener(config, name).filter_chains[0].filters[0].typed_config;
export const clusterOf = (config: any, name: string) => config.static_resources.clusters.find((c: any) => c.name === name);
