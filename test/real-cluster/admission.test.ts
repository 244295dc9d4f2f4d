/**
 * The real apiserver as judge on real-world workloads (issue 17, section 2): for each repository of ../shared/corpus
 * and each chart and kustomization root of ../shared/rendered (rendered as kpl renders it: admission-rendered.ts),
 * in isolation, its PriorityClasses, Namespaces and LimitRanges are created on the real kube-apiserver, each
 * workload's controller object and the Pod its controller would create are submitted with a server-side dry run,
 * and the verdict, message, priority, class, preemption policy and QoS class are compared with `kpl explain`;
 * each `error` finding of `kpl check` must meet a rejection with its message (admission.ts; test/scenarios/ADMISSION.md).
 *
 * CI (`npm run test:cluster`) and `npm run test:admission` (scripts/admission.mjs) both run every workload of every
 * repository (about 3.5 min, measured); KPL_ADMISSION_MAX=N caps the workloads per repository (the first N by file and
 * position: deterministic) if CI time ever needs it. KPL_ADMISSION_REPORT=file writes the results as JSON (input of
 * scripts/admission-md.mjs); KPL_ADMISSION_ONLY=a,b limits the repositories.
 * Passes when every disagreement is listed in ADMISSION.md ("- `<repo>/<file> <kind/ns/name> <field>`: cause").
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as os from 'node:os';
import { corpusRepositories, judgeRepository, summarize, FIELDS, type RepoResult } from './admission';
import { renderForAdmission } from './admission-rendered';
import { apiClient } from './api';
import { defaultBinDir, findRepoFile, startCluster } from './harness';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const corpus = process.env.KPL_CORPUS_DIR ?? path.resolve(findRepoFile('package.json'), '..', '..', 'shared', 'corpus');
const rendered = process.env.KPL_RENDERED ?? path.resolve(findRepoFile('package.json'), '..', '..', 'shared', 'rendered');
const skip =
  !binsPresent && process.env.KPL_REQUIRE_CLUSTER !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : !fs.existsSync(corpus)
      ? `no corpus at ${corpus} (KPL_CORPUS_DIR)`
      : false;

/** Disagreements documented in ADMISSION.md: lines "- `<repo>/<file> <id> <field>`: cause" under "## Known disagreements". */
function documented(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(file)) return out;
  let inSection = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^##\s/.test(line)) inSection = /known disagreements/i.test(line);
    const m = inSection ? /^[-*]\s+`([^`]+)`\s*:?\s*(.*)$/.exec(line) : null;
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** `<repo>/<file> <object> \`<rule>\`` → cause, from ADMISSION.md's list of error findings without a matching rejection. */
function documentedErrorFindings(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(file)) return out;
  let inSection = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^#/.test(line)) inSection = /error findings without a matching rejection/i.test(line);
    const m = inSection ? /^- (\S+ \S+ `[a-z-]+`): (.*)$/.exec(line) : null;
    if (m) out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

