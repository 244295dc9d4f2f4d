// The engine's side of one cross-file edit kind, without the language server: `node --expose-gc
// out/bench/probes/edit-probe.js DIR [repeats]` loads DIR into an AnalysisHost, analyses it, then changes the first
// PriorityClass's value `repeats` times, timing setFile and analyze({ first: the edited file }) (what the server does
// before the edited document's diagnostics) and counting the files left pending. Run with `--cpu-prof` for a profile.
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';
import { AnalysisHost } from '../../server/src/core/analysis/host';

const dir = process.argv[2] ?? '.';
const repeats = Number(process.argv[3] ?? 10);
function walk(d: string, out: string[]): string[] {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}
const files = walk(dir, []);
const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
const texts = new Map<string, string>();
for (const f of files) {
  const t = fs.readFileSync(f, 'utf8');
  texts.set(f, t);
  host.setFile({ path: f, content: t });
}
let t0 = performance.now();
host.analyze();
console.log(`${files.length} files: full analysis ${(performance.now() - t0).toFixed(0)} ms`);
const classFile = files.find((f) => /kind: PriorityClass/.test(texts.get(f) ?? '')) ?? '';
let text = texts.get(classFile) ?? '';
const times: number[] = [];
// KPL_PROF=FILE: a CPU profile of the timed part of the edits only (a same-thread session answers synchronously).
const profFile = process.env['KPL_PROF'];
const session = profFile !== undefined ? new Session() : undefined;
session?.connect();
session?.post('Profiler.enable');
for (let i = 0; i < repeats; i++) {
  text = text.replace(/^value: (-?\d+)$/m, (_m, v: string) => `value: ${Number(v) + (i % 2 === 0 ? 1 : -1)}`);
  session?.post('Profiler.start');
  t0 = performance.now();
  host.setFile({ path: classFile, content: text });
  const t1 = performance.now();
  const r = host.analyze({ first: new Set([classFile]) });
  const t2 = performance.now();
  if (session !== undefined && profFile !== undefined)
    session.post('Profiler.stop', (_e, r) => fs.writeFileSync(`${profFile}.${i}.cpuprofile`, JSON.stringify(r.profile)));
  times.push(t2 - t0);
  console.log(`edit ${i}: setFile ${(t1 - t0).toFixed(1)} ms, analyze ${(t2 - t1).toFixed(1)} ms, pending ${r.pending}`);
  // The background batches, as the server runs them (not timed here).
  while (host.pendingCount() > 0) host.analyzePending(256);
}
times.sort((a, b) => a - b);
console.log(`PriorityClass value: p50 ${times[Math.floor(times.length / 2)]?.toFixed(1)} ms`);
