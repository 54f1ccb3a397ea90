// docs/reference.md, generated: every input and output of the components (their doc comments,
// through the schema Pulumi's multi-language analyzer infers, and their defaults from
// settings/defaults.ts), the root program's stack keys and every input rule's error. The schema
// is kept in docs/schema.json; `npm run docs` re-infers it and rewrites both, a unit test fails
// when docs/reference.md is out of date, and `npm run test:package` when docs/schema.json is.
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../../program/config";
import { defaultText, INPUT_DEFAULTS } from "../../sdk/settings/defaults";
import { REPO } from "../paths";
import { INPUT_RULES } from "./input-rules";

export const REFERENCE_FILE = path.join(REPO, "docs/reference.md");
export const SCHEMA_FILE = path.join(REPO, "docs/schema.json");

/** The schema as `pulumi package add` infers it from the sources (a few seconds of TypeScript analysis). */
export async function inferSchema(): Promise<any> {
    // Loaded here, not at the top: the analyzer brings the TypeScript compiler with it.
    const { ComponentProvider, getPulumiComponents } = require("@pulumi/pulumi/provider/experimental") as typeof import("@pulumi/pulumi/provider/experimental");
    const sdk = require("../../sdk") as typeof import("../../sdk");
    return JSON.parse(await new ComponentProvider({ components: getPulumiComponents(sdk), dirname: REPO, name: "sigsci-envoy" }).getSchema());
}

/** The committed schema (docs/schema.json). */
export function committedSchema(): any {
    return JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
}

/** The schema as committed: in the analyzer's order (the order of the doc comments), two-space indent, a final newline. */
export function schemaText(schema: any): string {
    return `${JSON.stringify(schema, null, 2)}\n`;
}

type Prop = { type?: string; $ref?: string; items?: Prop; additionalProperties?: Prop; description?: string; enum?: { value: unknown }[] };

function typeName(p: Prop): string {
    if (p.$ref) return p.$ref.split(":").pop()!;
    if (p.type === "array") return `${typeName(p.items!)}[]`;
    if (p.type === "object" && p.additionalProperties) return `map of ${typeName(p.additionalProperties)}`;
    return p.type ?? "any";
}

const cell = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");

/** `owners`: the interfaces whose defaults apply, first match wins (AgentService's inputs extend the settings). */
function table(props: Record<string, Prop>, required: string[], owners: string[]): string {
    // Outputs (no owners) have no defaults.
    const withDefaults = owners.length > 0;
    const rows = Object.entries(props).map(([name, p]) => {
        const owner = owners.find((o) => `${o}.${name}` in INPUT_DEFAULTS);
        const def = owner ? defaultText(INPUT_DEFAULTS[`${owner}.${name}`]) : required.includes(name) ? "(required)" : "";
        const shown = def.startsWith("{") || def.startsWith('"') || /^[\d.]+$|^true$|^false$/.test(def) ? `\`${def}\`` : def;
        return `| \`${name}\` | ${typeName(p)} |${withDefaults ? ` ${cell(shown)} |` : ""} ${cell(p.description ?? "")} |`;
    });
    const header = withDefaults ? ["| name | type | default | description |", "| --- | --- | --- | --- |"] : ["| name | type | description |", "| --- | --- | --- |"];
    return [...header, ...rows].join("\n");
}

const RESOURCE_ARGS: Record<string, string[]> = { EnvoyApp: ["EnvoyAppArgs"], AgentService: ["AgentServiceArgs", "AgentServiceSettings"] };

/** Which interface an input path lands in (for a stack key's default): of EnvoyApp's args, a GatewayWaf's, an IstioApp's. */
const PATH_OWNERS: Record<"envoyApp" | "gateway" | "mesh", [RegExp, string][]> = {
    envoyApp: [
        [/^agentService\.create\.agent\./, "AgentContainer."],
        [/^agentService\.create\.autoscaling\./, "AgentAutoscaling."],
        [/^agentService\.create\./, "AgentServiceSettings."],
        [/^app\./, "AppContainer."],
        [/^envoy\./, "EnvoyProxy."],
        [/^inspection\./, "WafInspection."],
        [/^agent\./, "AgentContainer."],
        [/^/, "EnvoyAppArgs."],
    ],
    gateway: [
        [/^agents\.agent\./, "AgentContainer."],
        [/^agents\.autoscaling\./, "AgentAutoscaling."],
        [/^agents\./, "AgentServiceSettings."],
        [/^inspection\./, "GatewayInspection."],
        [/^proxies\./, "GatewayProxies."],
        [/^/, "GatewayWafArgs."],
    ],
    mesh: [
        [/^app\./, "AppContainer."],
        [/^agent\./, "AgentContainer."],
        [/^inspection\./, "IstioInspection."],
        [/^istio\./, "IstioInjection."],
        [/^service\./, "FrontService."],
        [/^/, "IstioAppArgs."],
    ],
};

