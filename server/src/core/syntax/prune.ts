// Drops the values of keys that never matter for priority analysis (env, args, probes, managedFields ...) before a
// document is parsed, so the YAML parser never builds (or even tokenizes) most of a large manifest.
// The key line stays (its value blanked to spaces, same length); the deeper lines that belong to the key are removed
// outright, and an OffsetMap translates every offset of the shorter text back to the original one.
//
// A key is pruned only at the structural place where it has that meaning, decided by its parent key (the nearest
// enclosing `key:` line, found from indentation): `env` of a container, not `env: test` in labels, annotations,
// nodeSelector or a selector; `data` at the top of a ConfigMap, not a pod label `data: hot`. Values the engine reads
// are never touched: `npm run corpus` checks that pruned and unpruned trees agree everywhere but at these places.

/** Keys of a container (an item of `containers`, `initContainers`, `ephemeralContainers`) the engine never reads. */
const containerKeys = new Set([
  'env',
  'envFrom',
  'args',
  'command',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'securityContext',
]);
const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);
/** Keys of a `spec` (pod spec, StatefulSet spec) the engine never reads. `volumes` is read (emptyDir, claims). */
const specKeys = new Set(['securityContext', 'dnsConfig', 'hostAliases', 'imagePullSecrets', 'volumeClaimTemplates']);
/** Top-level keys (ConfigMap and Secret payloads). */
const topKeys = new Set(['data', 'binaryData', 'stringData']);

/**
 * prunedAt is the structural rule: `key` (at indentation `column`) under `parent` (undefined at the top level) is
 * a place whose value the engine never reads.
 */
export function prunedAt(key: string, parent: string | undefined, column: number): boolean {
  if (parent === undefined) return column === 0 && topKeys.has(key);
  if (containerLists.has(parent)) return containerKeys.has(key);
  if (parent === 'spec') return specKeys.has(key);
  if (parent === 'metadata') return key === 'managedFields';
  return false;
}

// The same keys as before, shared prefixes factored out: small enough for recheck's automaton checker to prove linear.
const anyIrrelevantKey =
  /\b(?:env(?:From)?|args|command|volume(?:Mounts|Devices|ClaimTemplates)|(?:liveness|readiness|startup)Probe|lifecycle|securityContext|dnsConfig|hostAliases|imagePullSecrets|managedFields|data|binaryData|stringData)[ \t]*:/;
