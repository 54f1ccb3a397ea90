// The generated parts of hand-written files: text between a start and an end marker, rewritten by
// `npm run docs` (or the bench) and compared by the tests.

/** Where the generated part of `text` (the contents of `file`) begins and ends. */
function markedSpan(text: string, file: string, start: string, end: string): { from: number; to: number } {
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${file}: the markers ${start} ... ${end} are missing`);
    return { from: from + start.length, to };
}

/** `text` (the contents of `file`) with `content` between its markers. */
export function betweenMarkers(text: string, file: string, start: string, end: string, content: string): string {
    const { from, to } = markedSpan(text, file, start, end);
    return `${text.slice(0, from)}\n${content}${content.endsWith("\n") ? "" : "\n"}${text.slice(to)}`;
}

/** What is between the markers of `text` (the contents of `file`). */
export function withinMarkers(text: string, file: string, start: string, end: string): string {
    const { from, to } = markedSpan(text, file, start, end);
    return text.slice(from, to);
}
