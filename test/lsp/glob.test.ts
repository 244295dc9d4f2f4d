// Exclude globs (server/src/lsp/glob.ts): VS Code semantics, no exponential matching, invalid globs reported not thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlobMatcher, compileGlob, isInvalidGlob, matchesAny } from '../../server/src/lsp/glob';

test('globs: whole-segment ** spans segments (none included), * and ? stay in one, braces, classes, parent folders', () => {
  const cases: Array<[string, string, boolean]> = [
    ['a/c', 'a/**/c', true],
    ['a/x/y/c', 'a/**/c', true],
    ['ac', 'a/**/c', false],
    ['a/x/y/c/d.yaml', 'a/**/c', true], // a folder that matches excludes what is below it
    ['charts', 'charts/**', true],
    ['charts-old/x.yaml', 'charts/**', false],
    ['.git/config', '**/.git', true],
    ['x/y.yaml', '**', true],
    ['vendor/x.yaml', '{charts,vendor}/**', true],
    ['a/b.yaml', '*/b.yaml', true],
    ['a/c/b.yaml', '*/b.yaml', false],
    ['xa', '**a', true], // `**` inside a segment is a plain `*`
    ['x/ya', '**a', false],
    ['a/ce', 'a/{b,c{d,e}}', true], // nested braces
    ['a/c', 'a/{b,c{d,e}}', false],
    ['😀.yaml', '?.yaml', true], // `?` is one character, astral ones included
    ['q.yaml', '[a-z].yaml', true],
    ['Q.yaml', '[a-z].yaml', false],
    ['d.yaml', '[!abc].yaml', true],
    ['-.yaml', '[a-].yaml', true],
    [']', '[]]', true],
    ['a}b', 'a}b', true], // a stray `}` is a literal
    ['charts/x.yaml', './charts/', true],
    ['charts\\x.yaml', 'charts/**', true],
    ['charts/x.yaml', 'charts\\**', true],
  ];
  for (const [p, glob, expected] of cases) assert.equal(matchesAny(p, [glob]), expected, `${glob} on ${p}`);
});

// A reference matcher written the slow, obvious way (recursion over segments and characters), for small inputs.
function segmentMatches(p: string, s: string): boolean {
  if (p === '') return s === '';
  const c = p[0];
  if (c === '*') {
    for (let k = 0; k <= s.length; k++) if (segmentMatches(p.slice(1), s.slice(k))) return true;
    return false;
  }
  if (s === '') return false;
  if (c === '?') return segmentMatches(p.slice(1), s.slice(1));
  if (c === '[') {
    const close = p.indexOf(']', p[1] === '!' ? 3 : 2);
    const body = p.slice(1, close);
    const negated = body.startsWith('!');
    return (negated ? body.slice(1) : body).includes(s[0]) !== negated && segmentMatches(p.slice(close + 1), s.slice(1));
  }
  return c === s[0] && segmentMatches(p.slice(1), s.slice(1));
}
function segmentsMatch(ps: string[], ss: string[]): boolean {
  if (ps.length === 0) return ss.length === 0;
  if (ps[0] === '**') {
    for (let k = 0; k <= ss.length; k++) if (segmentsMatch(ps.slice(1), ss.slice(k))) return true;
    return false;
  }
  return ss.length > 0 && segmentMatches(ps[0], ss[0]) && segmentsMatch(ps.slice(1), ss.slice(1));
}
function expandFlat(p: string): string[] {
  const open = p.indexOf('{');
  if (open === -1) return [p];
  const close = p.indexOf('}', open);
  return p
    .slice(open + 1, close)
    .split(',')
    .flatMap((choice) => expandFlat(p.slice(0, open) + choice + p.slice(close + 1)));
}
function reference(path: string, glob: string): boolean {
  const ss = path.split('/');
  return expandFlat(glob).some((g) => {
    const ps = g.split('/').filter((x) => x !== '');
    for (let n = 1; n <= ss.length; n++) if (segmentsMatch(ps, ss.slice(0, n))) return true;
    return false;
  });
}

