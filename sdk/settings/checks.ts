// Readers for single inputs: each returns the value (or the default when the input is left
// out) and refuses anything else with a message naming the input. Resolvers are built from these.
import { kindOf, refuse, refuseAs } from "./errors";
import { IPV4_ADDRESS } from "../vocabulary/kubernetes";
import { closest, didYouMean, onlyFields } from "./fields";
import { isPending } from "./pending";

// Kubernetes' DNS-1123 / DNS-1035 rules (k8s.io/apimachinery/pkg/util/validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A label key is an optional DNS subdomain prefix and a name; a value is a name or empty.
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
// Protobuf JSON duration, as Envoy reads it: seconds with up to nine decimals.
const DURATION = /^\d+(\.\d{1,9})?s$/;
// [registry[:port]/]path[:tag][@sha256:digest]
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
// A Kubernetes resource quantity, as resource.ParseQuantity reads it (k8s.io/apimachinery/pkg/api/resource):
// a number, then a binary-SI, decimal-SI or exponent suffix. Resources are never negative.
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
// Control characters (newlines, tabs, NUL, DEL) have no place in a name or path.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function str(input: string, value: unknown, fallback?: string): string {
    if (isPending(value)) return value as never;
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string" || value.length === 0) refuse(input, value, "a non-empty string");
    return value;
}

export function bool(input: string, value: unknown, fallback: boolean): boolean {
    if (isPending(value)) return value as never;
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") refuse(input, value, "true or false");
    return value;
}

export function int(input: string, value: unknown, fallback: number | undefined, min: number, max: number): number {
    if (isPending(value)) return value as never;
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        refuse(input, value, `a whole number from ${min} to ${max}`);
    }
    return value;
}

export function port(input: string, value: unknown, fallback?: number): number {
    if (isPending(value)) return value as never;
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
        refuse(input, value, "a port number from 1 to 65535");
    }
    return value;
}

export function oneOf<T extends string>(input: string, value: unknown, allowed: readonly T[], fallback: T): T {
    if (isPending(value)) return value as never;
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) refuse(input, value, oneOfText(allowed, value));
    return value as T;
}

/** `one of "a", "b"`, with the allowed value a given one is closest to, when it is near one (`ipv6`: `"IPv6"`). */
export function oneOfText(allowed: readonly string[], value: unknown): string {
    const near = typeof value === "string" ? closest(value, allowed) : undefined;
    return `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}${didYouMean(near === undefined ? undefined : JSON.stringify(near))}`;
}

/** A Service or other object named as a DNS-1035 label (starts with a letter, at most 63 characters). */
export function dns1035Label(input: string, value: unknown): string {
    if (isPending(value)) return value as never;
    if (typeof value !== "string" || value.length > 63 || !DNS1035_LABEL.test(value)) {
        refuse(input, value, "a DNS-1035 label: at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit");
    }
    return value;
}

/** A namespace or container name: a DNS-1123 label. */
export function dns1123Label(input: string, value: unknown, fallback?: string): string {
    if (isPending(value)) return value as never;
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string" || value.length > 63 || !DNS1123_LABEL.test(value)) {
        refuse(input, value, "a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
    }
    return value;
}

/** A key of a Secret or ConfigMap, as the API server accepts it (k8s.io/apimachinery's IsConfigMapKey). */
export function configKey(input: string, value: unknown): string {
    if (isPending(value)) return value as never;
    if (typeof value !== "string" || value.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(value) || value === "." || value === ".." || value.startsWith("..")) {
        refuse(input, value, "a key of a Secret: at most 253 letters, digits, '-', '_' and '.', not . or .. or starting with ..");
    }
    return value;
}

/** A ConfigMap or Secret name: a DNS-1123 subdomain. */
/** True for a DNS-1123 subdomain: a Kubernetes object name, or a host name. */
export function isDns1123Subdomain(value: unknown): value is string {
    return typeof value === "string" && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

export function dns1123Subdomain(input: string, value: unknown): string {
    if (isPending(value)) return value as never;
    if (!isDns1123Subdomain(value)) {
        refuse(input, value, "a DNS-1123 subdomain: at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
    return value;
}

/** A label or annotation key: an optional DNS subdomain prefix and '/', then a name (k8s.io/apimachinery's qualified name). */
function isQualifiedName(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    return name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && isDns1123Subdomain(prefix)));
}

export function labels(input: string, value: unknown): Record<string, string> {
    if (isPending(value)) return value as never;
    if (value === undefined) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) refuse(input, value, "a map of label names to values");
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (!isQualifiedName(key)) refuse(`${input} key`, key, "a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'");
        if (isPending(v)) {
            out[key] = v as string;
            continue;
        }
        if (typeof v !== "string" || v.length > 63 || (v !== "" && !LABEL_NAME.test(v))) {
            refuse(`${input}.${key}`, v, "a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
        }
        out[key] = v;
    }
    return out;
}

/** Annotations: qualified names to any strings, at most 256 KiB in all (Kubernetes' limit). */
export function annotations(input: string, value: unknown): Record<string, string> {
    if (isPending(value)) return value as never;
    if (value === undefined) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) refuse(input, value, "a map of annotation names to strings");
    let size = 0;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (!isQualifiedName(key)) refuse(`${input} key`, key, "an annotation name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'");
        if (isPending(v)) continue;
        if (typeof v !== "string") refuse(`${input}.${key}`, v, "a string");
        size += key.length + (v as string).length;
    }
    if (size > 256 * 1024) refuse(input, `(${size} bytes)`, "at most 262144 bytes of annotations in all");
    return value as Record<string, string>;
}

