// The test build: transpiles every TypeScript file of the repository into bin/ with esbuild
// (about a tenth of a second), without type checking. `npm run typecheck` (tsc, which CI runs
// too) checks the types; `npm run build` is tsc's own build, with declarations, for the package.
"use strict";
const esbuild = require("esbuild");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const DIRS = ["sdk", "program", "tests", "scripts", "tools", "examples"];

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

const entryPoints = [path.join(ROOT, "index.ts"), ...DIRS.flatMap((d) => sources(path.join(ROOT, d)))];
fs.rmSync(path.join(ROOT, "bin"), { recursive: true, force: true });
esbuild.buildSync({
    entryPoints,
    outdir: path.join(ROOT, "bin"),
    outbase: ROOT,
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
    logLevel: "error",
    tsconfig: path.join(ROOT, "tsconfig.json"),
});
