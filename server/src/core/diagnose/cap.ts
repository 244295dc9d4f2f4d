// Bounds on text that comes from the cluster (issue 14): anyone who can create an Event in a watched namespace
// chooses its note, and it would otherwise be kept whole in memory and in the history file. Every string of a record
// is cut to `maxTextBytes` of UTF-8 at ingestion and on history load, with a visible marker, so the views, exports
// and reports say that the text was cut instead of silently showing less.

/** Longest string kept from the cluster, in UTF-8 bytes, marker included. Real notes and messages are < 1 KiB. */
export const maxTextBytes = 4096;

/** UTF-8 length of the code unit at `i` (4 for a surrogate pair, counted on its high half). */
function unitBytes(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 4;
  }
  return 3;
}

/**
 * `text` when it fits in `maxBytes` of UTF-8; otherwise its longest prefix (whole code points) that fits together with
 * `… [truncated from N bytes]`, N the original length. Idempotent: a capped text fits, so capping it again keeps it.
 */
export function capText(text: string, maxBytes: number = maxTextBytes): string {
  if (text.length * 3 <= maxBytes) return text; // every UTF-16 unit is at most 3 bytes
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const n = unitBytes(text, i);
    total += n;
    if (n === 4) i++;
  }
  if (total <= maxBytes) return text;
  const marker = `… [truncated from ${total} bytes]`;
  const budget = maxBytes - (marker.length + 2); // `…` is 3 bytes of UTF-8, the rest ASCII
  let kept = 0;
  let end = 0;
  while (end < text.length) {
    const n = unitBytes(text, end);
    if (kept + n > budget) break;
    kept += n;
    end += n === 4 ? 2 : 1;
  }
  return `${text.slice(0, end)}${marker}`;
}

/** Nesting below which capStrings leaves a value as it is (API objects are a few levels deep; this only stops a stack overflow). */
const maxDepth = 64;

/**
 * A copy of a JSON-like value with every string (object keys included) capped by capText; the value itself when
 * nothing was cut, so `capStrings(x) !== x` tells whether anything was.
 */
export function capStrings<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return capText(value) as T;
  if (value === null || typeof value !== 'object' || depth >= maxDepth) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v: unknown) => {
      const c = capStrings(v, depth + 1);
      if (c !== v) changed = true;
      return c;
    });
    return (changed ? out : value) as T;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = capText(k);
    const c = capStrings(v, depth + 1);
    if (key !== k || c !== v) changed = true;
    out[key] = c;
  }
  return (changed ? out : value) as T;
}
