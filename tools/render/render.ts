// Offline render: evaluates the root program with one stack's configuration in-process,
// under Pulumi's mock runtime (no CLI, no cluster, no network), and gives every Kubernetes
// object to apply as YAML, with a summary of what was rendered and what the user must still do.
// Secret values are never given: the credentials Secrets are left out, with the command that
// creates them. scripts/render.ts is its command.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { analyzeTraffic, TrafficReport, verdictOf } from "../../sdk/traffic";
import { ACKNOWLEDGED_FINDINGS_ANNOTATION } from "../../sdk/kube/plan";
import { REPO } from "../paths";
import { evaluate } from "./evaluate";
import { manifestStream, REDACTED, redactedObjects, sortObjects } from "./manifests";
import { readStack, stackNames as stacksIn } from "./stack";
const CREDENTIAL_KEYS = ["accessKeyId", "secretAccessKey"];

export interface Rendered {
    /** Every object the program creates, the credentials Secret with placeholders included: what the checks judge. */
    objects: any[];
    /** What to apply: every object but the credentials Secrets, whose values the render never holds. */
    applyObjects: any[];
    /** The multi-document YAML stream of {@link applyObjects}, for `kubectl apply -f -`. */
    yaml: string;
    /** Lines for standard error: what was rendered, and what the user must still do. */
    summary: string[];
}

/** The committed stacks of the repository's project. */
export function stackNames(projectDir = REPO): string[] {
    return stacksIn(projectDir);
}

