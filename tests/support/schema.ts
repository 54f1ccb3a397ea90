// Pulumi's component provider for this package, as `pulumi package add` runs it - but with the
// committed schema (docs/schema.json) instead of inferring it from the sources, which takes
// seconds of TypeScript analysis. `npm run test:package` holds the committed schema to the
// analyzer's, so what the provider does here is what it does for a Python or YAML program.
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { AgentService, EnvoyApp } from "../../sdk";
import { committedSchema, schemaText } from "../../tools/docs/reference";
import { REPO } from "../../tools/paths";

class CommittedSchemaProvider extends ComponentProvider {
    async getSchema(): Promise<string> {
        const schema = committedSchema();
        // What the analyzer hands construct: each component's outputs (it reads only their names).
        const definitions = Object.fromEntries(Object.entries(schema.resources as Record<string, any>).map(([token, r]) => [token.split(":")[2], { outputs: r.properties ?? {} }]));
        Object.assign(this, { cachedSchema: schemaText(schema), componentDefinitions: definitions });
        return schemaText(schema);
    }
}

let provider: Promise<ComponentProvider> | undefined;

export function schemaProvider(): Promise<ComponentProvider> {
    provider ??= (async () => {
        const p = new CommittedSchemaProvider({ components: [EnvoyApp, AgentService], dirname: REPO, name: "sigsci-envoy" });
        await p.getSchema();
        return p;
    })();
    return provider;
}
