// `npm run bench [-- --quick | --render [rounds] | --verifier [rounds]]`: what the EnvoyApp component costs over the same objects written by
// hand (tools/bench/raw-app.ts), under Pulumi's mock runtime, for 10, 100 and 1,000 apps in one
// program. A third side puts those hand-written objects in an empty component with the same
// seven outputs: the floor of any component, which tells the component's own cost from what
// being a component costs.
//
// How it measures, for figures that mean something on a shared, noisy machine:
// - CPU time (user + system, process.cpuUsage), not wall-clock time;
// - each size in a fresh process, warmed up first (both sides, so the JIT has seen both);
// - the sides alternated, in a rotating order, with a full GC before each run, so drift of the
//   machine's load hits all alike;
// - several rounds: the median of each side, and the ratios within each round, whose median
//   and spread (lowest-highest) are printed;
// - the timed region is the program and the SDK's work until every registration is done (the
//   mock engine included, as `pulumi up` includes the engine); the harness records nothing.
// Memory: the growth of peak RSS over one run of each side, each in its own fresh process.
//
// Then the offline render: `npm run render -- --stack dev` (node tools/run.js render ...), as a
// whole process, against a bare `node -e 'require("@pulumi/pulumi"); require("@pulumi/kubernetes")'`,
// the floor of any program of these packages. Each in a fresh process, alternated, several
// rounds; their CPU time (user + system) is the kernel's account of the finished child.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { EnvoyApp } from "../sdk";
import { rawApp, rawAppInComponent } from "../tools/bench/raw-app";
import { REPO } from "../tools/paths";
import { evaluate } from "../sdk/render/evaluate";
import { verifierBench } from "./bench-verifier";

type Side = "component" | "raw" | "floor";
const SIDES: Side[] = ["component", "raw", "floor"];
const HELLOWORLD = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };

/** A program of `n` apps, each with its own (secret) agent keys, as a user's stack would hold them. */
function program(side: Side, n: number): () => void {
    return () => {
        for (let i = 0; i < n; i++) {
            const keys = { accessKeyId: pulumi.secret(`key-${i}`), secretAccessKey: pulumi.secret(`secret-${i}`) };
            if (side === "component") new EnvoyApp(`app${i}`, { app: HELLOWORLD, credentials: keys });
            else if (side === "raw") rawApp(`app${i}`, keys);
            else rawAppInComponent(`app${i}`, keys);
        }
    };
}

function gc(): void {
    (globalThis as { gc?: () => void }).gc?.();
}

/** One run: CPU milliseconds, and the registrations (a check that both sides did the same work). */
async function run(side: Side, n: number): Promise<{ cpuMs: number; registrations: number }> {
    gc();
    const start = process.cpuUsage();
    const { registrations, errors } = await evaluate(program(side, n), { record: false });
    const used = process.cpuUsage(start);
    if (errors.length > 0) throw errors[0];
    return { cpuMs: (used.user + used.system) / 1000, registrations };
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface SizeResult {
    apps: number;
    objects: Record<Side, number>;
    cpuMsPerApp: Record<Side, number>;
    /** component / raw, and component / floor, in each round. */
    ratios: { raw: number[]; floor: number[] };
}

/** In a child process: warm up, then `rounds` rounds of one run of `n` apps per side. */
async function measureSize(n: number, rounds: number): Promise<SizeResult> {
    const warm = Math.min(n, 20);
    for (let i = 0; i < 2; i++) for (const side of SIDES) await run(side, warm);
    const cpu: Record<Side, number[]> = { component: [], raw: [], floor: [] };
    const objects: Record<Side, number> = { component: 0, raw: 0, floor: 0 };
    const ratios = { raw: [] as number[], floor: [] as number[] };
    for (let r = 0; r < rounds; r++) {
        const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]);
        const round: Partial<Record<Side, number>> = {};
        for (const side of order) {
            const result = await run(side, n);
            cpu[side].push(result.cpuMs);
            objects[side] = result.registrations;
            round[side] = result.cpuMs;
        }
        ratios.raw.push(round.component! / round.raw!);
        ratios.floor.push(round.component! / round.floor!);
    }
    const perApp = (side: Side) => median(cpu[side]) / n;
    return { apps: n, objects, cpuMsPerApp: { component: perApp("component"), raw: perApp("raw"), floor: perApp("floor") }, ratios };
}

