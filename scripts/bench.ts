// `npm run bench [-- --quick | -- --docs]`: what the components cost under Pulumi's mock runtime,
// against exactly the objects they emit registered raw (tools/bench/raw-objects.ts), in both
// layouts: a sidecar app (its own agent keys, as secrets), and the apps of one shared agent fleet.
// A third side puts the raw objects in an empty component with seven of an EnvoyApp's outputs: the floor
// of any component. Then the offline render of a 200-app stack, the traffic-path verifier and the
// policy pack at fleet scale. `--docs` writes the result into docs/performance.md, and README's
// summary of it. One part alone: `--render [apps] [rounds]`, `--verifier [rounds]`,
// `--instructions [apps counts]...`.
//
// How it measures, for figures that mean something on a shared, noisy machine:
// - CPU time (user + system, process.cpuUsage), not wall-clock time;
// - each size and layout in a fresh process, warmed up first (every side, so the JIT has seen them);
// - the sides alternated, in a rotating order, with a full GC before each run, so drift of the
//   machine's load hits all alike;
// - several rounds: the median of each side, and the ratios within each round, whose median and
//   spread (lowest-highest) are printed;
// - the timed region is the program and the SDK's work until every registration is done (the mock
//   engine included, as `pulumi up` includes the engine); the harness records nothing;
// - Output.apply calls per app, counted in a run of their own (a count of the work the SDK does
//   for each output, which CPU time on a noisy machine cannot resolve);
// - every side's program holds what it creates (the components, or the raw resources), as a
//   program does, so the garbage collector carries the same kind of load on each;
// - memory: the heap after a full GC per app, each side in a fresh process, with the program's
//   objects still held (as the Pulumi runtime holds them through a deployment);
// - instructions per app, when valgrind is installed: cachegrind counts what a process executes
//   (the whole process, V8 in its predictable mode, its heap's growth pinned), within a fraction
//   of a percent from count to count at one size and one placement of the collections, where CPU
//   time on a shared machine varies by tens of percent; each side's count less that of a process
//   doing all but the run, the ratios taken within each count; each count at a size holds its own
//   offset (0, 32, 64 MB...) through the process, the same on every side, as where V8 collects
//   moves a count by several percent.
import { execFile, execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp } from "../sdk";
import { fleetObjects, FLEET, HELLOWORLD, registerInComponent, registerRaw, sharedAppObjects, sidecarObjects } from "../tools/bench/raw-objects";
import { REPO } from "../tools/paths";
import { PlannedObject } from "../sdk/kube/plan";
import { evaluate } from "../sdk/render/evaluate";
import { verifierBench } from "./bench-verifier";
import { INSTRUCTIONS_HEADING, NOT_COUNTED, PERFORMANCE_FILE, README_FILE, withBenchRun, withPerformanceSummary } from "../tools/docs/performance";

type Side = "component" | "raw" | "floor";
type Layout = "sidecar" | "shared";
const SIDES: Side[] = ["component", "raw", "floor"];

const keysOf = (i: number) => ({ accessKeyId: pulumi.secret(`key-${i}`), secretAccessKey: pulumi.secret(`secret-${i}`) });

/** The raw objects of `n` apps, built before any timed run. */
function rawObjects(layout: Layout, n: number): { fleet: PlannedObject[]; apps: PlannedObject[][] } {
    const apps = Array.from({ length: n }, (_, i) => (layout === "sidecar" ? sidecarObjects(`app${i}`) : sharedAppObjects(`app${i}`)));
    return { fleet: layout === "shared" ? fleetObjects() : [], apps };
}

/** A program of `n` apps of one layout, on one side; it returns what it created (the runtime holds it too). */
function program(layout: Layout, side: Side, n: number, raw: ReturnType<typeof rawObjects>): () => unknown[] {
    return () => {
        const made: unknown[] = [];
        if (side === "component") {
            const fleet = layout === "shared" ? new AgentService(FLEET.name, { namespace: FLEET.namespace, clientNamespaces: [FLEET.clients], credentials: keysOf(-1) }) : undefined;
            for (let i = 0; i < n; i++) {
                made.push(
                    fleet ? new EnvoyApp(`app${i}`, { namespace: FLEET.clients, app: HELLOWORLD, agentService: fleet.link() }) : new EnvoyApp(`app${i}`, { app: HELLOWORLD, credentials: keysOf(i) }),
                );
            }
            return made;
        }
        const register = side === "raw" ? (_name: string, o: PlannedObject[], k: ReturnType<typeof keysOf>) => registerRaw(o, k) : registerInComponent;
        if (raw.fleet.length > 0) made.push(...register(FLEET.name, raw.fleet, keysOf(-1)));
        raw.apps.forEach((objects, i) => made.push(...register(`app${i}`, objects, keysOf(i))));
        return made;
    };
}

