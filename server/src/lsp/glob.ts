// Glob matching for `files.exclude` and `kubePriorityLens.exclude`: `**`, `*`, `?`, `{a,b}`, `[abc]`, relative to a folder.
// VS Code semantics: `*` and `?` stay within one path segment, `**` as a whole segment spans any number of segments
// (none included), a pattern without `/` matches the top level only (`**/x` matches at any depth).
//
// The globs come from settings a repository can set, so matching must be cheap whatever they hold: no regular
// expression (`**` as `.*` backtracks exponentially on `**a**a**a…`). A glob becomes a list of tokens, braces expanded
// up front within fixed bounds, and is matched by simulating its automaton over the path's characters: time is at most
// path length × pattern length, never exponential. A glob that cannot be read (unbalanced `{`, unclosed `[`, a range
// such as `[z-a]`, too long or too many brace alternatives) is reported and ignored, never thrown.
// Reading a glob is glob-compile.ts; this file runs the automaton.
import { compileGlob, isInvalidGlob, Kind } from './glob-compile';
import type { Alternative, CharClass, CompiledGlob, InvalidGlob } from './glob-compile';

export { compileGlob, isInvalidGlob, maxGlobAlternatives, maxGlobLength } from './glob-compile';
export type { CompiledGlob, InvalidGlob } from './glob-compile';

const slash = 0x2f;

function inClass(cls: CharClass, cp: number): boolean {
  let found = false;
  for (const [lo, hi] of cls.ranges) {
    if (cp >= lo && cp <= hi) {
      found = true;
      break;
    }
  }
  return found !== cls.negated;
}

/**
 * matchAlternative: does the path, or a folder above it, match? Simulates the pattern's automaton over the path with
 * the set of live pattern positions (each position at most once per character), so the cost is bounded by
 * path length × token count. States 0..n are "before token i"; n+1+i is "inside a segment spanned by the globstar i".
 * Reaching position n at a `/` or at the end means the pattern matched the path or one of its folders.
 * Positions made redundant by a live `*` or `**` are dropped (see prune): with `*a*a*a…` or `**` `/a/` `**` `/a…` only
 * a few positions stay live instead of all of them.
 */
function matchAlternative(alt: Alternative, path: Int32Array): boolean {
  if (alt.all) return true;
  const { kinds, chars, classes, segments } = alt;
  const n = kinds.length;
  const seen = new Int32Array(2 * n + 2).fill(-1);
  const lastSegment = n === 0 ? 0 : segments[n - 1];
  const furthestStar = new Int32Array(lastSegment + 1);
  const starStep = new Int32Array(lastSegment + 1).fill(-1);
  let current = new Int32Array(2 * n + 2);
  let next = new Int32Array(2 * n + 2);
  let size = 0;
  let nextSize = 0;
  // add puts a state and the ones reachable without a character (after `*` or `**`, which may match nothing) in `next`.
  const add = (state: number, step: number): void => {
    for (let s = state; seen[s] !== step; s++) {
      seen[s] = step;
      next[nextSize++] = s;
      if (s >= n || ((kinds[s] as Kind) !== Kind.Star && (kinds[s] as Kind) !== Kind.Globstar)) break;
    }
  };
  add(0, 0);
  [current, next] = [next, current];
  size = nextSize;
  for (let k = 0; k < path.length; k++) {
    const cp = path[k];
    const step = k + 1;
    nextSize = 0;
    for (let i = 0; i < size; i++) {
      const state = current[i];
      if (state === n) {
        if (cp === slash) return true; // the pattern matched a folder above the path
      } else if (state > n) {
        // Inside a segment spanned by a globstar: its `/` ends the segment, back to the globstar.
        if (cp === slash) add(state - n - 1, step);
        else add(state, step);
      } else {
        switch (kinds[state] as Kind) {
          case Kind.Literal:
            if (cp === chars[state]) add(state + 1, step);
            break;
          case Kind.One:
            if (cp !== slash) add(state + 1, step);
            break;
          case Kind.Class:
            if (cp !== slash && inClass(classes[state] as CharClass, cp)) add(state + 1, step);
            break;
          case Kind.Star:
            if (cp !== slash) add(state, step);
            break;
          case Kind.Separator:
            if (cp === slash) add(state + 1, step);
            break;
          case Kind.Globstar:
            if (cp !== slash) add(n + 1 + state, step);
            break;
        }
      }
    }
    if (nextSize === 0) return false;
    nextSize = prune(alt, next, nextSize, step, furthestStar, starStep);
    [current, next] = [next, current];
    size = nextSize;
  }
  for (let i = 0; i < size; i++) if (current[i] === n) return true;
  return false;
}

/**
 * prune drops live positions that cannot match anything a later live position cannot: a live `*` absorbs whatever the
 * positions before it in its segment would match, and a live `**` (always at a segment start) absorbs the whole
 * segments any earlier position would match before reaching it. Returns the new size of `states`.
 */
function prune(alt: Alternative, states: Int32Array, size: number, step: number, furthestStar: Int32Array, starStep: Int32Array): number {
  const { kinds, segments } = alt;
  const n = kinds.length;
  let globstar = -1;
  let stars = false;
  for (let i = 0; i < size; i++) {
    const state = states[i];
    if (state >= n) continue;
    if ((kinds[state] as Kind) === Kind.Globstar) globstar = Math.max(globstar, state);
    else if ((kinds[state] as Kind) === Kind.Star) {
      const seg = segments[state];
      if (starStep[seg] !== step || state > furthestStar[seg]) furthestStar[seg] = state;
      starStep[seg] = step;
      stars = true;
    }
  }
  if (globstar === -1 && !stars) return size;
  let kept = 0;
  for (let i = 0; i < size; i++) {
    const state = states[i];
    // A position inside a segment spanned by globstar g counts as g.
    const at = state > n ? state - n - 1 : state;
    if (at < globstar) continue;
    const seg = at < n ? segments[at] : -1;
    if (state < n && seg !== -1 && starStep[seg] === step && state < furthestStar[seg]) continue;
    states[kept++] = state;
  }
  return kept;
}

function pathCodePoints(relativePath: string): Int32Array {
  let p = relativePath.split('\\').join('/');
  while (p.startsWith('./')) p = p.slice(2);
  const out = new Int32Array(p.length);
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const cp = p.codePointAt(i) ?? 0;
    out[n++] = cp;
    if (cp > 0xffff) i++;
  }
  return out.subarray(0, n);
}

/** A set of globs compiled once; the invalid ones are listed and never match. */
export class GlobMatcher {
  readonly invalid: InvalidGlob[] = [];
  private readonly globs: CompiledGlob[] = [];

  constructor(globs: readonly string[]) {
    for (const glob of globs) {
      if (glob.trim() === '') continue;
      const c = compileGlob(glob);
      if (isInvalidGlob(c)) this.invalid.push(c);
      else this.globs.push(c);
    }
  }

  get empty(): boolean {
    return this.globs.length === 0;
  }

  /** matches is true when `relativePath` (with `/` separators) or one of its parent folders matches a glob. */
  matches(relativePath: string): boolean {
    if (this.globs.length === 0) return false;
    const path = pathCodePoints(relativePath);
    return this.globs.some((g) => g.alternatives.some((alt) => matchAlternative(alt, path)));
  }
}

/** matchesAny is true when `relativePath` (with `/` separators) or one of its parent folders matches a glob; invalid globs match nothing. */
export function matchesAny(relativePath: string, globs: readonly string[]): boolean {
  return new GlobMatcher(globs).matches(relativePath);
}