/** In a child process: the growth of peak RSS over one run. */
async function measureMemory(side: Side, n: number): Promise<number> {
    await run(side, 1);
    gc();
    const before = process.resourceUsage().maxRSS;
    await run(side, n);
    return (process.resourceUsage().maxRSS - before) / 1024;
}

function child<T>(args: string[]): T {
    const out = execFileSync(process.execPath, ["--expose-gc", __filename, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
    return JSON.parse(out);
}

const spread = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${median(xs).toFixed(2)} (${s[0].toFixed(2)}-${s[s.length - 1].toFixed(2)})`;
};

/** CPU seconds (user + system) of this process's finished children, as the kernel counts them. */
function childrenCpuSeconds(): number {
    // /proc/self/stat: fields after the command name; cutime and cstime are the 14th and 15th, in clock ticks (100 per second on Linux).
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds of one run of `node args`, which must succeed. */
function processCpu(args: string[]): number {
    const before = childrenCpuSeconds();
    const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
    return childrenCpuSeconds() - before;
}

function renderCost(rounds: number): string {
    const sides = {
        render: ["tools/run.js", "render", "--stack", "dev"],
        bare: ["-e", 'require("@pulumi/pulumi"); require("@pulumi/kubernetes")'],
    };
    for (const args of Object.values(sides)) processCpu(args); // warm the file cache
    const cpu = { render: [] as number[], bare: [] as number[] };
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (["render", "bare"] as const) : (["bare", "render"] as const);
        const round: Record<string, number> = {};
        for (const side of order) cpu[side].push((round[side] = processCpu(sides[side])));
        ratios.push(round.render / round.bare);
    }
    return `The render of stack dev (\`node tools/run.js render --stack dev\`, what \`npm run render\` runs, bin/ up to date): ${median(cpu.render).toFixed(2)} s CPU, a bare \`require("@pulumi/pulumi"); require("@pulumi/kubernetes")\` ${median(cpu.bare).toFixed(2)} s; render / bare ${spread(ratios)} over ${rounds} alternated rounds.`;
}

function main(quick: boolean) {
    const plan: [number, number][] = quick
        ? [
              [10, 5],
              [100, 3],
          ]
        : [
              [10, 15],
              [100, 9],
              [1000, 3],
          ];
    const rows = [
        "| apps | objects | CPU ms/app: component | raw | floor | component / raw: median (lowest-highest) | component / floor | peak RSS MiB/app: component | raw |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const [n, rounds] of plan) {
        const r = child<SizeResult>(["--size", String(n), String(rounds)]);
        const memory = { component: child<number>(["--memory", "component", String(n)]), raw: child<number>(["--memory", "raw", String(n)]) };
        const c = r.cpuMsPerApp;
        rows.push(
            `| ${n} | ${r.objects.raw} (+${r.objects.component - r.objects.raw} components) | ${c.component.toFixed(1)} | ${c.raw.toFixed(1)} | ${c.floor.toFixed(1)} | ${spread(r.ratios.raw)} | ${spread(r.ratios.floor)} | ${(memory.component / n).toFixed(2)} | ${(memory.raw / n).toFixed(2)} |`,
        );
        process.stderr.write(`${n} apps done (${rounds} rounds)\n`);
    }
    const render = `${renderCost(quick ? 4 : 12)}\n\n${verifierBench(quick ? 2 : 3)}`;
    const cpus = require("os").cpus();
    process.stdout.write(
        `${rows.join("\n")}\n\n${render}\n\nNode.js ${process.version}, @pulumi/pulumi ${require("@pulumi/pulumi/package.json").version}, ${cpus.length} x ${cpus[0]?.model ?? "CPU"}\n`,
    );
}

async function entry(argv: string[]) {
    if (argv[0] === "--size") process.stdout.write(JSON.stringify(await measureSize(Number(argv[1]), Number(argv[2]))));
    else if (argv[0] === "--memory") process.stdout.write(JSON.stringify(await measureMemory(argv[1] as Side, Number(argv[2]))));
    else if (argv[0] === "--render") process.stdout.write(`${renderCost(Number(argv[1] ?? 12))}\n`);
    else if (argv[0] === "--verifier") process.stdout.write(`${verifierBench(Number(argv[1] ?? 3))}\n`);
    else main(argv.includes("--quick"));
}

entry(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
});
