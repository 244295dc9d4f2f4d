// Glob matching for `files.exclude` and `kubePriorityLens.exclude`: `**`, `*`, `?`, `{a,b}`, `[abc]`, relative to a folder.
// VS Code semantics: `*` and `?` stay within one path segment, `**` as a whole segment spans any number of segments
// (none included), a pattern without `/` matches the top level only (`**/x` matches at any depth).
//
// The globs come from settings a repository can set, so matching must be cheap whatever they hold: no regular
// expression (`**` as `.*` backtracks exponentially on `**a**a**a…`). A glob becomes a list of tokens, braces expanded
// up front within fixed bounds, and is matched by simulating its automaton over the path's characters: time is at most
// path length × pattern length, never exponential. A glob that cannot be read (unbalanced `{`, unclosed `[`, a range
// such as `[z-a]`, too long or too many brace alternatives) is reported and ignored, never thrown.

/** Longest glob read; longer ones are reported invalid (no real exclude pattern comes close). */
export const maxGlobLength = 2048;
/** At most this many alternatives after brace expansion (`{a,b}{c,d}` = 4), and this many tokens over all of them. */
export const maxGlobAlternatives = 256;
const maxGlobTokens = 16_384;
const maxBraceDepth = 32;

const enum Kind {
  Literal,
  /** `?`: one character other than `/`. */
  One,
  /** `[...]`: one character other than `/` in (or, negated, not in) the class. */
  Class,
  /** `*`: any run of characters other than `/`. */
  Star,
  /** `/` between two segments. */
  Separator,
  /** `**` followed by more segments: zero or more whole segments, each with its `/`. */
  Globstar,
}

interface CharClass {
  negated: boolean;
  /** Inclusive code point ranges (a single character is a range of one). */
  ranges: Array<[number, number]>;
}

type Token =
  | { kind: Kind.Literal; char: number }
  | { kind: Kind.Class; cls: CharClass }
  | { kind: Kind.One | Kind.Star | Kind.Separator | Kind.Globstar };

/** One alternative of a glob as parallel arrays (token kind, literal code point, class); `all` when it is only `**`. */
interface Alternative {
  kinds: Uint8Array;
  chars: Int32Array;
  classes: Array<CharClass | undefined>;
  /** Index of the token's pattern segment (for the `*` pruning in matchAlternative). */
  segments: Int32Array;
  all: boolean;
}

export interface CompiledGlob {
  glob: string;
  alternatives: Alternative[];
}

export interface InvalidGlob {
  glob: string;
  reason: string;
}

class GlobError extends Error {}

const slash = 0x2f;

/** normalize: `\` as `/`, no surrounding space, no leading `./`, no trailing `/` (a folder pattern names the folder). */
function normalizeGlob(glob: string): string {
  let g = glob.trim().split('\\').join('/');
  while (g.startsWith('./')) g = g.slice(2);
  while (g.endsWith('/')) g = g.slice(0, -1);
  return g;
}

/** Index of the `]` closing the class that opens at `open`, or -1 (`]` right after `[`, `[!` or `[^` is a member). */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  const close = pattern.indexOf(']', i);
  return close;
}

/**
 * expandBraces turns `a{b,c{d,e}}` into `ab`, `acd`, `ace`, keeping `[...]` classes intact (a `{` or `,` inside a
 * class is a member). A `}` or `,` outside any brace is a literal character.
 */
function expandBraces(pattern: string): string[] {
  let pos = 0;
  // parseSequence reads until the end, or (inside braces) until the `,` or `}` that ends this alternative.
  const parseSequence = (depth: number): string[] => {
    let results = [''];
    const appendLiteral = (text: string): void => {
      results = results.map((r) => r + text);
    };
    while (pos < pattern.length) {
      const c = pattern[pos];
      if (c === '[') {
        const close = classEnd(pattern, pos);
        if (close === -1) throw new GlobError(`"[" at position ${pos + 1} has no closing "]"`);
        appendLiteral(pattern.slice(pos, close + 1));
        pos = close + 1;
      } else if (c === '{') {
        if (depth >= maxBraceDepth) throw new GlobError(`braces are nested deeper than ${maxBraceDepth}`);
        const open = pos;
        pos++;
        const choices: string[] = [];
        for (;;) {
          choices.push(...parseSequence(depth + 1));
          if (choices.length > maxGlobAlternatives) throw new GlobError(`braces give more than ${maxGlobAlternatives} alternatives`);
          if (pos >= pattern.length) throw new GlobError(`"{" at position ${open + 1} has no closing "}"`);
          const end = pattern[pos];
          pos++;
          if (end === '}') break;
        }
        if (results.length * choices.length > maxGlobAlternatives)
          throw new GlobError(`braces give more than ${maxGlobAlternatives} alternatives`);
        results = results.flatMap((r) => choices.map((choice) => r + choice));
      } else if ((c === ',' || c === '}') && depth > 0) {
        return results;
      } else {
        appendLiteral(c);
        pos++;
      }
      if (results.reduce((n, r) => n + r.length, 0) > maxGlobTokens)
        throw new GlobError(`braces expand to more than ${maxGlobTokens} characters`);
    }
    return results;
  };
  return parseSequence(0);
}

