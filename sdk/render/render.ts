// Offline render: evaluates a Pulumi program with one stack's configuration in-process, under
// Pulumi's mock runtime (no CLI, no cluster, no network), and gives every Kubernetes object to
// apply as YAML, with a summary of what was rendered, the traffic verifier's verdict, and what
// the user must still do. No secret is ever given: Secrets are left out (with how to create
// them), an encrypted config value is a placeholder, and an object that would hold one is
// refused rather than written wrong.
import * as pulumi from "@pulumi/pulumi";
import { analyzeTraffic, TrafficReport } from "../traffic";
import { ACKNOWLEDGED_FINDINGS_ANNOTATION, SECRET_SHOWN } from "../vocabulary/package";
import { AGENT_SECRET_KEYS } from "../vocabulary/agent";
import { evaluate } from "./evaluate";
import { manifestStream, REDACTED, redactedObjects, sortObjects } from "./manifests";
import { programEntry, Project, projectRequire, registerTypeScript } from "./project";
import { readStack, StackConfig } from "./stack-file";
import { trafficVerdict } from "./verdict";

export { trafficVerdict };

export interface Rendered {
    /** Every object the program creates, Secrets with placeholders included: what the checks judge. */
    objects: any[];
    /** What to apply: every object but the Secrets, whose values the render never prints. */
    applyObjects: any[];
    /** The multi-document YAML stream of {@link applyObjects}, for `kubectl apply -f -`. */
    yaml: string;
    /** The verifier's report on {@link objects}. */
    traffic: TrafficReport;
    /** Lines for standard error: what was rendered, and what the user must still do. */
    summary: string[];
}

export interface RenderOptions {
    stack: string;
    /** The module to run (default: the project's program, TypeScript compiled on the fly). */
    entry?: string;
    /**
     * Keys (`project:key`) the program requires but the stack leaves unset, given placeholders
     * as secrets: a stack whose agent keys are set per developer still renders.
     */
    placeholderKeys?: string[] | ((stack: StackConfig) => string[]);
    /** Keys (`project:key`) that belong in secrets: a stack that sets one in plain text gets a warning. */
    sensitiveKeys?: string[] | ((stack: StackConfig) => string[]);
}

/** The stack's config as the program reads it offline: placeholders for what cannot be read, and notes on them. */
interface OfflineConfig {
    stack: StackConfig;
    config: Record<string, string>;
    /** The keys the program is told are secret. */
    secretKeys: string[];
    notes: string[];
}

function offlineConfig(project: Project, options: RenderOptions): OfflineConfig {
    const s = readStack(project, options.stack);
    const config = { ...s.config };
    const notes: string[] = [];
    const given = (o: string[] | ((stack: StackConfig) => string[]) | undefined) => (typeof o === "function" ? o(s) : (o ?? []));
    for (const key of given(options.sensitiveKeys)) {
        if (key in config && !s.encrypted.includes(key)) notes.push(`warning: "${key}" is in plain text in the stack file: move it to a secret with pulumi config set --secret`);
    }
    // An encrypted value cannot be decrypted offline: the program gets a placeholder, as a secret.
    for (const key of s.encrypted) {
        config[key] = REDACTED;
        notes.push(`note: "${key}" is encrypted (it cannot be decrypted offline): the program read ${REDACTED} in its place`);
    }
    const placeholders = given(options.placeholderKeys).filter((key) => !(key in config));
    for (const key of placeholders) {
        config[key] = REDACTED;
        notes.push(`note: "${key}" is not set; the render used ${REDACTED} in its place (set it with pulumi config set --secret before pulumi up)`);
    }
    return { stack: s, config, secretKeys: [...s.encrypted, ...placeholders], notes };
}

/** Renders stack `options.stack` of `project`. */
export async function renderProgram(project: Project, options: RenderOptions): Promise<Rendered> {
    if (project.runtime !== "nodejs") throw new Error(`${project.file}: runtime ${project.runtime || "(none)"}: the offline render runs Node.js programs (TypeScript or JavaScript) only`);
    const offline = offlineConfig(project, options);
    const entry = options.entry ?? programEntry(project);
    const typescript = /\.tsx?$/.test(entry) ? registerTypeScript(project) : undefined;
    try {
        return await renderEntry(project, options, offline, entry);
    } finally {
        typescript?.();
    }
}

