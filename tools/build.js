// The test build: transpiles every TypeScript file of the repository into bin/ with esbuild
// (about a tenth of a second), without type checking. `npm run typecheck` (tsc, which CI runs
// too) checks the types; `npm run build` is tsc's own build, with declarations, for the package.
//
// It builds only when an input changed since the last build: every source's path, size and
// modification time, the tsconfig and the lock file (an esbuild upgrade) make a fingerprint,
// kept in bin/.build-fingerprint. Checking it costs a few milliseconds and never loads esbuild,
// so `npm run render` (tools/run.js, which checks in its own process) costs little more than the
// render itself. `node tools/build.js --force` builds anyway.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin");
const DIRS = ["sdk", "program", "policy", "tests", "scripts", "tools", "examples"];
const FINGERPRINT = path.join(BIN, ".build-fingerprint");

function sources(dir) {
    const out = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules") continue;
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...sources(p));
        else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
    }
    return out;
}

function fingerprint(files) {
    const hash = crypto.createHash("sha256");
    for (const f of [...files, path.join(ROOT, "tsconfig.json"), path.join(ROOT, "package-lock.json"), __filename]) {
        const s = fs.statSync(f, { throwIfNoEntry: false });
        hash.update(`${path.relative(ROOT, f)}\0${s ? `${s.size}\0${s.mtimeMs}` : "-"}\n`);
    }
    return hash.digest("hex");
}

/** Builds bin/ unless it is up to date (or `force`); returns whether it built. */
function build(force = false) {
    const entryPoints = [path.join(ROOT, "index.ts"), ...DIRS.flatMap((d) => sources(path.join(ROOT, d)))].sort();
    const current = fingerprint(entryPoints);
    const built = fs.existsSync(FINGERPRINT) ? fs.readFileSync(FINGERPRINT, "utf8") : undefined;
    if (!force && built === current) return false;
    fs.rmSync(BIN, { recursive: true, force: true });
    require("esbuild").buildSync({
        entryPoints,
        outdir: BIN,
        outbase: ROOT,
        format: "cjs",
        platform: "node",
        target: "node20",
        sourcemap: "inline",
        logLevel: "error",
        tsconfig: path.join(ROOT, "tsconfig.json"),
    });
    fs.writeFileSync(FINGERPRINT, current);
    return true;
}

module.exports = { build, fingerprint };
if (require.main === module) build(process.argv.includes("--force"));
