// Every default is said once, in sdk/settings/defaults.ts: the `@default` tag of each input in
// sdk/args.ts (what editors show) must quote INPUT_DEFAULTS exactly, and no tag may lack a
// default behind it or the other way round.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { defaultText, INPUT_DEFAULTS } from "../sdk/settings/defaults";
import { REPO } from "../tools/paths";

/** `Interface.property` to the text of its `@default` tag, for every property of args.ts that has one. */
function defaultTags(): Record<string, string> {
    const file = path.join(REPO, "sdk/args.ts");
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const tags: Record<string, string> = {};
    for (const statement of source.statements) {
        if (!ts.isInterfaceDeclaration(statement)) continue;
        for (const member of statement.members) {
            if (!ts.isPropertySignature(member)) continue;
            for (const tag of ts.getJSDocTags(member)) {
                if (tag.tagName.text !== "default") continue;
                const text = ts.getTextOfJSDocComment(tag.comment) ?? "";
                tags[`${statement.name.text}.${member.name.getText(source)}`] = text.replace(/\s+/g, " ").trim();
            }
        }
    }
    return tags;
}

describe("defaults", () => {
    const tags = defaultTags();

    it("args.ts tags every input that has a default, with the value of settings/defaults.ts", () => {
        const expected = Object.fromEntries(Object.entries(INPUT_DEFAULTS).map(([k, v]) => [k, defaultText(v)]));
        assert.deepStrictEqual(tags, expected);
    });

    it("finds the tags it checks (the parser reads args.ts)", () => {
        assert.strictEqual(Object.keys(tags).length, Object.keys(INPUT_DEFAULTS).length);
        assert.ok(Object.keys(tags).length >= 40, String(Object.keys(tags).length));
        assert.strictEqual(tags["EnvoyAppArgs.port"], "8000");
        assert.strictEqual(tags["AgentContainer.image"], '"signalsciences/sigsci-agent:latest"');
    });
});
