// docs/performance.md's generated block is one bench run (`npm run bench -- --docs` writes it);
// README's Performance section is derived from that block: the components against the same
// objects registered raw, by instructions where they were counted (else by CPU time), with the
// run's date, machine and versions. The bench writes both; `npm run docs` rewrites README's from
// the page, and a test fails when it is out of date.
import { betweenMarkers } from "./markers";

export const PERFORMANCE_FILE = "docs/performance.md";
export const BENCH_START = "<!-- bench:begin (npm run bench -- --docs writes this) -->";
export const BENCH_END = "<!-- bench:end -->";
export const README_FILE = "README.md";
export const SUMMARY_START = "<!-- performance: generated from docs/performance.md by npm run docs and the bench -->";
export const SUMMARY_END = "<!-- /performance -->";

/** The bench run's block of `page` (docs/performance.md). */
export function benchBlock(page: string): string {
    const from = page.indexOf(BENCH_START);
    const to = page.indexOf(BENCH_END);
    if (from < 0 || to < from) throw new Error(`${PERFORMANCE_FILE}: the markers ${BENCH_START} ... ${BENCH_END} are missing`);
    return page.slice(from + BENCH_START.length, to);
}

/** `page` (docs/performance.md) with `run` (one bench run's text) as its block. */
export function withBenchRun(page: string, run: string): string {
    return betweenMarkers(page, PERFORMANCE_FILE, BENCH_START, BENCH_END, run);
}

interface Ratio {
    layout: string;
    apps: number;
    /** component / raw: the median, as the run's table shows it. */
    ratio: string;
}

/** The component / raw column of the run's rows of one table: its header names where that column is. */
function ratios(table: string, column: string): Ratio[] {
    const lines = table.split("\n").filter((l) => l.startsWith("| "));
    const header = lines[0]?.split(" | ").map((c) => c.replace(/^\| /, "").trim());
    const at = header?.findIndex((c) => c.startsWith(column)) ?? -1;
    if (at < 0) throw new Error(`${PERFORMANCE_FILE}: no "${column}" column in the bench run's table`);
    return lines
        .slice(2)
        .map((l) => l.slice(2, -2).split(" | "))
        .map((cells) => ({ layout: cells[0], apps: Number(cells[1]), ratio: cells[at].split(" ")[0] }));
}

/** README's Performance table and run line, from docs/performance.md's bench block. */
export function performanceSummary(page: string): string {
    const block = benchBlock(page);
    const [cpu, instructions] = block.split(/^Instructions per app/m);
    const counted = instructions !== undefined && !/^: not counted/.test(instructions);
    const rows = counted ? ratios(instructions, "component / raw") : ratios(cpu, "component / raw");
    const run = /^Run: (.+)\.$/m.exec(block)?.[1];
    if (rows.length === 0 || run === undefined) throw new Error(`${PERFORMANCE_FILE}: the bench run's block has no rows or no "Run:" line`);
    const sizes = [...new Set(rows.map((r) => r.apps))].sort((a, b) => a - b);
    const layouts = [...new Set(rows.map((r) => r.layout))];
    const cell = (layout: string, apps: number) => rows.find((r) => r.layout === layout && r.apps === apps)?.ratio;
    return [
        `Component / the same objects registered raw, ${counted ? "by instructions per app (valgrind)" : "by CPU time per app (median of the rounds)"}:`,
        "",
        `| layout | ${sizes.map((n) => `${n.toLocaleString("en-US")} apps`).join(" | ")} |`,
        `| --- | ${sizes.map(() => "---:").join(" | ")} |`,
        ...layouts.map((l) => `| ${l} | ${sizes.map((n) => (cell(l, n) === undefined ? "" : `${cell(l, n)}x`)).join(" | ")} |`),
        "",
        `From one run of \`npm run bench -- --docs\`: ${run}.`,
    ].join("\n");
}

/** `readme` with the summary of `page` (docs/performance.md) between its markers. */
export function withPerformanceSummary(readme: string, page: string): string {
    return betweenMarkers(readme, README_FILE, SUMMARY_START, SUMMARY_END, performanceSummary(page));
}
