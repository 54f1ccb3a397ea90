// Image pull policies (Fastly's guide), Output inputs, and the multi-language analyzer.
import * as assert from "assert";
import * as fs from "fs";
import { committedSchema, REFERENCE_FILE, referenceMarkdown } from "../tools/docs/reference";
import * as pulumi from "@pulumi/pulumi";
import { EnvoyApp } from "../sdk";
import { agentPullPolicy, defaultPullPolicy, PULL_POLICIES } from "../sdk/settings/images";
import { INTEGRATIONS } from "../sdk/settings/shared";
import { guideArgs } from "../tools/fixtures";
import { appRun } from "./support/objects";
import { kubernetesObjects, runProgram, valueOf } from "./support/pulumi-mocks";

describe("image pull policies", () => {
    const digest = "@sha256:" + "a".repeat(64);
    it("follows the guide for the agent: latest Always, a version IfNotPresent, a custom local tag Never", () => {
        assert.strictEqual(agentPullPolicy("signalsciences/sigsci-agent:latest"), "Always");
        assert.strictEqual(agentPullPolicy("signalsciences/sigsci-agent"), "Always");
        assert.strictEqual(agentPullPolicy("signalsciences/sigsci-agent:4.60.0"), "IfNotPresent");
        assert.strictEqual(agentPullPolicy("registry.example.com:5000/sigsci-agent:v4.60.0"), "IfNotPresent");
        assert.strictEqual(agentPullPolicy("signalsciences/sigsci-agent" + digest), "IfNotPresent");
        assert.strictEqual(agentPullPolicy("signalsciences/sigsci-agent:testing"), "Never");
    });

    it("uses Kubernetes' own rule for the app and Envoy, so a registry build tag is still pulled", () => {
        assert.strictEqual(defaultPullPolicy("signalsciences/example-helloworld:latest"), "Always");
        assert.strictEqual(defaultPullPolicy("envoyproxy/envoy:v1.39.5"), "IfNotPresent");
        assert.strictEqual(defaultPullPolicy("registry.example.com/team/app:build-42"), "IfNotPresent");
        assert.strictEqual(defaultPullPolicy("registry.example.com:5000/app"), "Always");
    });

    it("lets an explicit pull policy win", () => {
        const r = appRun(guideArgs({ agent: { image: "signalsciences/sigsci-agent:testing", imagePullPolicy: "IfNotPresent" } }));
        assert.strictEqual(r.containers["sigsci-agent"].imagePullPolicy, "IfNotPresent");
        const pinned = appRun(guideArgs({ agent: { image: "signalsciences/sigsci-agent:4.60.0" } }));
        assert.strictEqual(pinned.containers["sigsci-agent"].imagePullPolicy, "IfNotPresent");
        const local = appRun(guideArgs({ agent: { image: "signalsciences/sigsci-agent:testing" } }));
        assert.strictEqual(local.containers["sigsci-agent"].imagePullPolicy, "Never");
    });
});

describe("inputs that are Pulumi outputs", () => {
    it("are resolved before the objects are built", async () => {
        const run = await runProgram(() => new EnvoyApp("helloworld", guideArgs({ namespace: pulumi.output("shop"), agent: { grpcPort: Promise.resolve(9100) } })));
        const objects = kubernetesObjects(run);
        assert.deepStrictEqual([...new Set(objects.map((o) => o.metadata.namespace))], ["shop"]);
        assert.strictEqual(await valueOf(run.result.agentGrpcEndpoint), "127.0.0.1:9100");
        const agent = objects.find((o) => o.kind === "Deployment").spec.template.spec.containers.find((c: any) => c.name === "sigsci-agent");
        assert.strictEqual(agent.env.find((e: any) => e.name === "SIGSCI_ENVOY_GRPC_ADDRESS").value, "127.0.0.1:9100");
    });

    it("are checked when they resolve, with the same message", async () => {
        const run = await runProgram(() => new EnvoyApp("helloworld", guideArgs({ agent: { grpcPort: pulumi.output(70000) } })));
        assert.deepStrictEqual(
            run.errors.map((e) => e.message),
            ['sigsci-envoy: invalid "agent.grpcPort": got 70000; expected a port number from 1 to 65535'],
        );
        assert.deepStrictEqual(run.resources, [], "nothing registered");
    });
});

