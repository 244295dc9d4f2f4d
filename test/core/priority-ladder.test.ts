// The priority ladder edited in place (add, remove, move: split levels, whole levels re-keyed, swaps of values) reads
// exactly like a ladder built from scratch from the same workloads: same order, ranks and counts (issue 18).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalyzedWorkload } from '../../server/src/core/facts/analyzed';
import { PriorityCounts, PriorityLadder } from '../../server/src/core/facts/priority-ladder';

interface Fake {
  name: string;
  priority: { priority: number; preemptionPolicy: string; allowed: boolean };
}

function fake(name: string, priority: number, preemptionPolicy = 'PreemptLowerPriority'): Fake {
  return { name, priority: { priority, preemptionPolicy, allowed: true } };
}

const asWorkload = (f: Fake): AnalyzedWorkload => f as unknown as AnalyzedWorkload;
const asFake = (w: AnalyzedWorkload): Fake => w as unknown as Fake;
const ranked = (w: AnalyzedWorkload): boolean => asFake(w).priority.allowed;

/** Everything a reader can see of a ladder, for comparison. */
function view(ladder: PriorityLadder, all: readonly Fake[]): unknown {
  return {
    order: ladder.all().map((w) => asFake(w).name),
    size: ladder.size,
    ranks: all.map((f) => ladder.rank(asWorkload(f))),
    below: [-1, 0, 5, 10, 20, 1000].map((p) => ladder.countBelow(p)),
    preempting: [-1, 0, 5, 10, 20, 1000].map((p) => ladder.preemptingAbove(p)),
    above: [...ladder.levelsAbove(4)].map((l) => l.map((w) => asFake(w).name)),
    belowLevels: [...ladder.levelsBelow(12)].map((l) => l.map((w) => asFake(w).name)),
  };
}

/** A seeded generator (mulberry32), so that a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('PriorityLadder', () => {
  test('a level that moves whole keeps its order and its ranks follow', () => {
    const all = [fake('a', 1), fake('b', 1), fake('c', 5), fake('d', 1)];
    const ordinal = new Map(all.map((f, i) => [asWorkload(f), i]));
    const ladder = new PriorityLadder((w) => ordinal.get(w) ?? 0);
    ladder.add(all.map(asWorkload));
    for (const f of all) if (f.priority.priority === 1) f.priority.priority = 9;
    ladder.move(all.filter((f) => f.priority.priority === 9).map(asWorkload), ranked);
    assert.deepEqual(
      ladder.all().map((w) => asFake(w).name),
      ['c', 'a', 'b', 'd'],
    );
    assert.deepEqual(ladder.rank(asWorkload(all[0])), { position: 2, of: 4 });
    assert.equal(ladder.countBelow(9), 1);
    assert.equal(ladder.preemptingAbove(5), 3);
  });

  test('seeded random edits read like a ladder built from scratch', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const pick = (n: number): number => Math.floor(next() * n);
      const values = [0, 1, 5, 10, 12, 20];
      const all: Fake[] = [];
      for (let i = 0; i < 30; i++)
        all.push(fake(`w${i}`, values[pick(values.length)] ?? 0, next() < 0.2 ? 'Never' : 'PreemptLowerPriority'));
      const ordinal = new Map(all.map((f, i) => [asWorkload(f), i]));
      const order = (w: AnalyzedWorkload): number => ordinal.get(w) ?? 0;
      const ladder = new PriorityLadder(order);
      const inLadder = new Set<Fake>();
      const put = (list: Fake[]): void => {
        ladder.add(list.filter((f) => f.priority.allowed).map(asWorkload));
        for (const f of list) if (f.priority.allowed) inLadder.add(f);
      };
      put(all.slice(0, 20));
      for (let step = 0; step < 30; step++) {
        const kind = pick(4);
        if (kind === 0) {
          // A class value edit: every workload at one value moves to another (possibly occupied, possibly a swap).
          const from = values[pick(values.length)] ?? 0;
          const to = values[pick(values.length)] ?? 0;
          const movers = [...inLadder].filter((f) => f.priority.priority === from || (next() < 0.3 && f.priority.priority === to));
          for (const f of movers) f.priority.priority = f.priority.priority === from ? to : from;
          ladder.move(movers.map(asWorkload), ranked);
        } else if (kind === 1) {
          // Some re-resolved: new values, a rejection, a policy change.
          const movers = [...inLadder].filter(() => next() < 0.3);
          for (const f of movers) {
            const r = next();
            if (r < 0.15) f.priority.allowed = false;
            else if (r < 0.3) f.priority.preemptionPolicy = f.priority.preemptionPolicy === 'Never' ? 'PreemptLowerPriority' : 'Never';
            else f.priority.priority = values[pick(values.length)] ?? 0;
          }
          ladder.move(movers.map(asWorkload), ranked);
          for (const f of movers) if (!f.priority.allowed) inLadder.delete(f);
        } else if (kind === 2) {
          const out = new Set([...inLadder].filter(() => next() < 0.2));
          ladder.remove(new Set([...out].map(asWorkload)));
          for (const f of out) inLadder.delete(f);
        } else {
          const back = all.filter((f) => !inLadder.has(f) && next() < 0.5);
          for (const f of back) f.priority.allowed = true;
          put(back);
        }
        const fresh = new PriorityLadder(order);
        fresh.add([...inLadder].map(asWorkload));
        assert.deepEqual(view(ladder, all), view(fresh, all), `seed ${seed}, step ${step}`);
      }
    }
  });
});

describe('PriorityCounts', () => {
  test('counts below and the lowest follow adds and removes', () => {
    const counts = new PriorityCounts();
    counts.add(5, 1);
    counts.add(1, 1);
    counts.add(5, 1);
    assert.equal(counts.lowest(), 1);
    assert.equal(counts.countBelow(5), 1);
    assert.equal(counts.countBelow(6), 3);
    counts.add(1, -1);
    assert.equal(counts.lowest(), 5);
    assert.equal(counts.countBelow(5), 0);
    counts.add(5, -1);
    counts.add(5, -1);
    assert.equal(counts.empty, true);
    assert.equal(counts.lowest(), undefined);
  });
});
