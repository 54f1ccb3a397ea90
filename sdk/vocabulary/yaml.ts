// One YAML document as Envoy (yaml-cpp) and the Pulumi CLI (yaml.v2) read a file: an empty or
// comment-only text is null, not an error (js-yaml 5's `load` refuses it).
import { loadAll, LoadOptions } from "js-yaml";

export function loadDocument(text: string, options: LoadOptions): unknown {
    return loadAll(text, options)[0] ?? null;
}