function gc(): void {
    (globalThis as { gc?: () => void }).gc?.();
}

/** One run: CPU milliseconds, and the registrations (a check that the sides did the same work). */
async function run(layout: Layout, side: Side, n: number, raw: ReturnType<typeof rawObjects>): Promise<{ cpuMs: number; registrations: number }> {
    gc();
    const start = process.cpuUsage();
    const { registrations, errors } = await evaluate(program(layout, side, n, raw), { record: false });
    const used = process.cpuUsage(start);
    if (errors.length > 0) throw errors[0];
    return { cpuMs: (used.user + used.system) / 1000, registrations };
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface SizeResult {
    layout: Layout;
    apps: number;
    objects: Record<Side, number>;
    cpuMsPerApp: Record<Side, number>;
    applies: Record<Side, number>;
    /** component / raw, component / floor, and floor / raw, in each round. */
    ratios: { raw: number[]; floor: number[]; floorRaw: number[] };
}

/** Output.apply calls per app of one run. */
async function appliesPerApp(layout: Layout, side: Side, n: number, raw: ReturnType<typeof rawObjects>): Promise<number> {
    const proto = Object.getPrototypeOf(pulumi.output(0)) as { apply: (...a: unknown[]) => unknown };
    const original = proto.apply;
    let calls = 0;
    proto.apply = function (this: unknown, ...a: unknown[]) {
        calls++;
        return original.apply(this, a);
    };
    try {
        await run(layout, side, n, raw);
    } finally {
        proto.apply = original;
    }
    return calls / n;
}

/** In a child process: warm up, then `rounds` rounds of one run of `n` apps per side. */
async function measureSize(layout: Layout, n: number, rounds: number): Promise<SizeResult> {
    const raw = rawObjects(layout, n);
    const warmRaw = rawObjects(layout, Math.min(n, 20));
    for (let i = 0; i < 2; i++) for (const side of SIDES) await run(layout, side, Math.min(n, 20), warmRaw);
    const cpu: Record<Side, number[]> = { component: [], raw: [], floor: [] };
    const objects: Record<Side, number> = { component: 0, raw: 0, floor: 0 };
    const ratios = { raw: [] as number[], floor: [] as number[], floorRaw: [] as number[] };
    for (let r = 0; r < rounds; r++) {
        // Each side first, second and last equally often when the rounds are a multiple of three.
        const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]);
        const round: Partial<Record<Side, number>> = {};
        for (const side of order) {
            const result = await run(layout, side, n, raw);
            cpu[side].push(result.cpuMs);
            objects[side] = result.registrations;
            round[side] = result.cpuMs;
        }
        ratios.raw.push(round.component! / round.raw!);
        ratios.floor.push(round.component! / round.floor!);
        ratios.floorRaw.push(round.floor! / round.raw!);
    }
    const applies = { component: 0, raw: 0, floor: 0 };
    for (const side of SIDES) applies[side] = await appliesPerApp(layout, side, Math.min(n, 100), rawObjects(layout, Math.min(n, 100)));
    const perApp = (side: Side) => median(cpu[side]) / n;
    return { layout, apps: n, objects, cpuMsPerApp: { component: perApp("component"), raw: perApp("raw"), floor: perApp("floor") }, applies, ratios };
}

/**
 * What `side`'s program holds before it runs: a hand-written program has the raw objects of its
 * `n` apps as literals (the raw and floor sides); the component's builds its own, in the run.
 */
function heldBeforeRun(layout: Layout, side: Side, n: number): ReturnType<typeof rawObjects> {
    return side === "component" ? { fleet: [], apps: [] } : rawObjects(layout, n);
}

/** In a child process: the heap after a full GC, per app, with one run's objects still held. */
async function measureMemory(layout: Layout, side: Side, n: number): Promise<number> {
    await run(layout, side, 1, rawObjects(layout, 1));
    gc();
    const before = process.memoryUsage().heapUsed;
    // What the program holds before it runs counts, as the component's own objects do.
    const held = await evaluate(program(layout, side, n, heldBeforeRun(layout, side, n)), { record: false });
    gc();
    const after = process.memoryUsage().heapUsed;
    if (held.errors.length > 0) throw held.errors[0];
    return (after - before) / n / 1024;
}

