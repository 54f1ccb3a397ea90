#!/usr/bin/env node
// `sigsci-envoy`, the package's command line (`npx sigsci-envoy ...`): render a Pulumi program
// offline, or verify any Kubernetes manifests for WAF coverage.
import { Io, PROCESS_IO } from "./io";
import { RENDER_USAGE } from "./render-usage";
import { VERIFY_USAGE } from "./verify-usage";

const USAGE = `usage: sigsci-envoy <command> [options]

commands:
  render   a Pulumi program's Kubernetes objects for one stack, offline, with the verifier's verdict
  verify   the traffic-path verifier and the policy pack's rules on any Kubernetes manifests
  help     this text, or a command's: sigsci-envoy help <command>

${RENDER_USAGE}

${VERIFY_USAGE}`;

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
    const [command, ...rest] = argv;
    // `sigsci-envoy <command> --help` is that command's usage, as `sigsci-envoy help <command>` is.
    if ((command === "render" || command === "verify") && rest.some((a) => a === "--help" || a === "-h")) {
        io.stdout(`${command === "render" ? RENDER_USAGE : VERIFY_USAGE}\n`);
        return 0;
    }
    switch (command) {
        // Each command loads what it needs when run: verify never loads the Pulumi SDK.
        case "render":
            return (require("./render") as typeof import("./render")).renderCommand(rest, io);
        case "verify":
            return (require("./verify") as typeof import("./verify")).verifyCommand(rest, io);
        case "help":
        case "--help":
        case "-h":
            io.stdout(`${rest[0] === "render" ? RENDER_USAGE : rest[0] === "verify" ? VERIFY_USAGE : USAGE}\n`);
            return 0;
        case "--version":
            io.stdout(`${require("../../../package.json").version}\n`);
            return 0;
        default:
            io.stderr(`${command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`}\n${USAGE}\n`);
            return 2;
    }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
