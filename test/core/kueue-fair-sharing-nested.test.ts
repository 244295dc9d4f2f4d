// Fair sharing in a hierarchical cohort tree (docs/semantics.md R-Q.7): two child Cohorts under one root, as Kueue's
// hierarchical cohorts build it (pkg/cache/scheduler/resource_node.go). A ClusterQueue's lendable is its parent's
// potential capacity, which reaches through the root to the sibling cohort; a lendingLimit keeps quota local. Values
// computed by hand from Kueue v0.19.2's dominantResourceShare (borrowed × 1000 ÷ lendable ÷ weight, rounded up).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CohortForest } from '../../server/src/core/semantics/kueue-preemption';
import { kueueFairShares, kueueFairSharingNote, kueueFairSharingTarget } from '../../server/src/core/semantics/kueue-fair-sharing';
import { clusterQueue, cohort } from '../helpers/kueue-objects';

const cohorts = [cohort('root'), cohort('team-a', 'root'), cohort('team-b', 'root')];
const admitted = (cq: string, cpu: number) => ({
  key: cq,
  clusterQueue: cq,
  priority: 0,
  usage: new Map([['default/cpu', cpu]]),
  quotaReservedAt: 0,
  queuedAt: 0,
});

function queues(weightA?: string) {
  return [
    clusterQueue('cq-a', { cohort: 'team-a', quotas: { default: { cpu: ['4'] } }, ...(weightA === undefined ? {} : { weight: weightA }) }),
    clusterQueue('cq-b1', { cohort: 'team-b', quotas: { default: { cpu: ['4'] } } }),
    // lendingLimit 1: 3 of its 4 cores stay in cq-b2, so team-b's subtree quota is 4 + 1 and the root's 4 + 5 = 9.
    clusterQueue('cq-b2', { cohort: 'team-b', quotas: { default: { cpu: ['4', '', '1'] } } }),
  ];
}

test('nested cohorts: the lendable reaches through the root; the highest share across both child cohorts is the target', () => {
  const shares = kueueFairShares(queues(), cohorts, [admitted('cq-a', 6000), admitted('cq-b1', 5000)]);
  // cq-a borrows 2 of 9 lendable cores: 222.2 -> 223; cq-b1 borrows 1: 111.1 -> 112; cq-b2 borrows nothing.
  assert.deepEqual(
    [...shares].map(([n, s]) => [n, s.rounded, s.borrowing]),
    [
      ['cq-a', 223, true],
      ['cq-b1', 112, true],
      ['cq-b2', 0, false],
    ],
  );
  assert.equal(kueueFairSharingTarget(shares, ['cq-a', 'cq-b1', 'cq-b2']), 'cq-a');
});

test('nested cohorts: weight 4 on cq-a quarters its share (55.6 -> 56), so cq-b1 in the sibling cohort is targeted first', () => {
  const shares = kueueFairShares(queues('4'), cohorts, [admitted('cq-a', 6000), admitted('cq-b1', 5000)]);
  assert.equal(shares.get('cq-a')?.rounded, 56);
  assert.equal(kueueFairSharingTarget(shares, ['cq-a', 'cq-b1', 'cq-b2']), 'cq-b1');
});

test('nested cohorts: the note speaks of the whole tree under the root cohort', () => {
  const all = queues('4');
  const b1 = all.find((q) => q.name === 'cq-b1');
  assert.ok(b1 !== undefined);
  const note = kueueFairSharingNote(b1, all, new CohortForest(cohorts)) ?? '';
  assert.match(note, /across cohort root by weighted share, which depends on live usage/);
  assert.match(note, /Weights: cq-a 4, cq-b1 1, cq-b2 1\./);
  assert.match(note, /For equal borrowing cq-a's share is 0\.25 times of cq-b1's, so cq-b1's Workloads are preempted first/);
});
