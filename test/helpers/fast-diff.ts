// Compares the fast block-YAML path with the yaml library path document by document: the same tree (types, values,
// sources, spans, keys, key spans, flow flags, key indexes) or the fast path declined. Used by the unit test
// (fixtures and mutations) and by bench/fast-diff.ts over the real-world corpus.
import { decodeUtf8 } from '../../server/src/core/text';
import { splitDocuments } from '../../server/src/core/syntax/documents';
import { parseYamlDocument, parseYamlDocumentFast } from '../../server/src/core/syntax/parse-yaml';
import type { YNode } from '../../server/src/core/syntax/tree';

export interface FastDiff {
  documents: number;
  fast: number;
  mismatches: Array<{ file: string; document: number; path: string; fast: string; library: string }>;
}

const workloadLike = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

export function compareFile(file: string, content: string | Uint8Array, out: FastDiff, allDocuments = true): void {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const d = decodeUtf8(content);
    if (!d.ok) return;
    text = d.text;
  }
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
  const json = /\.json$/i.test(file);
  if (json) return;
  for (const chunk of splitDocuments(text, false)) {
    if (!allDocuments && chunk.kind === undefined) continue;
    if (chunk.end - chunk.start > 2 * 1024 * 1024) continue;
    for (const prune of chunk.kind !== undefined && workloadLike.has(chunk.kind) ? [true, false] : [false]) {
      out.documents++;
      const fast = parseYamlDocumentFast(text, chunk.start, chunk.end, prune);
      if (fast === undefined) continue; // declined: the library reads it
      out.fast++;
      const library = parseYamlDocument(text, chunk.start, chunk.end, false, prune, false);
      // The fast path never reports problems, so the library must find none either, and build the same tree.
      const same = diff(fast, library.root, '');
      if (library.problems.length === 0 && same === undefined) continue;
      out.mismatches.push({
        file,
        document: chunk.index,
        path: same?.path ?? 'problems',
        fast: same?.a ?? '(no problems)',
        library: same?.b ?? JSON.stringify(library.problems),
      });
    }
  }
}

function show(n: YNode | undefined): string {
  if (n === undefined) return 'undefined';
  if (n.type === 'scalar')
    return `scalar ${String(n.value)}:${typeof n.value} source=${JSON.stringify(n.source)} quoted=${n.quoted} [${n.span.start},${n.span.end}]`;
  if (n.type === 'map') return `map(${n.entries.length}) flow=${n.flow} index=${n.index !== undefined} [${n.span.start},${n.span.end}]`;
  return `seq(${n.items.length}) flow=${n.flow} [${n.span.start},${n.span.end}]`;
}

function diff(a: YNode | undefined, b: YNode | undefined, path: string): { path: string; a: string; b: string } | undefined {
  if (a === undefined || b === undefined) return a === b ? undefined : { path, a: show(a), b: show(b) };
  const head = { path, a: show(a), b: show(b) };
  if (a.type !== b.type || a.span.start !== b.span.start || a.span.end !== b.span.end) return head;
  if (a.type === 'scalar' && b.type === 'scalar') {
    return Object.is(a.value, b.value) && a.source === b.source && a.quoted === b.quoted ? undefined : head;
  }
  if (a.type === 'seq' && b.type === 'seq') {
    if (a.items.length !== b.items.length || a.flow !== b.flow) return head;
    for (let i = 0; i < a.items.length; i++) {
      const d = diff(a.items[i], b.items[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (a.type === 'map' && b.type === 'map') {
    if (a.entries.length !== b.entries.length || a.flow !== b.flow || (a.index === undefined) !== (b.index === undefined)) return head;
    for (let i = 0; i < a.entries.length; i++) {
      const x = a.entries[i];
      const y = b.entries[i];
      if (x === undefined || y === undefined) return head;
      if (x.key !== y.key || x.keySpan.start !== y.keySpan.start || x.keySpan.end !== y.keySpan.end)
        return {
          path: `${path}.${x.key}`,
          a: `key ${x.key} [${x.keySpan.start},${x.keySpan.end}]`,
          b: `key ${y.key} [${y.keySpan.start},${y.keySpan.end}]`,
        };
      const d = diff(x.value, y.value, `${path}.${x.key}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return head;
}
