// `npm run docs`: re-infers the components' schema (docs/schema.json), regenerates
// docs/reference.md from it and the README's defaults table. Review the diffs like code.
import * as fs from "fs";
import * as path from "path";
import { withDefaultsTable } from "../tools/docs/defaults";
import { inferSchema, REFERENCE_FILE, referenceMarkdown, SCHEMA_FILE, schemaText } from "../tools/docs/reference";
import { REPO } from "../tools/paths";

async function main() {
    const schema = await inferSchema();
    fs.writeFileSync(SCHEMA_FILE, schemaText(schema));
    fs.writeFileSync(REFERENCE_FILE, referenceMarkdown(schema));
    const readme = path.join(REPO, "README.md");
    fs.writeFileSync(readme, withDefaultsTable(fs.readFileSync(readme, "utf8")));
}

main().catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
});
