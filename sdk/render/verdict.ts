// The traffic verifier's verdict as one summary line, for the render and `sigsci-envoy verify`.
import { TrafficReport, verdictOf } from "../traffic";

const VERDICTS: Record<TrafficReport["verdict"], string> = {
    inspected: "every request proven inspected",
    "not-inspected": "some requests pass uninspected",
    "cannot-verify": "not every path can be verified",
};

/** The verifier's verdict in one line: what it proved, and how many findings of each kind. */
export function trafficVerdict(t: TrafficReport): string {
    const proven = `${t.paths.length} inspected listener${t.paths.length === 1 ? "" : "s"} verified`;
    if (t.findings.length === 0) return `  traffic paths: ${proven}, no findings`;
    const unverified = t.findings.filter((f) => verdictOf(f) === "cannot-verify").length;
    return `  traffic paths: ${proven}; ${VERDICTS[t.verdict]}: ${t.findings.length} finding${t.findings.length === 1 ? "" : "s"}${unverified > 0 ? ` (${unverified} cannot verify)` : ""}`;
}
