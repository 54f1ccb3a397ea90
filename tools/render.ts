// The offline render of this repository's own program: its compiled entry under bin/ (a
// project copied for a test links bin/ in), and placeholders for the agent keys when a stack
// sets none (they are set per developer with pulumi config set --secret). The command line's
// `sigsci-envoy render` runs any project's program from its source instead.
import * as path from "path";
import { RenderSetup } from "../sdk/cli/render";
import { findProject, stacksOf } from "../sdk/render/project";
import { Rendered, renderProgram } from "../sdk/render/render";
import { StackConfig } from "../sdk/render/stack-file";
import { REPO } from "./paths";

const CREDENTIALS = ["accessKeyId", "secretAccessKey"];

/** The agent keys, when the stack gives neither them nor an existing Secret. */
function credentialPlaceholders(s: StackConfig): string[] {
    const keys = CREDENTIALS.map((k) => `${s.project}:${k}`);
    const set = keys.some((k) => k in s.config || s.encrypted.includes(k)) || `${s.project}:existingSecretName` in s.config;
    return set ? [] : keys;
}

/** How the repository's project in `projectDir` renders. */
export function repoRenderSetup(projectDir = REPO): RenderSetup {
    const project = findProject(projectDir);
    return {
        projectDir,
        entry: path.join(projectDir, "bin", (project.main ?? "index.ts").replace(/\.ts$/, ".js")),
        placeholderKeys: credentialPlaceholders,
        sensitiveKeys: (s) => CREDENTIALS.map((k) => `${s.project}:${k}`),
    };
}

/** The committed stacks of the repository's project. */
export function stackNames(projectDir = REPO): string[] {
    return stacksOf(findProject(projectDir));
}

/** Renders `stack` of the repository's project in `projectDir`. */
export function renderStack(stack: string, projectDir = REPO): Promise<Rendered> {
    const setup = repoRenderSetup(projectDir);
    return renderProgram(findProject(projectDir), { stack, entry: setup.entry, placeholderKeys: setup.placeholderKeys, sensitiveKeys: setup.sensitiveKeys });
}

export type { Rendered } from "../sdk/render/render";
export { trafficVerdict } from "../sdk/render/render";