/**
 * In a child process, counted by valgrind: the warm-up and what `side`'s program holds before
 * it runs (the raw objects of `n` apps for the raw and floor sides, nothing for the component,
 * as in the memory measurement), then one run of `n` apps of `side`. With `baseline` it stops
 * before the run: that count, less, leaves the run's.
 */
async function instructionRun(layout: Layout, side: Side, n: number, baseline: boolean, offsetMb: number): Promise<void> {
    const offset = heapOffset(offsetMb);
    const raw = heldBeforeRun(layout, side, n);
    const warm = rawObjects(layout, 20);
    for (const s of SIDES) await run(layout, s, 20, warm);
    if (!baseline) await run(layout, side, n, raw);
    offset.length = 0; // held until here
}

/** The heap offset of a size's counts: 0 MB for the first, this much more for each next one. */
const OFFSET_STEP_MB = 32;

/**
 * `mb` megabytes held through a counted process, the same on every side: it moves where V8's
 * collections fall in the run (V8 collects next at a multiple of what its last collection left),
 * and costs next to nothing to mark (arrays of doubles: no pointers to follow).
 */
function heapOffset(mb: number): number[][] {
    const doubles = 4096;
    const chunkKiB = (doubles * 8) / 1024; // 8 bytes a double
    return Array.from({ length: Math.round((mb * 1024) / chunkKiB) }, () => new Array<number>(doubles).fill(0.5));
}

/**
 * node's flags in the counted processes. Predictable mode runs V8's compilers and garbage
 * collector on the main thread, without the memory reducer: otherwise how much work they do
 * varies with the threads' timing, by some percent from one count to the next. The old
 * generation's growing factor is pinned at 4.0: V8 computes it from the measured speeds of the
 * collector and the program (a clock valgrind slows unevenly), and natively, here, it comes to
 * 4.0 (its maximum) at nearly every collection of these runs (`--trace-gc-verbose`).
 */
const COUNTED_NODE_FLAGS = ["--predictable", "--heap-growing-percent=300"];

/** The instructions one `node` process executes, the whole process, as cachegrind counts them. */
function countInstructions(args: string[]): Promise<number> {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sigsci-bench-")), "cachegrind.out");
    // --smc-check: V8 writes and rewrites the code it runs (valgrind must see the changes); --cache-sim=no: instructions only.
    const valgrind = ["--tool=cachegrind", "--cache-sim=no", "--smc-check=all-non-file", `--cachegrind-out-file=${out}`, process.execPath, ...COUNTED_NODE_FLAGS, "--expose-gc", __filename, ...args];
    return new Promise((resolve, reject) => {
        execFile("valgrind", valgrind, { maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
            const summary = error ? undefined : /^summary: (\d+)$/m.exec(fs.readFileSync(out, "utf8"));
            fs.rmSync(path.dirname(out), { recursive: true, force: true });
            if (summary) resolve(Number(summary[1]));
            else reject(new Error(`valgrind node ${args.join(" ")} failed: ${error?.message ?? "no summary"}\n${stderr}`));
        });
    });
}

