// Seeded hostile-input suite (issue 9, in `npm test`): fast-check properties and a few hundred seeded mutations of the
// fixtures in test/fuzz/fixtures (no corpus needed), plus one regression case per bug the fuzzer found. < 30 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseFile } from '../../server/src/core/index';
import { maxFileParsedBytes } from '../../server/src/core/model/objects';
import { Parser } from 'yaml';
import { FastParser, fastParserActive, fingerprint, parseOne } from '../../server/src/core/syntax/parse-yaml';
import { pruneIrrelevant } from '../../server/src/core/syntax/prune';
import { insertKey } from '../../server/src/core/edits/text-edits';
import { repoRoot } from '../helpers/analyze';
import { Harness } from './check';
import { bigList, billionLaughs, deepNesting, hostileValues, interestingKeys, mutate, rng } from './mutate';

const fixturesDir = path.join(repoRoot(), 'test', 'fuzz', 'fixtures');
const fixtures = fs
  .readdirSync(fixturesDir)
  .sort()
  .map((name) => ({ path: `fixtures/${name}`, text: fs.readFileSync(path.join(fixturesDir, name), 'utf8') }));

function assertClean(harness: Harness, input: { path: string; content: string | Uint8Array }, label: string, budgetMs = 5_000): void {
  const result = harness.check(input, budgetMs);
  assert.deepEqual(result.violations, [], `${label}: ${result.violations.map((v) => `${v.kind}: ${v.message}`).join('\n')}`);
}

test('fixtures analyse cleanly and produce findings', () => {
  const harness = new Harness();
  for (const f of fixtures) {
    const result = harness.check({ path: f.path, content: f.text }, 5_000);
    assert.deepEqual(result.violations, [], f.path);
    assert.ok((result.parsed?.objects.length ?? 0) > 0, `${f.path} has objects`);
  }
});

test('400 seeded mutations of the fixtures keep every invariant', () => {
  const harness = new Harness();
  const r = rng(20251123);
  for (let i = 0; i < 400; i++) {
    const source = fixtures[Math.floor(r() * fixtures.length)];
    if (source === undefined) continue;
    const input = mutate(r, source.text, `fuzz/${source.path}`);
    assertClean(harness, input, `mutation #${i} of ${source.path} [${input.mutations.join('; ')}]`);
  }
});

test('property: any text, as string or bytes, never throws and keeps ranges inside the file', () => {
  const harness = new Harness();
  const yamlish = fc.array(
    fc.oneof(
      fc.constantFrom(
        'kind: Pod\n',
        'kind: PriorityClass\n',
        'kind: List\nitems:\n',
        '---\n',
        'metadata:\n',
        '  name: x\n',
        'spec:\n',
        '  containers:\n',
        '  - resources: {requests: {cpu: 1}}\n',
        'value: ',
        'priority: ',
        '&a ',
        '*a',
        '<<: ',
        '[',
        ']',
        '{',
        '}',
        ': ',
        '- ',
        '\n',
        '  ',
        '\t',
        '"',
        "'",
        '#',
        '|\n',
        '\r\n',
        '\u0000',
        '\ufeff',
      ),
      fc.constantFrom(...hostileValues),
      fc.constantFrom(...interestingKeys).map((k) => `${k}: `),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 60 },
  );
  fc.assert(
    fc.property(yamlish, fc.boolean(), fc.boolean(), (parts, asBytes, json) => {
      const text = parts.join('');
      const input = { path: json ? 'p/x.json' : 'p/x.yaml', content: asBytes ? new TextEncoder().encode(text) : text };
      const result = harness.check(input, 5_000);
      return result.violations.length === 0;
    }),
    { numRuns: 300, seed: 42 },
  );
});

test('property: arbitrary bytes are rejected or analysed, never thrown', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const parsed = parseFile({ path: 'b.yaml', content: bytes });
      return parsed.problems.every((p) => p.span.start >= 0 && p.span.end <= parsed.text.length && p.span.start <= p.span.end);
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('property: pruning keeps every kept character at its mapped offset', () => {
  const line = fc.tuple(
    fc.constantFrom('', '  ', '    ', '      ', '- ', '  - '),
    fc.constantFrom('env', 'args', 'name', 'resources', 'command', 'cpu', 'data', '#c', '- x', ']', '"a'),
    fc.constantFrom(':', ': 1', ': [', ': |', ':', ' x', ': "a', '\r'),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
      const source = lines.map(([i, k, v]) => `${i}${k}${v}`).join('\n');
      const { source: pruned, map } = pruneIrrelevant(source);
      if (map === undefined) return pruned.length === source.length;
      for (let i = 0; i < pruned.length; i++) {
        const o = map.toOriginal(i);
        const c = pruned[i];
        if (c !== source[o] && c !== ' ') return false; // kept text is unchanged; blanked inline values are spaces
      }
      return map.toOriginal(pruned.length) === source.length;
    }),
    { numRuns: 300, seed: 3 },
  );
});

