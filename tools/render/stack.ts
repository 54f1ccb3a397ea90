// Reads a Pulumi project's stack file the way `pulumi` would hand it to the program, for
// offline evaluation: namespaced keys, structured values as JSON, encrypted values reported
// (they cannot be decrypted without the CLI and the stack's secrets provider).
import * as fs from "fs";
import * as path from "path";
import { CORE_SCHEMA, load } from "js-yaml";

/** YAML 1.2 core, as Pulumi reads its project and stack files. */
const parse = (text: string): any => load(text, { schema: CORE_SCHEMA });

export interface StackConfig {
    /** The project's name (`name:` of Pulumi.yaml). */
    project: string;
    /** The program's entry (`main:` of Pulumi.yaml), relative to the project directory. */
    main?: string;
    /** `project:key` to the string the program reads. */
    config: Record<string, string>;
    /** Keys whose values are encrypted (`secure:`), as `project:key`. */
    encrypted: string[];
}

/** The stacks of the project in `projectDir`: one `Pulumi.<stack>.yaml` each. */
export function stackNames(projectDir: string): string[] {
    return fs.readdirSync(projectDir).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length)).sort();
}

export function readStack(projectDir: string, stack: string): StackConfig {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = parse(fs.readFileSync(projectFile, "utf8"));
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(stackFile)) {
        throw new Error(`no stack "${stack}": expected one of ${stackNames(projectDir).join(", ")} (a Pulumi.<stack>.yaml beside Pulumi.yaml)`);
    }
    const entries = Object.entries<unknown>(parse(fs.readFileSync(stackFile, "utf8"))?.config ?? {});
    const config: Record<string, string> = {};
    const encrypted: string[] = [];
    for (const [rawKey, value] of entries) {
        const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
        if (typeof value === "object" && value !== null && "secure" in value) encrypted.push(key);
        else config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { project: project.name, main: project.main, config, encrypted };
}
