// `npm run -s render -- [--stack dev] [--out DIR] [--list]`: the offline render of this
// repository's own program (tools/render.ts), through the package's command (sdk/cli/render.ts).
import { PROCESS_IO } from "../sdk/cli/io";
import { renderCommand } from "../sdk/cli/render";
import { repoRenderSetup } from "../tools/render";

renderCommand(process.argv.slice(2), PROCESS_IO, repoRenderSetup()).then((code) => (process.exitCode = code));
