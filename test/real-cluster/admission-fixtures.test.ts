/**
 * The name and quantity rules' own fixtures judged by the real kube-apiserver: every object with an
 * `invalid-object-name` or `invalid-field-value` (quantity) finding is refused with a cause kpl states word for word
 * (the apiserver's message for a name lists every cause, including the labels derived from the name; for a body it
 * cannot decode, the first quantity that fails), and every object of the valid name fixture is admitted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { causesOf, dryRunObject } from './admission';
import { apiClient, resourceResolver } from './api';
import { defaultBinDir, findRepoFile, startCluster } from './harness';
import type { K8sObject } from './harness';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip = !binsPresent && process.env.KPL_REQUIRE_CLUSTER !== '1' ? `no cluster binaries in ${defaultBinDir()}` : false;

const fixture = (rule: string, which: 'valid' | 'invalid') => findRepoFile(`test/rules/${rule}/${which}.yaml`);
const objectsOf = (file: string): K8sObject[] =>
  parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o !== null && typeof o === 'object');
const idOf = (o: K8sObject) =>
  [
    o.kind,
    ...(o.kind === 'Namespace' || o.kind === 'PriorityClass' ? [] : [o.metadata?.namespace ?? 'default']),
    o.metadata?.name ?? o.metadata?.generateName ?? '<unnamed>',
  ].join('/');

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  object?: string;
}

test(
  'name and quantity fixtures: the real apiserver refuses each flagged object for a cause kpl states',
  { skip, timeout: 5 * 60_000 },
  async () => {
    const cluster = await startCluster({ nodes: [] });
    const api = apiClient(cluster.kubeconfig);
    const resolve = resourceResolver(api);
    try {
      // The valid Namespace objects are judged before their namespace is created for the other objects.
      const valid = objectsOf(fixture('invalid-object-name', 'valid'));
      for (const o of valid.filter((v) => v.kind === 'Namespace')) {
        const verdict = await dryRunObject(api, resolve, o, undefined);
        assert.equal(verdict.allowed, true, `${idOf(o)}: ${verdict.message}`);
      }
      for (const ns of ['team-a'])
        await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      let judged = 0;
      for (const rule of ['invalid-object-name', 'invalid-field-value']) {
        const file = fixture(rule, 'invalid');
        const r = spawnSync(process.execPath, [findRepoFile('dist/kpl.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
        const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
          (f) => f.ruleId === rule && f.object !== undefined && (rule !== 'invalid-field-value' || f.message.includes('quantity')),
        );
        const byObject = new Map<string, Finding[]>();
        for (const f of findings) byObject.set(f.object ?? '', [...(byObject.get(f.object ?? '') ?? []), f]);
        for (const o of objectsOf(file)) {
          const mine = byObject.get(idOf(o));
          if (!mine) continue;
          const verdict = await dryRunObject(api, resolve, o, o.metadata?.namespace);
          assert.equal(verdict.allowed, false, `${idOf(o)} was admitted, kpl says: ${mine[0]?.message}`);
          // With generateName the apiserver also validates the generated name (a random suffix), which no static tool can
          // quote: that cause is left out.
          const generated = o.metadata?.name === undefined ? o.metadata?.generateName : undefined;
          const causes = causesOf(verdict.message ?? '').filter(
            (c) => generated === undefined || !c.startsWith(`metadata.name: Invalid value: "${generated}`),
          );
          // Every cause the apiserver lists is in one of kpl's findings on that object, word for word.
          assert.ok(
            mine.some((f) => causes.every((c) => f.message.includes(c))),
            `${idOf(o)}:\n  apiserver: ${verdict.message}\n  kpl: ${mine.map((f) => f.message).join('\n       ')}`,
          );
          judged++;
        }
      }
      assert.ok(judged >= 8, `only ${judged} flagged objects judged`);
      for (const o of valid.filter((v) => v.kind !== 'Namespace')) {
        const verdict = await dryRunObject(api, resolve, o, o.metadata?.namespace);
        assert.equal(verdict.allowed, true, `${idOf(o)}: ${verdict.message}`);
      }
    } finally {
      api.close();
      await cluster.stop();
    }
  },
);