describe("multi-language component schema (docs/schema.json; npm run test:package holds it to the analyzer)", () => {
    const schema = committedSchema();

    it("has the components' inputs and outputs, every input documented", () => {
        const app = schema.resources["sigsci-envoy:index:EnvoyApp"];
        assert.deepStrictEqual(app.requiredInputs, ["app"]);
        assert.deepStrictEqual(Object.keys(app.properties).sort(), [
            "acknowledgedFindings",
            "agentGrpcEndpoint",
            "configMapName",
            "deploymentName",
            "frontUrl",
            "namespace",
            "secretName",
            "serviceName",
        ]);
        const agents = schema.resources["sigsci-envoy:index:AgentService"];
        assert.deepStrictEqual(agents.requiredInputs, ["credentials"]);
        assert.deepStrictEqual(Object.keys(agents.properties).sort(), [
            "autoscalerName",
            "clientLabels",
            "clientNamespaces",
            "deploymentName",
            "disruptionBudgetName",
            "expectResponseData",
            "grpcEndpoint",
            "integration",
            "namespace",
            "networkPolicyName",
            "secretName",
            "serviceName",
        ]);
        const described = [
            ["EnvoyApp", app.inputProperties],
            ["AgentService", agents.inputProperties],
            ...Object.entries(schema.types)
                .filter(([, t]: [string, any]) => t.properties)
                .map(([k, t]: [string, any]) => [k, t.properties]),
        ];
        for (const [owner, props] of described) {
            for (const [prop, spec] of Object.entries(props as Record<string, any>)) assert.ok(spec.description, `${owner}.${prop} has no doc comment`);
        }
    });

    it("has an enum for every closed set of strings, with the values the input checks accept", () => {
        const t = (name: string) => `#/types/sigsci-envoy:index:${name}`;
        const refs: [string, string, string][] = [
            ["WafInspection", "integration", "Integration"],
            ["AgentServiceLink", "integration", "Integration"],
            ["AppContainer", "imagePullPolicy", "ImagePullPolicy"],
            ["EnvoyProxy", "imagePullPolicy", "ImagePullPolicy"],
            ["AgentContainer", "imagePullPolicy", "ImagePullPolicy"],
            ["EnvoyProxy", "logLevel", "EnvoyLogLevel"],
            ["FrontService", "type", "ServiceType"],
            ["FrontService", "externalTrafficPolicy", "ExternalTrafficPolicy"],
            ["Toleration", "operator", "TolerationOperator"],
            ["Toleration", "effect", "TaintEffect"],
        ];
        for (const [type, prop, e] of refs) assert.strictEqual(schema.types[`sigsci-envoy:index:${type}`].properties[prop].$ref, t(e), `${type}.${prop}`);
        assert.strictEqual(schema.resources["sigsci-envoy:index:AgentService"].inputProperties.integration.$ref, t("Integration"));
        assert.strictEqual(schema.resources["sigsci-envoy:index:AgentService"].properties.integration.$ref, t("Integration"));
        const values = (e: string) => schema.types[`sigsci-envoy:index:${e}`].enum.map((v: any) => v.value);
        assert.deepStrictEqual(values("Integration"), [...INTEGRATIONS]);
        assert.deepStrictEqual(values("ImagePullPolicy"), [...PULL_POLICIES]);
        assert.deepStrictEqual(values("EnvoyLogLevel"), ["trace", "debug", "info", "warning", "warn", "error", "critical", "off"]);
        assert.deepStrictEqual(values("ServiceType"), ["ClusterIP", "NodePort", "LoadBalancer"]);
    });

    it("marks the agent keys as secret in their descriptions", () => {
        const creds = schema.types["sigsci-envoy:index:AgentCredentials"].properties;
        for (const key of ["accessKeyId", "secretAccessKey"]) assert.match(creds[key].description, /^Secret\. /, key);
        assert.doesNotMatch(creds.existingSecretName.description, /^Secret\. /);
    });
});

describe("docs/reference.md", () => {
    it("matches the code, the schema and the input rules (run `npm run docs` after changing them)", () => {
        assert.strictEqual(fs.readFileSync(REFERENCE_FILE, "utf8"), referenceMarkdown(committedSchema()));
    });
});
