// `npm run bench -- --verifier`: what the traffic-path verifier and the policy pack cost at fleet
// scale. Sidecar apps (the guide's layout), spread over 20 namespaces, built by the components'
// plan; `verifyTraffic` and the whole pack (its stack policies over one judgement, and every
// resource policy) timed at 500 and 5,000 apps. CPU time (user + system), each size in a
// fresh process, warmed up, several rounds: medians with their range, and the growth of the cost
// between 500 and 5,000 apps against the growth of the apps (10x).
import { execFileSync } from "child_process";
import { parseArgs } from "util";
import { unknownCheckingProxy } from "@pulumi/policy";
import { verifyTraffic } from "../sdk/traffic";
import { guideArgs } from "../tools/fixtures";
import { Spec, specObjects } from "../tools/scenarios";

function fleet(n: number): any[] {
    const spec: Spec = [];
    for (let i = 0; i < n; i++) spec.push({ component: "EnvoyApp", name: `app${i}`, args: guideArgs({ namespace: `team${i % 20}` }) });
    return specObjects(spec, (name) => `${name}-0000`);
}

const cpuMs = (f: () => void) => {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
};

function packOnce(objects: any[]): void {
    const { POLICIES } = require("../policy/policies");
    const { forgetJudgement } = require("../policy/resources");
    const typeOf = (o: any) => `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;
    // Each policy its own copy of the resources, as the policy SDK's server hands them over.
    const resourcesOf = () =>
        objects.map((o) => ({
            type: typeOf(o),
            props: unknownCheckingProxy(o),
            urn: `urn:pulumi:b::p::${typeOf(o)}::${o.metadata.name}`,
            name: o.metadata.name,
            opts: {},
            dependencies: [],
            propertyDependencies: {},
        }));
    forgetJudgement(); // each round judges afresh, as a new preview does
    for (const p of POLICIES) {
        const resources = resourcesOf();
        if ("validateStack" in p) p.validateStack({ resources, getConfig: () => ({}) }, () => undefined);
        else for (const r of resources) p.validateResource({ ...r, getConfig: () => ({}), notApplicable: () => undefined }, () => undefined);
    }
}

function measure(what: "verify" | "pack", n: number, rounds: number): number[] {
    const objects = fleet(n);
    const run = () => (what === "verify" ? cpuMs(() => verifyTraffic(objects)) : cpuMs(() => packOnce(objects)));
    run();
    const out: number[] = [];
    for (let r = 0; r < rounds; r++) {
        (globalThis as { gc?: () => void }).gc?.();
        out.push(run());
    }
    return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
const child = (args: string[]): number[] => JSON.parse(execFileSync(process.execPath, ["--expose-gc", __filename, ...args], { encoding: "utf8", maxBuffer: 1 << 24 }));

export function verifierBench(rounds: number): string {
    const small: number[][] = [];
    const large: number[][] = [];
    // Alternated, each in a fresh process.
    for (let i = 0; i < 3; i++) {
        small.push(child(["--measure", "verify", "500", String(rounds)]));
        large.push(child(["--measure", "verify", "5000", String(rounds)]));
    }
    const growth = small.map((s, i) => median(large[i]) / median(s) / 10);
    const packSmall = child(["--measure", "pack", "500", String(rounds)]);
    const packLarge = child(["--measure", "pack", "5000", String(rounds)]);
    const s = small.flat();
    const l = large.flat();
    return [
        `verifyTraffic, sidecar apps in 20 namespaces (CPU, median of ${s.length} runs in 3 processes, lowest-highest): 500 apps ${range(s)}, 5,000 apps ${range(l)};`,
        `cost growth over app growth (500 -> 5,000, per process): ${growth.map((g) => g.toFixed(2)).join(", ")} (1.00 is linear; the target is at most 1.40);`,
        `the whole policy pack (every stack policy over one judgement, every resource policy): 500 apps ${range(packSmall)}, 5,000 apps ${range(packLarge)}.`,
    ].join("\n");
}

if (require.main === module) {
    const { values, positionals } = parseArgs({ options: { measure: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
    const [a, b, c] = positionals;
    if (values.measure) process.stdout.write(JSON.stringify(measure(a as "verify" | "pack", Number(b), Number(c))));
    else process.stdout.write(`${verifierBench(Number(a ?? 3))}\n`);
}
