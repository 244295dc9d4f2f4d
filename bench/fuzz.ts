// `npm run fuzz [-- --iterations N --seconds S --seed X --corpus DIR]`: mutation fuzzer over the real-world corpus.
// Every input goes through parseFile and the whole incremental analysis (test/fuzz/check.ts): no exception, no rule
// crash, every finding inside its file, bounded time and memory. First a fixed hostile set (alias bombs, 10,000-level
// nesting, 50 MB files, binary, invalid UTF-8, NUL, a 100k-item List), then random mutations until N or S runs out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceInput } from '../server/src/core/index';
import { Harness } from '../test/fuzz/check';
import type { Violation } from '../test/fuzz/check';
import { bigList, billionLaughs, deepNesting, mutate, rng } from '../test/fuzz/mutate';
import { defaultCorpus, loadTree } from './corpus';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
};
const iterations = Number(option('--iterations', '100000'));
const seconds = Number(option('--seconds', '1200'));
const seed = Number(option('--seed', '1'));
const corpusDir = option('--corpus', defaultCorpus);
const crashDir = join(tmpdir(), 'kpl-fuzz-crashes');
/** Memory bound: heap after an input may not exceed this (the largest hostile input is 50 MB). */
const heapLimit = 3 * 1024 * 1024 * 1024;

interface Slowest {
  ms: number;
  label: string;
  bytes: number;
}

let crashes = 0;
const byKind = new Map<string, number>();
let slowest: Slowest = { ms: 0, label: '', bytes: 0 };
let slowestRandom: Slowest = { ms: 0, label: '', bytes: 0 };
let peakRss = 0;
const harness = new Harness();

function record(label: string, input: SourceInput, violations: Violation[]): void {
  if (violations.length === 0) return;
  crashes++;
  mkdirSync(crashDir, { recursive: true });
  const file = join(crashDir, `crash-${seed}-${crashes}${input.path.endsWith('.json') ? '.json' : '.yaml'}`);
  writeFileSync(file, input.content);
  for (const v of violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
  if (crashes <= 20)
    console.log(
      `CRASH ${label}\n  input: ${file}\n  ${violations.map((v) => `${v.kind}: ${v.message.split('\n').slice(0, 4).join(' | ')}`).join('\n  ')}`,
    );
}

function size(input: SourceInput): number {
  return typeof input.content === 'string' ? input.content.length : input.content.byteLength;
}

function run(label: string, input: SourceInput, budgetMs: number, fresh = false): number {
  const result = harness.check(input, budgetMs, fresh);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  if (m.heapUsed > heapLimit) result.violations.push({ kind: 'too-slow', message: `heap ${m.heapUsed} bytes after input` });
  record(label, input, result.violations);
  const entry = { ms: result.ms, label, bytes: size(input) };
  if (result.ms > slowest.ms) slowest = entry;
  return result.ms;
}

function hostileSet(): void {
  console.log('hostile set:');
  const big = (n: number, unit: string): string => {
    let s = '';
    while (s.length < n) s += unit;
    return s;
  };
  const cases: Array<[string, () => SourceInput, number]> = [
    ['billion laughs 10x10', () => ({ path: 'hostile/laughs.yaml', content: billionLaughs(10, 10) }), 5_000],
    ['billion laughs in a Deployment', () => ({ path: 'hostile/laughs2.yaml', content: billionLaughs(12, 8, 'Deployment') }), 5_000],
    ['10,000-level block nesting', () => ({ path: 'hostile/deep-block.yaml', content: deepNesting(10_000, 'block') }), 10_000],
    ['10,000-level flow nesting', () => ({ path: 'hostile/deep-flow.yaml', content: deepNesting(10_000, 'flow') }), 10_000],
    ['100,000-level flow nesting', () => ({ path: 'hostile/deep-flow2.yaml', content: deepNesting(100_000, 'flow') }), 20_000],
    ['kind: List of 100k items', () => ({ path: 'hostile/list.yaml', content: bigList(100_000) }), 60_000],
    [
      '50 MB of workload documents',
      () => ({
        path: 'hostile/big.yaml',
        content: big(
          50 * 1024 * 1024,
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    resources: {requests: {cpu: 1e400}}\n---\n',
        ),
      }),
      120_000,
    ],
    [
      '50 MB single Pod document',
      () => ({
        path: 'hostile/one.yaml',
        content: `kind: Pod\nmetadata:\n  name: huge\n  annotations:\n    a: "${big(50 * 1024 * 1024, 'x')}"\n`,
      }),
      30_000,
    ],
    [
      '50 MB ConfigMap (irrelevant)',
      () => ({
        path: 'hostile/cm.yaml',
        content: `kind: ConfigMap\ndata:\n${big(50 * 1024 * 1024, '  k: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n')}`,
      }),
      30_000,
    ],
    [
      '50 MB single line',
      () => ({ path: 'hostile/line.yaml', content: `kind: Pod\nmetadata: {name: ${big(50 * 1024 * 1024, 'a')}}\n` }),
      30_000,
    ],
    ['1 MB random binary', () => ({ path: 'hostile/bin.yaml', content: randomBytes(1024 * 1024) }), 5_000],
    [
      'invalid UTF-8',
      () => ({ path: 'hostile/utf8.yaml', content: new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) }),
      1_000,
    ],
    [
      'NUL bytes (bytes)',
      () => ({ path: 'hostile/nul.yaml', content: new TextEncoder().encode('kind: Pod\u0000\nmetadata: {name: n}\n') }),
      1_000,
    ],
    ['NUL bytes (string)', () => ({ path: 'hostile/nul2.yaml', content: 'kind: Pod\nmetadata: {name: "\u0000"}\n' }), 1_000],
    [
      'type confusion',
      () => ({
        path: 'hostile/types.yaml',
        content:
          'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: x}\nvalue: 1e400\n---\nkind: Pod\nmetadata: {name: p}\nspec:\n  priority: -9999999999\n  replicas: "abc"\n  containers:\n  - name: c\n    resources: {requests: {cpu: lots, memory: 1e400}, limits: {cpu: -1}}\n---\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: "abc", template: {spec: {containers: [{resources: {requests: {cpu: lots}}}]}}}\n',
      }),
      2_000,
    ],
    [
      'duplicated keys',
      () => ({
        path: 'hostile/dup.yaml',
        content:
          'kind: Pod\nkind: Deployment\nmetadata: {name: a, name: b}\nmetadata: {name: c}\nspec:\n  priorityClassName: high\n  priorityClassName: low\n  containers: []\n  containers: {}\n',
      }),
      1_000,
    ],
  ];
  for (const [label, make, budget] of cases) {
    const input = make();
    const before = process.memoryUsage().rss;
    const ms = run(`hostile: ${label}`, input, budget, true);
    const after = process.memoryUsage();
    console.log(
      `  ${label.padEnd(34)} ${(size(input) / 1048576).toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(6)} ms  rss ${(after.rss / 1048576).toFixed(0)} MB (${((after.rss - before) / 1048576).toFixed(0)} MB more)`,
    );
    (globalThis as { gc?: () => void }).gc?.();
  }
}

