// A value that is not known yet: a Pulumi output or promise among the inputs, or a whole input
// object that arrives as one. The components check what is known at once by resolving their
// inputs with each unknown part replaced by PENDING: every check passes PENDING through, every
// rule that compares values waits until they are all known, and anything read from PENDING (a
// field, an element, a method's result) is PENDING again. The full check runs once every value
// has resolved, with the same messages.

// A function target, so that calling a method of PENDING yields PENDING too.
const pendingTarget = () => undefined;

/** Stands for a value not known yet. */
export const PENDING: any = new Proxy(pendingTarget, {
    get(_target, key) {
        if (key === Symbol.toPrimitive) return (hint: string) => (hint === "number" ? NaN : "(unknown)");
        if (key === Symbol.iterator) return function* () {}; // iterates as empty
        if (key === "then") return undefined; // not a promise
        if (key === "toJSON") return () => "(unknown)";
        return PENDING;
    },
    apply: () => PENDING,
    has: () => false,
    ownKeys: () => [],
    getOwnPropertyDescriptor: () => undefined,
});

export function isPending(value: unknown): boolean {
    return value === PENDING;
}

/** True when `value` is or holds PENDING anywhere. */
export function holdsPending(value: unknown, depth = 0): boolean {
    if (isPending(value)) return true;
    if (depth > 32 || typeof value !== "object" || value === null) return false;
    return Object.values(value).some((v) => holdsPending(v, depth + 1));
}

/** True when none of `values` is pending: a rule over them may run. */
export function known(...values: unknown[]): boolean {
    return !values.some(isPending);
}
