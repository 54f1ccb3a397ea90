// What Fastly's guide prescribes for the agent container and its credentials, checked on plain
// Kubernetes objects however they were made (these components, hand-written resources, the
// guide's own YAML): plain functions over plain objects, like the traffic model beside them.
// The policy pack (policy/) enforces them; nothing here imports Pulumi.
import { agentShutdownFindings, isAgentContainer } from "../traffic/agent";
import { AGENT_KEY_OPTIONS, AGENT_OPTIONS, AGENT_PRESTOP_SECONDS, AGENT_TMP_DIR, agentVariable } from "../vocabulary/agent";
import { commandLine, optionValue } from "../traffic/process";
import { allContainers, imageTag, KubeObject, literalEnv } from "../traffic/kube";
import { workloads } from "../traffic/objects";
import { GUIDE_CODES } from "../traffic/findings";
import { analyzeTraffic, Finding, TrafficReport, VerifyOptions } from "../traffic/verify";

/** The codes of the guide's findings (one finding model with the traffic model's: {@link Finding}). */
export type GuideCode = (typeof GUIDE_CODES)[number];

/** What the guide advises rather than requires: a warning. */
const ADVICE: readonly GuideCode[] = ["agent-pull-policy", "agent-no-requests"];
const finding = (code: GuideCode, object: string, message: string): Finding => ({ code, severity: ADVICE.includes(code) ? "warning" : "error", object, message });

// The guide's values, from the package's one vocabulary (published here as before).
export { AGENT_KEY_OPTIONS, AGENT_PRESTOP_SECONDS, AGENT_TMP_DIR };
/** The agent keys' variables (guide: "These variables must be set or the agent will not start"). */
export const AGENT_KEY_VARIABLES = AGENT_KEY_OPTIONS.map(agentVariable);

function dirOf(file: string): string {
    return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) || "/" : ".";
}

/** Where the agent writes: the directory of its RPC socket and shared cache (guide defaults: /sigsci/tmp). */
function agentWriteDirs(container: any): string[] {
    const env = literalEnv(container);
    const rpc = env[agentVariable(AGENT_OPTIONS.rpcAddress)];
    const socket = rpc && !rpc.includes(":") ? dirOf(rpc) : AGENT_TMP_DIR;
    const cache = env[agentVariable(AGENT_OPTIONS.sharedCacheDir)] ?? AGENT_TMP_DIR;
    return [...new Set([socket, cache])];
}

/** Is `dir` on a volume the container mounts (at it, or above it)? */
function mounted(container: any, dir: string): boolean {
    return (container.volumeMounts ?? []).some((m: any) => {
        const at = typeof m?.mountPath === "string" ? m.mountPath.replace(/\/+$/, "") : undefined;
        return at !== undefined && (dir === at || dir.startsWith(`${at}/`));
    });
}

/** Each agent container of each workload, checked against the guide. */
export function checkAgentContainers(objects: KubeObject[], options: VerifyOptions = {}): Finding[] {
    const findings: Finding[] = [];
    for (const w of workloads(objects, options.defaultNamespace ?? "default")) {
        for (const c of allContainers(w.pod).filter(isAgentContainer)) {
            const add = (code: GuideCode, message: string) => findings.push(finding(code, w.ref, `container ${c.name}: ${message}`));
            for (const e of c.env ?? []) {
                if (AGENT_KEY_VARIABLES.includes(e?.name) && e.value !== undefined) {
                    add(
                        "agent-key-literal",
                        `${e.name} is a literal value, so the agent key stands in plain text in the manifest and in every copy of it; read it from a Secret (valueFrom.secretKeyRef, as the guide shows)`,
                    );
                }
                const cm = e?.valueFrom?.configMapKeyRef;
                if (AGENT_KEY_VARIABLES.includes(e?.name) && cm) {
                    add(
                        "agent-key-literal",
                        `${e.name} is read from ConfigMap ${cm.name} (key ${cm.key}), whose data is plain text to anyone who may read ConfigMaps; read it from a Secret (valueFrom.secretKeyRef, as the guide shows)`,
                    );
                }
            }
            // Flags name the keys on the command line: in the manifest, and in every process listing.
            const argv = commandLine(c).argv;
            for (const option of AGENT_KEY_OPTIONS) {
                if (optionValue(argv, [`--${option}`, `-${option}`]) !== undefined)
                    add(
                        "agent-key-literal",
                        `the agent key is given on its command line (--${option}), in plain text in the manifest; read it from a Secret into ${agentVariable(option)} (valueFrom.secretKeyRef, as the guide shows)`,
                    );
            }
            if (c.securityContext?.readOnlyRootFilesystem !== true) {
                add(
                    "agent-root-writable",
                    `its root filesystem is writable; set securityContext.readOnlyRootFilesystem: true, with an emptyDir mounted at ${AGENT_TMP_DIR} for the agent's temporary files (the guide)`,
                );
            } else {
                for (const dir of agentWriteDirs(c)) {
                    if (!mounted(c, dir))
                        add(
                            "agent-tmp-missing",
                            `its root filesystem is read-only but nothing writable is mounted at ${dir}, where the agent writes its RPC socket and cache; mount an emptyDir there (the guide's sigsci-tmp)`,
                        );
                }
            }
            for (const f of agentShutdownFindings(c, w.pod)) findings.push(finding(f.code, w.ref, f.message));
            const image = String(c.image ?? "");
            const tag = imageTag(image);
            const latest = !image.includes("@") && (tag === undefined || tag === "latest");
            // Kubernetes' default for latest is Always: only an explicit IfNotPresent goes stale.
            if (latest && c.imagePullPolicy === "IfNotPresent") {
                add(
                    "agent-pull-policy",
                    `image ${image} with imagePullPolicy IfNotPresent: each node keeps the first latest it pulled, so agents differ and never update; use Always (or Never with a manually updated image), or pin a version with IfNotPresent (the guide)`,
                );
            }
            const requests = c.resources?.requests ?? {};
            const missing = ["cpu", "memory"].filter((r) => requests[r] === undefined);
            if (missing.length > 0) {
                add(
                    "agent-no-requests",
                    `no ${missing.join(" or ")} request, so the scheduler may place it where it cannot get them and it is evicted first under pressure; request what it needs (Fastly suggests a full core and 512Mi to start, then load-testing)`,
                );
            }
        }
    }
    return findings;
}

