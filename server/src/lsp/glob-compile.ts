// Reading globs for `files.exclude` and `kubePriorityLens.exclude` (matched by glob.ts): braces expanded up front
// within fixed bounds, each alternative turned into tokens (`*`, `?`, `[...]`, `/`, `**`) held as parallel arrays for
// the automaton. A glob that cannot be read (unbalanced `{`, unclosed `[`, a range such as `[z-a]`, too long or too
// many brace alternatives) comes back as `{glob, reason}`, never thrown.

/** Longest glob read; longer ones are reported invalid (no real exclude pattern comes close). */
export const maxGlobLength = 2048;
/** At most this many alternatives after brace expansion (`{a,b}{c,d}` = 4), and this many tokens over all of them. */
export const maxGlobAlternatives = 256;
const maxGlobTokens = 16_384;
const maxBraceDepth = 32;

export const enum Kind {
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

export interface CharClass {
  negated: boolean;
  /** Inclusive code point ranges (a single character is a range of one). */
  ranges: Array<[number, number]>;
}

type Token =
  | { kind: Kind.Literal; char: number }
  | { kind: Kind.Class; cls: CharClass }
  | { kind: Kind.One | Kind.Star | Kind.Separator | Kind.Globstar };

/** One alternative of a glob as parallel arrays (token kind, literal code point, class); `all` when it is only `**`. */
export interface Alternative {
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
