// The engine's side of cross-file edits, without the language server: `node out/bench/probes/edit-probe.js DIR
// [repeats] [kinds]` loads DIR into an AnalysisHost, analyses it, then applies each edit kind `repeats` times (kinds,
// comma-separated: class-value, globalDefault, priorityClassName, pdb-minAvailable, add-file, delete-file; default all), timing setFile
// and analyze({ first: the edited file }) (what the server does before the edited document's diagnostics) and
// counting the files left pending. KPL_PROF=FILE writes a CPU profile of each timed edit.
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/core/analysis/host';
import { loadTree } from '../corpus';

const dir = process.argv[2] ?? '.';
const repeats = Number(process.argv[3] ?? 10);
const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
const texts = new Map<string, string>();
for (const f of loadTree(dir)) {
  const file = path.join(dir, f.path);
  const t = Buffer.from(f.bytes).toString('utf8');
  texts.set(file, t);
  host.setFile({ path: file, content: t });
}
const files = [...texts.keys()];
let t0 = performance.now();
host.analyze();
console.log(`${files.length} files: full analysis ${(performance.now() - t0).toFixed(0)} ms`);
const classFile = files.find((f) => /kind: PriorityClass/.test(texts.get(f) ?? '')) ?? '';
const workloadFile = files.find((f) => /priorityClassName: /.test(texts.get(f) ?? '') && !f.includes('cluster')) ?? '';
const pdbFile = files.find((f) => /minAvailable: 1/.test(texts.get(f) ?? '')) ?? '';
const current = new Map<string, string>([
  [classFile, texts.get(classFile) ?? ''],
  [workloadFile, texts.get(workloadFile) ?? ''],
  [pdbFile, texts.get(pdbFile) ?? ''],
]);
type Edit = (i: number) => { file: string; text: string | undefined };
const edit =
  (file: string, change: (t: string, i: number) => string): Edit =>
  (i) => {
    const next = change(current.get(file) ?? '', i);
    current.set(file, next);
    return { file, text: next };
  };
const newFile = path.join(dir, 'probe-new.yaml');
const kinds: Record<string, Edit> = {
  'class-value': edit(classFile, (t, i) =>
    t.replace(/^value: (-?\d+)$/m, (_m, v: string) => `value: ${Number(v) + (i % 2 === 0 ? 1 : -1)}`),
  ),
  globalDefault: edit(classFile, (t) =>
    /globalDefault: true/.test(t)
      ? t.replace('globalDefault: true', 'globalDefault: false')
      : t.replace('globalDefault: false', 'globalDefault: true'),
  ),
  priorityClassName: edit(workloadFile, (t, i) =>
    t.replace(/priorityClassName: \S+/, `priorityClassName: ${i % 2 === 0 ? 'batch' : 'high'}`),
  ),
  'pdb-minAvailable': edit(pdbFile, (t, i) => t.replace(/minAvailable: \d+/, `minAvailable: ${i % 2 === 0 ? 2 : 1}`)),
  'add-file': (i) => ({
    file: newFile,
    text: i % 2 === 0 ? (texts.get(workloadFile) ?? '').replace(/name: (app-\d+)/g, 'name: $1-probe') : undefined,
  }),
  'delete-file': (i) => ({ file: workloadFile, text: i % 2 === 0 ? undefined : (texts.get(workloadFile) ?? '') }),
};
// KPL_PROF=FILE: a CPU profile of the timed part of the edits only (a same-thread session answers synchronously).
const profFile = process.env['KPL_PROF'];
const session = profFile !== undefined ? new Session() : undefined;
session?.connect();
session?.post('Profiler.enable');
for (const kind of (process.argv[4] ?? Object.keys(kinds).join(',')).split(',')) {
  const apply = kinds[kind];
  if (apply === undefined) throw new Error(`unknown kind ${kind}`);
  const times: number[] = [];
  let pending = 0;
  for (let i = 0; i < repeats; i++) {
    const { file, text } = apply(i);
    session?.post('Profiler.start');
    t0 = performance.now();
    if (text === undefined) host.removeFile(file);
    else host.setFile({ path: file, content: text });
    const r = host.analyze({ first: new Set([file]) });
    times.push(performance.now() - t0);
    if (session !== undefined && profFile !== undefined)
      session.post('Profiler.stop', (_e, res) => fs.writeFileSync(`${profFile}.${kind}.${i}.cpuprofile`, JSON.stringify(res.profile)));
    pending = r.pending;
    // The background batches, as the server runs them (not timed here).
    while (host.pendingCount() > 0) host.analyzePending(256);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): string => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
  console.log(`${kind}: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, ${pending} file(s) left for the background`);
}
