// Issue 14: `kpl` prints no terminal control character that comes from a manifest or a cluster. Names, classes,
// messages, event notes and file names carrying ESC [2J (clear screen), OSC 52 (clipboard write), the 8-bit CSI 0x9b,
// BEL, CR, backspace and DEL go through the real dist/kpl.js: text, Markdown, JSON and SARIF output (stdout and
// stderr) must hold no C0/C1 control character other than tab and newline. Text shows each one visibly as `\uXXXX`;
// JSON and SARIF still parse to the original strings (the same spelling is a JSON escape).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseJson, removeTree, runKpl, tempTree } from '../helpers/cli';
import type { KplResult } from '../helpers/cli';

const ESC = '\u001b';
/** Each payload, as it would reach a terminal. */
const PAYLOADS = {
  clear: `${ESC}[2J${ESC}[H`,
  osc52: `${ESC}]52;c;ZWNobyBwd25lZA==\u0007`,
  c1csi: '\u009b2J',
  bel: '\u0007',
  cr: 'forged\rline',
  backspace: 'x\u0008y',
  del: 'z\u007f',
  c1osc: '\u009d0;title\u009c',
};
const EVIL = Object.values(PAYLOADS).join('|');
/** Any control character a terminal acts on: C0 except tab and line feed, DEL, C1. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A YAML double-quoted scalar with every non-printable character as a \u escape (raw C1 is not valid YAML). */
function q(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

const manifest = [
  'apiVersion: scheduling.k8s.io/v1',
  'kind: PriorityClass',
  'metadata:',
  `  name: ${q(`high${EVIL}`)}`,
  'value: 1000',
  `description: ${q(`described ${EVIL}`)}`,
  '---',
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: train',
  '  namespace: ml',
  'spec:',
  '  backoffLimit: 0',
  '  template:',
  '    spec:',
  '      restartPolicy: Never',
  `      priorityClassName: ${q(`missing${EVIL}`)}`,
  `      containers: [{name: ${q(`c${EVIL}`)}, image: i}]`,
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  `  name: ${q(`web${EVIL}`)}`,
  `  namespace: ${q(`ns${EVIL}`)}`,
  'spec:',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  `      priorityClassName: ${q(`high${EVIL}`)}`,
  '      containers: [{name: w, image: i}]',
  '',
].join('\n');

const root = tempTree({ 'manifests/evil.yaml': manifest, [`manifests/file${ESC}[2J\u009b.yaml`]: manifest.replace(/web/g, 'api') });
after(() => removeTree(root));

function assertNoControls(r: KplResult, what: string): void {
  for (const [stream, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    const m = CONTROL.exec(text);
    assert.equal(
      m,
      null,
      `${what}: ${stream} carries control character U+${(m?.[0] ?? '').charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index ?? -1}: ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 40))}`,
    );
  }
}

/** The escaped spelling of every payload, so the check is not passing because the text was dropped. */
function assertVisible(text: string, what: string): void {
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    const shown = payload.replace(
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    assert.ok(text.includes(shown), `${what}: ${name} not shown as ${JSON.stringify(shown)}`);
  }
}

test('kpl check (text): findings naming hostile classes, names and file names print no control character', () => {
  const r = runKpl(['check', 'manifests'], root);
  assert.equal(r.status, 1, r.stderr);
  assertNoControls(r, 'kpl check');
  assert.match(r.stdout, /priority-class-not-found/);
  assertVisible(r.stdout, 'kpl check');
  assert.match(r.stdout, /file\\u001b\[2J\\u009b\.yaml/, 'the hostile file name is shown escaped');
});

test('kpl check --format json and sarif: no raw control character, and the parsed strings are the originals', () => {
  const json = runKpl(['check', '--format', 'json', 'manifests'], root);
  assertNoControls(json, 'kpl check --format json');
  const findings = (parseJson(json.stdout) as { findings: Array<{ message: string; file: string }> }).findings;
  assert.ok(
    findings.some((f) => f.message.includes(`missing${EVIL}`)),
    'JSON keeps the exact message (escapes decode to the original)',
  );
  assert.ok(
    findings.some((f) => f.file.includes(`file${ESC}[2J\u009b.yaml`)),
    'JSON keeps the exact file name',
  );
  const sarif = runKpl(['check', '--format', 'sarif', 'manifests'], root);
  assertNoControls(sarif, 'kpl check --format sarif');
  const results = (parseJson(sarif.stdout) as { runs: Array<{ results: Array<{ message: { text: string } }> }> }).runs[0]?.results ?? [];
  assert.ok(
    results.some((x) => x.message.text.includes(`missing${EVIL}`)),
    'SARIF keeps the exact message',
  );
});

test('kpl explain (text and json): workload and class tables, admission messages', () => {
  const text = runKpl(['explain', 'manifests'], root);
  assertNoControls(text, 'kpl explain');
  assertVisible(text.stdout, 'kpl explain');
  const json = runKpl(['explain', '--format', 'json', 'manifests'], root);
  assertNoControls(json, 'kpl explain --format json');
  assert.ok(
    json.stdout.includes('web') && JSON.stringify(parseJson(json.stdout)).includes(JSON.stringify(`web${EVIL}`).slice(1, -1)),
    'JSON keeps the exact names',
  );
});

test('kpl diagnose of a workload (text, markdown, json): static explanation from hostile manifests', () => {
  for (const format of ['text', 'markdown', 'json']) {
    const r = runKpl(['diagnose', 'Job/ml/train', '--format', format, 'manifests'], root);
    assert.equal(r.status, 0, r.stderr);
    assertNoControls(r, `kpl diagnose --format ${format}`);
    if (format !== 'json') assert.match(r.stdout, /missing\\u001b/, `${format}: the class name is shown, escaped`);
  }
});

test('kpl diagnose of a pod with an unreachable cluster: the error naming a hostile context prints no control character', () => {
  const kubeconfig = path.join(root, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${q(`ctx${EVIL}`)}`,
      'contexts:',
      `- name: ${q(`ctx${EVIL}`)}`,
      '  context: {cluster: k, user: u}',
      'clusters:',
      '- name: k',
      '  cluster: {server: "https://127.0.0.1:1"}',
      'users:',
      '- name: u',
      '  user: {token: t}',
      '',
    ].join('\n'),
  );
  const r = runKpl(['diagnose', 'ml/victim', '--kubeconfig', kubeconfig], root);
  assert.equal(r.status, 2);
  assertNoControls(r, 'kpl diagnose (unreachable)');
  assertVisible(r.stderr, 'kpl diagnose (unreachable) stderr');
});
// Event notes and pod messages from a real API server through `kpl diagnose NAMESPACE/NAME`: test/real-cluster/hostile-text.test.ts.
