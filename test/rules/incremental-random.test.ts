// Seeded random edit sequences over a small generated workspace (issue 18, target 5): every kind of edit that changes
// a cross-file fact (a workload's priorityClassName, a PriorityClass value, globalDefault added or removed, a PDB's
// selector or minAvailable, a LimitRange default, a pod template's labels, a new workload file, a deleted one; Kueue's:
// a queue label, a WorkloadPriorityClass label or value, a LocalQueue's ClusterQueue, a quota, a cohort, a Namespace's
// labels, a LocalQueue/ClusterQueue/WorkloadPriorityClass added or removed) and a local one (an image), applied through AnalysisHost as the language server applies them. After each step, every
// file's findings (kept from earlier steps for files the host did not re-check, as the server keeps them) must equal
// a fresh AnalysisHost's analysis of the same files. This is the safety net of the incremental analysis: whatever the
// host skips must be what a fresh analysis would not change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnalysisHost } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';
import { rng } from '../fuzz/mutate';
import { editKinds, kueueEditKinds, kueueWorkspace, loadGenerated, pickOf, RandomEdits } from '../helpers/random-edits';
import type { EditKind, Rng } from '../helpers/random-edits';

const shown = (f: Finding): string => `${f.ruleId} @${f.span.start}-${f.span.end} ${f.severity}: ${f.message}`;

class Workspace {
  readonly files = new Map<string, string>();
  private readonly host = new AnalysisHost({ kubernetesMinor: 36 }, { severities: {} });
  private readonly published = new Map<string, Finding[]>();
  rebuilds = 0;
  partial = 0;
  private readonly edits = new RandomEdits(this.files);

  constructor(initial: Map<string, string>) {
    for (const [file, text] of initial) this.set(file, text);
    this.analyze();
  }

  set(file: string, text: string): void {
    this.files.set(file, text);
    this.host.setFile({ path: file, content: text });
  }

  remove(file: string): void {
    this.files.delete(file);
    this.host.removeFile(file);
    this.published.delete(file);
  }

  /**
   * analyze: without `open`, every affected file is re-checked at once; with it, as the language server does, the
   * edited files and the open documents first, the other dependents left pending for `drain`.
   */
  analyze(open?: ReadonlySet<string>): void {
    const result = this.host.analyze(open === undefined ? {} : { first: open });
    for (const [file, findings] of result.findings) this.published.set(file, findings);
    if (result.rebuilt) this.rebuilds++;
    else this.partial++;
  }

  /** drain re-checks the pending files in small batches, as the server's background batches do. */
  drain(batch: number): void {
    for (;;) {
      const { findings, remaining } = this.host.analyzePending(batch);
      for (const [file, f] of findings) this.published.set(file, f);
      this.batches++;
      if (remaining === 0) return;
    }
  }

  batches = 0;

  /** A random edit of the given kind, applied; false when the workspace holds nothing it applies to. */
  edit(r: Rng, kind: EditKind): boolean {
    const e = this.edits.edit(r, kind);
    if (e === undefined) return false;
    if (e.text === undefined) this.remove(e.file);
    else this.set(e.file, e.text);
    return true;
  }

  check(seed: number, step: number, label: string): void {
    const fresh = new AnalysisHost({ kubernetesMinor: 36 }, { severities: {} });
    for (const [file, text] of this.files) fresh.setFile({ path: file, content: text });
    const expected = fresh.analyze().findings;
    for (const file of [...this.files.keys()].sort()) {
      const want = (expected.get(file) ?? []).map(shown);
      const got = (this.published.get(file) ?? []).map(shown);
      if (JSON.stringify(want) === JSON.stringify(got)) continue;
      assert.fail(
        [
          `seed ${seed}, step ${step} (${label}): the findings of ${file} differ from a fresh analysis.`,
          `  fresh:       ${want.join('\n               ') || '(none)'}`,
          `  incremental: ${got.join('\n               ') || '(none)'}`,
          `Replay: this test with KPL_INCREMENTAL_SEED=${seed}.`,
        ].join('\n'),
      );
    }
  }
}

const only = process.env.KPL_INCREMENTAL_SEED;
const seeds = only !== undefined ? [Number(only)] : Array.from({ length: 12 }, (_, i) => 100 + i);
const stepsPerSeed = 30;

test(`incremental analysis equals a fresh analysis after every step of ${seeds.length} seeded random edit sequences`, () => {
  // With Kueue's objects and queued Jobs (issue 21): queue labels, LocalQueue/ClusterQueue/WorkloadPriorityClass edits.
  const base = new Map([...loadGenerated(60, 7), ...kueueWorkspace()]);
  const kinds = [...editKinds, ...kueueEditKinds];
  const applied = new Map<EditKind, number>();
  let rebuilds = 0;
  let partial = 0;
  let batches = 0;
  for (const seed of seeds) {
    const r = rng(seed);
    const ws = new Workspace(base);
    // Odd seeds analyse as the language server does: open documents first, the rest pending, and sometimes a new edit
    // arrives before the background batches are done (they continue against the newer model).
    const serverLike = seed % 2 === 1;
    for (let step = 1; step <= stepsPerSeed; step++) {
      const kind = pickOf(r, kinds);
      if (!ws.edit(r, kind)) continue;
      applied.set(kind, (applied.get(kind) ?? 0) + 1);
      if (!serverLike) {
        ws.analyze();
        ws.check(seed, step, kind);
        continue;
      }
      const files = [...ws.files.keys()].sort();
      ws.analyze(new Set([pickOf(r, files), pickOf(r, files)]));
      if (r() < 0.3 && step < stepsPerSeed) continue;
      ws.drain(1 + Math.floor(r() * 4));
      ws.check(seed, step, kind);
    }
    rebuilds += ws.rebuilds;
    partial += ws.partial;
    batches += ws.batches;
  }
  // Every kind of edit must really have been exercised, or the test proves less than it says.
  if (only === undefined) for (const kind of kinds) assert.ok((applied.get(kind) ?? 0) >= 5, `edit kind ${kind} applied ${applied.get(kind) ?? 0} times`);
  assert.ok(partial > 0, 'some steps must have been analysed without a rebuild');
  if (only === undefined) assert.ok(batches > 0, 'some dependents must have been re-checked in background batches');
  console.log(`edits per kind: ${[...applied].map(([k, n]) => `${k} ${n}`).join(', ')}; ${rebuilds} rebuilds, ${partial} partial analyses, ${batches} background batches`);
});