const KEY_NAME = /^(sigsci[_.-]?)?(accesskeyid|secretaccesskey)$/i;

/** An agent key written into a file or an env list: `SIGSCI_ACCESSKEYID=...`, or agent.conf's `accesskeyid = "..."`. */
const EMBEDDED_KEY = new RegExp(`(\\b(${AGENT_KEY_VARIABLES.join("|")})\\s*[=:]|^\\s*(${AGENT_KEY_OPTIONS.join("|")})\\s*=)\\s*["']?[A-Za-z0-9_-]{8,}`, "im");

/** ConfigMaps that hold agent keys: their data is not secret (readable by anyone who may read ConfigMaps, and not encrypted at rest). */
export function checkAgentKeysInConfigMaps(objects: KubeObject[], options: VerifyOptions = {}): Finding[] {
    const findings: Finding[] = [];
    for (const o of objects.filter((x) => x.kind === "ConfigMap")) {
        // binaryData is base64 of the very bytes a pod reads.
        const decoded = Object.entries<unknown>(o.binaryData ?? {}).map(([k, v]) => [k, typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : v] as const);
        const entries = [...Object.entries<unknown>(o.data ?? {}), ...decoded];
        const named = entries.filter(([k]) => KEY_NAME.test(k)).map(([k]) => k);
        const embedded = entries.filter(([k, v]) => !KEY_NAME.test(k) && typeof v === "string" && EMBEDDED_KEY.test(v)).map(([k]) => k);
        for (const key of [...named, ...embedded]) {
            findings.push(
                finding(
                    "agent-keys-in-configmap",
                    `ConfigMap ${o.metadata?.namespace ?? options.defaultNamespace ?? "default"}/${o.metadata?.name ?? "(unnamed)"}`,
                    `data key ${key} holds an agent key, readable by anyone who may read ConfigMaps; keep the keys in a Secret (accesskeyid and secretaccesskey, the guide) and rotate these`,
                ),
            );
        }
    }
    return findings;
}

/** Envoy pods in `namespaces` whose inspection lets requests through when no agent answers. */
export function checkFailClosed(objects: KubeObject[], namespaces: string[], options: VerifyOptions = {}): Finding[] {
    if (namespaces.length === 0) return [];
    return failOpenPaths(analyzeTraffic(objects, options), namespaces);
}

/** The same, from a traffic report already made. */
export function failOpenPaths(report: TrafficReport, namespaces: string[]): Finding[] {
    return report.paths
        .filter((p) => p.failOpen && namespaces.includes(p.namespace))
        .map((p) =>
            finding(
                "inspection-fail-open",
                p.envoy,
                `${p.integration} on listener ${p.listener} fails open (failure_mode_allow: true): when no agent answers, requests reach the app uninspected, and namespace ${p.namespace} requires fail-closed; set failure_mode_allow: false (inspection.failOpen: false)`,
            ),
        );
}
