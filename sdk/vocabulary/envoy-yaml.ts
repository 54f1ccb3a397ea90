// An Envoy bootstrap in YAML, read the way Envoy reads it (envoyproxy/envoy:
// source/common/protobuf/yaml_utility.cc, parseYamlNode, over yaml-cpp), not the way YAML 1.2
// core does. The two disagree on plain scalars, and a verifier that reads `disabled: on` as the
// text "on" while Envoy reads `true` would call a disabled WAF filter enabled:
//   - a plain scalar that is `~`, `null`, `Null`, `NULL` or empty is null;
//   - a scalar quoted, in a block (`|`, `>`), or tagged `!` is text;
//   - any other scalar (plain, or with a tag other than `!`, which Envoy ignores) is a boolean
//     when yaml-cpp's convert<bool> takes it (y, yes, true, on; n, no, false, off; in lower case,
//     upper case or capitalised), else an integer when a C++ stream with no fixed base takes it
//     (`0x1F` is hexadecimal, `0100` octal: 64), else a double when a stream takes it (or
//     `.inf`, `.nan`), else text;
//   - a mapping key is its text as written (`on:` is the key "on"), a key tagged `!ignore` is
//     dropped with its value, and of a key given twice the last value is kept;
//   - aliases are the node their anchor last named; `<<` is an ordinary key (no merge);
//   - tags as written only: a %TAG directive, a verbatim tag (`!<...>`) or a named handle
//     (`!e!x`), which yaml-cpp resolves its own way, are refused.
import { eventsToAst, FAILSAFE_SCHEMA, Node, parseEvents, SCALAR_STYLE, YAMLException } from "js-yaml";

const NULLS = ["~", "null", "Null", "NULL", ""];
const BOOLS: Record<string, boolean> = { y: true, yes: true, true: true, on: true, n: false, no: false, false: false, off: false };
const INFINITIES: Record<string, number> = { ".inf": Infinity, "+.inf": Infinity, "-.inf": -Infinity };

/** yaml-cpp's IsFlexibleCase: all lower case, all upper case, or capitalised. */
const flexibleCase = (s: string) => s === s.toLowerCase() || s === s.toUpperCase() || (s[0] === s[0].toUpperCase() && s.slice(1) === s.slice(1).toLowerCase());

/** `std::stringstream >> int64_t` with the base left to the text (sign, then 0x.. hex, 0.. octal, or decimal), the whole text consumed. */
function streamInteger(s: string): number | undefined {
    const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
    if (!m) return undefined;
    const digits = m[2];
    const value = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits.startsWith("0") ? parseInt(digits, 8) : Number(digits);
    // Beyond int64 the stream fails, and the text is tried as a double.
    if (value >= 2 ** 63) return undefined;
    return m[1] === "-" ? -value : value;
}

/** `std::stringstream >> double` (decimal forms only), then yaml-cpp's own infinities and NaNs. */
function streamDouble(s: string): number | undefined {
    if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return Number(s);
    const lower = s.toLowerCase();
    if (flexibleCase(s.replace(/^[+-]?\./, "")) && lower in INFINITIES) return INFINITIES[lower];
    if ([".nan", ".NaN", ".NAN"].includes(s)) return NaN;
    return undefined;
}

/** A scalar's value as Envoy's parseYamlNode makes it. */
export function envoyScalar(text: string, opts: { plain: boolean; tag?: string }): unknown {
    if (opts.tag === "!" || (opts.tag === undefined && !opts.plain)) return text;
    if (opts.plain && opts.tag === undefined && NULLS.includes(text)) return null;
    if (flexibleCase(text) && text.toLowerCase() in BOOLS) return BOOLS[text.toLowerCase()];
    return streamInteger(text) ?? streamDouble(text) ?? text;
}

const IGNORE_TAG = "!ignore";

/** A tag yaml-cpp reads as written: `!`, `!!name`, `!name`. Verbatim tags and named handles it resolves its own way. */
function checkTag(node: { tagged: boolean; tag: string }): void {
    if (node.tagged && (node.tag.startsWith("!<") || /^![^!]+!/.test(node.tag)))
        throw new YAMLException(`the tag ${node.tag}: a verbatim tag or a named handle, which Envoy's YAML reader resolves its own way`);
}

function toValue(node: Node, anchors: Map<string, unknown>): unknown {
    let value: unknown;
    if (node.kind !== "alias") checkTag(node);
    switch (node.kind) {
        case "alias":
            if (!anchors.has(node.anchor)) throw new YAMLException(`unknown anchor *${node.anchor}`);
            return anchors.get(node.anchor);
        case "scalar":
            value = envoyScalar(node.value, { plain: node.style === SCALAR_STYLE.PLAIN, tag: node.tagged ? node.tag : undefined });
            break;
        case "sequence":
            value = node.items.map((item) => toValue(item, anchors));
            break;
        case "mapping": {
            const out: Record<string, unknown> = {};
            for (const { key, value: v } of node.items) {
                if (key.kind !== "scalar") throw new YAMLException("a mapping key that is not a scalar: Envoy reads every key as text");
                checkTag(key);
                const converted = toValue(v, anchors);
                if (key.tagged && key.tag === IGNORE_TAG) continue;
                // Own properties only, whatever the key (`__proto__` included), the last of a key given twice kept.
                Object.defineProperty(out, key.value, { value: converted, enumerable: true, writable: true, configurable: true });
            }
            value = out;
            break;
        }
    }
    if (node.anchor !== undefined) anchors.set(node.anchor, value);
    return value;
}

/**
 * A JSON bootstrap: Envoy's protobuf JSON parser merges a key given twice (lists appended,
 * messages merged) where JSON.parse keeps the last, so one given twice is refused.
 */
export function loadEnvoyJson(text: string): unknown {
    const value = JSON.parse(text);
    const duplicate = duplicateKey(eventsToAst(parseEvents(text, {}), { source: text, schema: FAILSAFE_SCHEMA })[0]?.contents ?? null);
    if (duplicate !== undefined) throw new YAMLException(`the key ${JSON.stringify(duplicate)} given twice in one object: Envoy merges the two, which the model does not follow`);
    return value;
}

function duplicateKey(node: Node | null): string | undefined {
    if (node === null || node.kind === "alias" || node.kind === "scalar") return undefined;
    if (node.kind === "sequence") return node.items.map(duplicateKey).find((d) => d !== undefined);
    const seen = new Set<string>();
    for (const { key, value } of node.items) {
        if (key.kind === "scalar") {
            if (seen.has(key.value)) return key.value;
            seen.add(key.value);
        }
        const inner = duplicateKey(value);
        if (inner !== undefined) return inner;
    }
    return undefined;
}

/** The first document of `text` as Envoy reads a YAML bootstrap; null when it holds none. Syntax errors throw a YAMLException. */
export function loadEnvoyYaml(text: string): unknown {
    const docs = eventsToAst(parseEvents(text, {}), { source: text, schema: FAILSAFE_SCHEMA });
    if (docs[0]?.directives.some((d) => d.kind === "tag")) throw new YAMLException("a %TAG directive, whose tags Envoy's YAML reader resolves its own way");
    const contents = docs[0]?.contents;
    return contents ? toValue(contents, new Map()) : null;
}
