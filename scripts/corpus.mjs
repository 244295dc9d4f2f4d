// Robustness run over the real-world corpus in ../shared/corpus (never copied into the repository):
// `kpl check` must finish without a crash, an internal error or a finding outside its file; then the rendered-input
// run over ../shared/rendered and the corpus's kustomizations.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const corpus = resolve(process.env.KPL_CORPUS ?? '../shared/corpus');
if (!existsSync(corpus)) {
  console.error(`corpus: ${corpus} is absent; this suite needs the shared real-world corpus (set KPL_CORPUS to its path)`);
  process.exit(1);
}
const started = process.hrtime.bigint();
const run = spawnSync(process.execPath, ['dist/kpl.js', 'check', '--format', 'json', corpus], { encoding: 'utf8', maxBuffer: 1 << 30 });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (run.status !== 0 && run.status !== 1) {
  console.error(`corpus: kpl check exited ${run.status}\n${run.stderr}`);
  process.exit(1);
}
const { findings } = JSON.parse(run.stdout);
const failures = [];
for (const f of findings) {
  if (f.message.startsWith('internal error')) failures.push(`${f.file}: ${f.message}`);
  const text = existsSync(f.file) ? readFileSync(f.file, 'utf8') : '';
  const lines = text.split('\n');
  if (f.range.start.line >= Math.max(lines.length, 1))
    failures.push(`${f.file}: finding ${f.ruleId} at line ${f.range.start.line} is outside the file`);
}
const text = spawnSync(process.execPath, ['dist/kpl.js', 'check', corpus], { encoding: 'utf8', maxBuffer: 1 << 30 })
  .stdout.trim()
  .split('\n')
  .pop();
const byRule = {};
for (const f of findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
console.log(`corpus: ${text}`);
console.log(`corpus: kpl check took ${seconds.toFixed(2)} s wall time (JSON run, including process start)`);
console.log(`corpus: findings by rule ${JSON.stringify(byRule)}`);
// The fast block-YAML path must build exactly the yaml library's tree for every document it accepts.
const diff = spawnSync(process.execPath, ['out/bench/fast-diff.js', corpus], { encoding: 'utf8', maxBuffer: 1 << 28 });
console.log(`corpus: fast path vs yaml library: ${diff.stdout.trim().split('\n')[0]}`);
if (diff.status !== 0) failures.push(`fast block path differs from the yaml library:\n${diff.stdout}${diff.stderr}`);
// Pruning must never change a value the engine reads: pruned and unpruned trees agree but at the pruned places.
const pruneDiff = spawnSync(process.execPath, ['out/bench/prune-diff.js', corpus], { encoding: 'utf8', maxBuffer: 1 << 28 });
console.log(`corpus: pruned vs unpruned trees: ${pruneDiff.stdout.trim().split('\n')[0]}`);
if (pruneDiff.status !== 0) failures.push(`pruning changes values outside the pruned places:\n${pruneDiff.stdout}${pruneDiff.stderr}`);

// Rendered input: every chart and kustomization root of ../shared/rendered and the kustomization roots of the corpus,
// rendered with the real helm and kustomize (built once by scripts/render/build.sh, cached), analysed, and every
// finding mapped back to its template, values or patch line (out/test/render/corpus-run.js says what it checks).
const tools = spawnSync('bash', ['scripts/render/build.sh'], { stdio: 'inherit' });
if (tools.status !== 0) failures.push('building helm and kustomize (scripts/render/build.sh) failed');
else {
  const rendered = spawnSync(process.execPath, ['out/test/render/corpus-run.js'], {
    stdio: 'inherit',
    env: { ...process.env, KPL_CORPUS: corpus },
  });
  if (rendered.status !== 0) failures.push('the rendered-input run failed (see above)');
}
for (const f of failures.slice(0, 20)) console.error(`corpus: ${f}`);
console.log(`corpus: ${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed`);
process.exit(failures.length === 0 ? 0 : 1);