/** A block scalar indicator (`|`, `>-`, `|2+` ...) as the whole value of a key, maybe with a comment. */
const blockScalarValue = /^[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/;
/** A `key:` at the start of a line (after indentation and `- ` sequence indicators); sticky, applied at each line start. */
const keyLine = /([ \t]*(?:- +)*)([A-Za-z][A-Za-z0-9]*)[ \t]*:(?=[ \t]|\r?(?:\n|$))/y;
/** Leading whitespace of a line, as String.prototype.trimStart removes it (any white space but the line feed). */
const leadingSpace = /[^\S\n]*/y;

/**
 * OffsetMap maps offsets of a pruned text back to the original: kept segment `i` starts at `prunedStarts[i]` in the
 * pruned text and at `prunedStarts[i] + deltas[i]` in the original. An offset at a segment boundary maps to the start of
 * the later segment (after the removed lines), which is where the parser's positions of whitespace-only gaps land.
 */
export class OffsetMap {
  constructor(
    private readonly prunedStarts: readonly number[],
    private readonly deltas: readonly number[],
  ) {}

  toOriginal(offset: number): number {
    const starts = this.prunedStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return offset + (this.deltas[lo] ?? 0);
  }
}

export interface Pruned {
  source: string;
  /** Undefined when nothing was removed (offsets are unchanged). */
  map: OffsetMap | undefined;
}

/**
 * pruneIrrelevant returns `source` without the values of irrelevant keys. The text it returns parses to the same tree
 * (with offsets mapped back) as the original with those values replaced by blanks.
 */
export function pruneIrrelevant(source: string): Pruned {
  if (!anyIrrelevantKey.test(source)) return { source, map: undefined };
  const parts: string[] = [];
  const prunedStarts: number[] = [0];
  const deltas: number[] = [0];
  let kept = 0; // start of the current kept run in `source`
  let removed = 0; // characters removed so far
  let prunedLength = 0;
  let skipColumn = -1;
  let removeFrom = -1; // start of the current removed run, or -1
  // Open flow brackets of a blanked inline value (`args: [` closed on a later line, possibly at the key's column).
  let flowDepth = 0;
  let lineStart = 0;
  // Enclosing keys of the current line, outermost first, with their columns; and the column of an open block scalar.
  const parents: Array<{ column: number; key: string }> = [];
  let blockColumn = -1;
  const length = source.length;
  while (lineStart < length) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = length;
    const next = lineEnd < length ? lineEnd + 1 : length;
    if (skipColumn >= 0) {
      if (flowDepth > 0 || continuesValue(source, lineStart, lineEnd, skipColumn)) {
        if (flowDepth > 0) flowDepth += bracketBalance(source, lineStart, lineEnd);
        if (removeFrom === -1) {
          // Close the kept run before this line.
          parts.push(source.slice(kept, lineStart));
          prunedLength += lineStart - kept;
          removeFrom = lineStart;
        }
        lineStart = next;
        continue;
      }
      skipColumn = -1;
      if (removeFrom !== -1) {
        removed += lineStart - removeFrom;
        prunedStarts.push(prunedLength);
        deltas.push(removed);
        kept = lineStart;
        removeFrom = -1;
      }
    }
    if (blockColumn >= 0) {
      // The content of a block scalar (`script: |`) is text, not keys: it neither nests nor is pruned.
      if (continuesBlockScalar(source, lineStart, lineEnd, blockColumn)) {
        lineStart = next;
        continue;
      }
      blockColumn = -1;
    }
    keyLine.lastIndex = lineStart;
    const match = keyLine.exec(source);
    if (match === null) {
      lineStart = next;
      continue;
    }
    const column = (match[1] ?? '').length;
    const key = match[2] ?? '';
    while (parents.length > 0 && (parents[parents.length - 1]?.column ?? 0) >= column) parents.pop();
    const parent = parents[parents.length - 1]?.key;
    parents.push({ column, key });
    if (!prunedAt(key, parent, column)) {
      if (blockScalarValue.test(source.slice(lineStart + (match[0] ?? '').length, lineEnd))) blockColumn = column;
      lineStart = next;
      continue;
    }
    {
      const keyEnd = lineStart + (match[0] ?? '').length;
      // A block scalar indicator or an inline value: blank it (same length); the following deeper lines belong to the key.
      let restEnd = lineEnd;
      if (restEnd > keyEnd && source.charCodeAt(restEnd - 1) === 13) restEnd--;
      if (restEnd > keyEnd) {
        parts.push(source.slice(kept, keyEnd), blank(source, keyEnd, lineEnd));
        prunedLength += lineEnd - kept;
        kept = lineEnd;
      }
      skipColumn = (match[1] ?? '').length;
      flowDepth = Math.max(0, bracketBalance(source, keyEnd, lineEnd));
    }
    lineStart = next;
  }
  if (removeFrom !== -1) {
    // Removed up to the end: nothing follows, so no later segment; the end of the text maps to the end of the original.
    removed += length - removeFrom;
    prunedStarts.push(prunedLength);
    deltas.push(removed);
  } else {
    parts.push(source.slice(kept, length));
  }
  if (removed === 0) return { source: parts.length === 1 ? (parts[0] ?? source) : parts.join(''), map: undefined };
  return { source: parts.join(''), map: new OffsetMap(prunedStarts, deltas) };
}

/** Whether the line is content of a block scalar whose key is at `column`: blank or deeper. */
function continuesBlockScalar(source: string, lineStart: number, lineEnd: number, column: number): boolean {
  leadingSpace.lastIndex = lineStart;
  leadingSpace.exec(source);
  const first = leadingSpace.lastIndex;
  return first >= lineEnd || first - lineStart > column;
}

/** Whether the line belongs to the value of a key at `column`: blank, a comment, deeper, or a `- ` item at the same column. */
function continuesValue(source: string, lineStart: number, lineEnd: number, column: number): boolean {
  leadingSpace.lastIndex = lineStart;
  leadingSpace.exec(source);
  const first = leadingSpace.lastIndex;
  if (first >= lineEnd) return true; // blank (trimStart also removes a trailing \r)
  const indent = first - lineStart;
  const c = source.charCodeAt(first);
  if (c === 35 /* # */ || indent > column) return true;
  if (indent !== column || c !== 45 /* - */) return false;
  const after = first + 1;
  if (after === lineEnd) return true; // `-`
  const d = source.charCodeAt(after);
  return d === 32 || (d === 13 && after + 1 === lineEnd); // `- ...` or `-\r`
}

/** bracketBalance counts `[`/`{` minus `]`/`}` outside quotes and comments in `source[from, to)` (one line). */
function bracketBalance(source: string, from: number, to: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = from; i < to; i++) {
    const c = source.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
      else if (c === 92 /* \\ */ && quote === 34) i++;
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) quote = c;
    else if (c === 35 /* # */ && (i === from || source.charCodeAt(i - 1) === 32)) break;
    else if (c === 91 /* [ */ || c === 123 /* { */) depth++;
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return depth;
}

/** The text between `from` and `to` with every character but `\r` replaced by a space. */
function blank(source: string, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += source.charCodeAt(i) === 13 ? '\r' : ' ';
  return out;
}
