// Pulumi's component provider for this package, as `pulumi package add` runs it: it infers the
// schema from the sources (a few seconds of TypeScript analysis), so every test shares one.
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { AgentService, EnvoyApp } from "../../sdk";

/** The repository (compiled tests live in bin/tests/support). */
export const REPO_DIR = path.resolve(__dirname, "../../..");

let provider: Promise<ComponentProvider> | undefined;

export function schemaProvider(): Promise<ComponentProvider> {
    provider ??= (async () => {
        const p = new ComponentProvider({ components: [EnvoyApp, AgentService], dirname: REPO_DIR, name: "sigsci-envoy" });
        await p.getSchema();
        return p;
    })();
    return provider;
}

/** The inferred schema, parsed. */
export async function inferredSchema(): Promise<any> {
    return JSON.parse(await (await schemaProvider()).getSchema());
}
