// `sigsci-envoy render`'s usage text, apart from the command so that `help` loads nothing else.
export const RENDER_USAGE = `usage: sigsci-envoy render [--stack <name>] [--dir <project dir>] [--out <dir>]
       sigsci-envoy render --list [--dir <project dir>]

Renders the Pulumi program of the project in --dir (default: the current directory, or the
nearest one above it with a Pulumi.yaml) for one stack, under Pulumi's mock runtime: no CLI,
no cluster, no network. Without --stack: PULUMI_STACK, the stack selected with pulumi stack
select, or the project's only stack. Exit status: 0 rendered, 1 the program or stack was
refused, 2 usage.`;
