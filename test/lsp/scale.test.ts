// Memory bound on a generated workspace of 10,000 workloads: index, one-line edits republish, server RSS < 1 GiB.
// Not a timing test: durations are reported (t.diagnostic), only the memory bound is asserted.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { TestClient } from './harness';

const files = 500;
const perFile = 20;
const classes = ['batch-low', 'batch-mid', 'services', 'critical-apps'];

function generate(dir: string): void {
  fs.writeFileSync(
    path.join(dir, 'classes.yaml'),
    classes
      .map(
        (c, i) =>
          `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: ${c}\nvalue: ${(i + 1) * 1000}\n${i === 0 ? 'globalDefault: true\n' : ''}`,
      )
      .join('---\n'),
  );
  for (let f = 0; f < files; f++) {
    const docs: string[] = [];
    for (let w = 0; w < perFile; w++) {
      const n = f * perFile + w;
      const cls = classes[n % classes.length];
      if (n % 2 === 0) {
        docs.push(
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${n}\n  namespace: ns-${f % 20}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-${n}\n  template:\n    metadata:\n      labels:\n        app: app-${n}\n    spec:\n      priorityClassName: ${cls}\n      containers:\n        - name: main\n          image: example.com/app:${n}\n          resources:\n            requests:\n              cpu: 100m\n            limits:\n              cpu: 200m\n`,
        );
      } else {
        docs.push(
          `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job-${n}\n  namespace: ns-${f % 20}\nspec:\n  backoffLimit: 1\n  parallelism: 4\n  template:\n    spec:\n      ${n % 3 === 0 ? '' : `priorityClassName: ${cls}\n      `}restartPolicy: Never\n      containers:\n        - name: main\n          image: example.com/job:${n}\n          resources:\n            requests:\n              cpu: 500m\n              memory: 256Mi\n`,
        );
      }
    }
    fs.writeFileSync(path.join(dir, `team-${String(f).padStart(3, '0')}.yaml`), docs.join('---\n'));
  }
}

test('10,000 workloads: indexed, one-line edits republish, server memory below 1 GiB', { timeout: 10 * 60_000 }, async (t) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-lsp-scale-'));
  generate(folder);
  const started = Date.now();
  const client = await TestClient.start({ folder });
  try {
    const expected = files; // classes.yaml has no findings: every class is used
    await client.waitFor('diagnostics of every file', () => client.diagnostics.size >= expected, 5 * 60_000);
    const indexMs = Date.now() - started;
    const afterIndex = client.memory();

    // A one-line edit that changes the cross-file summary (a class name): the model is rebuilt.
    const name = 'team-007.yaml';
    await client.settle(1000);
    await client.open(name);
    await client.waitFor('opened file published', () => client.publishes.some((p) => p.uri === client.uri(name) && p.version === 1));
    let before = client.publishes.length;
    let t0 = Date.now();
    const doc1 = await client.change(name, client.text(name).replace('priorityClassName: batch-mid\n', 'priorityClassName: batch-mdi\n'));
    const rebuilt = await client.waitFor(
      'edited file republished',
      () => client.publishes.slice(before).find((p) => p.uri === client.uri(name) && p.version === doc1.version),
      5 * 60_000,
    );
    const rebuildMs = Date.now() - t0;
    assert.ok(rebuilt.diagnostics.some((d) => d.code === 'priority-class-not-found'));
    // Quiet for 3 s: on a loaded machine the rebuild's republishing pauses for over a second between files, and a
    // late one would be taken for a publish caused by the local edit below.
    await client.settle(3000);
    const rebuiltRepublished = client.publishes.length - before;

    // A one-line edit that leaves the summary alone (an image tag): only that file is re-checked.
    before = client.publishes.length;
    t0 = Date.now();
    const doc2 = await client.change(name, client.text(name).replace('image: example.com/app:140\n', 'image: example.com/app:141\n'));
    await client.waitFor(
      'local edit republished',
      () => client.publishes.slice(before).find((p) => p.uri === client.uri(name) && p.version === doc2.version),
      60_000,
    );
    const localMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([...new Set(client.publishes.slice(before).map((p) => path.basename(p.uri)))], [name]);

    // A cancelled long request stops early (answers null) and the server goes on serving.
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest('kubePriorityLens/priorityMap', {}, source.token).catch((e: unknown) => e);
    setTimeout(() => source.cancel(), 5);
    const answer = await cancelled;
    assert.ok(answer === null || answer instanceof Error, 'cancelled priority map answers null (or a cancellation error)');
    const map = await client.request<{ workloads: unknown[] }>('kubePriorityLens/priorityMap', {});
    assert.equal(map.workloads.length, files * perFile);
    const end = client.memory();
    t.diagnostic(
      `index ${indexMs} ms (${files * perFile} workloads, ${files + 1} files); rebuild edit ${rebuildMs} ms republished ${rebuiltRepublished} file(s); local edit ${localMs} ms`,
    );
    t.diagnostic(
      `server RSS after index ${afterIndex.rssMiB.toFixed(0)} MiB, at end ${end.rssMiB.toFixed(0)} MiB, peak ${end.peakMiB.toFixed(0)} MiB`,
    );
    if (!Number.isNaN(end.peakMiB)) assert.ok(end.peakMiB < 1024, `server peak RSS ${end.peakMiB.toFixed(0)} MiB exceeds 1 GiB`);
  } finally {
    await client.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