function randomBytes(n: number): Uint8Array {
  const r = rng(seed ^ 0x5eed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

function main(): void {
  let files;
  try {
    files = loadTree(corpusDir);
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    process.exit(2);
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const interesting =
    /^kind:\s*["']?(Pod|Deployment|ReplicaSet|StatefulSet|DaemonSet|Job|CronJob|ReplicationController|PriorityClass|PodDisruptionBudget|LimitRange|ResourceQuota|Namespace|Node|\w*List)\b/m;
  const seeds = files.filter((f) => f.bytes.length <= 256 * 1024).map((f) => ({ path: f.path, text: decoder.decode(f.bytes) }));
  const relevant = seeds.filter((s) => interesting.test(s.text));
  console.log(
    `fuzz: seed ${seed}, ${seeds.length} seed files (${relevant.length} with kinds of interest) from ${corpusDir}; up to ${iterations} iterations or ${seconds} s`,
  );
  const started = performance.now();
  hostileSet();
  const r = rng(seed);
  let done = 0;
  const deadline = started + seconds * 1000;
  for (; done < iterations && performance.now() < deadline; done++) {
    const source = r() < 0.85 ? relevant[Math.floor(r() * relevant.length)] : seeds[Math.floor(r() * seeds.length)];
    if (source === undefined) continue;
    const input = mutate(r, source.text, `fuzz/${source.path}`);
    const label = `#${done} ${source.path} [${input.mutations.join('; ')}]`;
    const ms = run(label, input, 2_000 + size(input) / 1024, done % 1000 === 0);
    if (ms > slowestRandom.ms) slowestRandom = { ms, label, bytes: size(input) };
    if (done % 10_000 === 0 && done > 0)
      console.log(`  ${done} iterations, ${crashes} crash(es), ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const elapsed = (performance.now() - started) / 1000;
  console.log('\nfuzz summary');
  console.log(`  iterations:      ${done} random + hostile set (${elapsed.toFixed(0)} s, ${(done / elapsed).toFixed(0)}/s)`);
  console.log(
    `  crashes:         ${crashes}${crashes > 0 ? ` (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}; inputs in ${crashDir})` : ''}`,
  );
  console.log(`  slowest input:   ${slowest.ms.toFixed(0)} ms, ${(slowest.bytes / 1024).toFixed(0)} KiB: ${slowest.label.slice(0, 200)}`);
  console.log(
    `  slowest mutated: ${slowestRandom.ms.toFixed(0)} ms, ${(slowestRandom.bytes / 1024).toFixed(0)} KiB: ${slowestRandom.label.slice(0, 200)}`,
  );
  console.log(`  peak RSS:        ${(peakRss / 1048576).toFixed(0)} MB`);
  // Exit explicitly: the fuzzed engine must not keep the process alive, and a batch job should not wait on it.
  process.exit(crashes > 0 ? 1 : 0);
}

main();
