// Offline render: evaluates the root program with one stack's configuration in-process,
// under Pulumi's mock runtime (no CLI, no cluster, no network), and prints every Kubernetes
// object as YAML on standard output (or one file per object with --out DIR). A summary goes
// to standard error. Secret values are never printed.
//
//   npm run -s render -- --stack dev [--out DIR]
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../sdk/render/evaluate";
import { manifestFileName, manifestStream, objectYaml, REDACTED, redactedObjects, sortObjects } from "../sdk/render/manifests";
import { readStack } from "../sdk/render/stack";
import { analyzeTraffic } from "../sdk/traffic";

export const REPO = path.resolve(__dirname, "../..");
const CREDENTIAL_KEYS = ["accessKeyId", "secretAccessKey"];

export interface Rendered {
    objects: any[];
    /** The multi-document YAML stream. */
    yaml: string;
    /** Lines for standard error: what was rendered, and what the user must still do. */
    summary: string[];
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
    const setKeys = credentialKeys.filter((key) => key in config || s.encrypted.includes(key));
    const placeholders = setKeys.length === 0 && !usesExistingSecret;
    for (const key of placeholders ? credentialKeys : setKeys) {
        const why = s.encrypted.includes(key) ? "is encrypted (it cannot be decrypted offline)" : key in config ? "is in plain text in the stack file: move it to a secret with pulumi config set --secret" : "is not set";
        if (key in config && !s.encrypted.includes(key)) notes.push(`warning: "${key}" ${why}`);
        else notes.push(`note: "${key}" ${why}; the credentials Secret is rendered with ${REDACTED} placeholders`);
        config[key] = REDACTED;
    }
    const main = path.join(projectDir, "bin", (s.main ?? "index.ts").replace(/\.ts$/, ".js"));
    delete require.cache[require.resolve(main)];
    const { result, resources, warnings, errors } = await evaluate(() => require(main), { config, project: s.project, stack, nameByContent: true });
    // What pulumi up would stop on, the render stops on too.
    if (errors.length > 0) throw errors[0];
    const objects = sortObjects(redactedObjects(resources));
    const traffic = analyzeTraffic(objects);
    const exports = result as Record<string, unknown>;
    const output = async (name: string) => (pulumi.Output.isInstance(exports[name]) ? await (exports[name] as any).promise() : exports[name]);

    const counts = new Map<string, number>();
    for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
    const summary = [
        `sigsci-envoy render: stack "${stack}", ${objects.length} objects (${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")})`,
        `  agent gRPC endpoint: ${await output("agentGrpcEndpoint")}`,
        `  front URL: ${await output("frontUrl")}`,
        `  traffic paths: ${traffic.paths.length} inspected listener${traffic.paths.length === 1 ? "" : "s"} verified, ${traffic.findings.length === 0 ? "no findings" : `${traffic.findings.length} finding${traffic.findings.length === 1 ? "" : "s"}`}`,
        ...traffic.findings.map((f) => `${f.severity}: ${f.object}: ${f.message} [${f.code}]`),
        ...warnings.map((w) => `warning: ${w}`),
        ...notes,
    ];
    for (const secret of objects.filter((o) => o.kind === "Secret")) {
        summary.push(
            `note: Secret ${secret.metadata.namespace}/${secret.metadata.name} holds placeholders; before applying, create it with the real agent keys:`,
            `  kubectl -n ${secret.metadata.namespace} create secret generic ${secret.metadata.name} --from-literal=accesskeyid=<Agent Access Key> --from-literal=secretaccesskey=<Agent Secret Key>`,
            "  and leave this document out, or deploy with pulumi up after pulumi config set --secret accessKeyId/secretAccessKey",
        );
    }
    if (usesExistingSecret) {
        const name = config[`${s.project}:existingSecretName`];
        summary.push(`note: the credentials Secret "${name}" is not rendered: it must exist with the keys accesskeyid and secretaccesskey`);
    }
    return { objects, yaml: manifestStream(objects), summary };
}

function usage(): never {
    process.stderr.write("usage: npm run -s render -- --stack <name> [--out <dir>]\n");
    process.exit(2);
}

async function main(argv: string[]) {
    let stack: string | undefined;
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack") stack = argv[++i];
        else if (argv[i] === "--out") out = argv[++i];
        else usage();
    }
    if (!stack) usage();
    const rendered = await renderStack(stack);
    if (out) {
        fs.mkdirSync(out, { recursive: true });
        for (const o of rendered.objects) fs.writeFileSync(path.join(out, manifestFileName(o)), objectYaml(o));
        rendered.summary.push(`wrote ${rendered.objects.length} files to ${out}`);
    } else {
        process.stdout.write(rendered.yaml);
    }
    process.stderr.write(rendered.summary.join("\n") + "\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: Error) => {
        process.stderr.write(`${e.message}\n`);
        process.exit(1);
    });
}
