// Kubernetes objects from the manifest streams users have: multi-document YAML (kubectl apply
// -f, Helm's output with its `# Source:` comments and empty documents), JSON, `kind: List`
// (kubectl get -o yaml) and directories of such files (not recursive, as kubectl apply -f DIR).
// Scalars are read as kubectl reads them (YAML 1.1, through go-yaml: `on` is true, `0777` is 511).
import * as fs from "fs";
import * as path from "path";
import { loadAll } from "js-yaml";
import { KubeObject } from "../traffic";
import { LAST_KEY_WINS, TYPED } from "../render/stack-file";

/** A manifest that is not a stream of Kubernetes objects: the command names it and exits 2. */
export class ManifestError extends Error {}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** The files a source names: the file, or a directory's manifest files in name order. */
export function manifestFiles(source: string): string[] {
    if (!fs.existsSync(source)) throw new ManifestError(`${source}: no such file or directory`);
    if (!fs.statSync(source).isDirectory()) return [source];
    return fs
        .readdirSync(source)
        .filter((f) => MANIFEST_FILE.test(f))
        .sort()
        .map((f) => path.join(source, f));
}

/** The objects of one stream; `name` says where it came from in messages. */
export function objectsOfStream(text: string, name: string): KubeObject[] {
    let docs: unknown[];
    try {
        docs = loadAll(text, { schema: TYPED, ...LAST_KEY_WINS });
    } catch (e) {
        throw new ManifestError(`${name}: not YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    const out: KubeObject[] = [];
    docs.forEach((doc, i) => {
        const where = docs.length > 1 ? `${name} document ${i + 1}` : name;
        // Helm leaves empty documents where a template renders nothing.
        if (doc === null || doc === undefined) return;
        out.push(...objectsOf(doc, where));
    });
    return out;
}

/** An object, or the items of a list (`kind: List`, `DeploymentList`, ...). */
function objectsOf(doc: unknown, where: string): KubeObject[] {
    if (typeof doc !== "object" || Array.isArray(doc) || doc === null) throw new ManifestError(`${where}: not a Kubernetes object (a ${Array.isArray(doc) ? "list" : typeof doc})`);
    const o = doc as KubeObject;
    if (typeof o.kind !== "string" || typeof o.apiVersion !== "string") throw new ManifestError(`${where}: not a Kubernetes object (no ${typeof o.kind !== "string" ? "kind" : "apiVersion"})`);
    if (/List$/.test(o.kind) && Array.isArray((o as any).items)) return (o as any).items.flatMap((item: unknown, k: number) => (item === null ? [] : objectsOf(item, `${where} items[${k}]`)));
    return [o];
}