test("the fast parser is active and yields the same tokens and documents as yaml's stock parser", () => {
  assert.equal(
    fastParserActive,
    true,
    `yaml's Parser.next changed (fingerprint ${fingerprint(Parser.prototype.next.toString())}): review FastParser`,
  );
  const r = rng(99);
  const samples = [
    ...fixtures.map((f) => f.text),
    billionLaughs(3, 3),
    deepNesting(30, 'flow'),
    'a: [1, {b: c}]\n? x\n: y\n--- |\n  text\n...\n',
  ];
  for (let i = 0; i < 100; i++) samples.push(mutate(r, fixtures[i % fixtures.length]?.text ?? '', 'x.yaml').content as string);
  for (const s of samples) {
    if (typeof s !== 'string') continue;
    const stock = [...new Parser().parse(s)];
    assert.deepEqual([...new FastParser().parse(s)], stock, 'same CST tokens');
    const fast = parseOne(s, { version: '1.1' }, true);
    const slow = parseOne(s, { version: '1.1' }, false);
    assert.deepEqual(
      fast.errors.map((e) => [e.code, e.pos]),
      slow.errors.map((e) => [e.code, e.pos]),
    );
    if (fast.errors.length === 0) assert.equal(String(fast), String(slow));
  }
});

test('hostile: alias bombs stay small graphs', () => {
  const harness = new Harness();
  assertClean(harness, { path: 'h/laughs.yaml', content: billionLaughs(10, 10) }, 'billion laughs 10x10', 5_000);
  assertClean(harness, { path: 'h/laughs2.yaml', content: billionLaughs(12, 8, 'Deployment') }, 'billion laughs Deployment', 5_000);
});

test('hostile: 10,000-level nesting is reported, not a stack overflow', () => {
  const harness = new Harness();
  for (const style of ['block', 'flow', 'seq'] as const) {
    const input = { path: `h/deep-${style}.yaml`, content: deepNesting(10_000, style) };
    assertClean(harness, input, `10,000-level ${style} nesting`, 15_000);
  }
  const parsed = parseFile({ path: 'h/deep.yaml', content: deepNesting(10_000, 'flow') });
  assert.ok(
    parsed.problems.some((p) => p.kind === 'too-deep' || p.kind === 'syntax'),
    'deep nesting is reported',
  );
});

test('hostile: NUL bytes, invalid UTF-8 and binary make a "not text" problem', () => {
  for (const content of [
    new Uint8Array([0x6b, 0x3a, 0xff, 0xfe]),
    new TextEncoder().encode('kind: Pod\u0000'),
    'kind: Pod\u0000\n',
    new Uint8Array(1000).map((_, i) => (i * 7919) % 256),
  ]) {
    const parsed = parseFile({ path: 'h/bin.yaml', content });
    assert.equal(parsed.problems[0]?.kind, 'not-text');
    assert.match(parsed.problems[0]?.message ?? '', /h\/bin\.yaml is not a text manifest/);
  }
});

test('hostile: type confusion is a finding, not a crash', () => {
  const harness = new Harness();
  const text =
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: x}\nvalue: 1e400\n---\nkind: Pod\nmetadata: {name: p}\nspec:\n  priority: -9999999999\n  containers:\n  - name: c\n    resources: {requests: {cpu: lots, memory: 1e400}}\n---\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: "abc", template: {spec: {containers: [{resources: {requests: {cpu: lots}}}]}}}\n';
  const result = harness.check({ path: 'h/types.yaml', content: text }, 5_000);
  assert.deepEqual(result.violations, []);
  assert.ok(result.findings > 0);
});

// Regression (fuzzer): a file of many small workload documents (50 MB) exhausted a 4 GB heap; parsing is now bounded
// per file (maxFileParsedBytes) and the rest is reported with a position.
test('regression: documents beyond the per-file budget are reported once, not parsed', () => {
  const doc = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    big: "${'x'.repeat(256 * 1024)}"\n---\n`;
  const text = doc.repeat(Math.ceil((maxFileParsedBytes * 1.2) / doc.length));
  const started = performance.now();
  const parsed = parseFile({ path: 'h/many.yaml', content: text });
  const problem = parsed.problems.find((p) => p.kind === 'too-large');
  assert.ok(problem !== undefined, 'a too-large problem');
  assert.match(problem.message, /were not analysed/);
  assert.ok(problem.span.start > 0 && problem.span.end <= text.length);
  assert.ok(parsed.objects.length < Math.ceil((maxFileParsedBytes * 1.2) / doc.length));
  assert.ok(performance.now() - started < 20_000);
});

// Regression (fuzzer): insertKey scanned the whole file for "\r\n" once per fix, quadratic in a file with many
// findings (30k Pods took 330 s); the line ending is now computed once per text.
test('regression: many fixes in one file stay linear', () => {
  const text = 'a:\n  b: 1\n'.repeat(50_000);
  const map = {
    type: 'map' as const,
    span: { start: 0, end: 10 },
    entries: [
      {
        key: 'b',
        keySpan: { start: 5, end: 6 },
        value: { type: 'scalar' as const, span: { start: 8, end: 9 }, value: 1, source: '1', quoted: false },
      },
    ],
    index: undefined,
    flow: false,
  };
  const started = performance.now();
  for (let i = 0; i < 20_000; i++) insertKey(text, map, 'k', 'v');
  assert.ok(performance.now() - started < 2_000, `${(performance.now() - started).toFixed(0)} ms`);
});

test('hostile: a kind: List of 10k items is analysed in bounded time', () => {
  const harness = new Harness();
  const result = harness.check({ path: 'h/list.yaml', content: bigList(10_000) }, 20_000);
  assert.deepEqual(result.violations, []);
  assert.equal(result.parsed?.objects.length, 10_000);
});
