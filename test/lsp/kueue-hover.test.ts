// Hover and code lens of a Kueue-queued Job (issue 21): one line with the Kueue priority beside the pod priority and
// the queue path (examples/ci-preemption's globalDefault class gives the pods without a class 100), and the Kueue lens revealing the jobs Kueue could preempt it for.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { CancellationToken, Hover } from 'vscode-languageserver/node';
import { codeLens } from '../../server/src/lsp/code-lens';
import { hover } from '../../server/src/lsp/hover';
import { repoRoot } from '../helpers/analyze';
import { copyExample } from './harness';
import { InProcessClient } from './in-process';

const token = { isCancellationRequested: false } as CancellationToken;
let folder: string;
let client: InProcessClient | undefined;
beforeEach(() => {
  folder = copyExample();
  const fixture = fs.readFileSync(path.join(repoRoot(), 'test', 'rules', 'kueue-priority-inversion', 'invalid.yaml'), 'utf8');
  fs.writeFileSync(path.join(folder, 'kueue.yaml'), fixture);
});
afterEach(() => {
  client?.dispose();
  client = undefined;
  fs.rmSync(folder, { recursive: true, force: true });
});

function hoverText(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  const c = h.contents;
  return typeof c === 'string' ? c : 'value' in c ? c.value : c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
}

test('a queued Job: the hover and a second code lens show both priorities and the queue path', async () => {
  client = await InProcessClient.start({ folder });
  const c = client;
  const text = fs.readFileSync(path.join(folder, 'kueue.yaml'), 'utf8');
  const offset = text.indexOf('kind: Job\nmetadata:\n  name: tests') + 'kind: Job\nmetadata:\n  name: '.length;
  const line = text.slice(0, offset).split('\n').length - 1;
  const character = offset - text.lastIndexOf('\n', offset - 1) - 1;
  const h = hoverText(await hover(c.session, { textDocument: { uri: c.uri('kueue.yaml') }, position: { line, character } }));
  const kueueLine = h.split('\n').find((l) => l.startsWith('- **Kueue**'));
  assert.ok(kueueLine !== undefined, h);
  assert.match(
    kueueLine,
    /Kueue priority 100 \(WorkloadPriorityClass tests-low\) · pod priority 5000 \(batch-high\) · queue ci\/tests → \/ci\/tests; preemptible by Kueue: 1 \(\[eval\]\(/,
  );
  const lenses = await codeLens(c.session, { textDocument: { uri: c.uri('kueue.yaml') } }, token);
  const titles = lenses.map((l) => l.command?.title ?? '');
  assert.ok(
    titles.includes(
      'Kueue priority 1000 (WorkloadPriorityClass evaluation-high) · pod priority 100 (ci-default) · queue ci/evaluations → /ci/evaluations · never preempted by Kueue',
    ),
    titles.join('\n'),
  );
  const testsLens = lenses.find((l) => (l.command?.title ?? '').startsWith('Kueue priority 100 '));
  assert.ok(testsLens !== undefined, titles.join('\n'));
  const [locations, title] = testsLens.command?.arguments as [Array<{ label?: string }>, string];
  assert.deepEqual(
    locations.map((l) => l.label),
    ['Job ci/eval'],
  );
  assert.equal(title, 'Jobs Kueue can preempt tests for');
  assert.ok(
    titles.some(
      (t) => t === 'Kueue priority 100 (globalDefault ci-default) · pod priority 100 (ci-default) · queue ci/other: LocalQueue not found',
    ),
    titles.join('\n'),
  );
});

test('a queued Job whose cohort uses fair sharing: the hover says what the weights imply, the lens that it depends on live usage', async () => {
  const file = path.join(folder, 'kueue.yaml');
  const original = fs.readFileSync(file, 'utf8');
  const weighted = original.replace('  cohortName: ci\n', '  cohortName: ci\n  fairSharing: {weight: "2"}\n');
  assert.notEqual(weighted, original);
  fs.writeFileSync(file, weighted);
  client = await InProcessClient.start({ folder });
  const c = client;
  const offset = weighted.indexOf('kind: Job\nmetadata:\n  name: tests') + 'kind: Job\nmetadata:\n  name: '.length;
  const line = weighted.slice(0, offset).split('\n').length - 1;
  const character = offset - weighted.lastIndexOf('\n', offset - 1) - 1;
  const h = hoverText(await hover(c.session, { textDocument: { uri: c.uri('kueue.yaml') }, position: { line, character } }));
  const fairLine = h.split('\n').find((l) => l.startsWith('- **Kueue fair sharing**'));
  assert.ok(fairLine !== undefined, h);
  assert.match(fairLine, /fair sharing: depends on live usage; the weights imply: /);
  assert.match(fairLine, /Weights: evaluations 1, tests 2/);
  const lenses = await codeLens(c.session, { textDocument: { uri: c.uri('kueue.yaml') } }, token);
  const testsLens = lenses.find((l) => (l.command?.title ?? '').startsWith('Kueue priority 100 '));
  assert.match(testsLens?.command?.title ?? '', / · preemptible by Kueue: 1 · fair sharing: depends on live usage$/);
});
