// `node tools/run.js <script> [args]`: runs scripts/<script>.ts from bin/, built first only if a
// source changed (tools/build.js), in this one process: a second Node.js start would cost more
// than the check. npm's render, golden, docs, schemas and bench scripts go through it.
"use strict";
const path = require("path");
const { build } = require("./build");

const [script, ...args] = process.argv.slice(2);
if (!script || !/^[a-z-]+$/.test(script)) {
    process.stderr.write("usage: node tools/run.js <script> [args]  (a file of scripts/, without .ts)\n");
    process.exit(2);
}
build();
const entry = path.join(__dirname, "..", "bin", "scripts", `${script}.js`);
// The script reads its arguments from process.argv, as if Node had started it.
process.argv = [process.argv[0], entry, ...args];
require(entry);
