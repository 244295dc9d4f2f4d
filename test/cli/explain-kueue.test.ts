// `kpl explain` for Kueue-queued workloads (issue 21): the `kueue` object of the JSON output and the text table, with
// the queue path, both priorities, Kueue's problems, preemptors with Kueue's reason names, and "never preempted".
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { repoRoot } from '../helpers/analyze';
import { parseJson, removeTree, runKpl, tempTree } from '../helpers/cli';

interface KueueJson {
  queueName: string;
  queued: boolean;
  localQueue?: string;
  clusterQueue?: string;
  path?: string;
  cohort?: string;
  priority: { value?: number; origin: string; className?: string };
  podPriority: { value: number; origin: string; className?: string };
  problems: Array<{ kind: string; message: string }>;
  preemptors: Array<{ id: string; path?: string; reasons: Array<{ reason: string; policy: string }> }>;
  neverPreemptedByKueue: boolean;
}

const fixture = fs.readFileSync(path.join(repoRoot(), 'test', 'rules', 'kueue-priority-inversion', 'invalid.yaml'), 'utf8');
// A job whose name carries a control character: printed escaped, never raw.
const extra = `---
apiVersion: batch/v1
kind: Job
metadata:
  name: "odd"
  namespace: ci
  labels:
    kueue.x-k8s.io/queue-name: "q\\u001b[31m"
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: c:1}]
`;
const root = tempTree({ 'queues.yaml': fixture + extra });
after(() => removeTree(root));

describe('kpl explain: Kueue', () => {
  test('JSON: a kueue object per queued workload with the queue path, both priorities and Kueue preemptors', () => {
    const result = runKpl(['explain', '--format', 'json', '.'], root);
    assert.equal(result.status, 0, result.stderr);
    const json = parseJson(result.stdout) as { workloads: Array<{ name: string; kueue?: KueueJson }> };
    const byName = new Map(json.workloads.map((w) => [w.name, w.kueue]));
    const evalJob = byName.get('eval');
    const tests = byName.get('tests');
    assert.ok(evalJob !== undefined && tests !== undefined);
    assert.equal(evalJob.path, '/ci/evaluations');
    assert.deepEqual(evalJob.priority, {
      origin: 'workloadPriorityClass',
      text: '1000 (WorkloadPriorityClass evaluation-high)',
      value: 1000,
      className: 'evaluation-high',
    });
    assert.deepEqual(evalJob.podPriority, { value: 0, origin: 'none' });
    // evaluations never preempts within itself and no queue of its cohort reclaims from it.
    assert.equal(evalJob.neverPreemptedByKueue, true);
    assert.deepEqual(evalJob.preemptors, []);
    assert.equal(tests.neverPreemptedByKueue, false);
    assert.deepEqual(
      tests.preemptors.map((p) => [p.id, p.path, p.reasons.map((r) => `${r.reason} ${r.policy}`)]),
      [['Job/ci/eval', '/ci/evaluations', ['InCohortReclamation reclaimWithinCohort: Any']]],
    );
    assert.deepEqual(tests.podPriority, { value: 5000, origin: 'explicit', className: 'batch-high' });
    assert.deepEqual(
      byName.get('elsewhere')?.problems.map((p) => p.kind),
      ['local-queue-not-found'],
    );
    assert.equal(byName.get('elsewhere')?.clusterQueue, undefined);
  });

  test('text: the Kueue table shows both priorities side by side, and manifest strings escaped', () => {
    const result = runKpl(['explain', '.'], root);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    const start = lines.indexOf('Kueue (workloads that name a queue):');
    assert.ok(start > 0, result.stdout);
    const row = (name: string): string => lines.slice(start).find((l) => l.startsWith(`Job/ci/${name} `)) ?? '';
    assert.match(row('eval'), /\/ci\/evaluations +1000 \(WorkloadPriorityClass evaluation-high\) +0 \(none\) +never$/);
    assert.match(row('tests'), /\/ci\/tests +100 \(WorkloadPriorityClass tests-low\) +5000 \(batch-high\) +1 \(InCohortReclamation\)$/);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw escape character');
    assert.ok(result.stdout.includes('\\u001b'), result.stdout);
  });
});
