/**
 * Randomized differential check (issue 17, section 3): scenarios from the seeded generator (generate.ts) are run
 * through `kpl simulate --format json` and replayed on the real control plane (replay.ts, the same replay and
 * comparison as the hand-made scenarios of differential.test.ts; ties kpl reports are accepted).
 *
 * CI (`npm run test:cluster`) runs the fixed seeds KPL_RANDOM_SEED.. (default 1000) x KPL_RANDOM_COUNT (default 60);
 * `npm run test:differential -- --count N --seed S` runs other seed ranges (scripts/differential.mjs).
 * KPL_RANDOM_REPORT=file writes every result (seed, features, outcome, agree, line) as JSON;
 * KPL_RANDOM_OUT=dir keeps the cluster.yaml of every disagreeing scenario there (default: a temp dir, printed).
 *
 * Passes when every scenario agrees or each disagreement is listed under "Known disagreements" in
 * test/scenarios/DIFFERENTIAL.md as "- `random-<seed>`: cause" (then minimised into a permanent scenario).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateScenario } from './generate';
import { defaultBinDir, findRepoFile, startCluster } from './harness';
import { compare, describeReal, documentedDisagreements, replay, runKpl } from './replay';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip =
  !binsPresent && process.env.KPL_REQUIRE_CLUSTER !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : false;

const firstSeed = Number(process.env.KPL_RANDOM_SEED ?? 1000);
const count = Number(process.env.KPL_RANDOM_COUNT ?? 60);

interface RandomResult {
  name: string;
  seed: number;
  features: string[];
  outcome: string;
  agree: boolean;
  line: string;
  ms: number;
}

test(
  `randomized differential: ${count} generated scenarios from seed ${firstSeed} vs the real kube-scheduler`,
  { skip, timeout: Math.max(15, count * 0.5) * 60_000 },
  async (t) => {
    assert.ok(Number.isInteger(firstSeed) && Number.isInteger(count) && count > 0, 'KPL_RANDOM_SEED / KPL_RANDOM_COUNT must be integers');
    const t0 = Date.now();
    const kplJs = findRepoFile('dist/kpl.js');
    const documented = documentedDisagreements(path.join(findRepoFile('test/scenarios'), 'DIFFERENTIAL.md'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-random-'));
    const keep = process.env.KPL_RANDOM_OUT ?? path.join(work, 'disagreements');
    const print = (m: string) => process.stdout.write(`${m}\n`);
    const results: RandomResult[] = [];
    const cluster = await startCluster({ nodes: [] });
    print(`randomized differential: cluster started in ${Date.now() - t0} ms`);
    try {
      for (let seed = firstSeed; seed < firstSeed + count; seed++) {
        const ts = Date.now();
        const sc = generateScenario(seed);
        const file = path.join(work, `${sc.name}.yaml`);
        fs.writeFileSync(file, sc.yaml);
        let line: string;
        let agree = false;
        let outcome = 'error';
        try {
          const kpl = runKpl(kplJs, sc.pod, file);
          outcome = kpl.outcome;
          const real = await replay(cluster, sc.objects, sc.pod, process.env.KPL_DIFF_VERBOSE === '1' ? print : () => {});
          const cmp = compare({ pod: sc.pod, outcome: kpl.outcome, node: kpl.node, victims: kpl.victims }, kpl, real);
          agree = cmp.agree;
          line = `${agree ? 'agree' : 'DISAGREE'} ${sc.name}: kpl ${kpl.outcome}${kpl.node ? ` ${kpl.node}` : ''} [${kpl.victims.join(', ')}]; scheduler ${describeReal(real)}${cmp.why.length > 0 ? ` -- ${cmp.why.join('; ')}` : ''} (${((Date.now() - ts) / 1000).toFixed(1)} s)`;
        } catch (e) {
          line = `DISAGREE ${sc.name}: replay failed: ${(e as Error).message.split('\n')[0]}`;
        }
        if (!agree) {
          fs.mkdirSync(keep, { recursive: true });
          fs.copyFileSync(file, path.join(keep, `${sc.name}.yaml`));
          line += documented.has(sc.name) ? ` [documented: ${documented.get(sc.name)}]` : ` (kept: ${path.join(keep, `${sc.name}.yaml`)})`;
        }
        fs.rmSync(file, { force: true });
        print(line);
        results.push({ name: sc.name, seed, features: sc.features, outcome, agree, line, ms: Date.now() - ts });
      }
    } finally {
      await cluster.stop();
      if (process.env.KPL_RANDOM_REPORT) fs.writeFileSync(process.env.KPL_RANDOM_REPORT, JSON.stringify(results, null, 1));
    }
    const n = results.filter((r) => r.agree).length;
    const byFeature = new Map<string, [number, number]>();
    for (const r of results)
      for (const f of [...r.features, `outcome:${r.outcome}`]) {
        const c = byFeature.get(f) ?? [0, 0];
        c[r.agree ? 0 : 1]++;
        byFeature.set(f, c);
      }
    const table = [...byFeature.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([f, [a, d]]) => `  ${f}: ${a} agree, ${d} disagree`)
      .join('\n');
    const summary = `randomized differential: ${n} agree, ${results.length - n} disagree of ${results.length} (seeds ${firstSeed}-${firstSeed + count - 1}, ${((Date.now() - t0) / 1000).toFixed(0)} s)`;
    print(`${summary}\nper feature:\n${table}`);
    t.diagnostic(summary);
    assert.deepEqual(
      results.filter((r) => !r.agree && !documented.has(r.name)).map((r) => r.line),
      [],
      'disagreements not listed in test/scenarios/DIFFERENTIAL.md (minimise each into test/scenarios/)',
    );
  },
);
