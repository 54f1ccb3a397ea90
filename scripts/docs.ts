// `npm run docs`: re-infers the components' schema (docs/schema.json), regenerates
// docs/reference.md from it, the defaults table of docs/defaults.md, the policy pack's rules
// in docs/policy-pack.md, Pulumi.yaml's template, and README's Performance summary from
// docs/performance.md (which the bench writes). Review the diffs like code.
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS_FILE, withDefaultsTable } from "../tools/docs/defaults";
import { PACK_RULES_FILE, withPackRules } from "../tools/docs/pack-rules";
import { TEMPLATE_FILE, withTemplate } from "../tools/docs/template";
import { inferSchema, REFERENCE_FILE, referenceMarkdown, SCHEMA_FILE, schemaText } from "../tools/docs/reference";
import { PERFORMANCE_FILE, README_FILE, withPerformanceSummary } from "../tools/docs/performance";
import { REPO } from "../tools/paths";

async function main() {
    const schema = await inferSchema();
    fs.writeFileSync(SCHEMA_FILE, schemaText(schema));
    fs.writeFileSync(REFERENCE_FILE, referenceMarkdown(schema));
    const page = path.join(REPO, DEFAULTS_FILE);
    fs.writeFileSync(page, withDefaultsTable(fs.readFileSync(page, "utf8")));
    const rules = path.join(REPO, PACK_RULES_FILE);
    fs.writeFileSync(rules, withPackRules(fs.readFileSync(rules, "utf8")));
    const project = path.join(REPO, TEMPLATE_FILE);
    fs.writeFileSync(project, withTemplate(fs.readFileSync(project, "utf8")));
    const readme = path.join(REPO, README_FILE);
    fs.writeFileSync(readme, withPerformanceSummary(fs.readFileSync(readme, "utf8"), fs.readFileSync(path.join(REPO, PERFORMANCE_FILE), "utf8")));
}

main().catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
});
