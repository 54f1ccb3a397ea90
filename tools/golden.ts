// Golden files: what the components emit for each scenario (tools/scenarios.ts) and what each
// committed stack renders, written under tests/golden/ so that a change to the manifests or the
// Envoy config shows up as a reviewable diff. `npm run golden` rewrites them; a test fails while
// they differ from what the code emits.
//
//   tests/golden/<scenario>/manifests.yaml      every object, Secret values redacted
//   tests/golden/<scenario>/envoy/<app>.json     each app's Envoy bootstrap, as Envoy reads it
//   tests/golden/stack-<stack>/manifests.yaml    `npm run render -- --stack <stack>` standard output
//   tests/golden/stack-<stack>/summary.txt       and its standard error
import * as fs from "fs";
import * as path from "path";
import { REPO } from "./paths";
import { autoName } from "../sdk/render/evaluate";
import { manifestStream, redactSecretData, sortObjects } from "../sdk/render/manifests";
import { renderStack, stackNames } from "./render";
import { LAYOUT_SCENARIOS, SCENARIOS, specObjects } from "./scenarios";

export const GOLDEN_DIR = path.join(REPO, "tests/golden");

/** Each golden file's path (relative to GOLDEN_DIR) and content, as the code emits them now. */
export async function goldenFiles(): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const [name, spec] of Object.entries({ ...SCENARIOS, ...LAYOUT_SCENARIOS })) {
        // Provider-named objects get a hash of their content, as the render names them: a change shows in the name too.
        const objects = sortObjects(redactSecretData(specObjects(spec, (resourceName, object) => autoName(resourceName, object))));
        files.set(`${name}/manifests.yaml`, manifestStream(objects));
        for (const cm of objects.filter((o) => o.kind === "ConfigMap")) {
            const app = cm.metadata.labels["app.kubernetes.io/instance"];
            for (const [key, text] of Object.entries(cm.data as Record<string, string>)) files.set(`${name}/envoy/${app}.${key.split(".").pop()}`, text);
        }
    }
    for (const stack of stackNames()) {
        const r = await renderStack(stack);
        files.set(`stack-${stack}/manifests.yaml`, r.yaml);
        files.set(`stack-${stack}/summary.txt`, `${r.summary.join("\n")}\n`);
    }
    return files;
}

/** The golden files committed now. */
export function committedGoldenFiles(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string) => {
        if (!fs.existsSync(dir)) return;
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) walk(p);
            else files.set(path.relative(GOLDEN_DIR, p).split(path.sep).join("/"), fs.readFileSync(p, "utf8"));
        }
    };
    walk(GOLDEN_DIR);
    return files;
}
