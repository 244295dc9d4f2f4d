// The randomized incremental-equivalence test of issue 18 (target 5) through the real language server over stdio:
// seeded random edit sequences of every cross-file kind (test/helpers/random-edits.ts) over a small generated
// workspace, with two documents open. Open documents are edited with didChange, other files on disk with
// didChangeWatchedFiles, as an editor and its file watcher do. The server publishes the edited and open documents
// first and the other dependents in background batches; after each step, once the server is quiet, every file's
// published diagnostics must equal a fresh analysis of the same texts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LineIndex } from '../../server/src/core/index';
import { rng } from '../fuzz/mutate';
import { analyze } from '../helpers/analyze';
import { editKinds, loadGenerated, pickOf, RandomEdits } from '../helpers/random-edits';
import { TestClient } from './harness';

const only = process.env.KPL_INCREMENTAL_SEED;
const seeds = only !== undefined ? [Number(only)] : [201, 202];
const stepsPerSeed = 12;

const render = (
  code: unknown,
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
  message: string,
): string => `${String(code)} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${message}`;

for (const seed of seeds) {
  describe(`random cross-file edits through the language server (seed ${seed})`, () => {
    let client: TestClient;
    let folder: string;
    const texts = new Map<string, string>();
    const open = new Set<string>();

    function fresh(): Map<string, string[]> {
      const { findings } = analyze([...texts].map(([name, content]) => ({ path: name, content })));
      const out = new Map<string, string[]>([...texts.keys()].map((name) => [name, []]));
      for (const f of findings) out.get(f.file)?.push(render(f.ruleId, new LineIndex(texts.get(f.file) ?? '').range(f.span), f.message));
      for (const list of out.values()) list.sort();
      return out;
    }

    function published(): Map<string, string[]> {
      return new Map(
        [...texts.keys()].map((name) => [
          name,
          client
            .diagnosticsOf(name)
            .map((d) => render(d.code, d.range, d.message))
            .sort(),
        ]),
      );
    }

    const same = (a: Map<string, string[]>, b: Map<string, string[]>): boolean =>
      [...a].every(([file, list]) => JSON.stringify(list) === JSON.stringify(b.get(file) ?? []));

    async function converge(step: string): Promise<void> {
      const expected = fresh();
      try {
        await client.waitFor(step, () => same(expected, published()), 30_000);
      } catch {
        // Fall through to the comparison, which shows the difference.
      }
      await client.settle(200);
      const got = published();
      for (const [file, want] of expected)
        assert.deepEqual(
          got.get(file),
          want,
          `seed ${seed}, after ${step}: the published diagnostics of ${file} differ from a fresh analysis`,
        );
    }

    before(async () => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-lsp-random-'));
      for (const [name, text] of loadGenerated(30, seed)) {
        texts.set(name, text);
        fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
        fs.writeFileSync(path.join(folder, name), text);
      }
      client = await TestClient.start({ folder });
      await client.waitFor('the index', () => client.logs.some((l) => /indexed \d+ file/.test(l)), 60_000);
      const r = rng(seed);
      const names = [...texts.keys()].filter((n) => !n.startsWith('cluster/')).sort();
      // One workload file and the PriorityClass file open: class edits then reach an open document at once.
      for (const name of [
        pickOf(r, names),
        ...[...texts.keys()].filter((n) => /kind: PriorityClass/.test(texts.get(n) ?? '')).slice(0, 1),
      ]) {
        await client.open(name);
        open.add(name);
      }
      await converge('opening the workspace');
    });
    after(async () => {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    });

    test(`${stepsPerSeed} random edits leave every file's diagnostics equal to a fresh analysis`, async () => {
      const r = rng(seed * 7);
      const edits = new RandomEdits(texts);
      let applied = 0;
      for (let step = 1; step <= stepsPerSeed; step++) {
        const kind = pickOf(r, editKinds);
        const e = edits.edit(r, kind);
        if (e === undefined || (e.text === undefined && open.has(e.file))) continue;
        const label = `step ${step} (${kind} of ${e.file})`;
        const abs = path.join(folder, e.file);
        if (open.has(e.file) && e.text !== undefined) {
          texts.set(e.file, e.text);
          await client.change(e.file, e.text);
        } else if (e.text === undefined) {
          texts.delete(e.file);
          fs.rmSync(abs);
          await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(e.file), type: 3 }] });
        } else {
          const created = !texts.has(e.file);
          texts.set(e.file, e.text);
          fs.mkdirSync(path.dirname(abs), { recursive: true });
          fs.writeFileSync(abs, e.text);
          await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
            changes: [{ uri: client.uri(e.file), type: created ? 1 : 2 }],
          });
        }
        applied++;
        await converge(label);
      }
      assert.ok(applied >= stepsPerSeed / 2, `only ${applied} edits applied`);
    });
  });
}