test('globs: the automaton agrees with a slow reference matcher on 25,000+ random globs and paths', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const parts = ['a', 'b', '*', '?', '**', '/', '[ab]', '[!a]', '{a,b}', '{a/b,*}', 'a*', '*b'];
  let compared = 0;
  for (let i = 0; i < 40_000; i++) {
    let glob = '';
    for (let k = 1 + random(6); k > 0; k--) glob += parts[random(parts.length)];
    let p = '';
    for (let k = 1 + random(8); k > 0; k--) p += 'ab/'[random(3)];
    p = p
      .split('/')
      .filter((x) => x !== '')
      .join('/');
    if (p === '' || /\{[^}]*\{/.test(glob)) continue; // the reference reads flat braces only
    assert.equal(matchesAny(p, [glob]), reference(p, glob), `${JSON.stringify(glob)} on ${JSON.stringify(p)}`);
    compared++;
  }
  assert.ok(compared > 25_000, `${compared} compared`);
});

/**
 * Milliseconds of one match, after a warm-up on a short path (the bound is about the algorithm, not JIT start-up):
 * the fastest of three runs, so that a loaded machine's scheduling pauses do not count (a super-linear matcher is slow
 * on every run).
 */
function timeMatch(glob: string, path: string): { ms: number; matched: boolean } {
  const matcher = new GlobMatcher([glob]);
  assert.deepEqual(matcher.invalid, []);
  matcher.matches(path.slice(0, 64));
  let ms = Infinity;
  let matched = false;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    matched = matcher.matches(path);
    ms = Math.min(ms, performance.now() - started);
  }
  return { ms, matched };
}

test('globs: `**a` 30 times against a 4 KiB path takes well under 50 ms (a regex with .* per ** never finishes)', () => {
  const glob = '**a'.repeat(30);
  const oneSegment = `${'a'.repeat(4095)}b`;
  const segments = `${'a'.repeat(29)}/`.repeat(136).padEnd(4095, 'a') + 'b';
  for (const p of [oneSegment, segments]) {
    assert.equal(p.length, 4096);
    const { ms, matched } = timeMatch(glob, p);
    assert.equal(matched, false);
    assert.ok(ms < 50, `${ms.toFixed(1)} ms`);
  }
  // It still matches what it should: 30 a's in one segment, also as a folder above the path.
  assert.ok(matchesAny(`${'xa'.repeat(30)}/file.yaml`, [glob]));
});

test('globs: other adversarial shapes stay polynomial (path length × pattern length at worst)', () => {
  const shapes: Array<[string, string, number]> = [
    ['*a'.repeat(500), `${'a'.repeat(4095)}b`, 50],
    [`${'**/a*/'.repeat(100)}c`, `${'a/'.repeat(2047)}b`, 1000], // every position stays live: the product bound
    [`${'**/'.repeat(200)}${'a/'.repeat(200)}c`, `${'a/'.repeat(2047)}b`, 1000],
    [`${'[a-z]*'.repeat(200)}[a-z]`, `${'q'.repeat(4095)}0`, 50],
    ['?*'.repeat(300), `${'a'.repeat(200)}`, 50],
  ];
  for (const [glob, p, bound] of shapes) {
    const { ms, matched } = timeMatch(glob, p);
    assert.equal(matched, false, glob.slice(0, 20));
    assert.ok(ms < bound, `${glob.slice(0, 20)}…: ${ms.toFixed(1)} ms`);
  }
});

test('globs: unreadable globs are reported with a reason and match nothing; the others still apply', () => {
  const invalid: Array<[string, RegExp]> = [
    ['{abc', /"\{" at position 1 has no closing "\}"/],
    ['charts/{a,b', /has no closing "\}"/],
    ['[abc', /"\[" at position 1 has no closing "\]"/],
    ['[]', /no closing "\]"/],
    ['[z-a].yaml', /range "z-a" .* is backwards/],
    ['{a,b}'.repeat(9), /more than 256 alternatives/],
    [`${'{'.repeat(40)}a${'}'.repeat(40)}`, /nested deeper than 32/],
    ['a'.repeat(3000), /longer than 2048 characters/],
  ];
  for (const [glob, reason] of invalid) {
    const started = performance.now();
    const c = compileGlob(glob);
    assert.ok(performance.now() - started < 50, `${glob.slice(0, 20)} compiled quickly`);
    assert.ok(isInvalidGlob(c), `${glob.slice(0, 20)} is invalid`);
    assert.match(c.reason, reason);
  }
  const matcher = new GlobMatcher(['{abc', 'test-*.yaml', '[bad', '']);
  assert.deepEqual(
    matcher.invalid.map((i) => i.glob),
    ['{abc', '[bad'],
  );
  assert.ok(matcher.matches('test-job.yaml'));
  assert.ok(!matcher.matches('{abc'));
  assert.ok(!matchesAny('x.yaml', ['{x.yaml']));
});
