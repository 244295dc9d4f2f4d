// A hostile workspace against the real language server over stdio: exclude globs that would hang or break the
// index, symbolic links out of the workspace, files too large to read. Indexing must complete and analyse the rest.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { TestClient, copyExample } from './harness';

const pod = (name: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: nginx\n`;

function warnings(client: TestClient): string[] {
  return client.notifications
    .filter((n) => n.method === 'window/showMessage' && (n.params as { type: number }).type === 2)
    .map((n) => (n.params as { message: string }).message);
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
      await client.waitFor(
        'diagnostics of the files that are not excluded',
        () => ['results-api.yaml', 'priority-classes.yaml', longName].every((f) => client.diagnostics.has(client.uri(f))),
        15_000,
      );
      await client.waitFor('two warnings', () => warnings(client).length >= 2);
      assert.ok(client.codes(longName).includes('missing-requests'), 'the long-named file is analysed');
      assert.ok(!client.diagnostics.has(client.uri('test-job.yaml')), 'the valid kubePriorityLens.exclude glob still applies');
      assert.ok(!client.diagnostics.has(client.uri('evaluation-jobs.yaml')), 'the valid files.exclude glob still applies');
      const shown = warnings(client);
      assert.equal(shown.length, 2, shown.join('\n'));
      assert.match(
        shown.find((m) => m.includes('{unbalanced')) ?? '',
        /kubePriorityLens\.exclude pattern "\{unbalanced" is ignored: "\{" at position 1 has no closing "\}"/,
      );
      assert.match(
        shown.find((m) => m.includes('[bad')) ?? '',
        /files\.exclude pattern "\[bad" is ignored: "\[" at position 1 has no closing "\]"/,
      );
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

describe('language server: links out of the workspace and files over the size bound', () => {
  test('a link to a file or folder outside the workspace folders is not read: a path-symlink-outside diagnostic instead; a 65 MiB file gets file-too-large', async () => {
    const folder = copyExample();
    const outside = fs.mkdtempSync(path.join(path.dirname(folder), 'kpl-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), `# SECRET-MARKER-7f3a\n${pod('outside-secret-pod')}`);
    fs.mkdirSync(path.join(outside, 'nested'));
    fs.writeFileSync(path.join(outside, 'nested', 'more.yaml'), pod('outside-nested-pod'));
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(folder, 'evil.yaml'));
    fs.symlinkSync(outside, path.join(folder, 'dir-link'));
    fs.symlinkSync('results-api.yaml', path.join(folder, 'alias.yaml')); // inside: followed
    fs.closeSync(fs.openSync(path.join(folder, 'big.yaml'), 'w'));
    fs.truncateSync(path.join(folder, 'big.yaml'), 65 * 1024 * 1024); // sparse: nothing of it is read
    fs.writeFileSync(path.join(folder, 'mid.yaml'), `${pod('mid')}#${'x'.repeat(1.5 * 1024 * 1024)}\n`);
    const client = await TestClient.start({ folder });
    const leaked = () => JSON.stringify(client.publishes).match(/outside-secret-pod|outside-nested-pod|SECRET-MARKER/);
    try {
      await client.waitFor('diagnostics of the links and the big file', () =>
        ['evil.yaml', 'dir-link', 'big.yaml', 'results-api.yaml', 'mid.yaml'].every((f) => client.diagnostics.has(client.uri(f))),
      );
      assert.deepEqual(client.codes('evil.yaml'), ['path-symlink-outside']);
      assert.deepEqual(client.codes('dir-link'), ['path-symlink-outside']);
      const evil = client.diagnosticsOf('evil.yaml')[0];
      assert.equal(evil?.severity, 2);
      assert.equal(
        evil?.message,
        `evil.yaml is a symbolic link to ${path.join(outside, 'secret.yaml')}, outside the workspace folders; it was not followed (add the target's folder to the workspace to analyse it).`,
      );
      assert.deepEqual(client.codes('big.yaml'), ['file-too-large']);
      const big = client.diagnosticsOf('big.yaml')[0];
      assert.equal(big?.severity, 3);
      assert.equal(
        big?.message,
        'big.yaml is 65 MiB (68157440 bytes), larger than the 64 MiB limit for one file; it was not read (raise the limit with the kubePriorityLens.maxFileSizeMiB setting).',
      );
      assert.ok(client.codes('mid.yaml').includes('missing-requests'), 'a 1.5 MiB file is read');
      assert.ok(client.codes('alias.yaml').includes('missing-requests'), 'a link inside the workspace is followed');
      assert.equal(leaked(), null, 'nothing of the outside files reached the client');
      // A link created later and reported by the file watcher gets the same treatment.
      fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(folder, 'late.yaml'));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('late.yaml'), type: 1 }] });
      await client.waitFor('late.yaml diagnostic', () => client.codes('late.yaml').includes('path-symlink-outside'));
      // A lower bound from the settings re-indexes: the 1.5 MiB file is skipped too.
      client.settings = { maxFileSizeMiB: 1 };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor('mid.yaml over the new bound', () => client.codes('mid.yaml').includes('file-too-large'));
      assert.match(client.diagnosticsOf('mid.yaml')[0]?.message ?? '', /larger than the 1 MiB limit/);
      assert.equal(leaked(), null);
      assert.equal(client.exited, undefined);
    } finally {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
