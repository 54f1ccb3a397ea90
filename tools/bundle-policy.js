// The policy pack's build: policy/index.ts and the package's checks it runs (sigsci-envoy/traffic,
// /guide, /pack, js-yaml) bundled into one file, policy/bin/index.js, so the pack's directory
// needs nothing but what policy/package.json lists (@pulumi/policy and @pulumi/pulumi, which the
// CLI's policy host provides the protocol through) and publishes as it is: `pulumi policy
// publish` packs the directory, and the machine that runs the pack installs its dependencies
// from the registry. `npm run build` runs it after tsc's package build.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const POLICY = path.join(ROOT, "policy");
/** What the bundle leaves to the pack's own dependencies: the policy SDK and the Pulumi SDK it is built on. */
const EXTERNAL = ["@pulumi/policy", "@pulumi/pulumi"];

/** Writes the bundle (to `outfile`, policy/bin/index.js by default); returns esbuild's metafile, which lists what it imports. */
function bundlePolicy(outfile = path.join(POLICY, "bin", "index.js")) {
    fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
    return require("esbuild").buildSync({
        entryPoints: [path.join(POLICY, "index.ts")],
        outfile,
        metafile: true,
        bundle: true,
        external: EXTERNAL.flatMap((p) => [p, `${p}/*`]),
        format: "cjs",
        platform: "node",
        target: "node20",
        // sigsci-envoy/* resolve to the sources, through the tsconfig's paths.
        tsconfig: path.join(ROOT, "tsconfig.json"),
        legalComments: "inline",
        logLevel: "error",
    }).metafile;
}

module.exports = { bundlePolicy, EXTERNAL };

if (require.main === module) bundlePolicy();
