// What a release must agree on before it is tagged: one version in package.json, the lock
// file, the policy pack, the schema and the CHANGELOG, and every install line of the README,
// the docs and the examples citing that version's tag at the repository package.json names.
// Pure over the files' texts, so a test holds main to it and `npm run release` tags with it.
import * as fs from "fs";
import * as path from "path";

/** The files a release reads, by path from the repository root. */
export type Files = (file: string) => string | undefined;

export const repoFiles =
    (repo: string): Files =>
    (file) => {
        const p = path.join(repo, file);
        return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
    };

/** `github.com/org/name` from package.json's `repository` (`git+https://github.com/org/name.git`). */
export function repositoryPath(pkg: { repository?: string | { url?: string } }): string {
    const url = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const m = /^(?:git\+)?https:\/\/([^/]+\/[^/]+\/[^/]+?)(?:\.git)?$/.exec(url ?? "");
    if (!m) throw new Error(`package.json: repository.url ${JSON.stringify(url)} is not an https URL of a git repository`);
    return m[1];
}

/** Files whose install lines cite the release: the README, the docs and the examples' project files. */
export function citingFiles(files: Files, list: (dir: string) => string[]): string[] {
    return [
        "README.md",
        ...list("docs").filter((f) => f.endsWith(".md") && f !== "docs/reference.md"),
        ...list("examples").flatMap((d) => list(d).filter((f) => /\/(Pulumi\.yaml|README\.md)$/.test(f))),
    ].filter((f) => files(f) !== undefined);
}

/** The version a CHANGELOG's newest release section names, and whether unreleased changes sit above it. */
export function changelogHead(changelog: string): { version?: string; date?: string; unreleased: boolean } {
    const sections = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d\d-\d\d))?$/gm)];
    const unreleased = sections[0]?.[1] === "Unreleased";
    const released = sections.find((s) => s[1] !== "Unreleased");
    return { version: released?.[1], date: released?.[2], unreleased };
}

/**
 * What disagrees, as messages (none: consistent). `forTag`: also what a tag needs - the
 * CHANGELOG's newest section is this version, dated, with nothing unreleased above it.
 */
export function releaseProblems(files: Files, list: (dir: string) => string[], forTag: boolean): string[] {
    const problems: string[] = [];
    const pkg = JSON.parse(files("package.json")!);
    const version: string = pkg.version;
    const repo = repositoryPath(pkg);
    const lock = JSON.parse(files("package-lock.json")!);
    if (lock.version !== version || lock.packages?.[""]?.version !== version)
        problems.push(`package-lock.json: version ${lock.version} / ${lock.packages?.[""]?.version}, package.json says ${version} (npm install --package-lock-only)`);
    const policy = JSON.parse(files("policy/package.json")!);
    if (policy.version !== version) problems.push(`policy/package.json: version ${policy.version}, package.json says ${version}`);
    const schema = JSON.parse(files("docs/schema.json")!);
    if (schema.version !== version) problems.push(`docs/schema.json: version ${schema.version}, package.json says ${version} (npm run docs)`);
    const head = changelogHead(files("CHANGELOG.md")!);
    if (forTag) {
        if (head.unreleased) problems.push("CHANGELOG.md: an [Unreleased] section above the release: date it as the release, or empty it");
        if (head.version !== version || !head.date)
            problems.push(`CHANGELOG.md: the newest section is [${head.version}]${head.date ? ` - ${head.date}` : " (no date)"}, the release is ${version} (## [${version}] - YYYY-MM-DD)`);
    } else if (head.version !== version && !(head.unreleased && head.version !== undefined)) problems.push(`CHANGELOG.md: no section for ${version}`);
    // Every citation of the package's source: at this repository, at this version's tag.
    for (const file of citingFiles(files, list)) {
        const text = files(file)!;
        for (const m of text.matchAll(/(?:github\.com|git\+https:\/\/github\.com)\/[\w.-]+\/sigsci-envoy(?:\.git)?(?:@|#|\/blob\/|\/tree\/)v?(\d+\.\d+\.\d+)/g)) {
            if (!m[0].includes(repo)) problems.push(`${file}: ${m[0]} is not the repository package.json names (${repo})`);
            if (m[1] !== version) problems.push(`${file}: ${m[0]} cites ${m[1]}, the release is ${version}`);
        }
        for (const m of text.matchAll(/<your-git-host>|sigsci-envoy-\d+\.\d+\.\d+\.tgz/g)) {
            if (m[0].startsWith("<")) problems.push(`${file}: a placeholder (${m[0]}) where the repository belongs (${repo})`);
            else if (m[0] !== `sigsci-envoy-${version}.tgz`) problems.push(`${file}: ${m[0]}, the release packs sigsci-envoy-${version}.tgz`);
        }
    }
    return problems;
}

/** The CHANGELOG section of `version`: the annotated tag's message. */
export function releaseNotes(changelog: string, version: string): string {
    const start = changelog.indexOf(`## [${version}]`);
    if (start < 0) return `sigsci-envoy ${version}`;
    const end = changelog.indexOf("\n## [", start + 1);
    return `sigsci-envoy ${version}\n\n${changelog.slice(changelog.indexOf("\n", start) + 1, end < 0 ? undefined : end).trim()}\n`;
}
