// `npm run schemas [-- --validators]`: regenerates tools/schemas/kubernetes.schema.json, the
// strict schema the tests validate every emitted Kubernetes object against, the validation
// code compiled from it (tools/schemas/kubernetes.validate.js), and the descriptor of Envoy's
// protos (tools/schemas/envoy-protos.json). Run it after upgrading kubernetes-models or
// @grpc/grpc-js-xds (a test says so) and review the diff; `--validators` only recompiles the
// validators from the committed schema.
import * as fs from "fs";
import { ENVOY_PROTOS_FILE, generateEnvoyProtos } from "../tools/schemas/envoy";
import { compileValidators, generateKubernetesSchema, KUBERNETES_SCHEMA_FILE, KUBERNETES_VALIDATORS_FILE } from "../tools/schemas/kubernetes";

if (!process.argv.includes("--validators")) {
    fs.writeFileSync(KUBERNETES_SCHEMA_FILE, JSON.stringify(generateKubernetesSchema(), null, 1) + "\n");
    process.stderr.write(`wrote ${KUBERNETES_SCHEMA_FILE}\n`);
    fs.writeFileSync(ENVOY_PROTOS_FILE, JSON.stringify(generateEnvoyProtos()) + "\n");
    process.stderr.write(`wrote ${ENVOY_PROTOS_FILE}\n`);
}
fs.writeFileSync(KUBERNETES_VALIDATORS_FILE, compileValidators(fs.readFileSync(KUBERNETES_SCHEMA_FILE, "utf8")));
process.stderr.write(`wrote ${KUBERNETES_VALIDATORS_FILE}\n`);