function inputDefault(inputPath: string | undefined, of: keyof typeof PATH_OWNERS): string {
    if (!inputPath) return "";
    const [re, owner] = PATH_OWNERS[of].find(([r]) => r.test(inputPath))!;
    const key = `${owner}${inputPath.replace(re, "")}`;
    return key in INPUT_DEFAULTS ? defaultText(INPUT_DEFAULTS[key]) : "";
}

/** A key's default: of the EnvoyApp input it sets, else of the GatewayWaf's or the IstioApp's. */
function keyDefault(k: (typeof CONFIG_KEYS)[number]): string {
    const envoyApp = k.input.sidecar ?? k.input.service;
    if (envoyApp) return inputDefault(envoyApp, "envoyApp");
    return k.input.gateway ? inputDefault(k.input.gateway, "gateway") : inputDefault(k.input.mesh, "mesh");
}

export function configMarkdown(): string {
    const rows = CONFIG_KEYS.map((k) => {
        const def = k.required ? "(required)" : (k.default ?? keyDefault(k));
        const structured = ["list", "map", "object", "objects"].includes(k.kind);
        const example = `pulumi config set ${k.secret ? "--secret " : ""}${k.key} ${structured ? `'${k.example}'` : k.example}`;
        const where = k.scope === "app" ? "per app" : "stack";
        return `| \`${k.key}\` | ${k.kind}${k.secret ? ", secret" : ""} | ${where} | ${cell(def)} | ${cell(k.doc)} | \`${example}\` |`;
    });
    const intro =
        "`per app`: a flat key for the one app, or a key of each `apps` entry (at the top level beside `apps`, every app's default); `stack`: at the top level only. Structured values (`list`, `map`, `object`, `objects`) are JSON with `pulumi config set`, or YAML in the stack file.";
    return [intro, "", "| key | type | where | default | what it sets | example |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** The errors a user can meet, one per input rule, as the tests assert them. */
export function errorsMarkdown(): string {
    const rows = INPUT_RULES.map((b) => `| ${b.rule} | ${b.component} | \`${b.message.replace(/^sigsci-envoy: /, "").replace(/\|/g, "\\|").replace(/`/g, "'")}\` |`);
    return ["| input rule | component | message (after `sigsci-envoy: `) |", "| --- | --- | --- |", ...rows].join("\n");
}

export function referenceMarkdown(schema: any): string {
    const parts = [
        "# sigsci-envoy reference",
        "Generated by `npm run docs` from the doc comments of `sdk/args.ts` and the components (through the schema Pulumi's multi-language analyzer infers, kept in `docs/schema.json`), the defaults of `sdk/settings/defaults.ts`, the root program's stack keys and the input rules the tests assert. Do not edit by hand.",
        "## Components",
    ];
    for (const [token, res] of Object.entries<any>(schema.resources)) {
        const cls = token.split(":").pop()!;
        parts.push(`### \`${cls}\` inputs\n\n${table(res.inputProperties, res.requiredInputs ?? [], RESOURCE_ARGS[cls] ?? [])}`);
        parts.push(`### \`${cls}\` outputs\n\n${table(res.properties, [], [])}`);
    }
    parts.push("## Types");
    for (const [token, t] of Object.entries<any>(schema.types).sort(([a], [b]) => a.localeCompare(b))) {
        const name = token.split(":").pop()!;
        if (t.enum) {
            parts.push(`### \`${name}\`\n\n${t.description ? `${cell(t.description)}\n\n` : ""}One of ${t.enum.map((e: any) => `\`${JSON.stringify(e.value)}\``).join(", ")}.`);
            continue;
        }
        parts.push(`### \`${name}\`\n\n${t.description ? `${cell(t.description)}\n\n` : ""}${table(t.properties, t.required ?? [], [name])}`);
    }
    parts.push("## Stack configuration (the root program)", "Every key is in the `sigsci-envoy` namespace of a stack file.", configMarkdown());
    parts.push("## Errors", "Each refused input gives one message, naming the input, the value given (never a credential's) and what is accepted.", errorsMarkdown());
    return `${parts.join("\n\n")}\n`;
}
