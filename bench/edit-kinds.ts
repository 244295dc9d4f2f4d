// Cross-file edits per kind through the language server (issue 18, target 1): a workload's priorityClassName, a
// PriorityClass value, globalDefault on and off, a PDB's selector and minAvailable, a LimitRange default, a pod
// template's labels, a new workload file and a deleted one. Each edit is timed from didChange (or the file event) to
// the edited document's republished diagnostics (the open documents are re-checked in the same pass), and to the end
// of the background batches that republish the other affected files (the server's "background re-check done" log).
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestClient } from '../test/lsp/harness';
import { median, percentile, round } from './measure';

export interface EditKindFigures {
  kind: string;
  edits: number;
  p50Ms: number;
  p95Ms: number;
  /** Files re-checked in the background per edit (median) and the time until the last of them was published. */
  backgroundFiles: number;
  backgroundP50Ms: number;
}

type WaitDiagnostics = (uri: string, version: number, timeoutMs: number) => Promise<void>;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.yaml')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** inKind applies `edit` to the text from the first `kind: <kind>` line on (that object, not an earlier one). */
function inKind(kind: string, edit: (text: string) => string): (text: string) => string {
  return (text) => {
    const at = text.indexOf(`kind: ${kind}`);
    return at === -1 ? text : text.slice(0, at) + edit(text.slice(at));
  };
}

