// The examples in other Pulumi languages, held to the package's schema (docs/schema.json, which
// npm run test:package holds to what Pulumi's analyzer infers): every property the Pulumi YAML
// example sets exists with the right type, every reference names an output of that type; the
// Python example compiles, and uses only names the Python SDK generated from the schema has.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CORE_SCHEMA, load } from "js-yaml";
import { REPO } from "../tools/paths";
import { scratchDir } from "./support/scratch";

const schema = JSON.parse(fs.readFileSync(path.join(REPO, "docs/schema.json"), "utf8"));
const PACKAGE = `${schema.name}:index:`;
const typeOf = (ref: string) => schema.types[ref.replace("#/types/", "")];

/** What a property spec says a value is, for comparing an input with the output it is given. */
function shape(spec: any): string {
    if (spec.$ref) return spec.$ref;
    if (spec.type === "array") return `array of ${shape(spec.items)}`;
    if (spec.type === "object") return `map of ${shape(spec.additionalProperties ?? { type: "any" })}`;
    return spec.type === "integer" ? "number" : spec.type;
}

/** The Pulumi YAML examples, and the components each uses. */
const YAML_EXAMPLES: Record<string, string[]> = {
    "yaml-shared-agent-service": ["AgentService", "EnvoyApp", "EnvoyApp"],
    "yaml-gateway-waf": ["GatewayWaf"],
    "yaml-istio-app": ["IstioApp"],
};

it("every Pulumi YAML example is checked", () =>
    assert.deepStrictEqual(
        fs.readdirSync(path.join(REPO, "examples")).filter((d) => d.startsWith("yaml-")),
        Object.keys(YAML_EXAMPLES).sort(),
    ));

for (const [example, components] of Object.entries(YAML_EXAMPLES)) describe(`the Pulumi YAML example ${example}`, () => yamlExample(example, components));

function yamlExample(example: string, components: string[]) {
    const program = load(fs.readFileSync(path.join(REPO, "examples", example, "Pulumi.yaml"), "utf8"), { schema: CORE_SCHEMA }) as any;
    const resources: Record<string, any> = program.resources;

    /** Problems of `value` given for a property described by `spec`, at `at`. */
    function check(value: any, spec: any, at: string): string[] {
        const ref = typeof value === "string" ? /^\$\{([^}]+)\}$/.exec(value)?.[1] : undefined;
        if (ref !== undefined) {
            if (!ref.includes(".")) {
                const config = program.config?.[ref];
                if (!config) return [`${at}: \${${ref}} is neither a resource output nor a config value`];
                return config.type === shape(spec) ? [] : [`${at}: config ${ref} is a ${config.type}, the property a ${shape(spec)}`];
            }
            const [resource, output] = ref.split(".");
            const type = resources[resource]?.type;
            const outputSpec = schema.resources[type]?.properties?.[output];
            if (!outputSpec) return [`${at}: \${${ref}} names no output of ${type ?? `a resource ${resource}`}`];
            return shape(outputSpec) === shape(spec) ? [] : [`${at}: \${${ref}} is a ${shape(outputSpec)}, the property a ${shape(spec)}`];
        }
        if (spec.$ref) {
            const t = typeOf(spec.$ref);
            if (t.enum) return t.enum.some((e: any) => e.value === value) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${t.enum.map((e: any) => e.value).join(", ")}`];
            return properties(value, t.properties, t.required ?? [], at);
        }
        switch (spec.type) {
            case "string":
                return typeof value === "string" ? [] : [`${at}: expected a string`];
            case "integer":
                return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
            case "number":
                return typeof value === "number" ? [] : [`${at}: expected a number`];
            case "boolean":
                return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
            case "array":
                return Array.isArray(value) ? value.flatMap((v, i) => check(v, spec.items, `${at}[${i}]`)) : [`${at}: expected a list`];
            case "object":
                return typeof value === "object" && value !== null ? Object.entries(value).flatMap(([k, v]) => check(v, spec.additionalProperties, `${at}.${k}`)) : [`${at}: expected a map`];
        }
        return [`${at}: a property of type ${JSON.stringify(spec)} this check does not know`];
    }

    function properties(value: any, specs: Record<string, any>, required: string[], at: string): string[] {
        if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected an object`];
        return [
            ...Object.entries(value).flatMap(([k, v]) => (specs[k] ? check(v, specs[k], `${at}.${k}`) : [`${at}.${k}: no such property (there are ${Object.keys(specs).join(", ")})`])),
            ...required.filter((k) => !(k in value)).map((k) => `${at}.${k}: required, not given`),
        ];
    }

    it("uses the package's components, with properties and references of the schema's names and types", () => {
        const ours = Object.entries(resources).filter(([, r]) => String(r.type).startsWith(PACKAGE));
        assert.deepStrictEqual(
            ours.map(([, r]) => r.type).sort(),
            components.map((c) => `${PACKAGE}${c}`),
        );
        const problems = ours.flatMap(([name, r]) => properties(r.properties, schema.resources[r.type].inputProperties, schema.resources[r.type].requiredInputs ?? [], name));
        assert.deepStrictEqual(problems, []);
    });

    it("exports outputs the components have", () => {
        for (const [name, value] of Object.entries(program.outputs as Record<string, string>)) {
            const [resource, output] = /^\$\{([^}]+)\}$/.exec(value)![1].split(".");
            assert.ok(schema.resources[resources[resource].type].properties[output], `${name}: ${value}`);
        }
    });

    if (example !== "yaml-shared-agent-service") return;
    it("is caught by the check when it names what the schema does not have (the check can fail)", () => {
        const spec = schema.resources["sigsci-envoy:index:EnvoyApp"];
        assert.deepStrictEqual(properties({ app: { image: "a", prot: 3000 }, inspection: { integration: "grpc" } }, spec.inputProperties, spec.requiredInputs ?? [], "x"), [
            "x.app.prot: no such property (there are image, port, args, command, env, resources, imagePullPolicy, runAsUser, readOnlyRootFilesystem, tmpVolume, readinessProbePath, containerName, preStopSleepSeconds)",
            'x.inspection.integration: "grpc" is not one of ext_authz, ext_proc',
        ]);
        assert.deepStrictEqual(check("${waf-agents.grpcEndpoint}", spec.inputProperties.replicas, "x.replicas"), ["x.replicas: ${waf-agents.grpcEndpoint} is a string, the property a number"]);
    });
}

