// The package as other Pulumi languages see it: the schema Pulumi's multi-language analyzer
// infers from the sources (what `pulumi package add` runs) must be the committed
// docs/schema.json, which the fast suite's construct tests and docs/reference.md are built on.
// Slow (seconds of TypeScript analysis): run by `npm run test:package`, and by CI.
import * as assert from "assert";
import * as fs from "fs";
import { inferSchema, SCHEMA_FILE, schemaText } from "../../tools/docs/reference";

describe("the multi-language schema", () => {
    it("is the committed docs/schema.json (run `npm run docs` after changing the args or outputs)", async () => {
        assert.strictEqual(schemaText(await inferSchema()), fs.readFileSync(SCHEMA_FILE, "utf8"));
    });
});
