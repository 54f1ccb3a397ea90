// `npm run schemas`: regenerates tools/schemas/kubernetes.schema.json, the strict schema the
// tests validate every emitted Kubernetes object against. Run it after upgrading
// kubernetes-models (a test says so) and review the diff.
import * as fs from "fs";
import { generateKubernetesSchema, KUBERNETES_SCHEMA_FILE } from "../tools/schemas/kubernetes";

fs.writeFileSync(KUBERNETES_SCHEMA_FILE, JSON.stringify(generateKubernetesSchema(), null, 1) + "\n");
process.stderr.write(`wrote ${KUBERNETES_SCHEMA_FILE}\n`);