function parseClass(body: string): CharClass {
  let i = 0;
  let negated = false;
  if (body[0] === '!' || body[0] === '^') {
    negated = true;
    i = 1;
  }
  const chars = Array.from(body.slice(i), (ch) => ch.codePointAt(0) ?? 0);
  const ranges: Array<[number, number]> = [];
  for (let k = 0; k < chars.length; k++) {
    const lo = chars[k];
    // `a-z` is a range; a `-` first or last is a member.
    if (chars[k + 1] === 0x2d && k + 2 < chars.length) {
      const hi = chars[k + 2];
      if (hi < lo) throw new GlobError(`the range "${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}" in "[${body}]" is backwards`);
      ranges.push([lo, hi]);
      k += 2;
    } else ranges.push([lo, lo]);
  }
  return { negated, ranges };
}

/** segmentTokens reads one segment (no `/` outside classes) into tokens; runs of `*` collapse into one. */
function segmentTokens(segment: string, out: Token[]): void {
  let i = 0;
  while (i < segment.length) {
    const c = segment[i];
    if (c === '*') {
      if (out[out.length - 1]?.kind !== Kind.Star) out.push({ kind: Kind.Star });
      i++;
    } else if (c === '?') {
      out.push({ kind: Kind.One });
      i++;
    } else if (c === '[') {
      const close = classEnd(segment, i); // found by expandBraces already
      out.push({ kind: Kind.Class, cls: parseClass(segment.slice(i + 1, close)) });
      i = close + 1;
    } else {
      const cp = segment.codePointAt(i) ?? 0;
      out.push({ kind: Kind.Literal, char: cp });
      i += cp > 0xffff ? 2 : 1;
    }
  }
}

/** splitSegments splits at `/` outside classes. */
function splitSegments(pattern: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') {
      const close = classEnd(pattern, i);
      current += pattern.slice(i, close + 1); // a `/` in a class never matches (segments hold none)
      i = close;
    } else if (c === '/') {
      segments.push(current);
      current = '';
    } else current += c;
  }
  segments.push(current);
  // Empty segments (`a//b`, a leading `/`) are dropped: a relative path has none.
  return segments.filter((s) => s !== '');
}

function compileAlternative(pattern: string): Alternative {
  const segments: string[] = [];
  for (const s of splitSegments(pattern)) if (!(s === '**' && segments[segments.length - 1] === '**')) segments.push(s);
  if (segments.length > 0 && segments.every((s) => s === '**'))
    return { kinds: new Uint8Array(0), chars: new Int32Array(0), classes: [], segments: new Int32Array(0), all: true };
  // A trailing `**` adds nothing: every pattern also matches everything below what it matches.
  if (segments[segments.length - 1] === '**') segments.pop();
  const tokens: Token[] = [];
  const segmentOf: number[] = [];
  segments.forEach((segment, i) => {
    if (segment === '**')
      tokens.push({ kind: Kind.Globstar }); // takes the `/` of each segment it spans, so no separator after it
    else {
      segmentTokens(segment, tokens);
      if (i < segments.length - 1) tokens.push({ kind: Kind.Separator });
    }
    while (segmentOf.length < tokens.length) segmentOf.push(i);
  });
  return {
    kinds: Uint8Array.from(tokens, (t) => t.kind),
    chars: Int32Array.from(tokens, (t) => (t.kind === Kind.Literal ? t.char : -1)),
    classes: tokens.map((t) => (t.kind === Kind.Class ? t.cls : undefined)),
    segments: Int32Array.from(segmentOf),
    all: false,
  };
}

const compiled = new Map<string, CompiledGlob | InvalidGlob>();

/** compileGlob reads one glob (cached); an unreadable one comes back as `{glob, reason}`. */
export function compileGlob(glob: string): CompiledGlob | InvalidGlob {
  const cached = compiled.get(glob);
  if (cached !== undefined) return cached;
  let result: CompiledGlob | InvalidGlob;
  try {
    if (glob.length > maxGlobLength) throw new GlobError(`it is longer than ${maxGlobLength} characters`);
    const alternatives = expandBraces(normalizeGlob(glob)).map(compileAlternative);
    result = { glob, alternatives };
  } catch (error) {
    if (!(error instanceof GlobError)) throw error;
    result = { glob, reason: error.message };
  }
  if (compiled.size > 1000) compiled.clear(); // settings change rarely; the cache only has to hold the current ones
  compiled.set(glob, result);
  return result;
}

export function isInvalidGlob(g: CompiledGlob | InvalidGlob): g is InvalidGlob {
  return 'reason' in g;
}

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
