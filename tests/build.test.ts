// The test build and the script runner: bin/ is rebuilt only when an input changed, so
// `npm run render` does not pay for a compile it does not need.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../tools/paths";
import { scratchDir } from "./support/scratch";

const { build, fingerprint } = require(path.join(REPO, "tools/build.js")) as { build: (force?: boolean) => boolean; fingerprint: (files: string[]) => string };

describe("the build", () => {
    it("does nothing when bin/ is up to date (npm test has just built it)", () => {
        assert.strictEqual(build(), false);
    });

    it("sees a changed, an added and a removed source in its fingerprint", () => {
        const dir = scratchDir("build");
        const a = path.join(dir, "a.ts");
        const b = path.join(dir, "b.ts");
        fs.writeFileSync(a, "export const a = 1;\n");
        const before = fingerprint([a]);
        assert.strictEqual(fingerprint([a]), before, "stable while nothing changes");
        fs.utimesSync(a, new Date(), new Date(Date.now() + 5000));
        const touched = fingerprint([a]);
        assert.notStrictEqual(touched, before, "a newer modification time");
        fs.writeFileSync(b, "export const b = 2;\n");
        const withB = fingerprint([a, b]);
        assert.notStrictEqual(withB, touched, "a new file");
        // The build lists the sources afresh each time: a removed one drops out of the list.
        fs.rmSync(b);
        assert.notStrictEqual(fingerprint([a]), withB, "a removed file");
        assert.strictEqual(fingerprint([a]), touched);
    });
});
