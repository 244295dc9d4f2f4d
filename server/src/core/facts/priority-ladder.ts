// The priority ladder as levels: one list per priority value (in a fresh build's order within it), with counts, so an
// edit moves only the workloads it touches. All users of a class share a level: a PriorityClass value edit moves that
// level's workloads (O(their number)) instead of re-sorting and re-ranking every workload of the workspace (issue 18).
// Ranks, preemptor and victim counts are read from per-level counts (O(levels)), not stored on each workload.
import type { AnalyzedWorkload } from './analyzed';

export interface PreemptionRank {
  /** 1 is preempted first (the lowest priority); equal priorities share a position. 0: not ranked. */
  position: number;
  of: number;
}

/** A level: the workloads of one priority value. A level that moves whole (a class value edit) is re-keyed, not rebuilt. */
interface Level {
  priority: number;
  members: AnalyzedWorkload[];
}

export class PriorityLadder {
  /** Each level's workloads in a fresh build's order (ordinal). */
  private readonly levels = new Map<number, Level>();
  /** The level a workload is in (its priority when put in: a re-resolution changes `priority` in place). */
  private readonly levelOf = new Map<AnalyzedWorkload, Level>();
  /** Derived, rebuilt on the first read after a change (O(levels), plus the preempting counts of changed levels). */
  private index: { priorities: number[]; below: number[]; preemptingFrom: number[] } | undefined;
  private readonly preempting = new Map<number, number>();
  private readonly stale = new Set<number>();
  private flat: AnalyzedWorkload[] | undefined;

  constructor(private readonly ordinal: (w: AnalyzedWorkload) => number) {}

  get size(): number {
    return this.levelOf.size;
  }

  has(w: AnalyzedWorkload): boolean {
    return this.levelOf.has(w);
  }

  /** Puts workloads in (none of them may be in already). */
  add(workloads: Iterable<AnalyzedWorkload>): void {
    const byLevel = new Map<number, AnalyzedWorkload[]>();
    for (const w of workloads) {
      const p = w.priority.priority;
      const list = byLevel.get(p);
      if (list === undefined) byLevel.set(p, [w]);
      else list.push(w);
    }
    for (const [p, unsorted] of byLevel) {
      // Sorted by ordinal looked up once per workload, not once per comparison.
      const keyed = unsorted.map((w) => ({ w, at: this.ordinal(w) }));
      keyed.sort((a, b) => a.at - b.at);
      this.mergeInto(
        p,
        keyed.map((k) => k.w),
      );
    }
  }

  /** Merges workloads in ladder order, in no level now, into level `p`. */
  private mergeInto(p: number, incoming: AnalyzedWorkload[]): void {
    let level = this.levels.get(p);
    if (level === undefined) this.levels.set(p, (level = { priority: p, members: incoming }));
    else level.members = level.members.length === 0 ? incoming : this.merge(level.members, incoming);
    for (const w of incoming) this.levelOf.set(w, level);
    this.changed(p);
  }

  /** Takes workloads out (those not in are ignored). */
  remove(workloads: ReadonlySet<AnalyzedWorkload>): void {
    const touched = new Set<Level>();
    for (const w of workloads) {
      const level = this.levelOf.get(w);
      if (level === undefined) continue;
      this.levelOf.delete(w);
      touched.add(level);
    }
    for (const level of touched)
      this.setMembers(
        level,
        level.members.filter((w) => !workloads.has(w)),
      );
  }

  private setMembers(level: Level, kept: AnalyzedWorkload[]): void {
    if (kept.length === 0) this.dropLevel(level.priority);
    else {
      level.members = kept;
      this.changed(level.priority);
    }
  }

  private dropLevel(p: number): void {
    this.levels.delete(p);
    this.preempting.delete(p);
    this.stale.delete(p);
    this.index = undefined;
    this.flat = undefined;
  }

  /**
   * Moves workloads whose priority (or whether they are ranked) changed in place since they were put in: a level whose
   * workloads all move to one new value is re-keyed (a class value edit: O(its users) checks, no writes per user);
   * other old levels are split in one pass, keeping their order, so nothing is sorted.
   */
  move(workloads: readonly AnalyzedWorkload[], ranked: (w: AnalyzedWorkload) => boolean): void {
    const moving = new Map<Level, number>();
    const fresh: AnalyzedWorkload[] = [];
    for (const w of workloads) {
      const level = this.levelOf.get(w);
      if (level !== undefined) moving.set(level, (moving.get(level) ?? 0) + 1);
      else if (ranked(w)) fresh.push(w);
    }
    let movers: Set<AnalyzedWorkload> | undefined;
    // Runs arriving at each level, each in ladder order (they come from one old level each).
    const arriving = new Map<number, AnalyzedWorkload[][]>();
    for (const [level, count] of moving) {
      const q = count === level.members.length ? wholeTarget(level.members, ranked) : undefined;
      if (q !== undefined && !this.levels.has(q)) {
        this.dropLevel(level.priority);
        level.priority = q;
        this.levels.set(q, level);
        this.changed(q);
        continue;
      }
      movers ??= new Set(workloads);
      const kept: AnalyzedWorkload[] = [];
      const runs = new Map<number, AnalyzedWorkload[]>();
      for (const w of level.members) {
        if (!movers.has(w)) {
          kept.push(w);
          continue;
        }
        this.levelOf.delete(w);
        if (!ranked(w)) continue;
        const p = w.priority.priority;
        const run = runs.get(p);
        if (run === undefined) runs.set(p, [w]);
        else run.push(w);
      }
      this.setMembers(level, kept);
      for (const [p, run] of runs) {
        const list = arriving.get(p);
        if (list === undefined) arriving.set(p, [run]);
        else list.push(run);
      }
    }
    for (const [p, runs] of arriving) {
      let incoming = runs[0] ?? [];
      for (const run of runs.slice(1)) incoming = this.merge(incoming, run);
      this.mergeInto(p, incoming);
    }
    if (fresh.length > 0) this.add(fresh);
  }

