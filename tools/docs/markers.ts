// The generated parts of hand-written files: text between a start and an end marker, rewritten by
// `npm run docs` (or the bench) and compared by the tests.

/** `text` (the contents of `file`) with `content` between its markers. */
export function betweenMarkers(text: string, file: string, start: string, end: string, content: string): string {
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${file}: the markers ${start} ... ${end} are missing`);
    return `${text.slice(0, from + start.length)}\n${content}${content.endsWith("\n") ? "" : "\n"}${text.slice(to)}`;
}