// An IPv4 or IPv6 network in CIDR notation, as net.ParseCIDR reads it.
const IPV4_CIDR = new RegExp(`^${IPV4_ADDRESS.source.slice(1, -1)}\\/(3[0-2]|[12]?\\d)$`);
const IPV6_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** A list of CIDRs (`10.0.0.0/8`, `2001:db8::/32`). */
export function cidrList(input: string, value: unknown): string[] | undefined {
    const list = stringList(input, value);
    if (list === undefined || isPending(list)) return list;
    list.forEach((c, i) => {
        if (!isPending(c) && !IPV4_CIDR.test(c) && !IPV6_CIDR.test(c)) refuse(`${input}[${i}]`, c, 'a network in CIDR notation, such as "203.0.113.0/24" or "2001:db8::/32"');
    });
    return list;
}

/**
 * A timeout Envoy reads in whole milliseconds (it drops the rest: "0.0005s" would be no time at
 * all), up to the limit of the field it lands in (`limit`: Envoy's, from sdk/envoy/limits.ts).
 */
export function duration(input: string, value: unknown, fallback: string, limit: { max: number; why: string }): string {
    if (isPending(value)) return value as never;
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !DURATION.test(value) || !/^\d+(\.\d{1,3}0*)?s$/.test(value) || Number(value.slice(0, -1)) < 0.001 || Number(value.slice(0, -1)) > limit.max) {
        refuse(input, value, `a duration of whole milliseconds in seconds such as "0.2s" or "1s", from 0.001s to ${limit.max}s (${limit.why})`);
    }
    return value;
}

export function image(input: string, value: unknown, fallback?: string): string {
    if (isPending(value)) return value as never;
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string" || value.length > 512 || !IMAGE.test(value)) {
        refuse(input, value, 'an image reference such as "signalsciences/sigsci-agent:4.60.0" or "registry.example.com/team/app@sha256:<64 hex>"');
    }
    return value;
}

export function quantity(input: string, value: unknown, fallback: string | undefined): string | undefined {
    if (isPending(value)) return value as never;
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !QUANTITY.test(value) || !Number.isFinite(quantityValue(value))) {
        refuse(input, value, 'a Kubernetes quantity such as "250m", "1", "512Mi" or "1Gi" (not negative)');
    }
    return value;
}

const QUANTITY_SUFFIX: Record<string, number> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** The number a checked quantity stands for ("500m" -> 0.5, "1Gi" -> 1073741824); NaN for anything else. */
export function quantityValue(q: string): number {
    const m = typeof q === "string" ? /^([0-9.]+)(.*)$/.exec(q) : null;
    if (!m) return NaN;
    const suffix = m[2];
    if (/^[eE][-+]?[0-9]+$/.test(suffix)) return Number(m[1] + suffix);
    return Number(m[1]) * (QUANTITY_SUFFIX[suffix] ?? NaN);
}

export function stringList(input: string, value: unknown): string[] | undefined {
    if (isPending(value)) return value as never;
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => !isPending(v) && typeof v !== "string")) refuse(input, value, "a list of strings");
    return value as string[];
}

/**
 * An absolute path other than `/`, without control characters, `.` or `..` segments; returned in
 * its plain form (`//a//b/` -> `/a/b`), as the kubelet would mount it.
 */
/** A list (of anything, each item checked by the caller); undefined when not given. */
export function list(input: string, value: unknown): unknown[] | undefined {
    if (isPending(value)) return value as never;
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) refuse(input, value, "a list");
    return value;
}

export function absolutePath(input: string, value: unknown, fallback: string): string {
    if (isPending(value)) return value as never;
    if (value === undefined) return fallback;
    const segments = typeof value === "string" ? value.split("/").filter((s) => s !== "") : [];
    if (typeof value !== "string" || !value.startsWith("/") || segments.length === 0 || segments.some((s) => s === "." || s === "..") || CONTROL.test(value)) {
        refuse(input, value, "an absolute path other than /, without control characters or . and .. segments");
    }
    return `/${segments.join("/")}`;
}

/**
 * A secret string (an agent key): non-empty. Its value is never shown, only what kind of
 * thing was given.
 */
export function secretString(input: string, value: unknown, what: string): string {
    if (isPending(value)) return value as never;
    if (typeof value === "string" && value.trim() !== "" && !CONTROL.test(value)) return value;
    const kind = typeof value === "string" ? (value.trim() === "" ? "an empty string" : "a string with control characters") : kindOf(value);
    return refuseAs(input, kind, `${what}, a non-empty string`);
}

/** An object; with `fields`, one with no other keys (the closest known one is suggested for any other). */
export function plainObject(input: string, value: unknown, fields?: readonly string[]): Record<string, unknown> | undefined {
    if (isPending(value)) return value as never;
    if (value === undefined) return undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value)) refuse(input, value, "an object");
    if (fields) onlyFields(input, value, fields);
    return value as Record<string, unknown>;
}