/** Runs the program's entry under the mocks, and describes what it registered. */
async function renderEntry(project: Project, options: RenderOptions, offline: OfflineConfig, entry: string): Promise<Rendered> {
    const { stack: s, config, notes } = offline;
    const stack = options.stack;
    delete require.cache[require.resolve(entry)];
    // The program registers with the project's own @pulumi/pulumi: the mocks go on that copy.
    const sdk: typeof pulumi = options.entry ? pulumi : projectRequire(project, "@pulumi/pulumi");
    // Objects given no namespace go to the default provider's: `kubernetes:namespace`, else the
    // kubeconfig context's, which the render cannot know (it assumes `default` where it must).
    const providerNamespace: string | undefined = config["kubernetes:namespace"] || undefined;
    const run = () => {
        const exported = require(entry);
        // As the language host: a module that exports a function is that function's program.
        return typeof exported === "function" ? exported() : exported;
    };
    // What pulumi up would stop on, the render stops on too; where the program read a placeholder, it says so.
    const explained = (e: unknown): unknown =>
        s.encrypted.length === 0 || !(e instanceof Error) || ![REDACTED, SECRET_SHOWN].some((mark) => e.message.includes(mark))
            ? e
            : new Error(
                  `${e.message}\n(the program read ${REDACTED} for ${s.encrypted.map((k) => `"${k}"`).join(", ")}: encrypted values cannot be decrypted offline; render a stack that sets ${s.encrypted.length === 1 ? "it" : "them"} in plain text, or deploy with pulumi up)`,
              );
    let evaluation: Awaited<ReturnType<typeof evaluate>>;
    try {
        evaluation = await evaluate(run, { config, secretKeys: offline.secretKeys, project: s.project, stack, nameByContent: true, providerNamespace, pulumi: sdk });
    } catch (e) {
        throw explained(e);
    }
    const { result, resources, warnings, errors } = evaluation;
    if (errors.length > 0) throw explained(errors[0]);
    const exports = (await result) as Record<string, unknown> | undefined;
    const objects = sortObjects(redactedObjects(resources));
    const traffic = analyzeTraffic(objects, { defaultNamespace: providerNamespace ?? "default" });

    // Secret values are never printed: Secrets stay out of the output, the summary says how to make them.
    const secrets = objects.filter((o) => o.kind === "Secret");
    const applyObjects = objects.filter((o) => !secrets.includes(o));
    for (const o of applyObjects) {
        const at = holding(o, REDACTED);
        if (at)
            throw new Error(
                `${o.kind} ${o.metadata?.namespace ?? "(default namespace)"}/${o.metadata?.name} holds a secret value at ${at} (from a secret or encrypted config value), which the render never prints: its manifest would be wrong; deploy this stack with pulumi up`,
            );
    }
    const counts = new Map<string, number>();
    for (const o of applyObjects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
    const summary = [
        `sigsci-envoy render: stack "${stack}", ${applyObjects.length} objects to apply (${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")})${secrets.length > 0 ? `, and ${secrets.length} Secret${secrets.length === 1 ? "" : "s"} to create (below)` : ""}`,
        ...(await outputLines(sdk, exports)),
        trafficVerdict(traffic),
        ...traffic.findings.map(
            (f) =>
                `${acknowledgedBy(objects, f) ? `${f.severity} (acknowledged by envoy.acknowledgeVerifierFindings)` : f.severity}: ${f.object}: ${f.message} [${f.code}]${f.path ? ` at ${f.path}` : ""}`,
        ),
        ...warnings.map((w) => `warning: ${w}`),
        ...notes,
    ];
    // Nothing here creates a Namespace unless the program does: the objects' own must exist before anything applies (default always does).
    const namespaceOf = (o: any): string | undefined => o.metadata.namespace ?? providerNamespace;
    const created = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
    const namespaces = [...new Set(objects.map(namespaceOf).filter((n): n is string => n !== undefined && n !== "default" && !created.has(n)))].sort();
    if (namespaces.length > 0) {
        summary.push(
            `note: the program creates no Namespace ${namespaces.join(", ")}; before applying, create ${namespaces.length === 1 ? "it" : "them"}:`,
            ...namespaces.map((n) => `  kubectl create namespace ${n}`),
        );
    }
    for (const secret of secrets) {
        const ns = namespaceOf(secret);
        summary.push(
            `note: Secret ${refText(secret.metadata.name, ns)} is not in the output (the render never prints a Secret's data); before applying, create it:`,
            createSecret(secret.metadata.name, ns, Object.keys({ ...(secret.data ?? {}), ...(secret.stringData ?? {}) })),
            "  or deploy with pulumi up",
        );
    }
    // Secrets the pods read that the program does not create: they must exist where the pods run.
    for (const ref of referencedSecrets(objects, namespaceOf).values()) {
        if (secrets.some((s) => s.metadata.name === ref.name && namespaceOf(s) === ref.namespace)) continue;
        summary.push(
            `note: Secret ${refText(ref.name, ref.namespace)} is read by the pods (keys ${[...ref.keys].sort().join(", ")}) but not created by the program: it must exist before they start, e.g.:`,
            createSecret(ref.name, ref.namespace, [...ref.keys].sort()),
        );
    }
    return { objects, applyObjects, yaml: manifestStream(applyObjects), traffic, summary };
}

/** `namespace/name`, or the name in the kubeconfig's current namespace. */
const refText = (name: string, namespace: string | undefined) => (namespace === undefined ? `${name} (in the current namespace)` : `${namespace}/${name}`);

/** `kubectl create secret generic` for a Secret of these keys (the agent's keys by what they hold). */
function createSecret(name: string, namespace: string | undefined, keys: string[]): string {
    const hint: Record<string, string> = { [AGENT_SECRET_KEYS.accessKeyId]: "<Agent Access Key>", [AGENT_SECRET_KEYS.secretAccessKey]: "<Agent Secret Key>" };
    const literals = keys.map((k) => ` --from-literal=${k}=${hint[k] ?? `<${k}>`}`).join("");
    return `  kubectl ${namespace === undefined ? "" : `-n ${namespace} `}create secret generic ${name}${literals}`;
}

/** Every Secret a pod template reads through `secretKeyRef`, by namespace and name, with the keys read. */
function referencedSecrets(objects: any[], namespaceOf: (o: any) => string | undefined): Map<string, { name: string; namespace: string | undefined; keys: Set<string> }> {
    const found = new Map<string, { name: string; namespace: string | undefined; keys: Set<string> }>();
    const walk = (v: any, o: any): void => {
        if (Array.isArray(v)) return v.forEach((x) => walk(x, o));
        if (typeof v !== "object" || v === null) return;
        const ref = v.secretKeyRef;
        if (ref && typeof ref.name === "string" && ref.optional !== true) {
            const key = `${namespaceOf(o) ?? ""}/${ref.name}`;
            if (!found.has(key)) found.set(key, { name: ref.name, namespace: namespaceOf(o), keys: new Set() });
            if (typeof ref.key === "string") found.get(key)!.keys.add(ref.key);
        }
        for (const x of Object.values(v)) walk(x, o);
    };
    for (const o of objects) if (o.kind !== "Secret") walk(o.spec, o);
    return found;
}

/** The path of the first leaf equal to `value` in `v`, if any. */
function holding(v: unknown, value: string, at = ""): string | undefined {
    if (v === value) return at || "(the object)";
    if (Array.isArray(v)) return v.map((x, i) => holding(x, value, `${at}[${i}]`)).find((x) => x !== undefined);
    if (typeof v === "object" && v !== null)
        return Object.entries(v)
            .map(([k, x]) => holding(x, value, at ? `${at}.${k}` : k))
            .find((x) => x !== undefined);
    return undefined;
}

/** The stack's outputs, one line each; a secret one is not shown. */
async function outputLines(sdk: typeof pulumi, exports: Record<string, unknown> | undefined): Promise<string[]> {
    if (typeof exports !== "object" || exports === null) return [];
    const lines: string[] = [];
    for (const name of Object.keys(exports)) {
        const exported = exports[name];
        // A resource is shown by what it is (its whole state would be a wall of text); a function is no output.
        if (sdk.Resource.isInstance(exported)) {
            lines.push(`  output ${name}: ${(exported as any).__pulumiType} ${(exported as any).__name}`);
            continue;
        }
        if (typeof exported === "function") continue;
        const o = sdk.output(exported) as any;
        const [value, secret] = await Promise.all([o.promise(), o.isSecret]);
        // Pulumi shows no output whose value is undefined.
        if (value === undefined) continue;
        const text = (v: unknown) =>
            typeof v === "string" ? v : JSON.stringify(v, (_k, x) => (typeof x === "function" ? undefined : sdk.Resource.isInstance(x) ? `${(x as any).__pulumiType} ${(x as any).__name}` : x));
        // A map (one entry per app, say): an entry per line.
        if (!secret && typeof value === "object" && value !== null && !Array.isArray(value)) lines.push(`  output ${name}:`, ...Object.entries(value).map(([k, v]) => `    ${k}: ${text(v)}`));
        else lines.push(`  output ${name}: ${secret ? "[secret]" : text(value)}`);
    }
    return lines;
}

/** Did the app that owns the finding's object acknowledge it (the component's annotation)? */
function acknowledgedBy(objects: any[], f: { code: string; object: string }): boolean {
    const [kind, ref] = f.object.split(" ");
    const o = objects.find((x) => x.kind === kind && `${x.metadata?.namespace ?? "default"}/${x.metadata?.name}` === ref);
    return String(o?.metadata?.annotations?.[ACKNOWLEDGED_FINDINGS_ANNOTATION] ?? "")
        .split(",")
        .includes(f.code);
}