/** The Python SDK's name of a schema property (Pulumi's codegen: snake_case). */
const snake = (camel: string) =>
    camel
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
        .toLowerCase();
/** The Python SDK's name of an enum member (upper snake case of its name). */
const upperSnake = (name: string) => snake(name).toUpperCase();

// Lists, as JSON, what a Python program does with the module it imports as `sigsci`: the calls of
// its classes (and their keyword arguments), the members of its classes it reads, and the
// attributes it reads of the objects those calls make.
const PY_NAMES = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
calls, members, attrs, made = [], [], [], {}
def sigsci_attr(node):
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sigsci"
for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and sigsci_attr(node.value.func):
        for t in node.targets:
            if isinstance(t, ast.Name): made[t.id] = node.value.func.attr
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and sigsci_attr(node.func):
        calls.append({"callee": node.func.attr, "kwargs": [k.arg for k in node.keywords], "args": len(node.args)})
    elif isinstance(node, ast.Attribute) and sigsci_attr(node.value):
        members.append({"type": node.value.attr, "member": node.attr})
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in made:
        attrs.append({"resource": made[node.value.id], "attr": node.attr})
    elif isinstance(node, ast.Attribute) and sigsci_attr(node) and not isinstance(getattr(node, "ctx", None), ast.Load):
        pass
print(json.dumps({"calls": calls, "members": members, "attrs": attrs}))
`;

describe("the Python example", () => {
    const file = path.join(REPO, "examples/python-shared-agent-service/__main__.py");
    const python = (args: string[]) => execFileSync("python3", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

    it("compiles (python3 -m py_compile)", () => {
        const out = scratchDir("py");
        python(["-c", `import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)`, file, path.join(out, "main.pyc")]);
    });

    it("imports the SDK pulumi package add generates, and uses only names it has", () => {
        assert.match(fs.readFileSync(file, "utf8"), new RegExp(`^import pulumi_${schema.name.replace(/-/g, "_")} as sigsci$`, "m"));
        const used = JSON.parse(python(["-c", PY_NAMES, file]));
        const resource = (name: string) => schema.resources[`${PACKAGE}${name}`];
        const objectType = (name: string) => (name.endsWith("Args") ? schema.types[`${PACKAGE}${name.slice(0, -4)}`] : undefined);
        const problems: string[] = [];
        for (const c of used.calls) {
            const r = resource(c.callee);
            const t = objectType(c.callee);
            const props = r ? r.inputProperties : t?.properties;
            if (!props || (t && !t.properties)) {
                problems.push(`sigsci.${c.callee}: no such class`);
                continue;
            }
            if (r && c.args !== 1) problems.push(`sigsci.${c.callee}: a resource takes its name as the one positional argument`);
            const names = Object.keys(props).map(snake);
            for (const k of c.kwargs) if (!names.includes(k)) problems.push(`sigsci.${c.callee}(${k}=...): no such argument (there are ${names.join(", ")})`);
            for (const k of (r ? r.requiredInputs : t.required) ?? []) if (!c.kwargs.includes(snake(k))) problems.push(`sigsci.${c.callee}: ${snake(k)} is required`);
        }
        for (const m of used.members) {
            const t = schema.types[`${PACKAGE}${m.type}`];
            if (!t?.enum) problems.push(`sigsci.${m.type}: no such enum`);
            else if (!t.enum.map((e: any) => upperSnake(e.name)).includes(m.member))
                problems.push(`sigsci.${m.type}.${m.member}: no such member (there are ${t.enum.map((e: any) => upperSnake(e.name)).join(", ")})`);
        }
        for (const a of used.attrs) {
            const names = Object.keys(resource(a.resource)?.properties ?? {}).map(snake);
            if (!names.includes(a.attr)) problems.push(`${a.resource}.${a.attr}: no such output (there are ${names.join(", ")})`);
        }
        assert.deepStrictEqual(problems, []);
        // It uses both components, object args, an enum and outputs: the check has something to check.
        assert.deepStrictEqual([...new Set(used.calls.map((c: any) => c.callee))].sort(), [
            "AgentAutoscalingArgs",
            "AgentContainerArgs",
            "AgentCredentialsArgs",
            "AgentService",
            "AgentServiceLinkArgs",
            "AppContainerArgs",
            "EnvoyApp",
            "WafInspectionArgs",
        ]);
        assert.ok(used.members.length > 0 && used.attrs.length > 0);
    });

    it("names as Pulumi's Python codegen does", () => {
        assert.strictEqual(snake("accessKeyId"), "access_key_id");
        assert.strictEqual(snake("grpcEndpoint"), "grpc_endpoint");
        assert.strictEqual(snake("expectResponseData"), "expect_response_data");
        assert.strictEqual(upperSnake("ExtProc"), "EXT_PROC");
        assert.strictEqual(upperSnake("IfNotPresent"), "IF_NOT_PRESENT");
    });
});
