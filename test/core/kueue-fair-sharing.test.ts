// Fair sharing (docs/semantics.md R-Q.7): DominantResourceShare against Kueue v0.19.2's own cases
// (pkg/cache/scheduler/fair_sharing_test.go TestDominantResourceShare: a ClusterQueue `cq` with a usage, a lending
// ClusterQueue in the same cohort, the expected share), and what the engine says the weights imply.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Cohort } from '../../server/src/core/semantics/kueue-objects';
import { CohortForest } from '../../server/src/core/semantics/kueue-preemption';
import {
  kueueFairShares,
  kueueFairSharingNote,
  kueueFairSharingTarget,
  kueueFairSharingWeight,
} from '../../server/src/core/semantics/kueue-fair-sharing';
import { clusterQueue, cohort } from '../helpers/kueue-objects';
import type { Quotas } from '../helpers/kueue-objects';

const gpu = 'example.com/gpu';

function share(o: {
  quotas: Quotas;
  weight?: string;
  lend: Quotas;
  usage: Record<string, number>;
  cohorts?: Cohort[];
  cohortName?: string;
}) {
  const cq = clusterQueue('cq', {
    cohort: o.cohortName ?? 'test-cohort',
    quotas: o.quotas,
    ...(o.weight !== undefined ? { weight: o.weight } : {}),
  });
  const lending = clusterQueue('lending-cq', { cohort: 'test-cohort', quotas: o.lend });
  const usage = new Map(Object.entries(o.usage));
  const shares = kueueFairShares([cq, lending], o.cohorts ?? [], [
    { key: 'w', clusterQueue: 'cq', priority: 0, usage, quotaReservedAt: 0, queuedAt: 0 },
  ]);
  const s = shares.get('cq');
  assert.ok(s !== undefined);
  assert.deepEqual(shares.get('lending-cq'), { weightedShare: 0, rounded: 0, dominantResource: undefined, borrowing: false });
  return s;
}

describe("DominantResourceShare: Kueue v0.19.2's TestDominantResourceShare cases (R-Q.7)", () => {
  test('usage above nominal: gpu (7-5)*1000/10 = 200 dominates cpu (3-2)*1000/10 = 100', () => {
    const s = share({
      quotas: { default: { cpu: ['2'], [gpu]: ['5'] } },
      weight: '1',
      lend: { default: { cpu: ['8'], [gpu]: ['5'] } },
      usage: { 'default/cpu': 3000, [`default/${gpu}`]: 7000 },
    });
    assert.deepEqual([s.rounded, s.dominantResource, s.borrowing], [200, gpu, true]);
  });
  test('above nominal with integer weight 2: 100', () => {
    const s = share({
      quotas: { default: { [gpu]: ['5'] } },
      weight: '2',
      lend: { default: { [gpu]: ['5'] } },
      usage: { [`default/${gpu}`]: 7000 },
    });
    assert.equal(s.rounded, 100);
  });
  test('above nominal with decimal weight 0.5: 400', () => {
    const s = share({
      quotas: { default: { [gpu]: ['5'] } },
      weight: '0.5',
      lend: { default: { [gpu]: ['5'] } },
      usage: { [`default/${gpu}`]: 7000 },
    });
    assert.equal(s.rounded, 400);
  });
  test('above nominal with zero weight: the largest share there is', () => {
    const s = share({
      quotas: { default: { [gpu]: ['5'] } },
      weight: '0',
      lend: { default: { [gpu]: ['10'] } },
      usage: { [`default/${gpu}`]: 7000 },
    });
    assert.deepEqual([s.rounded, s.weightedShare], [Number.MAX_SAFE_INTEGER, Infinity]);
  });
  test('usage below nominal: 0, not borrowing', () => {
    const s = share({ quotas: { default: { [gpu]: ['5'] } }, lend: { default: { [gpu]: ['5'] } }, usage: { [`default/${gpu}`]: 4000 } });
    assert.deepEqual(s, { weightedShare: 0, rounded: 0, dominantResource: undefined, borrowing: false });
  });
  test('resource share affected by borrowing limit: cq under child-cohort (borrowingLimit 10) under root (50): 1000', () => {
    const s = share({
      cohortName: 'child-cohort',
      quotas: { default: { [gpu]: ['0'] } },
      lend: { default: { [gpu]: ['0'] } },
      usage: { [`default/${gpu}`]: 10_000 },
      cohorts: [
        cohort('child-cohort', 'root', { default: { [gpu]: ['0', '10'] } }),
        cohort('root', undefined, { default: { [gpu]: ['50'] } }),
      ],
    });
    assert.equal(s.rounded, 1000);
  });
});

describe('what the fair-sharing weights imply (R-Q.7)', () => {
  const a = clusterQueue('fs-a', { cohort: 'fs', quotas: { default: { cpu: ['2'] } } });
  const b = clusterQueue('fs-b', { cohort: 'fs', quotas: { default: { cpu: ['2'] } }, weight: '2' });
  const c = clusterQueue('fs-c', { cohort: 'fs', quotas: { default: { cpu: ['3'] } } });
  const forest = new CohortForest([]);

  test('weights read as quantities, 1 by default', () => {
    assert.deepEqual([a, b, clusterQueue('x', { quotas: {}, weight: '500m' })].map(kueueFairSharingWeight), [1, 2, 0.5]);
  });

  test('the note names the weights and who is preempted first for equal borrowing', () => {
    const note = kueueFairSharingNote(a, [a, b, c], forest) ?? '';
    assert.match(note, /depends on live usage/);
    assert.match(note, /Weights: fs-a 1, fs-b 2, fs-c 1\./);
    assert.match(
      note,
      /For equal borrowing fs-b's share is half of fs-a's, so fs-a's Workloads are preempted first; fs-b may borrow twice as much/,
    );
    assert.equal(kueueFairSharingNote(clusterQueue('alone', { quotas: {} }), [a], forest), undefined);
  });

  test('equal borrowing, weights 1 and 2: the weight-1 queue has twice the share and is the target', () => {
    const usage = (cq: string, cpu: number) => ({
      key: cq,
      clusterQueue: cq,
      priority: 0,
      usage: new Map([['default/cpu', cpu]]),
      quotaReservedAt: 0,
      queuedAt: 0,
    });
    const shares = kueueFairShares([a, b, c], [], [usage('fs-a', 4000), usage('fs-b', 4000)], {
      clusterQueue: 'fs-c',
      requests: new Map([['default/cpu', 4000]]),
    });
    // Lendable cpu: 2 + 2 + 3 = 7 cores; each borrows 2: 2000*1000/7000 = 285.7.
    assert.deepEqual(
      [...shares].map(([n, s]) => [n, s.rounded]),
      [
        ['fs-a', 286],
        ['fs-b', 143],
        ['fs-c', 143],
      ],
    );
    assert.equal(kueueFairSharingTarget(shares, ['fs-b', 'fs-a']), 'fs-a');
  });
});
