// The generated cluster (test/predict/gen-cluster.ts) is valid input: a small one parses and the pending pod preempts.
// The 5,000-node measurement is not a timed test (see the performance benchmark).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimCluster, parseFile, simulate } from '../../server/src/core/index';
import { generateCluster } from './gen-cluster';

describe('gen-cluster', () => {
  it('generates a nearly full cluster where the pending pod must preempt', () => {
    const parsed = parseFile({ path: 'cluster.yaml', content: generateCluster({ nodes: 60, pods: 1200 }), origin: 'cluster' });
    assert.equal(parsed.problems.length, 0);
    const snapshot = new SimCluster(parsed.objects);
    assert.equal(snapshot.nodes.length, 60);
    const pod = snapshot.podById.get('bench/pending');
    assert.ok(pod !== undefined);
    const result = simulate(snapshot, pod, { now: Date.UTC(2024, 5, 1) });
    assert.equal(result.outcome, 'preempt');
    assert.equal(result.victims.length, 2);
    assert.equal(result.candidates.length, 59); // the tainted node-00049 is excluded (untolerated taint)
  });
});
