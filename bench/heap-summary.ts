// Summarises a V8 heap snapshot by constructor/type: `node --max-old-space-size=8192 out/bench/heap-summary.js FILE [top] [--shapes]`.
// Self sizes only (what each kind of object costs by itself), enough to see where per-object memory goes.
import * as fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}
const file = process.argv[2];
if (file === undefined) throw new Error('usage: heap-summary.js FILE [top]');
const top = Number(process.argv.slice(3).find((a) => /^\d+$/.test(a)) ?? 30);
const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const iEdges = fields.indexOf('edge_count');
const edgeFields = snap.snapshot.meta.edge_fields;
const edgeTypes = snap.snapshot.meta.edge_types[0];
const edgeWidth = edgeFields.length;
const iEdgeType = edgeFields.indexOf('type');
const iEdgeName = edgeFields.indexOf('name_or_index');
// `--shapes`: plain objects are told apart by their property names, so one can see which kind of record costs what.
const shapes = process.argv.includes('--shapes');
const totals = new Map<string, { count: number; size: number }>();
let all = 0;
let edge = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + iType] ?? 0] ?? '?';
  let name =
    type === 'object' || type === 'closure' || type === 'native' ? `${type}:${snap.strings[snap.nodes[i + iName] ?? 0] ?? '?'}` : type;
  const edgeCount = snap.nodes[i + iEdges] ?? 0;
  if (shapes && name === 'object:Object') {
    const props: string[] = [];
    for (let e = edge; e < edge + edgeCount * edgeWidth; e += edgeWidth) {
      if (edgeTypes[snap.edges[e + iEdgeType] ?? 0] === 'property') props.push(snap.strings[snap.edges[e + iEdgeName] ?? 0] ?? '?');
    }
    name = `{${props.join(',')}}`;
  }
  edge += edgeCount * edgeWidth;
  const size = snap.nodes[i + iSize] ?? 0;
  all += size;
  const t = totals.get(name) ?? { count: 0, size: 0 };
  t.count++;
  t.size += size;
  totals.set(name, t);
}
const rows = [...totals.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
console.log(`total self size ${(all / 1048576).toFixed(1)} MiB`);
for (const [name, t] of rows)
  console.log(`${(t.size / 1048576).toFixed(1).padStart(8)} MiB ${String(t.count).padStart(9)}  ${name.slice(0, 160)}`);
