// The YAML reader the verifier and the component read an Envoy bootstrap with: its values must be
// the ones Envoy's parseYamlNode makes of yaml-cpp's nodes (envoyproxy/envoy:
// source/common/protobuf/yaml_utility.cc; yaml-cpp: convert<bool>, the integer and double
// stream conversions, IsNullString), wherever they differ from YAML 1.2 core's.
import * as assert from "assert";
import { YAMLException } from "js-yaml";
import { envoyScalar, loadEnvoyJson, loadEnvoyYaml } from "../sdk/vocabulary/envoy-yaml";

describe("Envoy's YAML, read as Envoy reads it", () => {
    it("reads plain scalars as yaml-cpp converts them: booleans first, then integers (base from the prefix), doubles, text", () => {
        const plain: [string, unknown][] = [
            // convert<bool>: y/yes/true/on and n/no/false/off, lower, upper or capitalised
            ["on", true],
            ["On", true],
            ["ON", true],
            ["yes", true],
            ["Y", true],
            ["true", true],
            ["off", false],
            ["NO", false],
            ["n", false],
            ["oN", "oN"],
            ["tRUE", "tRUE"],
            // integers through a stream with no fixed base
            ["0100", 64],
            ["0x1F", 31],
            ["-0x10", -16],
            ["+010", 8],
            ["0", 0],
            ["8080", 8080],
            // not an octal integer: a double
            ["08", 8],
            ["1e3", 1000],
            ["1.5", 1.5],
            [".5", 0.5],
            [".inf", Infinity],
            ["-.Inf", -Infinity],
            // text: YAML 1.2's 0o and 1.1's underscores are neither
            ["0o17", "0o17"],
            ["1_000", "1_000"],
            ["envoy.filters.http.ext_authz", "envoy.filters.http.ext_authz"],
            // null
            ["~", null],
            ["null", null],
            ["", null],
        ];
        for (const [text, value] of plain) assert.deepStrictEqual(envoyScalar(text, { plain: true }), value, text);
        // Quoted, in a block, or tagged "!": text. Any other tag is ignored.
        assert.strictEqual(envoyScalar("on", { plain: false }), "on");
        assert.strictEqual(envoyScalar("on", { plain: true, tag: "!" }), "on");
        assert.strictEqual(envoyScalar("on", { plain: true, tag: "!!str" }), true);
        assert.strictEqual(envoyScalar("null", { plain: true, tag: "!!str" }), "null");
    });

    it("reads a document: keys as written, !ignore entries dropped, aliases followed, the last of a duplicate key kept", () => {
        const text = ["!ignore ports: &agent 0x270F", "on: yes", "a: *agent", "b: 'off'", "c: |", "  on", "d: 1", "d: 2", "e:", "<<: {f: 1}", "---", "second: 1"].join("\n");
        assert.deepStrictEqual(loadEnvoyYaml(text), { on: true, a: 9999, b: "off", c: "on\n", d: 2, e: null, "<<": { f: 1 } });
        assert.strictEqual(loadEnvoyYaml(""), null);
        assert.strictEqual(loadEnvoyYaml("# only a comment\n"), null);
    });

    it("refuses what Envoy cannot read, as a YAMLException", () => {
        assert.throws(() => loadEnvoyYaml("a: [\n"), YAMLException);
        assert.throws(() => loadEnvoyYaml("? [a]\n: 1\n"), /a mapping key that is not a scalar/);
        assert.throws(() => loadEnvoyYaml("a: *nowhere\n"), YAMLException);
        // Tags yaml-cpp resolves its own way: a %TAG directive, a verbatim tag, a named handle.
        assert.throws(() => loadEnvoyYaml("%TAG ! tag:example.com,2000:\n---\n!ignore a: 1\n"), /a %TAG directive/);
        assert.throws(() => loadEnvoyYaml("a: !<!> on\n"), /the tag !<!>: a verbatim tag or a named handle/);
        assert.throws(() => loadEnvoyYaml("!e!ignore a: 1\n"), YAMLException);
        // JSON: a key given twice at any depth (Envoy's parser merges them).
        assert.deepStrictEqual(loadEnvoyJson('{"a": {"b": 1}, "c": [{"b": 2}]}'), { a: { b: 1 }, c: [{ b: 2 }] });
        assert.throws(() => loadEnvoyJson('{"a": {"b": 1, "b": 2}}'), /the key "b" given twice in one object/);
        assert.throws(() => loadEnvoyJson('{"c": [{"d": 1, "d": 1}]}'), /the key "d" given twice/);
    });
});