test('admission: kpl explain vs the real kube-apiserver (dry run) on the real-world corpus', { skip, timeout: 40 * 60_000 }, async (t) => {
  const t0 = Date.now();
  const full = process.env.KPL_ADMISSION_FULL === '1';
  const max = full || !process.env.KPL_ADMISSION_MAX ? undefined : Number(process.env.KPL_ADMISSION_MAX);
  const only = (process.env.KPL_ADMISSION_ONLY ?? '').split(',').filter(Boolean);
  const repos = corpusRepositories(corpus).filter((r) => only.length === 0 || only.some((o) => path.basename(r).includes(o)));
  const print = (m: string) => process.stdout.write(`${m}\n`);
  const kplJs = findRepoFile('dist/kpl.js');
  const cluster = await startCluster({ nodes: [] });
  const api = apiClient(cluster.kubeconfig);
  const results: RepoResult[] = [];
  print(
    `admission: cluster started in ${Date.now() - t0} ms; ${repos.length} repositories, ${max === undefined ? 'every workload' : `at most ${max} workloads each`}`,
  );
  try {
    for (const [i, repo] of repos.entries())
      results.push(await judgeRepository(api, repo, i, { kplJs, maxWorkloadsPerRepo: max, log: print }));
    // ../shared/rendered: each chart and kustomization root rendered as kpl renders it, judged like a repository.
    if (only.length === 0 || only.includes('rendered')) {
      const renders = await renderForAdmission(rendered, path.join(os.tmpdir(), 'kpl-admission-rendered'));
      if ('skipped' in renders) {
        if (process.env.KPL_REQUIRE_RENDER === '1') assert.fail(`rendered input not judged: ${renders.skipped}`);
        print(`admission: RENDERED INPUT NOT JUDGED: ${renders.skipped}`);
      } else {
        print(
          `admission: ${renders.repositories.length} charts and kustomization roots of ${rendered} rendered; not rendered: ${renders.notRendered.length}`,
        );
        for (const n of renders.notRendered) print(`  not rendered: ${n}`);
        for (const [i, r] of renders.repositories.entries())
          results.push(await judgeRepository(api, r.dir, repos.length + i, { kplJs, maxWorkloadsPerRepo: max, log: print }));
      }
    }
  } finally {
    api.close();
    await cluster.stop();
    if (process.env.KPL_ADMISSION_REPORT) fs.writeFileSync(process.env.KPL_ADMISSION_REPORT, JSON.stringify(results, null, 1));
  }
  const s = summarize(results);
  const pct = (a: number, n: number) => (n === 0 ? '-' : `${((100 * a) / n).toFixed(1)}%`);
  const lines = [
    `admission: ${s.workloads} workloads submitted, ${s.skipped} not submitted, ${s.syntaxErrorDocs} YAML documents with syntax errors (apart) (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    ...FIELDS.map((f) => `  ${f}: ${s.perField[f].agree}/${s.perField[f].total} agree (${pct(s.perField[f].agree, s.perField[f].total)})`),
    `  error findings: ${s.errorFindings.total}, rejected ${s.errorFindings.rejected}, with a matching message ${s.errorFindings.messageMatches}`,
  ];
  for (const d of s.disagreements)
    lines.push(
      `  DISAGREE ${d.repo} ${d.id} ${d.field}: kpl ${JSON.stringify(d.kpl)}, apiserver ${JSON.stringify(d.real)} (${d.file})${d.realMessage && d.field !== 'message' ? ` -- ${d.realMessage}` : ''}`,
    );
  for (const r of results)
    for (const e of r.errorFindings.filter((x) => !x.rejected || !x.messageMatches))
      lines.push(
        `  ERROR FINDING ${e.rejected ? 'message differs' : 'NOT REJECTED'} ${r.repo} ${e.object} ${e.ruleId}: kpl "${e.kplMessage}" apiserver "${e.realMessage ?? 'accepted'}" (${e.file})`,
      );
  print(lines.join('\n'));
  t.diagnostic(lines[0]);
  const known = documented(path.join(findRepoFile('test/scenarios'), 'ADMISSION.md'));
  const undocumented = s.disagreements.map((d) => `${d.repo}/${d.file} ${d.id} ${d.field}`).filter((k) => !known.has(k));
  assert.ok(s.workloads > 0, 'no workload submitted');
  assert.deepEqual(undocumented, [], 'disagreements not listed in test/scenarios/ADMISSION.md');
  // Every error finding meets a rejection with its message, or is listed with a classified cause.
  const knownErrors = documentedErrorFindings(path.join(findRepoFile('test/scenarios'), 'ADMISSION.md'));
  const unexplained = results.flatMap((r) =>
    r.errorFindings
      .filter((e) => !e.messageMatches)
      .map((e) => `${r.repo}/${e.file} ${e.object} \`${e.ruleId}\``)
      .filter((k) => (knownErrors.get(k) ?? 'UNCLASSIFIED').startsWith('UNCLASSIFIED')),
  );
  assert.deepEqual(
    unexplained,
    [],
    'error findings without a matching rejection and without a classified cause in test/scenarios/ADMISSION.md',
  );
});
