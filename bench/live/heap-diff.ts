// What the live agent's heap holds before and after a storm, from two V8 heap snapshots of the same process (node ids
// are stable between snapshots of one process): `node --max-old-space-size=4096 out/bench/live/heap-diff.js BEFORE AFTER [top]`.
// Prints (1) self size by category (constructor for objects and closures, V8's type otherwise: strings, arrays, code,
// hidden) before, after and the difference, and (2) the objects that retain the most after the storm (retained size =
// what would be freed with them: the dominator tree, weak edges left out), each named by the edge its dominator holds
// it by, with its retained size before. bench:live runs it on the snapshots it takes around each storm.
import * as fs from 'node:fs';

interface Raw {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Heap {
  count: number;
  ids: Int32Array | number[];
  category: string[];
  self: Float64Array;
  retained: Float64Array;
  idom: Int32Array;
  /** How the dominator holds the node (edge name), or ''. */
  via: string[];
  byId: Map<number, number>;
  total: number;
}

function loadHeap(file: string): Heap {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Raw;
  const meta = raw.snapshot.meta;
  const W = meta.node_fields.length;
  const EW = meta.edge_fields.length;
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const [iType, iName, iId, iSelf, iEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const n = raw.nodes.length / W;
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) first[i + 1] = (first[i] ?? 0) + (raw.nodes[i * W + (iEdges ?? 0)] ?? 0);
  const category: string[] = new Array<string>(n);
  const self = new Float64Array(n);
  const ids = new Int32Array(n);
  const byId = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const type = types[raw.nodes[i * W + (iType ?? 0)] ?? 0] ?? '?';
    const name = raw.strings[raw.nodes[i * W + (iName ?? 0)] ?? 0] ?? '?';
    category[i] =
      type === 'object' || type === 'closure' || type === 'native' ? `${name}${type === 'object' ? '' : ` (${type})`}` : `(${type})`;
    self[i] = raw.nodes[i * W + (iSelf ?? 0)] ?? 0;
    total += self[i] ?? 0;
    ids[i] = raw.nodes[i * W + (iId ?? 0)] ?? 0;
    byId.set(ids[i] ?? 0, i);
  }
  const weak = edgeTypes.indexOf('weak');
  const edgeName = (e: number): string => {
    const t = edgeTypes[raw.edges[e + (eType ?? 0)] ?? 0];
    const v = raw.edges[e + (eName ?? 0)] ?? 0;
    return t === 'element' || t === 'hidden' ? `[${v}]` : (raw.strings[v] ?? '?');
  };
  const target = (e: number): number => (raw.edges[e + (eTo ?? 0)] ?? 0) / W;
  // Depth-first postorder from the root (node 0), strong edges only.
  const po = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const stack: number[] = [0];
  const next = new Int32Array(n);
  const seen = new Uint8Array(n);
  seen[0] = 1;
  while (stack.length > 0) {
    const v = stack[stack.length - 1] ?? 0;
    const end = first[v + 1] ?? 0;
    let pushed = false;
    while ((first[v] ?? 0) + (next[v] ?? 0) < end) {
      const e = ((first[v] ?? 0) + (next[v] ?? 0)) * EW;
      next[v] = (next[v] ?? 0) + 1;
      if (raw.edges[e + (eType ?? 0)] === weak) continue;
      const w = target(e);
      if (seen[w] === 1) continue;
      seen[w] = 1;
      stack.push(w);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      po[v] = order.length;
      order.push(v);
    }
  }
  // Predecessors of reachable nodes (strong edges).
  const predCount = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    if (po[v] === -1) continue;
    for (let k = first[v] ?? 0; k < (first[v + 1] ?? 0); k++) {
      const e = k * EW;
      if (raw.edges[e + (eType ?? 0)] === weak) continue;
      predCount[target(e) + 1] = (predCount[target(e) + 1] ?? 0) + 1;
    }
  }
  for (let v = 0; v < n; v++) predCount[v + 1] = (predCount[v + 1] ?? 0) + (predCount[v] ?? 0);
  const preds = new Int32Array(predCount[n] ?? 0);
  const fill = predCount.slice();
  for (let v = 0; v < n; v++) {
    if (po[v] === -1) continue;
    for (let k = first[v] ?? 0; k < (first[v + 1] ?? 0); k++) {
      const e = k * EW;
      if (raw.edges[e + (eType ?? 0)] === weak) continue;
      const w = target(e);
      preds[fill[w] ?? 0] = v;
      fill[w] = (fill[w] ?? 0) + 1;
    }
  }
  // Cooper, Harvey & Kennedy: idom by postorder numbers, iterated to a fixed point.
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while ((po[a] ?? 0) < (po[b] ?? 0)) a = idom[a] ?? 0;
      while ((po[b] ?? 0) < (po[a] ?? 0)) b = idom[b] ?? 0;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = order.length - 2; i >= 0; i--) {
      const v = order[i] ?? 0;
      let d = -1;
      for (let k = predCount[v] ?? 0; k < (predCount[v + 1] ?? 0); k++) {
        const p = preds[k] ?? 0;
        if (idom[p] === -1) continue;
        d = d === -1 ? p : intersect(p, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(n);
  for (const v of order) retained[v] = (retained[v] ?? 0) + (self[v] ?? 0);
  for (const v of order) if (v !== 0 && (idom[v] ?? -1) >= 0) retained[idom[v] ?? 0] = (retained[idom[v] ?? 0] ?? 0) + (retained[v] ?? 0);
  const via: string[] = new Array<string>(n).fill('');
  for (const v of order) {
    const d = idom[v] ?? -1;
    if (d < 0 || d === v) continue;
    for (let k = first[d] ?? 0; k < (first[d + 1] ?? 0); k++)
      if (target(k * EW) === v) {
        via[v] = edgeName(k * EW);
        break;
      }
  }
  return { count: n, ids, category, self, retained, idom, via, byId, total };
}

const MiB = 1024 * 1024;
const mib = (b: number) => (b / MiB).toFixed(2);

/** How an object is held: its dominators' categories and edges, up to three levels (`PodCache.podsByUid < ClusterConnection.podCache < …`). */
function pathOf(h: Heap, i: number): string {
  const parts: string[] = [];
  for (let v = i, k = 0; k < 3; k++) {
    const d = h.idom[v] ?? 0;
    if (d === v || d < 0) break;
    parts.push(`${h.category[d]}.${h.via[v]}`);
    v = d;
  }
  return parts.join(' < ');
}

/** The report, as lines. */
function diffHeaps(before: Heap, after: Heap, top = 25): string[] {
  const lines: string[] = [];
  const cats = new Map<string, { b: number; a: number; nb: number; na: number }>();
  for (const [h, k] of [
    [before, 'b'],
    [after, 'a'],
  ] as const)
    for (let i = 0; i < h.count; i++) {
      const c = cats.get(h.category[i] ?? '?') ?? { b: 0, a: 0, nb: 0, na: 0 };
      if (k === 'b') {
        c.b += h.self[i] ?? 0;
        c.nb++;
      } else {
        c.a += h.self[i] ?? 0;
        c.na++;
      }
      cats.set(h.category[i] ?? '?', c);
    }
  lines.push(`self size: before ${mib(before.total)} MiB, after ${mib(after.total)} MiB, +${mib(after.total - before.total)} MiB`);
  lines.push('| category | before MiB | after MiB | delta MiB | count before → after |', '| --- | ---: | ---: | ---: | ---: |');
  for (const [name, c] of [...cats].sort((x, y) => Math.abs(y[1].a - y[1].b) - Math.abs(x[1].a - x[1].b)).slice(0, top))
    lines.push(`| ${name.slice(0, 80)} | ${mib(c.b)} | ${mib(c.a)} | ${mib(c.a - c.b)} | ${c.nb} → ${c.na} |`);
  // The biggest holders after the storm that are objects of the program (not V8's internals), outermost first.
  lines.push('', 'largest retainers after (retained MiB before → after; held by its dominator as …):');
  const cand: number[] = [];
  for (let i = 0; i < after.count; i++) {
    const c = after.category[i] ?? '';
    if (c.startsWith('(') || c.startsWith('system')) continue;
    if ((after.retained[i] ?? 0) > 0.005 * after.total) cand.push(i);
  }
  cand.sort((x, y) => (after.retained[y] ?? 0) - (after.retained[x] ?? 0));
  // An object replaced during the storm (a re-read snapshot, a grown Map's table) is matched by its path instead.
  const byPath = new Map<string, number>();
  for (let i = 0; i < before.count; i++) {
    const c = before.category[i] ?? '';
    if (!c.startsWith('(') && (before.retained[i] ?? 0) > 0.001 * before.total) byPath.set(pathOf(before, i), i);
  }
  for (const i of cand.slice(0, top)) {
    const b = before.byId.get(after.ids[i] ?? -1) ?? byPath.get(pathOf(after, i));
    lines.push(
      `  ${mib(b !== undefined ? (before.retained[b] ?? 0) : 0)} → ${mib(after.retained[i] ?? 0)} MiB  ${after.category[i]} (@${after.ids[i]}) as ${pathOf(after, i)}`,
    );
  }
  return lines;
}

const [bf, af, t] = process.argv.slice(2);
if (bf === undefined || af === undefined) throw new Error('usage: heap-diff.js BEFORE AFTER [top]');
console.log(diffHeaps(loadHeap(bf), loadHeap(af), Number(t ?? 25)).join('\n'));
