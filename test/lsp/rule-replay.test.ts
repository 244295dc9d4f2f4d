// A sample of the rule fixture replay (test/rules/incremental.test.ts) through the real language server over stdio:
// documents edited from a rule's valid.yaml to its invalid.yaml and back, and a cross-file edit, must leave every
// file's published diagnostics equal to a fresh analysis of the same texts. The server re-checks only the edited file
// when its summary is unchanged and keeps the other files' diagnostics, so a stale fact shows up here as it would in
// the editor.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LineIndex, rules } from '../../server/src/core/index';
import { analyze } from '../helpers/analyze';
import { clusterOf, rulesDir } from '../helpers/rule-cases';
import { TestClient } from './harness';

/** Rules whose findings depend on other objects, with text valid/invalid cases that need no cluster state. */
const sample = rules
  .filter((r) => r.scope === 'workspace')
  .map((r) => r.id)
  .filter((id) => ['valid.yaml', 'invalid.yaml'].every((f) => fs.existsSync(path.join(rulesDir, id, f))))
  .filter((id) => clusterOf(path.join(rulesDir, id, 'invalid.yaml')) === undefined);

const read = (id: string, file: string): string => fs.readFileSync(path.join(rulesDir, id, file), 'utf8');

/** The documents of pdb-overlapping/empty-selector.yaml, one file each: its PDBs' apiVersion decides the overlap. */
const split = read('pdb-overlapping', 'empty-selector.yaml')
  .split(/^---\n/m)
  .map((text, i) => ({ name: `split-${i + 1}.yaml`, text }));

describe('rule fixtures edited through the language server', () => {
  let client: TestClient;
  let folder: string;
  const texts = new Map<string, string>();

  /** render lists a file's findings as the server publishes them: code, range and message. */
  const render = (
    code: unknown,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    message: string,
  ) => `${String(code)} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${message}`;

  function fresh(): Map<string, string[]> {
    const { findings } = analyze([...texts].map(([name, content]) => ({ path: name, content })));
    const out = new Map<string, string[]>([...texts.keys()].map((name) => [name, []]));
    for (const f of findings) out.get(f.file)?.push(render(f.ruleId, new LineIndex(texts.get(f.file) ?? '').range(f.span), f.message));
    return out;
  }

  function published(): Map<string, string[]> {
    return new Map([...texts.keys()].map((name) => [name, client.diagnosticsOf(name).map((d) => render(d.code, d.range, d.message))]));
  }

  const same = (a: Map<string, string[]>, b: Map<string, string[]>): boolean =>
    [...a].every(([file, list]) => JSON.stringify([...list].sort()) === JSON.stringify([...(b.get(file) ?? [])].sort()));

  /** converge waits until every file's diagnostics equal a fresh analysis, and stay so once the server is quiet. */
  async function converge(step: string): Promise<void> {
    const expected = fresh();
    try {
      await client.waitFor(step, () => same(expected, published()), 15_000);
    } catch {
      // Fall through to the comparison, which shows the difference.
    }
    await client.settle(150);
    assert.deepEqual(
      Object.fromEntries(published()),
      Object.fromEntries(expected),
      `after ${step}: published diagnostics differ from a fresh analysis`,
    );
  }

  async function edit(name: string, text: string): Promise<void> {
    texts.set(name, text);
    await client.change(name, text);
  }

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-rule-replay-'));
    for (const id of sample) texts.set(`${id}.yaml`, read(id, 'valid.yaml'));
    for (const s of split) texts.set(s.name, s.text);
    for (const [name, text] of texts) fs.writeFileSync(path.join(folder, name), text);
    client = await TestClient.start({ folder });
    for (const name of texts.keys()) await client.open(name);
    await client.waitFor('diagnostics of every file', () => [...texts.keys()].every((n) => client.diagnostics.has(client.uri(n))));
    await converge('opening the workspace');
  });
  after(async () => {
    await client.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('the sample covers the cross-file rules', () => {
    assert.ok(sample.length >= 4, `sample: ${sample.join(', ')}`);
  });

  for (const id of sample) {
    test(`${id}: valid.yaml → invalid.yaml → valid.yaml`, async () => {
      await edit(`${id}.yaml`, read(id, 'invalid.yaml'));
      await converge(`changing ${id}.yaml to invalid.yaml`);
      await edit(`${id}.yaml`, read(id, 'valid.yaml'));
      await converge(`changing ${id}.yaml back to valid.yaml`);
    });
  }

  test("a PodDisruptionBudget's apiVersion edited in one file updates the overlap reported in another", async () => {
    const legacy = split.find((s) => /^apiVersion: policy\/v1beta1$/m.test(s.text));
    assert.ok(legacy !== undefined);
    const before = fresh();
    await edit(legacy.name, legacy.text.replace(/^apiVersion: policy\/v1beta1$/m, 'apiVersion: policy/v1'));
    await converge(`changing ${legacy.name} to policy/v1`);
    assert.notDeepEqual(fresh(), before, 'the edit changes findings of the workspace');
    await edit(legacy.name, legacy.text);
    await converge(`changing ${legacy.name} back to policy/v1beta1`);
  });
});
