// The offline render and `pulumi up` read a stack alike: random stacks, written as stack files
// with the scalar forms, merge keys and secrets people write, are rendered from the file and run
// as the program `pulumi up` starts (the strings the CLI hands it, its secret keys marked); the
// two give the same verdict - the same objects, or the same first error.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { REPO } from "../tools/paths";
import { evaluate } from "../sdk/render/evaluate";
import { redactedObjects, sortObjects } from "../sdk/render/manifests";
import { renderStack } from "../tools/render";
import { stackConfigOf } from "../sdk/render/stack-file";
import { scratchDir } from "./support/scratch";

const PROJECT = "sigsci-envoy";
const PROGRAM = path.join(REPO, "bin/program/index.js");

/**
 * A value as written in a stack file, and the string the Pulumi CLI hands the program for it
 * (pulumi/pulumi config/value.go: a scalar's source text, null as ""; a list or object as JSON
 * of its YAML 1.1 values). Written out by hand, so the render's reader is checked against them.
 */
type Form = [yaml: string, cli: string];

// The first form of each key is a good one, and drawn most often, so that many stacks deploy.
const FORMS: Record<string, Form[]> = {
    appPort: [
        ["8080", "8080"],
        ["0x1F90", "0x1F90"],
        ["'3000'", "3000"],
        ["9999", "9999"],
        ["~", ""],
        ["!!int 8081", "8081"],
        ["!!str 8082", "8082"],
        ["!!int 0x1F90", "0x1F90"],
    ],
    replicas: [
        ["2", "2"],
        [".inf", ".inf"],
        ["1.0", "1.0"],
        ["-1", "-1"],
    ],
    failOpen: [
        ["false", "false"],
        ["True", "True"],
        ["yes", "yes"],
        ['"false"', "false"],
    ],
    appArgs: [
        ['["localhost:8080"]', '["localhost:8080"]'],
        ["[localhost:8080, 5]", '["localhost:8080",5]'],
        ["localhost:8080", "localhost:8080"],
    ],
    inspectionTimeout: [
        ["0.2s", "0.2s"],
        ["0.000000001s", "0.000000001s"],
        ["200ms", "200ms"],
    ],
    accessKeyId: [
        ['"AKID-PARITY"', "AKID-PARITY"],
        ["{secure: v1:AAAA}", "AKID-FROM-SECRETS"],
        ['"  "', "  "],
    ],
    podLabels: [
        ["{team: payments}", '{"team":"payments"}'],
        ["{team: yes}", '{"team":true}'],
        ['{"app.kubernetes.io/name": x}', '{"app.kubernetes.io/name":"x"}'],
        ["{team: !!str yes}", '{"team":"yes"}'],
        ["{team: !!int 0x10}", '{"team":16}'],
    ],
};

const form = (forms: Form[]) => fc.oneof({ weight: 4, arbitrary: fc.constant(forms[0]) }, { weight: 1, arbitrary: fc.constantFrom(...forms.slice(1)) });

/** A stack: each key in one of its forms (or left out), and whether the app comes through a merge key. */
const stacks = fc.record({
    // The agent keys are always set: a stack file without them renders with placeholders (the
    // render's one documented difference: they are set per stack with pulumi config set --secret).
    forms: fc.record(
        Object.fromEntries(Object.entries(FORMS).map(([k, forms]) => [k, k === "accessKeyId" ? form(forms) : fc.option(form(forms), { nil: undefined })])) as Record<
            string,
            fc.Arbitrary<Form | undefined>
        >,
    ),
    merged: fc.boolean(),
});

function stackFile(s: { forms: Record<string, Form | undefined>; merged: boolean }): { yaml: string; cli: Record<string, string>; secretKeys: string[] } {
    const cli: Record<string, string> = {};
    const secretKeys: string[] = [];
    const lines: string[] = [];
    // The app's name and image, plainly or through an anchor and a merge key of a second document part.
    if (s.merged) lines.push("defaults: &app", "  owner: platform");
    lines.push("config:");
    lines.push(`  ${PROJECT}:appName: helloworld`, `  ${PROJECT}:appImage: signalsciences/example-helloworld:latest`);
    cli[`${PROJECT}:appName`] = "helloworld";
    cli[`${PROJECT}:appImage`] = "signalsciences/example-helloworld:latest";
    if (s.merged) {
        lines.push(`  ${PROJECT}:serviceAnnotations:`, "    <<: *app", "    team: web");
        cli[`${PROJECT}:serviceAnnotations`] = '{"owner":"platform","team":"web"}';
    }
    const forms = { ...s.forms, secretAccessKey: s.forms.accessKeyId === undefined ? undefined : (["{secure: v1:BBBB}", "SECRET-FROM-SECRETS"] as Form) };
    for (const [key, form] of Object.entries(forms)) {
        if (form === undefined) continue;
        lines.push(`  ${PROJECT}:${key}: ${form[0]}`);
        cli[`${PROJECT}:${key}`] = form[1];
        if (form[0].startsWith("{secure:")) secretKeys.push(`${PROJECT}:${key}`);
    }
    return { yaml: `${lines.join("\n")}\n`, cli, secretKeys };
}

