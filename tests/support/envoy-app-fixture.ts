// Runs an EnvoyApp under the mock runtime and hands tests its objects, decoded.
import { parse } from "yaml";
import { EnvoyApp, EnvoyAppArgs } from "../../sdk";
import { kubernetesObjects, Run, runProgram, valueOf } from "./pulumi-mocks";

/** Fastly's guide example: helloworld on localhost:8080, agent on localhost:9999, response data expected. */
export const ACCESS_KEY_ID = "12345678-abcd-1234-abcd-1234567890ab";
export const SECRET_ACCESS_KEY = "abcdefg_hijklmn_opqrstuvwxy_z0123456789ABCD";

export function guideArgs(overrides: Partial<EnvoyAppArgs> = {}): EnvoyAppArgs {
    return {
        app: { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] },
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
        ...overrides,
    };
}

export interface AppRun {
    run: Run<EnvoyApp>;
    objects: any[];
    byKind(kind: string): any;
    envoyConfig: any;
    envoyYaml: string;
    containers: Record<string, any>;
    outputs: Record<string, string | undefined>;
}

export async function runEnvoyApp(args: EnvoyAppArgs, name = "helloworld"): Promise<AppRun> {
    const run = await runProgram(() => new EnvoyApp(name, args));
    const objects = kubernetesObjects(run);
    /** The app's own object of `kind` (not those of an agent Service it creates). */
    const byKind = (kind: string) => {
        const found = objects.filter((o) => o.kind === kind && o.metadata.labels?.["app.kubernetes.io/instance"] === name);
        if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
        return found[0];
    };
    const envoyYaml = byKind("ConfigMap").data["envoy.yaml"];
    const deployment = byKind("Deployment");
    const containers = Object.fromEntries(deployment.spec.template.spec.containers.map((c: any) => [c.name, c]));
    const app = run.result;
    const outputs: Record<string, string | undefined> = {};
    for (const key of ["agentGrpcEndpoint", "namespace", "secretName", "configMapName", "deploymentName", "serviceName", "frontUrl"] as const) {
        outputs[key] = await valueOf(app[key]);
    }
    return { run, objects, byKind, envoyConfig: parse(envoyYaml), envoyYaml, containers, outputs };
}

/** The HTTP filters of the front listener. */
export function frontFilters(config: any): any[] {
    const front = config.static_resources.listeners.find((l: any) => l.name === "front");
    return front.filter_chains[0].filters[0].typed_config.http_filters;
}

export function frontManager(config: any): any {
    return config.static_resources.listeners.find((l: any) => l.name === "front").filter_chains[0].filters[0].typed_config;
}

export function cluster(config: any, name: string): any {
    return config.static_resources.clusters.find((c: any) => c.name === name);
}
