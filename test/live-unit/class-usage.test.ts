// Priority Map: the live workloads of each PriorityClass come from the pods the connection holds, grouped by their top
// owner (a Deployment's ReplicaSet pods under the Deployment, a CronJob's Job pods under the CronJob); finished and
// deleted pods are left out; most pods first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveClassUsage } from '../../server/src/cluster/class-usage';
import type { PodRecord } from '../../server/src/core/index';

const pod = (name: string, cls: string | undefined, owners: PodRecord['owners'], extra: Partial<PodRecord> = {}): PodRecord => ({
  uid: `uid-${name}`,
  name,
  namespace: 'ci',
  ...(cls !== undefined ? { priorityClassName: cls } : {}),
  owners,
  phase: 'Running',
  ...extra,
});

test('liveClassUsage groups running and pending pods by class and top owner, most pods first', () => {
  const usage = liveClassUsage([
    pod('web-7d9f-a', 'web', [
      { kind: 'ReplicaSet', name: 'web-7d9f' },
      { kind: 'Deployment', name: 'web' },
    ]),
    pod('web-7d9f-b', 'web', [
      { kind: 'ReplicaSet', name: 'web-7d9f' },
      { kind: 'Deployment', name: 'web' },
    ]),
    pod(
      'web-7d9f-c',
      'web',
      [
        { kind: 'ReplicaSet', name: 'web-7d9f' },
        { kind: 'Deployment', name: 'web' },
      ],
      { phase: 'Pending' },
    ),
    pod('nightly-1-x', 'batch', [
      { kind: 'Job', name: 'nightly-1' },
      { kind: 'CronJob', name: 'nightly' },
    ]),
    pod('debug', 'batch', []),
    pod('evaluation-abc', 'evaluation', [{ kind: 'Job', name: 'evaluation' }]),
    // Left out: finished, deleted, no class.
    pod('test-shard-0-x', 'ci-default', [{ kind: 'Job', name: 'test-shard-0' }], { phase: 'Failed' }),
    pod('test-shard-1-x', 'ci-default', [{ kind: 'Job', name: 'test-shard-1' }], { deletedAt: '2026-12-07T01:00:00Z' }),
    pod('plain', undefined, []),
  ]);
  assert.deepEqual(Object.fromEntries(usage), {
    web: [{ kind: 'Deployment', namespace: 'ci', name: 'web', pods: 3 }],
    batch: [
      { kind: 'Pod', namespace: 'ci', name: 'debug', pods: 1 },
      { kind: 'CronJob', namespace: 'ci', name: 'nightly', pods: 1 },
    ],
    evaluation: [{ kind: 'Job', namespace: 'ci', name: 'evaluation', pods: 1 }],
  });
});
