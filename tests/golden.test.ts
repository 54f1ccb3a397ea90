// The golden files (tests/golden/, tools/golden.ts): what the code emits for every scenario and
// stack, byte for byte. A change to the manifests or the Envoy config fails here until
// `npm run golden` rewrites them, so it is reviewed as a diff; the other tests say whether the
// new output is right.
import * as assert from "assert";
import { committedGoldenFiles, goldenFiles } from "../tools/golden";
import { LAYOUT_SCENARIOS, SCENARIOS } from "../tools/scenarios";
import { stackNames } from "../tools/render";

describe("golden files (npm run golden rewrites them)", () => {
    let now: Map<string, string>;
    const committed = committedGoldenFiles();
    before(async () => {
        now = await goldenFiles();
    });

    it("cover every scenario and every stack, and nothing else", () => {
        const dirs = (files: Iterable<string>) => [...new Set([...files].map((f) => f.split("/")[0]))].sort();
        assert.deepStrictEqual(dirs(now.keys()), [...Object.keys(SCENARIOS), ...Object.keys(LAYOUT_SCENARIOS), ...stackNames().map((s) => `stack-${s}`)].sort());
        assert.deepStrictEqual([...committed.keys()].sort(), [...now.keys()].sort());
    });

    for (const file of [...committed.keys()].sort()) {
        it(file, () => assert.strictEqual(now.get(file), committed.get(file), `${file} changed: review the diff of npm run golden`));
    }
});
