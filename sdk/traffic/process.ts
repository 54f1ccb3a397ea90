// What a container runs, read the way the kubelet starts it: its command line (`command` and
// `args`, with `$(VAR)` expanded, through a shell's `-c` script when there is one) and its
// environment (`envFrom` first, each later source over the earlier ones, then `env` over all of
// them, a later duplicate over an earlier one; `valueFrom` resolved from the ConfigMaps and
// Secrets among the objects). A value that comes from somewhere the objects do not show (the
// downward API, a ConfigMap that is not among them) is kept as unknown, never guessed.
import { ObjectIndex } from "./objects";

/** A variable's value, or why it cannot be known from the objects. */
export type EnvValue = { value: string } | { unknown: string };

export interface ContainerEnv {
    /** The variables the objects define. */
    vars: Map<string, EnvValue>;
    /**
     * Sources that may define any variable (an `envFrom` of a ConfigMap or Secret that is not
     * among the objects): with the prefix they add.
     */
    opaque: { prefix: string; source: string }[];
}

export const isKnown = (v: EnvValue | undefined): v is { value: string } => v !== undefined && "value" in v;

/** `$(NAME)` expanded from the variables defined so far, as the kubelet does (`$$(` escapes). */
function expand(text: string, vars: Map<string, EnvValue>): EnvValue {
    let unknown: string | undefined;
    const value = text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
        if (m === "$$") return "$";
        const v = vars.get(name!);
        if (v === undefined) return m;
        if (!isKnown(v)) {
            unknown ??= `$(${name}) is ${v.unknown}`;
            return m;
        }
        return v.value;
    });
    return unknown !== undefined ? { unknown } : { value };
}

/** The environment the kubelet gives `container` of a pod in `namespace`. */
export function containerEnv(index: ObjectIndex, namespace: string, container: any): ContainerEnv {
    const vars = new Map<string, EnvValue>();
    const opaque: ContainerEnv["opaque"] = [];
    for (const source of Array.isArray(container?.envFrom) ? container.envFrom : []) {
        const prefix = typeof source?.prefix === "string" ? source.prefix : "";
        const ref = source?.configMapRef ? { kind: "ConfigMap" as const, name: source.configMapRef.name } : source?.secretRef ? { kind: "Secret" as const, name: source.secretRef.name } : undefined;
        if (!ref) continue;
        const entries = index.entriesOf(ref.kind, namespace, ref.name);
        if (!entries) {
            opaque.push({ prefix, source: `envFrom ${ref.kind} ${namespace}/${ref.name}, which is not among the objects` });
            continue;
        }
        for (const [k, v] of Object.entries(entries)) vars.set(`${prefix}${k}`, { value: v });
    }
    for (const e of Array.isArray(container?.env) ? container.env : []) {
        if (typeof e?.name !== "string") continue;
        if (typeof e.value === "string") {
            vars.set(e.name, expand(e.value, vars));
            continue;
        }
        const from = e.valueFrom;
        if (from === undefined || from === null) {
            vars.set(e.name, { value: "" });
            continue;
        }
        const ref = from.configMapKeyRef ? { kind: "ConfigMap" as const, r: from.configMapKeyRef } : from.secretKeyRef ? { kind: "Secret" as const, r: from.secretKeyRef } : undefined;
        if (ref) {
            const v = index.valueOf(ref.kind, namespace, ref.r.name, String(ref.r.key), false);
            if (v !== undefined) vars.set(e.name, { value: v });
            // An optional key that is not there: the kubelet skips the entry, so an earlier value stays.
            else if (index.get(ref.kind, namespace, ref.r.name) && ref.r.optional === true) continue;
            else vars.set(e.name, { unknown: `read from ${ref.kind} ${namespace}/${ref.r.name} key ${ref.r.key}, which is not among the objects` });
            continue;
        }
        const field = from.fieldRef?.fieldPath ?? from.resourceFieldRef?.resource;
        vars.set(e.name, { unknown: `set by the kubelet at run time (${field !== undefined ? `valueFrom ${field}` : "valueFrom"})` });
    }
    return { vars, opaque };
}

/** A variable as the process sees it: its value, unknown, or absent (undefined). */
export function envValue(env: ContainerEnv, name: string): EnvValue | undefined {
    const v = env.vars.get(name);
    if (v !== undefined) return v;
    const opaque = env.opaque.find((o) => name.startsWith(o.prefix));
    return opaque ? { unknown: `possibly set by ${opaque.source}` } : undefined;
}

const SHELLS = /^(\/usr)?(\/bin\/)?(ba|da|z|a)?sh$/;

/** Splits a shell script into words, roughly as `sh` would (quotes, no expansion). */
function shellWords(script: string): string[] {
    const words: string[] = [];
    const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"';&|]+)|([;&|]+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(script))) words.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    return words;
}

export interface CommandLine {
    /** The words of the command line, `$(VAR)` expanded; through a shell, the words of its script. */
    argv: string[];
    /** A shell runs the command: the words are a best reading of its script. */
    viaShell: boolean;
    /** A `$(VAR)` that could not be expanded. */
    unknown?: string;
}