  /** Every workload, lowest priority first (built once per change, for the views that walk the whole ladder). */
  all(): AnalyzedWorkload[] {
    if (this.flat === undefined) {
      const flat: AnalyzedWorkload[] = [];
      for (const p of this.read().priorities) for (const w of this.levels.get(p)?.members ?? []) flat.push(w);
      this.flat = flat;
    }
    return this.flat;
  }

  rank(w: AnalyzedWorkload): PreemptionRank {
    const level = this.levelOf.get(w);
    if (level === undefined) return { position: 0, of: 0 };
    const ix = this.read();
    return { position: (ix.below[lowerBound(ix.priorities, level.priority)] ?? 0) + 1, of: this.size };
  }

  /** Workloads of strictly lower priority. */
  countBelow(priority: number): number {
    const ix = this.read();
    return ix.below[lowerBound(ix.priorities, priority)] ?? this.size;
  }

  /** Workloads of strictly higher priority whose policy lets them preempt. */
  preemptingAbove(priority: number): number {
    const ix = this.read();
    return ix.preemptingFrom[upperBound(ix.priorities, priority)] ?? 0;
  }

  /** Levels of strictly higher priority, highest first (each level's workloads in ladder order). */
  *levelsAbove(priority: number): Generator<readonly AnalyzedWorkload[]> {
    const ps = this.read().priorities;
    for (let i = ps.length - 1; i >= 0; i--) {
      const p = ps[i] ?? 0;
      if (p <= priority) return;
      yield this.levels.get(p)?.members ?? [];
    }
  }

  /** Levels of strictly lower priority, lowest first. */
  *levelsBelow(priority: number): Generator<readonly AnalyzedWorkload[]> {
    for (const p of this.read().priorities) {
      if (p >= priority) return;
      yield this.levels.get(p)?.members ?? [];
    }
  }

  private changed(p: number): void {
    this.stale.add(p);
    this.index = undefined;
    this.flat = undefined;
  }

  private read(): { priorities: number[]; below: number[]; preemptingFrom: number[] } {
    if (this.index !== undefined) return this.index;
    for (const p of this.stale) {
      let n = 0;
      for (const w of this.levels.get(p)?.members ?? []) if (w.priority.preemptionPolicy === 'PreemptLowerPriority') n++;
      this.preempting.set(p, n);
    }
    this.stale.clear();
    const { priorities, below } = countedLevels(this.levels.keys(), (p) => this.levels.get(p)?.members.length ?? 0);
    const preemptingFrom = new Array<number>(priorities.length + 1).fill(0);
    for (let i = priorities.length - 1; i >= 0; i--)
      preemptingFrom[i] = (preemptingFrom[i + 1] ?? 0) + (this.preempting.get(priorities[i] ?? 0) ?? 0);
    this.index = { priorities, below, preemptingFrom };
    return this.index;
  }

  private merge(a: readonly AnalyzedWorkload[], b: readonly AnalyzedWorkload[]): AnalyzedWorkload[] {
    const out: AnalyzedWorkload[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i];
      const y = b[j];
      if (this.ordinal(y) < this.ordinal(x)) {
        out.push(y);
        j++;
      } else {
        out.push(x);
        i++;
      }
    }
    while (i < a.length) out.push(a[i++]);
    while (j < b.length) out.push(b[j++]);
    return out;
  }
}

/** The one priority every workload of a level now has, when they all have the same and are all ranked. */
function wholeTarget(members: readonly AnalyzedWorkload[], ranked: (w: AnalyzedWorkload) => boolean): number | undefined {
  const q = members[0]?.priority.priority;
  if (q === undefined) return undefined;
  for (const w of members) if (w.priority.priority !== q || !ranked(w)) return undefined;
  return q;
}

/**
 * The prefix-sum index of counted levels, shared by the ladder and the bounded priorities: the priorities ascending,
 * and `below[i]` = how many are counted under `priorities[i]` (`below[length]` = all).
 */
function countedLevels(keys: Iterable<number>, count: (p: number) => number): { priorities: number[]; below: number[] } {
  const priorities = [...keys].sort((a, b) => a - b);
  const below = new Array<number>(priorities.length + 1);
  let sum = 0;
  priorities.forEach((p, i) => {
    below[i] = sum;
    sum += count(p);
  });
  below[priorities.length] = sum;
  return { priorities, below };
}

/** How many values of an ascending list are below `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many values of an ascending list are at most `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A multiset of priorities with counts: add and remove in O(1), "how many below" in O(log levels) after a change. */
export class PriorityCounts {
  private readonly counts = new Map<number, number>();
  private index: { priorities: number[]; below: number[] } | undefined;

  add(priority: number, sign: 1 | -1): void {
    const n = (this.counts.get(priority) ?? 0) + sign;
    if (n > 0) this.counts.set(priority, n);
    else this.counts.delete(priority);
    this.index = undefined;
  }

  get empty(): boolean {
    return this.counts.size === 0;
  }

  /** The lowest priority held (undefined when empty). */
  lowest(): number | undefined {
    return this.read().priorities[0];
  }

  /** How many held priorities are strictly below `priority`. */
  countBelow(priority: number): number {
    const ix = this.read();
    return ix.below[lowerBound(ix.priorities, priority)] ?? 0;
  }

  private read(): { priorities: number[]; below: number[] } {
    return (this.index ??= countedLevels(this.counts.keys(), (p) => this.counts.get(p) ?? 0));
  }
}
