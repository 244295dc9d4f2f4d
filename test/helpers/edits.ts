// Applying quick-fix edits to text, and following an offset through them (for the quick-fix round trip).
import type { Span } from '../../server/src/core/index';

export interface PlainEdit {
  span: Span;
  newText: string;
}

/** applyEdits applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly PlainEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let result = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.span.end > limit) throw new Error(`overlapping edits at ${e.span.start}-${e.span.end}`);
    result = result.slice(0, e.span.start) + e.newText + result.slice(e.span.end);
    limit = e.span.start;
  }
  return result;
}

/** mapOffset follows an offset of the old text into the text produced by `applyEdits` (inside an edit: its start). */
export function mapOffset(offset: number, edits: readonly PlainEdit[]): number {
  let delta = 0;
  for (const e of [...edits].sort((a, b) => a.span.start - b.span.start)) {
    if (e.span.end <= offset) delta += e.newText.length - (e.span.end - e.span.start);
    else if (e.span.start < offset) return e.span.start + delta;
  }
  return offset + delta;
}