/** The command line the container starts with (`command` and `args`; the image's entrypoint when neither is given). */
export function commandLine(container: any, env?: ContainerEnv): CommandLine {
    const raw: string[] = [...(Array.isArray(container?.command) ? container.command : []), ...(Array.isArray(container?.args) ? container.args : [])].map(String);
    let unknown: string | undefined;
    const argv = raw.map((w) => {
        if (!env) return w;
        const v = expand(w, env.vars);
        if (isKnown(v)) return v.value;
        unknown ??= v.unknown;
        return w;
    });
    const shellAt = argv.findIndex((w) => SHELLS.test(w));
    if (shellAt >= 0 && shellAt <= 1) {
        // `-c`, or combined short options that include it (`-ec`, `-lc`).
        const c = argv.findIndex((w, i) => i > shellAt && /^-[a-z]*c[a-z]*$/.test(w));
        if (c >= 0 && argv[c + 1] !== undefined) return { argv: shellWords(argv[c + 1]), viaShell: true, unknown };
    }
    return { argv, viaShell: false, unknown };
}

/** The value of a long option (`--name value`, `--name=value`, `-name=value`), or undefined. */
export function optionValue(argv: string[], names: string[]): string | undefined {
    let found: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        for (const n of names) {
            if (argv[i] === n && argv[i + 1] !== undefined && !argv[i + 1].startsWith("-")) found = argv[i + 1];
            else if (argv[i] === n) found = "true";
            else if (argv[i].startsWith(`${n}=`)) found = argv[i].slice(n.length + 1);
        }
    }
    return found;
}

/** The basename of a program path. */
export const programName = (word: string | undefined) => String(word ?? "").slice(String(word ?? "").lastIndexOf("/") + 1);

/** What a path in a container holds: a file's text from a ConfigMap or Secret among the objects, a volume the objects do not show, or nothing mounted there. */
export type MountedFile = { text: string; source: string } | { opaque: string } | { none: true };

/** The file at `path` in `container`, through its volume mounts (the longest mount path wins, as in the kernel's mount table). */
export function mountedFile(index: ObjectIndex, namespace: string, pod: any, container: any, path: string): MountedFile {
    const mounts: any[] = [...(Array.isArray(container?.volumeMounts) ? container.volumeMounts : [])].sort((a, b) => String(b.mountPath).length - String(a.mountPath).length);
    for (const m of mounts) {
        const mountPath = String(m.mountPath).replace(/\/+$/, "");
        let below: string;
        if (path === mountPath) below = "";
        else if (path.startsWith(`${mountPath}/`)) below = path.slice(mountPath.length + 1);
        else continue;
        // subPathExpr expands the pod's environment, which the kubelet knows and the objects may not.
        if (m.subPathExpr) return { opaque: `volume ${m.name} mounted with subPathExpr ${m.subPathExpr}, which the kubelet expands from the container's environment` };
        // The file's path in the volume: under the subPath, when one is mounted (a file, or a directory).
        const rest = m.subPath ? (below ? `${String(m.subPath).replace(/\/+$/, "")}/${below}` : String(m.subPath)) : below;
        if (!rest) return { none: true };
        const volume = (Array.isArray(pod?.volumes) ? pod.volumes : []).find((v: any) => v?.name === m.name);
        return volumeFile(index, namespace, m.name, volume, rest);
    }
    return { none: true };
}

/** The file at `rest` in `volume`: of a projected volume's sources, the last that provides it wins (the kubelet writes them in order). */
function volumeFile(index: ObjectIndex, namespace: string, mountName: string, volume: any, rest: string): MountedFile {
    const projected = volume?.projected !== undefined;
    const sources: any[] = projected ? (Array.isArray(volume.projected.sources) ? volume.projected.sources : []) : [volume];
    let found: MountedFile = { none: true };
    for (const source of sources) {
        const ref = source?.configMap
            ? { kind: "ConfigMap" as const, name: source.configMap.name, items: source.configMap.items }
            : source?.secret
              ? { kind: "Secret" as const, name: source.secret.secretName ?? source.secret.name, items: source.secret.items }
              : undefined;
        if (!ref) {
            if (!projected)
                return {
                    opaque: `volume ${mountName}${
                        volume
                            ? ` (${
                                  Object.keys(volume)
                                      .filter((k) => k !== "name")
                                      .join(", ") || "no source"
                              })`
                            : ", which the pod does not define"
                    }, whose files are not among the objects`,
                };
            // Another kind of source (downward API, token, trust bundle) writing this path: its contents are not among the objects.
            const paths = [source?.serviceAccountToken?.path, source?.clusterTrustBundle?.path, ...(source?.downwardAPI?.items ?? []).map((i: any) => i?.path)];
            if (paths.includes(rest)) found = { opaque: `volume ${mountName}: a ${Object.keys(source ?? {}).join(", ")} source writes ${rest}, whose contents are not among the objects` };
            continue;
        }
        const key = Array.isArray(ref.items) ? ref.items.find((i: any) => i?.path === rest)?.key : rest;
        if (key === undefined) continue;
        const text = index.valueOf(ref.kind, namespace, ref.name, key);
        if (text !== undefined) found = { text, source: `${ref.kind} ${namespace}/${ref.name} key ${key}` };
        else if (!index.get(ref.kind, namespace, ref.name)) found = { opaque: `${ref.kind} ${namespace}/${ref.name} (volume ${mountName}), which is not among the objects` };
    }
    return found;
}
