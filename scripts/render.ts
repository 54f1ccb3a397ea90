// `npm run -s render -- --stack dev [--out DIR]`: the offline render (tools/render/command.ts).
import { renderCommand } from "../tools/render/command";

renderCommand(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => (process.exitCode = code));
