// Where the repository is, from the compiled tools in bin/tools.
import * as path from "path";

export const REPO = path.resolve(__dirname, "../..");
