// Scratch directories for tests: all under one directory of the run, removed when the run ends,
// so the suite leaves nothing behind in the system's temp directory.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

let root: string | undefined;

/** A new empty directory, removed with every other when the test process exits. */
export function scratchDir(prefix: string): string {
    if (root === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sigsci-tests-"));
        root = dir;
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    return fs.mkdtempSync(path.join(root, `${prefix}-`));
}
