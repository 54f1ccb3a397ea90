// `npm run release`: checks that everything a release names agrees (tools/release.ts) and, with
// `-- --tag`, creates the version's annotated tag (its CHANGELOG section as the message) on a
// clean HEAD. Push it yourself: `git push origin v<version>`.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { releaseNotes, releaseProblems, repoFiles } from "../tools/release";
import { REPO } from "../tools/paths";

const { values } = parseArgs({ options: { tag: { type: "boolean", default: false } }, strict: true });
const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO, encoding: "utf8" }).trim();
const list = (dir: string) => (fs.existsSync(path.join(REPO, dir)) ? fs.readdirSync(path.join(REPO, dir)).map((f) => `${dir}/${f}`) : []);
const version: string = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version;
const tag = `v${version}`;

const problems = releaseProblems(repoFiles(REPO), list, true);
if (values.tag) {
    if (git("status", "--porcelain") !== "") problems.push("the working tree has changes: commit them first");
    if (git("tag", "--list", tag) !== "") problems.push(`the tag ${tag} exists already`);
}
if (problems.length > 0) {
    process.stderr.write(`release ${version}: not ready\n${problems.map((p) => `- ${p}\n`).join("")}`);
    process.exitCode = 1;
} else if (values.tag) {
    execFileSync("git", ["tag", "--annotate", tag, "--file", "-"], { cwd: REPO, input: releaseNotes(fs.readFileSync(path.join(REPO, "CHANGELOG.md"), "utf8"), version) });
    process.stdout.write(`tagged ${tag} at ${git("rev-parse", "--short", "HEAD")}; push it with: git push origin ${tag}\n`);
} else {
    process.stdout.write(`release ${version}: ready (npm run release -- --tag creates ${tag})\n`);
}
