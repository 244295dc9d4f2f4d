// A hostile workspace against the real language server over stdio: exclude globs that would hang or break the
// index, symbolic links out of the workspace, files too large to read. Indexing must complete and analyse the rest.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { TestClient, copyExample } from './harness';

const pod = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: nginx\n`;

function warnings(client: TestClient): string[] {
  return client.notifications.filter((n) => n.method === 'window/showMessage' && (n.params as { type: number }).type === 2).map((n) => (n.params as { message: string }).message);
}

describe('language server: hostile exclude globs', () => {
  test('a glob that backtracks exponentially as a regex and unbalanced ones: indexing completes, one warning per bad glob', async () => {
    const folder = copyExample();
    // 200 a's: a `.*a` per `**` would try ~10^37 ways on this name before failing.
    const longName = `${'a'.repeat(200)}.yaml`;
    fs.writeFileSync(path.join(folder, longName), pod('long-name'));
    const settings = { exclude: ['**a'.repeat(30), '{unbalanced', 'test-*.yaml'] };
    const client = await TestClient.start({ folder, settings, filesExclude: { '[bad': true, '**/evaluation-jobs.yaml': true } });
    try {
      await client.waitFor('diagnostics of the files that are not excluded', () => ['results-api.yaml', 'priority-classes.yaml', longName].every((f) => client.diagnostics.has(client.uri(f))), 15_000);
      await client.waitFor('two warnings', () => warnings(client).length >= 2);
      assert.ok(client.codes(longName).includes('missing-requests'), 'the long-named file is analysed');
      assert.ok(!client.diagnostics.has(client.uri('test-job.yaml')), 'the valid kubePriorityLens.exclude glob still applies');
      assert.ok(!client.diagnostics.has(client.uri('evaluation-jobs.yaml')), 'the valid files.exclude glob still applies');
      const shown = warnings(client);
      assert.equal(shown.length, 2, shown.join('\n'));
      assert.match(shown.find((m) => m.includes('{unbalanced')) ?? '', /kubePriorityLens\.exclude pattern "\{unbalanced" is ignored: "\{" at position 1 has no closing "\}"/);
      assert.match(shown.find((m) => m.includes('[bad')) ?? '', /files\.exclude pattern "\[bad" is ignored: "\[" at position 1 has no closing "\]"/);
      // A settings change re-reads the globs: the same bad ones are not reported again, a new one is.
      client.settings = { exclude: [...settings.exclude, 'x/[z-a]'] };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor('the third warning', () => warnings(client).length >= 3);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(warnings(client).length, 3);
      assert.match(warnings(client)[2] ?? '', /"x\/\[z-a\]" is ignored: the range "z-a"/);
      assert.equal(client.exited, undefined);
    } finally {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
