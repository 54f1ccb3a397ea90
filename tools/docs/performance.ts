// docs/performance.md's generated block is one bench run (`npm run bench -- --docs` writes it);
// README's Performance section is derived from that block: the components against the same
// objects registered raw, by instructions where they were counted (else by CPU time), with the
// run's date, machine and versions. The bench writes both; `npm run docs` rewrites README's from
// the page, and a test fails when it is out of date.
import { betweenMarkers, withinMarkers } from "./markers";

export const PERFORMANCE_FILE = "docs/performance.md";
export const BENCH_START = "<!-- bench:begin (npm run bench -- --docs writes this) -->";
export const BENCH_END = "<!-- bench:end -->";
export const README_FILE = "README.md";
export const SUMMARY_START = "<!-- performance: generated from docs/performance.md by npm run docs and the bench -->";
export const SUMMARY_END = "<!-- /performance -->";
/** How the bench's instruction counts begin, counted or not. */
export const INSTRUCTIONS_HEADING = "Instructions per app";
export const NOT_COUNTED = `${INSTRUCTIONS_HEADING}: not counted (valgrind is not installed).`;

/** The bench run's block of `page` (docs/performance.md). */
export function benchBlock(page: string): string {
    return withinMarkers(page, PERFORMANCE_FILE, BENCH_START, BENCH_END);
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

/** The cells of a table row (`| a | b |`). */
const cells = (line: string) => line.slice(2, -2).split(" | ");

/**
 * The component / raw column of the rows of the first table in `text` (the lines from its
 * header to the first that is not a row): its header names where that column is.
 */
function ratios(text: string, column: string): Ratio[] {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith("| "));
    const end = lines.findIndex((l, i) => i > start && !l.startsWith("| "));
    const [header, , ...rows] = lines.slice(start, end < 0 ? undefined : end);
    const at = start < 0 ? -1 : cells(header).findIndex((c) => c.startsWith(column));
    if (at < 0) throw new Error(`${PERFORMANCE_FILE}: the bench run's table has no "${column}" column`);
    return rows.map((row) => {
        const c = cells(row);
        const apps = Number(c[1]);
        const ratio = c[at]?.split(" ")[0];
        if (!Number.isInteger(apps) || ratio === undefined || !/^\d+\.\d+$/.test(ratio)) throw new Error(`${PERFORMANCE_FILE}: a row of the bench run's table is not a layout, a number of apps and a "${column}" ratio: ${row}`);
        return { layout: c[0], apps, ratio };
    });
}

/** README's Performance table and run line, from docs/performance.md's bench block. */
export function performanceSummary(page: string): string {
    const block = benchBlock(page);
    const at = block.indexOf(INSTRUCTIONS_HEADING);
    const counted = at >= 0 && !block.startsWith(NOT_COUNTED, at);
    const rows = counted ? ratios(block.slice(at), "component / raw") : ratios(block, "component / raw");
    const run = /^Run: (.+)\.$/m.exec(block)?.[1];
    if (rows.length === 0 || run === undefined) throw new Error(`${PERFORMANCE_FILE}: the bench run's block has no table rows or no "Run:" line`);
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
