// `npm run docs`: re-infers the components' schema (docs/schema.json) and regenerates
// docs/reference.md from it. Review both diffs like code.
import * as fs from "fs";
import { inferSchema, REFERENCE_FILE, referenceMarkdown, SCHEMA_FILE, schemaText } from "../tools/docs/reference";

async function main() {
    const schema = await inferSchema();
    fs.writeFileSync(SCHEMA_FILE, schemaText(schema));
    fs.writeFileSync(REFERENCE_FILE, referenceMarkdown(schema));
}

main().catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
});