type Verdict = { error: string } | { objects: string[] };

/** `pulumi up`'s verdict: the program with the CLI's strings (a secret's value as the CLI decrypts it). */
async function up(cli: Record<string, string>, secretKeys: string[]): Promise<Verdict> {
    delete require.cache[require.resolve(PROGRAM)];
    try {
        const { resources, errors } = await evaluate(() => require(PROGRAM), { config: cli, secretKeys, project: PROJECT, stack: "parity", nameByContent: true });
        if (errors.length > 0) return { error: errors[0].message };
        return { objects: sortObjects(redactedObjects(resources)).map((o) => JSON.stringify(o)) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}

/** The render's verdict, from the stack file. */
async function render(dir: string): Promise<Verdict> {
    try {
        const r = await renderStack("parity", dir);
        return { objects: r.objects.map((o) => JSON.stringify(o)) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}

describe("the render and pulumi up read a stack alike (fast-check)", () => {
    let dir: string;
    before(() => {
        dir = scratchDir("parity");
        fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
    });

    it("reads each hand-written form as the CLI hands it to the program", () => {
        for (const s of [
            { forms: Object.fromEntries(Object.entries(FORMS).map(([k, f]) => [k, f[1] ?? f[0]])), merged: true },
            { forms: Object.fromEntries(Object.entries(FORMS).map(([k, f]) => [k, f[0]])), merged: false },
        ]) {
            const { yaml, cli, secretKeys } = stackFile(s);
            const read = stackConfigOf(yaml, PROJECT);
            assert.deepStrictEqual(read.encrypted, secretKeys);
            assert.deepStrictEqual(read.config, Object.fromEntries(Object.entries(cli).filter(([k]) => !secretKeys.includes(k))));
        }
    });

    it("reads every form of every key as the CLI hands it to the program", () => {
        for (const [key, forms] of Object.entries(FORMS)) {
            for (const [yaml, cli] of forms) {
                if (yaml.startsWith("{secure:")) continue;
                assert.deepStrictEqual(stackConfigOf(`config:\n  ${PROJECT}:${key}: ${yaml}\n`, PROJECT).config, { [`${PROJECT}:${key}`]: cli }, yaml);
            }
        }
    });

    it("keeps the last of a key given twice, as yaml.v2 does, and refuses a tag whose text is not of its type", () => {
        assert.deepStrictEqual(stackConfigOf(`config:\n  ${PROJECT}:appPort: 8080\n  ${PROJECT}:appPort: 8081\n`, PROJECT).config, { [`${PROJECT}:appPort`]: "8081" });
        assert.throws(() => stackConfigOf(`config:\n  ${PROJECT}:appPort: !!int eighty\n`, PROJECT), /cannot resolve a node with !<tag:yaml.org,2002:int> explicit tag/);
    });

    it("reads an empty or comment-only stack file as no configuration, as yaml.v2 does (not as a YAML error)", () => {
        for (const text of ["", "\n", "# set per developer with pulumi config set\n", "config:\n"]) assert.deepStrictEqual(stackConfigOf(text, PROJECT).config, {}, JSON.stringify(text));
    });

    it("gives the same verdict for the same random stack", async function () {
        this.timeout(120000);
        await fc.assert(
            fc.asyncProperty(stacks, async (s) => {
                const { yaml, cli, secretKeys } = stackFile(s);
                fs.writeFileSync(path.join(dir, "Pulumi.parity.yaml"), yaml);
                const [fromFile, fromUp] = [await render(dir), await up(cli, secretKeys)];
                assert.deepStrictEqual(fromFile, fromUp, yaml);
            }),
            { numRuns: 20 },
        );
    });
});