export async function editKinds(
  c: TestClient,
  dir: string,
  editFile: string,
  waitDiagnostics: WaitDiagnostics,
  repeats: number,
): Promise<EditKindFigures[]> {
  // The server's log of each cross-file analysis and of the end of its background batches.
  const logs: Array<{ at: number; message: string }> = [];
  c.onLog((message) => {
    if (message.startsWith('cross-file edit:') || message.startsWith('background re-check done'))
      logs.push({ at: performance.now(), message });
  });
  const files = filesUnder(dir);
  const find = (re: RegExp, not?: string): string => {
    const f = files.find((p) => re.test(readFileSync(p, 'utf8')) && p !== not);
    if (f === undefined) throw new Error(`no file matches ${String(re)}`);
    return f;
  };
  const docs = new Map<string, { version: number; text: string }>();
  const open = async (p: string): Promise<void> => {
    const uri = pathToFileURL(p).href;
    if (docs.has(uri)) return;
    const text = readFileSync(p, 'utf8');
    docs.set(uri, { version: 1, text });
    const opened = waitDiagnostics(uri, 1, 120_000);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await opened;
  };
  /** One timed edit; `apply` sends it and returns the uri and version whose diagnostics mark the end of the first phase. */
  const timed = async (
    apply: () => Promise<{ uri: string; version: number } | undefined>,
  ): Promise<{ ms: number; background: number; bgMs: number }> => {
    const since = logs.length;
    const t = performance.now();
    const target = await apply();
    let first: number;
    if (target !== undefined) {
      await waitDiagnostics(target.uri, target.version, 300_000);
      first = performance.now() - t;
    } else {
      // A file event has no document to publish: its end is the analysis log, timed when it arrived (waitFor polls
      // every 20 ms, which made these figures 20 or 40 ms).
      const log = await c.waitFor(
        'the cross-file analysis',
        () => logs.slice(since).find((l) => l.message.startsWith('cross-file edit:')),
        300_000,
      );
      first = log.at - t;
    }
    // An edit that leaves the file's summary unchanged is no cross-file analysis: no log, nothing in the background.
    const cross = await c
      .waitFor('the cross-file analysis', () => logs.slice(since).find((l) => l.message.startsWith('cross-file edit:')), 2_000)
      .catch(() => undefined);
    const pending = Number(/(\d+) pending/.exec(cross?.message ?? '')?.[1] ?? 0);
    if (pending === 0) return { ms: first, background: 0, bgMs: first };
    const done = await c.waitFor(
      'the background batches',
      () => logs.slice(since).find((l) => l.message.startsWith('background re-check done')),
      600_000,
    );
    return { ms: first, background: pending, bgMs: done.at - t };
  };
  const change = async (p: string, edit: (text: string, i: number) => string, i: number): Promise<{ uri: string; version: number }> => {
    const uri = pathToFileURL(p).href;
    const doc = docs.get(uri);
    if (doc === undefined) throw new Error(`${p} is not open`);
    const text = edit(doc.text, i);
    if (text === doc.text) throw new Error(`the edit of ${relative(dir, p)} changes nothing`);
    const lines = doc.text.split('\n');
    doc.version++;
    doc.text = text;
    await c.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: doc.version },
      contentChanges: [
        { range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: (lines.at(-1) ?? '').length } }, text },
      ],
    });
    return { uri, version: doc.version };
  };
  const workload = join(dir, editFile);
  const classFile = find(/^kind: PriorityClass$[\s\S]*^globalDefault: (true|false)$/m);
  const pdbFile = find(/kind: PodDisruptionBudget[\s\S]*minAvailable: \d+[\s\S]*matchLabels:\n\s+app: \S+/);
  const limitRangeFile = find(/kind: LimitRange[\s\S]*default:\n\s+cpu: \S+/);
  for (const p of [workload, classFile, pdbFile, limitRangeFile]) await open(p);
  const kinds: Array<[string, (i: number) => Promise<{ uri: string; version: number } | undefined>]> = [
    [
      'priorityClassName',
      (i) =>
        change(
          workload,
          (t) => t.replace(/priorityClassName: (\S+)/, (_m, v: string) => `priorityClassName: ${v === 'high' ? 'low' : 'high'}`),
          i,
        ),
    ],
    [
      'PriorityClass value',
      (i) => change(classFile, (t) => t.replace(/^value: (-?\d+)$/m, (_m, v: string) => `value: ${Number(v) + (i % 2 === 0 ? 1 : -1)}`), i),
    ],
    [
      'globalDefault',
      (i) =>
        change(
          classFile,
          (t) => t.replace(/^globalDefault: (true|false)$/m, (_m, v: string) => `globalDefault: ${v === 'true' ? 'false' : 'true'}`),
          i,
        ),
    ],
    [
      'PDB selector',
      (i) =>
        change(
          pdbFile,
          inKind('PodDisruptionBudget', (t) =>
            t.replace(/(matchLabels:\n\s+app: )(\S+)/, (_m, a: string, v: string) => `${a}${v.endsWith('-x') ? v.slice(0, -2) : `${v}-x`}`),
          ),
          i,
        ),
    ],
    [
      'PDB minAvailable',
      (i) =>
        change(
          pdbFile,
          inKind('PodDisruptionBudget', (t) => t.replace(/minAvailable: (\d+)/, (_m, v: string) => `minAvailable: ${v === '1' ? 2 : 1}`)),
          i,
        ),
    ],
    [
      'LimitRange default',
      (i) =>
        change(
          limitRangeFile,
          (t) => t.replace(/(default:\n\s+cpu: )(\S+)/, (_m, a: string, v: string) => `${a}${v === '700m' ? '300m' : '700m'}`),
          i,
        ),
    ],
    [
      'template labels',
      (i) =>
        change(
          workload,
          (t) =>
            t.replace(
              /(\n {4,}labels:\n {6,}app: )(\S+)/,
              (_m, a: string, v: string) => `${a}${v.endsWith('-y') ? v.slice(0, -2) : `${v}-y`}`,
            ),
          i,
        ),
    ],
    [
      'new workload file',
      async (i) => {
        const p = join(dir, `bench-new-${i}.yaml`);
        const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bench-new-${i}\n  namespace: ns-0\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: bench-new-${i}\n  template:\n    metadata:\n      labels:\n        app: bench-new-${i}\n    spec:\n      priorityClassName: high\n      containers:\n        - name: main\n          image: example/new:${i}\n`;
        writeFileSync(p, text);
        const uri = pathToFileURL(p).href;
        await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
        return undefined;
      },
    ],
    [
      'deleted file',
      async (i) => {
        const p = join(dir, `bench-new-${i}.yaml`);
        rmSync(p);
        await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(p).href, type: 3 }] });
        return undefined;
      },
    ],
  ];
  const out: EditKindFigures[] = [];
  for (const [kind, apply] of kinds) {
    const times: number[] = [];
    const background: number[] = [];
    const bgTimes: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const r = await timed(() => apply(i));
      times.push(r.ms);
      background.push(r.background);
      bgTimes.push(r.bgMs);
    }
    out.push({
      kind,
      edits: times.length,
      p50Ms: round(median(times)),
      p95Ms: round(percentile(times, 95)),
      backgroundFiles: round(median(background)),
      backgroundP50Ms: round(median(bgTimes)),
    });
  }
  return out;
}