/** At most `width` tasks running at once: each waits for a free place, then runs. */
function limiter(width: number): <T>(task: () => Promise<T>) => Promise<T> {
    let running = 0;
    const waiting: (() => void)[] = [];
    return async (task) => {
        while (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
        running++;
        try {
            return await task();
        } finally {
            running--;
            waiting.shift()?.();
        }
    };
}

/**
 * Millions of instructions per app of each side at `n` apps, once per count: a side's count less
 * that of its process without the run (the floor's is the raw side's: they hold the same), over `n`.
 */
async function instructionsPerApp(layout: Layout, n: number, counts: number, limit: ReturnType<typeof limiter>): Promise<Record<Side, number[]>> {
    const one = async (i: number) => {
        const offsetMb = i * OFFSET_STEP_MB;
        const count = (side: Side, baseline: boolean) => limit(() => countInstructions(["--count", layout, side, String(n), "--offset", String(offsetMb), ...(baseline ? ["--baseline"] : [])]));
        const [component, raw, floor, componentBaseline, rawBaseline] = await Promise.all([
            count("component", false),
            count("raw", false),
            count("floor", false),
            count("component", true),
            count("raw", true),
        ]);
        const perApp = [component - componentBaseline, raw - rawBaseline, floor - rawBaseline].map((c) => c / n / 1e6);
        process.stderr.write(`${layout} ${n} apps, heap offset ${offsetMb} MB: component ${perApp[0].toFixed(2)}, raw ${perApp[1].toFixed(2)}, floor ${perApp[2].toFixed(2)} M instructions per app\n`);
        return perApp;
    };
    const all = await Promise.all(Array.from({ length: counts }, (_, i) => one(i)));
    return { component: all.map((a) => a[0]), raw: all.map((a) => a[1]), floor: all.map((a) => a[2]) };
}

function child<T>(args: string[]): T {
    const out = execFileSync(process.execPath, ["--expose-gc", __filename, ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
    return JSON.parse(out);
}

const spread = (xs: number[], digits = 2) => {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 1) return s[0].toFixed(digits); // one count: no range to show
    return `${median(xs).toFixed(digits)} (${s[0].toFixed(digits)}-${s[s.length - 1].toFixed(digits)})`;
};

/** CPU seconds (user + system) of this process's finished children, as the kernel counts them. */
function childrenCpuSeconds(): number {
    // /proc/self/stat: fields after the command name; cutime and cstime are the 14th and 15th, in clock ticks (100 per second on Linux).
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds of one run of `node args`, which must succeed. */
function processCpu(args: string[], cwd = REPO): number {
    const before = childrenCpuSeconds();
    const r = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
    return childrenCpuSeconds() - before;
}

/** A scratch project of the repository's program with a stack of `n` apps (sidecar and service layouts, half each). */
function bigStack(n: number): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sigsci-bench-"));
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
    const apps = Array.from({ length: n }, (_, i) => ({ appName: `app${i}`, namespace: `team${i % 20}`, appImage: `registry.example.com/app${i}:1.0`, agentLayout: i % 2 ? "service" : "sidecar" }));
    fs.writeFileSync(path.join(dir, "Pulumi.bench.yaml"), JSON.stringify({ config: { "sigsci-envoy:agentNamespace": "waf", "sigsci-envoy:apps": apps } }));
    return dir;
}

function renderCost(apps: number, rounds: number): string {
    const dir = bigStack(apps);
    const renderScript = `require(${JSON.stringify(path.join(REPO, "bin/tools/render.js"))}).renderStack("bench", ${JSON.stringify(dir)}).then((r) => { if (!r.yaml) process.exit(1); }, (e) => { console.error(e); process.exit(1); })`;
    const sides = { render: ["-e", renderScript], bare: ["-e", 'require("@pulumi/pulumi"); require("@pulumi/kubernetes")'] };
    for (const args of Object.values(sides)) processCpu(args); // warm the file cache
    const cpu = { render: [] as number[], bare: [] as number[] };
    for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (["render", "bare"] as const) : (["bare", "render"] as const);
        for (const side of order) cpu[side].push(processCpu(sides[side]));
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const per = cpu.render.map((c, i) => ((c - cpu.bare[i]) * 1000) / apps);
    return `The offline render of a ${apps}-app stack (half sidecar, half on one shared fleet, in 20 namespaces; the verifier's verdict included): ${median(cpu.render).toFixed(2)} s CPU (${Math.min(...cpu.render).toFixed(2)}-${Math.max(...cpu.render).toFixed(2)}), of which loading \`@pulumi/pulumi\` and \`@pulumi/kubernetes\` takes ${median(cpu.bare).toFixed(2)} s: ${spread(per)} ms per app, over ${rounds} alternated rounds in fresh processes.`;
}

/** The target: the components at most this many times the raw objects' CPU. */
const GOAL = 1.15;

/** The rows against the goal, and what the floor alone costs: medians, lowest to highest over the rows. */
function againstGoal(results: SizeResult[]): string {
    // Three decimals: a median of 1.153 is not within 1.15, though the table shows it as 1.15.
    const range = (pick: (r: SizeResult) => number[]) => {
        const medians = results.map((r) => median(pick(r))).sort((a, b) => a - b);
        return `${medians[0].toFixed(3)}-${medians[medians.length - 1].toFixed(3)}`;
    };
    const met = results.filter((r) => median(r.ratios.raw) <= GOAL).length;
    return `Against the goal of at most ${GOAL}x the raw objects: ${met} of ${results.length} rows meet it (component / raw medians ${range((r) => r.ratios.raw)}); the floor alone costs ${range((r) => r.ratios.floorRaw)}x the raw objects, and the components ${range((r) => r.ratios.floor)}x the floor.`;
}

/**
 * Instructions per app of both layouts at each size of `plan` (apps, counts), and the ratios
 * within each count, or why there are none. All counts share one pool of processes.
 */
async function instructionTable(plan: [n: number, counts: number][]): Promise<string> {
    const valgrind = valgrindVersion();
    if (valgrind === undefined) return NOT_COUNTED;
    const layouts: Layout[] = ["sidecar", "shared"];
    // One process per core at a time (more would only share the cores): a count does not depend on the machine's load.
    const limit = limiter(os.cpus().length);
    const cases = plan.flatMap(([n, counts]) => layouts.map((layout) => ({ layout, n, counts })));
    // The largest sizes take their places first, so that the pool does not end on one long count.
    const largestFirst = [...cases].sort((x, y) => y.n - x.n);
    const counted = new Map(await Promise.all(largestFirst.map(async (c) => [c, await instructionsPerApp(c.layout, c.n, c.counts, limit)] as const)));
    const ratio = (a: number[], b: number[]) => a.map((x, i) => x / b[i]);
    const rows: string[] = [];
    let met = 0;
    let metInEvery = 0;
    for (const c of cases) {
        const count = counted.get(c)!;
        const r = { raw: ratio(count.component, count.raw), floor: ratio(count.component, count.floor), floorRaw: ratio(count.floor, count.raw) };
        if (median(r.raw) <= GOAL) met++;
        if (Math.max(...r.raw) <= GOAL) metInEvery++;
        rows.push(
            `| ${LAYOUT_NAMES[c.layout]} | ${c.n} | ${c.counts} | ${spread(count.component, 1)} | ${spread(count.raw, 1)} | ${spread(count.floor, 1)} | ${spread(r.raw, 3)} | ${spread(r.floor, 3)} | ${spread(r.floorRaw, 3)} |`,
        );
    }
    return [
        `${INSTRUCTIONS_HEADING} (millions; valgrind ${valgrind} cachegrind, node ${COUNTED_NODE_FLAGS.join(" ")}; each side's process less one that stops before the run; the nth count at a size holds (n - 1) x ${OFFSET_STEP_MB} MB more through its process, the same on every side, to move where V8 collects; median of the counts, lowest-highest):`,
        "",
        "| layout | apps | counts | component | raw | floor | component / raw | component / floor | floor / raw |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows,
        "",
        `By instructions, against the goal of at most ${GOAL}x the raw objects: ${met} of ${cases.length} rows meet it by the median of their counts, ${metInEvery} in every count.`,
    ].join("\n");
}

/** valgrind's version, or undefined when it is not installed (the instruction counts need it; nothing else does). */
function valgrindVersion(): string | undefined {
    const r = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim().replace(/^valgrind-/, "") : undefined;
}

const LAYOUT_NAMES: Record<Layout, string> = { sidecar: "sidecar (own secret keys)", shared: "shared fleet" };

async function main(quick: boolean, docs: boolean) {
    const plan: [Layout, number, number][] = quick
        ? [
              ["sidecar", 30, 3],
              ["shared", 30, 3],
          ]
        : [
              ["sidecar", 300, 9],
              ["shared", 300, 9],
              ["sidecar", 1000, 6],
              ["shared", 1000, 6],
          ];
    const rows = [
        "| layout | apps | objects | CPU ms/app: component | CPU raw | CPU floor | component / raw: median (lowest-highest) | component / floor | floor / raw | Output.apply per app: component | applies raw | heap KiB/app after GC: component | heap raw |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    const results: SizeResult[] = [];
    for (const [layout, n, rounds] of plan) {
        const r = child<SizeResult>(["--size", layout, String(n), String(rounds)]);
        const memory = { component: child<number>(["--memory", layout, "component", String(n)]), raw: child<number>(["--memory", layout, "raw", String(n)]) };
        const c = r.cpuMsPerApp;
        results.push(r);
        rows.push(
            `| ${LAYOUT_NAMES[layout]} | ${n} | ${r.objects.raw} (+${r.objects.component - r.objects.raw} components) | ${c.component.toFixed(1)} | ${c.raw.toFixed(1)} | ${c.floor.toFixed(1)} | ${spread(r.ratios.raw)} | ${spread(r.ratios.floor)} | ${spread(r.ratios.floorRaw)} | ${r.applies.component.toFixed(1)} | ${r.applies.raw.toFixed(1)} | ${memory.component.toFixed(0)} | ${memory.raw.toFixed(0)} |`,
        );
        process.stderr.write(`${layout} ${n} apps done (${rounds} rounds)\n`);
    }
    const render = renderCost(quick ? 40 : 200, quick ? 2 : 5);
    const verifier = verifierBench(quick ? 2 : 3);
    // Last, as its processes run side by side: they would disturb the CPU times.
    // Three counts at each size, each with its own heap offset (a process at 1,000 apps takes valgrind six to ten minutes).
    const instructions = await instructionTable(
        quick
            ? [[30, 1]]
            : [
                  [300, 3],
                  [1000, 3],
              ],
    );
    const cpus = os.cpus();
    const machine = `${new Date().toISOString().slice(0, 10)}, ${cpus.length} x ${cpus[0]?.model?.trim() ?? "CPU"}, Node.js ${process.version}, @pulumi/pulumi ${require("@pulumi/pulumi/package.json").version}, @pulumi/kubernetes ${require("@pulumi/kubernetes/package.json").version}`;
    const text = `${rows.join("\n")}\n\n${againstGoal(results)}\n\n${instructions}\n\n${render}\n\n${verifier}\n\nRun: ${machine}${quick ? " (quick)" : ""}.\n`;
    process.stdout.write(text);
    if (docs) writeDocs(text);
}

/** docs/performance.md between its markers, from one run, and README's summary of it. */
function writeDocs(text: string): void {
    const page = withBenchRun(fs.readFileSync(path.join(REPO, PERFORMANCE_FILE), "utf8"), text);
    fs.writeFileSync(path.join(REPO, PERFORMANCE_FILE), page);
    fs.writeFileSync(path.join(REPO, README_FILE), withPerformanceSummary(fs.readFileSync(path.join(REPO, README_FILE), "utf8"), page));
}

/** `--offset`'s value: a whole number of megabytes, 0 or more. */
function wholeMegabytes(text: string): number {
    const mb = Number(text);
    if (text.trim() === "" || !Number.isInteger(mb) || mb < 0) throw new Error(`--offset takes a whole number of megabytes, 0 or more; got ${JSON.stringify(text)}`);
    return mb;
}

/** `apps counts` pairs of positive whole numbers, as `--instructions` takes them. */
function sizePairs(args: string[]): [number, number][] {
    const numbers = args.map(Number);
    if (numbers.length % 2 !== 0 || !numbers.every((x) => Number.isInteger(x) && x > 0))
        throw new Error(`--instructions takes pairs of apps and counts (positive whole numbers), e.g. "300 3 1000 1"; got ${JSON.stringify(args.join(" "))}`);
    return numbers.flatMap((x, i) => (i % 2 === 0 ? [[x, numbers[i + 1]] as [number, number]] : []));
}

async function entry(argv: string[]) {
    // The user's options, and the modes in which the bench runs itself in a fresh process.
    const { values, positionals } = parseArgs({
        args: argv,
        options: {
            quick: { type: "boolean", default: false },
            docs: { type: "boolean", default: false },
            render: { type: "boolean", default: false },
            verifier: { type: "boolean", default: false },
            size: { type: "boolean", default: false },
            memory: { type: "boolean", default: false },
            instructions: { type: "boolean", default: false },
            count: { type: "boolean", default: false },
            baseline: { type: "boolean", default: false },
            offset: { type: "string", default: "0" },
        },
        allowPositionals: true,
        strict: true,
    });
    const [a, b, c] = positionals;
    if (values.size) process.stdout.write(JSON.stringify(await measureSize(a as Layout, Number(b), Number(c))));
    else if (values.memory) process.stdout.write(JSON.stringify(await measureMemory(a as Layout, b as Side, Number(c))));
    else if (values.count) await instructionRun(a as Layout, b as Side, Number(c), values.baseline!, wholeMegabytes(values.offset!));
    else if (values.instructions) process.stdout.write(`${await instructionTable(sizePairs(positionals.length > 0 ? positionals : ["300", "3"]))}\n`);
    else if (values.render) process.stdout.write(`${renderCost(Number(a ?? 200), Number(b ?? 5))}\n`);
    else if (values.verifier) process.stdout.write(`${verifierBench(Number(a ?? 3))}\n`);
    else if (positionals.length > 0)
        throw new Error(
            `unexpected argument ${JSON.stringify(a)}; usage: npm run bench [-- --quick | -- --docs] | -- --render [apps] [rounds] | -- --verifier [rounds] | -- --instructions [apps counts]...`,
        );
    else if (values.quick && values.docs) throw new Error("--docs writes a full run into docs/performance.md and the README; a --quick run is not written");
    else await main(values.quick!, values.docs!);
}

entry(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
});
