// How a misspelt name is matched to the one meant: the inputs' checks, the root program's keys
// and the policy pack's settings suggest the same way.

/** Levenshtein distance, case-insensitive: how far a misspelt name is from a known one. */
export function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let row = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const next = [i];
        for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        row = next;
    }
    return row[y.length];
}

/**
 * The known name `name` is most likely a misspelling of (the first of equals, in the order
 * given); none when even the closest is too far to be one (`envoyCpu` is no `envoyImage`): a
 * wrong guess sends the user, and a fix command, to the wrong setting.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
    const best = known.reduce((b, k) => (distance(name, k) < distance(name, b) ? k : b), known[0]);
    if (best === undefined) return undefined;
    const d = distance(name, best);
    const [a, b] = [name.toLowerCase(), best.toLowerCase()];
    const prefix = Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a));
    return d <= 2 || d <= best.length / 3 || prefix ? best : undefined;
}
