// Differential check of pruning (syntax/prune.ts): a workload document parsed with and without pruning must give the
// same tree everywhere but at the structural places `prunedAt` names (container env/args/probes..., spec
// securityContext/dnsConfig..., metadata.managedFields, top-level data), whose values are blank (null) when pruned.
// So every value the engine can read is the same in both. Used by the unit test (fixtures, examples, hand cases) and
// by bench/prune-diff.ts over the real-world corpus (`npm run corpus`).
import { decodeUtf8 } from '../../server/src/core/text';
import { splitDocuments } from '../../server/src/core/syntax/documents';
import { parseYamlDocument } from '../../server/src/core/syntax/parse-yaml';
import { prunedAt } from '../../server/src/core/syntax/prune';
import type { YNode } from '../../server/src/core/syntax/tree';

export interface PruneDiff {
  documents: number;
  /** Documents in which pruning removed or blanked something. */
  pruned: number;
  /** Values blanked at pruned places, over all documents. */
  places: number;
  mismatches: Array<{ file: string; document: number; path: string; pruned: string; unpruned: string }>;
}

const workloadLike = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

export function newPruneDiff(): PruneDiff {
  return { documents: 0, pruned: 0, places: 0, mismatches: [] };
}

export function comparePruning(file: string, content: string | Uint8Array, out: PruneDiff): void {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const d = decodeUtf8(content);
    if (!d.ok) return;
    text = d.text;
  }
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
  if (/\.json$/i.test(file)) return;
  for (const chunk of splitDocuments(text, false)) {
    if (chunk.kind === undefined || !workloadLike.has(chunk.kind) || chunk.flow || chunk.template) continue;
    if (chunk.end - chunk.start > 2 * 1024 * 1024) continue;
    out.documents++;
    const pruned = parseYamlDocument(text, chunk.start, chunk.end, false, true);
    const full = parseYamlDocument(text, chunk.start, chunk.end, false, false);
    // A document the parser rejects is rejected either way (the error may move, the verdict must not).
    if ((pruned.root === undefined) !== (full.root === undefined)) {
      out.mismatches.push({ file, document: chunk.index, path: '(root)', pruned: show(pruned.root), unpruned: show(full.root) });
      continue;
    }
    const before = out.places;
    const d = diff(pruned.root, full.root, '', undefined, true, out);
    if (out.places > before) out.pruned++;
    if (d !== undefined) out.mismatches.push({ file, document: chunk.index, ...d });
  }
}

function show(n: YNode | undefined): string {
  if (n === undefined) return 'undefined';
  if (n.type === 'scalar') return `scalar ${JSON.stringify(n.value)}`;
  if (n.type === 'map') return `map(${n.entries.map((e) => e.key).join(',')})`;
  return `seq(${n.items.length})`;
}

const blank = (n: YNode | undefined): boolean => n === undefined || (n.type === 'scalar' && n.value === null);

function diff(
  a: YNode | undefined,
  b: YNode | undefined,
  path: string,
  parent: string | undefined,
  top: boolean,
  out: PruneDiff,
): { path: string; pruned: string; unpruned: string } | undefined {
  const head = { path, pruned: show(a), unpruned: show(b) };
  if (a === undefined || b === undefined) return a === b ? undefined : head;
  if (a.type !== b.type) return head;
  if (a.type === 'scalar' && b.type === 'scalar') return Object.is(a.value, b.value) ? undefined : head;
  if (a.type === 'seq' && b.type === 'seq') {
    if (a.items.length !== b.items.length) return head;
    for (let i = 0; i < a.items.length; i++) {
      // Items of a list keep the list's key as their parent (a container is an item of `containers`).
      const d = diff(a.items[i], b.items[i], `${path}[${i}]`, parent, false, out);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (a.type === 'map' && b.type === 'map') {
    if (a.entries.length !== b.entries.length) return head;
    for (let i = 0; i < a.entries.length; i++) {
      const x = a.entries[i];
      const y = b.entries[i];
      if (x === undefined || y === undefined || x.key !== y.key) return head;
      const at = `${path}.${x.key}`;
      if (prunedAt(x.key, parent, top ? 0 : 1)) {
        // A pruned place: blank when pruned (a block-style value), or untouched (a one-line flow value may be kept).
        if (blank(x.value) && !blank(y.value)) out.places++;
        else if (diff(x.value, y.value, at, x.key, false, out) !== undefined)
          return { path: at, pruned: show(x.value), unpruned: show(y.value) };
        continue;
      }
      const d = diff(x.value, y.value, at, x.key, false, out);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return head;
}
