// The Priority Map's second ladder (issue 21): on examples/ci-preemption-kueue the map carries the WorkloadPriorityClasses
// (highest first, each with the queued jobs that take its value) and each queued job's Kueue side; the webview's
// buildKueueRungs orders the rungs as Kueue ranks Workloads. Without Kueue the map keeps its shape.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { afterEach, test } from 'node:test';
import type { CancellationToken } from 'vscode-languageserver/node';
import { priorityMap } from '../../server/src/lsp/custom-requests';
import { buildKueueRungs } from '../../media/src/priority-map-kueue-model';
import { copyExample } from './harness';
import { InProcessClient } from './in-process';

const token = { isCancellationRequested: false } as CancellationToken;
let folder: string | undefined;
let client: InProcessClient | undefined;
afterEach(() => {
  client?.dispose();
  client = undefined;
  if (folder !== undefined) fs.rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

test('the Kueue example: WorkloadPriorityClasses with their jobs, and each queued job with both priorities', async () => {
  folder = copyExample('ci-preemption-kueue');
  client = await InProcessClient.start({ folder });
  const map = await priorityMap(client.session, token);
  assert.ok(map !== null);
  assert.deepEqual(
    (map.workloadPriorityClasses ?? []).map((c) => [c.name, c.value, c.usedBy, c.location?.uri.endsWith('priority-classes.yaml')]),
    [
      ['eval-high', 1000, ['Job/ci/eval-runner'], true],
      ['ci-tests', 500, ['Job/ci/integration-tests'], true],
      ['nightly', 50, ['Job/ci/nightly-sweep'], true],
    ],
  );
  const byId = new Map(map.workloads.map((w) => [w.id, w]));
  assert.deepEqual(byId.get('Job/ci/integration-tests')?.kueue, {
    queueName: 'tests',
    queued: true,
    localQueue: 'ci/tests',
    clusterQueue: 'ci-tests',
    path: '/ci/ci-tests',
    priority: 500,
    priorityText: '500 (WorkloadPriorityClass ci-tests)',
    workloadPriorityClass: 'ci-tests',
    preemptorCount: 1,
    neverPreemptedByKueue: false,
  });
  assert.equal(byId.get('Job/ci/integration-tests')?.priority, 100, 'the pod priority stays the PriorityClass ladder');
  assert.equal(byId.get('Job/ci/smoke-tests')?.kueue?.queued, false);
  // The webview's rungs: the classes by value, the job Kueue does not manage last.
  const rungs = buildKueueRungs(map);
  assert.deepEqual(
    rungs.map((r) => [r.title, r.value, r.workloads.map((w) => w.name)]),
    [
      ['eval-high', 1000, ['eval-runner']],
      ['ci-tests', 500, ['integration-tests']],
      ['nightly', 50, ['nightly-sweep']],
      ['Not managed by Kueue', undefined, ['smoke-tests']],
    ],
  );
});

test('without Kueue the Priority Map has no Kueue ladder and no kueue fields', async () => {
  folder = copyExample('ci-preemption');
  client = await InProcessClient.start({ folder });
  const map = await priorityMap(client.session, token);
  assert.ok(map !== null);
  assert.equal('workloadPriorityClasses' in map, false);
  assert.ok(map.workloads.every((w) => w.kueue === undefined));
  assert.deepEqual(buildKueueRungs(map), []);
});
