// `npm run golden`: rewrites tests/golden/ from what the code emits now (tools/golden.ts).
// Review the diff like code: it is what changes on a cluster.
import * as fs from "fs";
import * as path from "path";
import { committedGoldenFiles, GOLDEN_DIR, goldenFiles } from "../tools/golden";

async function main() {
    const now = await goldenFiles();
    for (const stale of committedGoldenFiles().keys()) if (!now.has(stale)) fs.rmSync(path.join(GOLDEN_DIR, stale));
    for (const [file, text] of now) {
        fs.mkdirSync(path.dirname(path.join(GOLDEN_DIR, file)), { recursive: true });
        fs.writeFileSync(path.join(GOLDEN_DIR, file), text);
    }
    process.stderr.write(`wrote ${now.size} golden files under ${path.relative(process.cwd(), GOLDEN_DIR) || "."}\n`);
}

main().catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
});