/** Renders `stack` of the project in `projectDir`, whose program is compiled under `bin/`. */
export async function renderStack(stack: string, projectDir = REPO): Promise<Rendered> {
    const s = readStack(projectDir, stack);
    const config = { ...s.config };
    const notes: string[] = [];
    const credentialKeys = CREDENTIAL_KEYS.map((k) => `${s.project}:${k}`);
    for (const key of s.encrypted) {
        if (!credentialKeys.includes(key)) {
            throw new Error(`config "${key}" is encrypted and cannot be decrypted offline: the render accepts encrypted values only for ${CREDENTIAL_KEYS.join(" and ")}. Set it in plain text for this stack, or deploy with pulumi up`);
        }
    }
    const usesExistingSecret = config[`${s.project}:existingSecretName`] !== undefined;
    // The program sees the agent keys as pulumi up would (set, or not): only their values are
    // placeholders, as encrypted ones cannot be read offline and plain ones are never printed.
    // The one exception: a stack that sets no credentials at all (they are set per stack with
    // pulumi config set --secret) renders with placeholders, and says so.
    // A plain-text key is read as pulumi up reads it (an empty one is refused alike); the
    // credentials Secret never reaches the output either way.
    const setKeys = credentialKeys.filter((key) => key in config || s.encrypted.includes(key));
    const placeholders = setKeys.length === 0 && !usesExistingSecret;
    for (const key of placeholders ? credentialKeys : setKeys) {
        if (key in config && !s.encrypted.includes(key)) {
            notes.push(`warning: "${key}" is in plain text in the stack file: move it to a secret with pulumi config set --secret`);
            continue;
        }
        notes.push(`note: "${key}" ${s.encrypted.includes(key) ? "is encrypted (it cannot be decrypted offline)" : "is not set"}; the render checks the credentials Secret with ${REDACTED} placeholders and leaves it out of the output`);
        config[key] = REDACTED;
    }
    const main = path.join(projectDir, "bin", (s.main ?? "index.ts").replace(/\.ts$/, ".js"));
    delete require.cache[require.resolve(main)];
    // The program is told which keys are secret, as pulumi up tells it: their values are never shown.
    const secretKeys = [...s.encrypted, ...(placeholders ? credentialKeys : [])];
    // Objects given no namespace go to the default provider's: `kubernetes:namespace`, else the
    // kubeconfig context's, which the render cannot know (it assumes `default` where it must).
    const providerNamespace: string | undefined = config["kubernetes:namespace"] || undefined;
    const { result, resources, warnings, errors } = await evaluate(() => require(main), { config, secretKeys, project: s.project, stack, nameByContent: true, providerNamespace });
    // What pulumi up would stop on, the render stops on too.
    if (errors.length > 0) throw errors[0];
    const objects = sortObjects(redactedObjects(resources));
    const traffic = analyzeTraffic(objects, { defaultNamespace: providerNamespace ?? "default" });
    const exports = result as Record<string, unknown>;
    const output = async (name: string) => (pulumi.Output.isInstance(exports[name]) ? await (exports[name] as any).promise() : exports[name]);

    // A Secret of placeholders must never reach a cluster: applied, the agents would start with
    // keys that do not exist. So it stays out of the output, and the summary says how to create it.
    const secrets = objects.filter((o) => o.kind === "Secret");
    const applyObjects = objects.filter((o) => !secrets.includes(o));
    const counts = new Map<string, number>();
    for (const o of applyObjects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
    // One app: its endpoint and URL; several: the shared fleet's endpoint (if any), and each app's.
    const apps = (await output("apps")) as Record<string, { frontUrl: string; agentGrpcEndpoint: string }> | undefined;
    const endpoints = apps
        ? [
              ...(exports.agentGrpcEndpoint !== undefined ? [`  shared agent fleet gRPC endpoint: ${await output("agentGrpcEndpoint")}`] : []),
              ...Object.entries(apps).map(([name, a]) => `  app ${name}: front URL ${a.frontUrl}, agent gRPC endpoint ${a.agentGrpcEndpoint}`),
          ]
        : [`  agent gRPC endpoint: ${await output("agentGrpcEndpoint")}`, `  front URL: ${await output("frontUrl")}`];
    const summary = [
        `sigsci-envoy render: stack "${stack}", ${applyObjects.length} objects to apply (${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")})${secrets.length > 0 ? `, and ${secrets.length} credentials Secret${secrets.length === 1 ? "" : "s"} to create (below)` : ""}`,
        ...endpoints,
        trafficVerdict(traffic),
        ...traffic.findings.map((f) => `${acknowledgedBy(objects, f) ? `${f.severity} (acknowledged by envoy.acknowledgeVerifierFindings)` : f.severity}: ${f.object}: ${f.message} [${f.code}]${f.path ? ` at ${f.path}` : ""}`),
        ...warnings.map((w) => `warning: ${w}`),
        ...notes,
    ];
    // The components create no Namespace: the objects' own must exist before anything applies (default always does).
    const namespaceOf = (o: any): string | undefined => o.metadata.namespace ?? providerNamespace;
    const namespaces = [...new Set(objects.map(namespaceOf).filter((n): n is string => n !== undefined && n !== "default"))].sort();
    if (namespaces.length > 0) {
        summary.push(`note: the components create no Namespace; before applying, create ${namespaces.length === 1 ? "it" : "them"}:`, ...namespaces.map((n) => `  kubectl create namespace ${n}`));
    }
    const createSecret = (name: string, namespace: string | undefined) => `  kubectl ${namespace === undefined ? "" : `-n ${namespace} `}create secret generic ${name} --from-literal=accesskeyid=<Agent Access Key> --from-literal=secretaccesskey=<Agent Secret Key>`;
    for (const secret of secrets) {
        summary.push(
            `note: Secret ${namespaceOf(secret) ?? "(the current namespace)"}/${secret.metadata.name} is not in the output (the render never holds the agent keys); before applying, create it:`,
            createSecret(secret.metadata.name, namespaceOf(secret)),
            "  or deploy with pulumi up after pulumi config set --secret accessKeyId/secretAccessKey",
        );
    }
    if (usesExistingSecret) {
        // It must be where the agents read it: the namespaces of the workloads that name it.
        const name = config[`${s.project}:existingSecretName`];
        const readsIt = (v: any): boolean => typeof v === "object" && v !== null && (v.secretKeyRef?.name === name || Object.values(v).some(readsIt));
        const readers = [...new Set(objects.filter((o) => readsIt(o.spec)).map(namespaceOf))].sort();
        const where = readers.map((ns) => (ns === undefined ? "the current namespace" : `namespace ${ns}`));
        summary.push(`note: the credentials Secret "${name}" is yours, not rendered: it must exist${where.length > 0 ? ` in ${where.join(", ")}` : ""} with the keys accesskeyid and secretaccesskey, e.g.:`, ...readers.map((ns) => createSecret(name, ns)));
    }
    return { objects, applyObjects, yaml: manifestStream(applyObjects), summary };
}


const VERDICTS: Record<TrafficReport["verdict"], string> = { inspected: "every request proven inspected", "not-inspected": "some requests pass uninspected", "cannot-verify": "not every path can be verified" };

/** The verifier's verdict in one line: what it proved, and how many findings of each kind. */
export function trafficVerdict(t: TrafficReport): string {
    const proven = `${t.paths.length} inspected listener${t.paths.length === 1 ? "" : "s"} verified`;
    if (t.findings.length === 0) return `  traffic paths: ${proven}, no findings`;
    const unverified = t.findings.filter((f) => verdictOf(f) === "cannot-verify").length;
    return `  traffic paths: ${proven}; ${VERDICTS[t.verdict]}: ${t.findings.length} finding${t.findings.length === 1 ? "" : "s"}${unverified > 0 ? ` (${unverified} cannot verify)` : ""}`;
}

/** Did the app that owns the finding's object acknowledge it (the component's annotation)? */
function acknowledgedBy(objects: any[], f: { code: string; object: string }): boolean {
    const [kind, ref] = f.object.split(" ");
    const o = objects.find((x) => x.kind === kind && `${x.metadata?.namespace ?? "default"}/${x.metadata?.name}` === ref);
    return String(o?.metadata?.annotations?.[ACKNOWLEDGED_FINDINGS_ANNOTATION] ?? "").split(",").includes(f.code);
}
