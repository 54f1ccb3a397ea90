// The committed stacks rendered once per test run, for the tests that only read the result
// (the render's determinism is tested by rendering again, and by the golden files).
import { Rendered, renderStack } from "../../tools/render";

const rendered = new Map<string, Promise<Rendered>>();

export function renderedStack(stack: string): Promise<Rendered> {
    if (!rendered.has(stack)) rendered.set(stack, renderStack(stack));
    return rendered.get(stack)!;
}
