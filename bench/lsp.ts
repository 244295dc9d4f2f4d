// The language server as an editor sees it: `dist/server.js --stdio` started by the tests' LSP client
// (test/lsp/harness.ts TestClient) with `--expose-gc -r out/bench/lsp-preload.js`. Index → first diagnostics and
// index complete (from `initialized`), one-line edits that keep the file's summary and that change it, hovers, and
// the server's memory at rest (SIGUSR2: forced GC, then 10 s idle; see lsp-preload.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient } from '../test/lsp/harness';
import { editKinds } from './edit-kinds';
import type { EditKindFigures } from './edit-kinds';
import { openFirst, plainIndex } from './open-first';
import type { OpenFirstFigures } from './open-first';
import { median, percentile, preload, round, serverJs } from './measure';

/** process.memoryUsage() of the server at rest (forced GC, then 10 s idle); `busy`: right after the forced GC. */
export interface ServerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  busy?: { rss: number; heapUsed: number; heapTotal: number };
}

export interface LspFigures {
  indexToFirstDiagnosticsMs: number;
  indexCompleteMs: number;
  editP50Ms: number;
  editP95Ms: number;
  edits: number;
  crossFileEditP50Ms: number;
  crossFileEditP95Ms: number;
  /** Each kind of cross-file edit (issue 18): to the edited document's diagnostics, and to the end of the background. */
  editKinds: EditKindFigures[];
  hoverP50Ms: number;
  hoverP95Ms: number;
  hovers: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** RSS right after the forced GC, before the idle wait (pages freed by the last rebuild not yet returned). */
  rssBusyBytes: number | undefined;
  rssPerManifestByte: number;
  /** The same right after the initial index, before any edit. */
  afterIndex: ServerMemory;
  /** The server's own idle heap compactions (server/src/lsp/heap.ts), as it logged them. */
  idleCompactions: string[];
  /**
   * Heap and RSS before and after 100 cross-file edits (`priorityClassName` back and forth, background done); the ratio
   * compares the live heap (right after the forced GC: at rest, 10 s later, it also counts what the idle server allocated).
   */
  heapGrowth: { edits: number; before: ServerMemory; after: ServerMemory; ratio: number };
  /** A second server, the edited document open from `initialized` (issue 18, target 2); compare indexCompleteMs. */
  openFirst: OpenFirstFigures | { skipped: string };
  /** A third server after it, nothing open: its full build, so the open-file-first index is bracketed by two. */
  indexAfterMs?: number;
}

const liveHeap = (m: ServerMemory): number => m.busy?.heapUsed ?? m.heapUsed;

export async function lsp(dir: string, editFile: string, manifestBytes: number, quick: boolean): Promise<LspFigures | { skipped: string }> {
  if (!existsSync(serverJs))
    return { skipped: 'dist/server.js does not exist yet (the language server is not built): LSP figures skipped' };
  let client: TestClient | undefined;
  try {
    client = await TestClient.start({
      folder: dir,
      nodeArgs: ['--expose-gc', ...(existsSync(preload) ? ['-r', preload] : [])],
      capabilities: {
        textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown', 'plaintext'] } },
        workspace: { workspaceFolders: true, configuration: false },
      },
      initializationOptions: { trusted: true, settings: { clusterAware: false } },
      deferInitialized: true,
    });
    const c = client;
    const memoryWaiters: Array<(m: ServerMemory) => void> = [];
    c.onStderr((d) => {
      for (const line of d.split('\n')) {
        if (!line.startsWith('KPL-BENCH-MEMORY ')) continue;
        const m = JSON.parse(line.slice('KPL-BENCH-MEMORY '.length)) as ServerMemory;
        memoryWaiters.shift()?.(m);
      }
    });
    const diagnosticsWaiters: Array<{ uri: string | undefined; version: number | undefined; resolve: () => void }> = [];
    let firstDiagnosticsAt = 0;
    let indexedAt = 0;
    let indexedResolve: (() => void) | undefined;
    c.onPublish((p) => {
      if (firstDiagnosticsAt === 0) firstDiagnosticsAt = performance.now();
      for (let i = diagnosticsWaiters.length - 1; i >= 0; i--) {
        const w = diagnosticsWaiters[i];
        if (w === undefined) continue;
        if ((w.uri === undefined || w.uri === p.uri) && (w.version === undefined || p.version === undefined || p.version >= w.version)) {
          diagnosticsWaiters.splice(i, 1);
          w.resolve();
        }
      }
    });
    const compactions: string[] = [];
    c.onLog((message) => {
      if (message.includes('compacted the heap while idle')) compactions.push(message.replace(/^.*compacted/, 'compacted'));
      if (/indexed \d+ file/.test(message) && indexedAt === 0) {
        indexedAt = performance.now();
        indexedResolve?.();
      }
    });
    const waitDiagnostics = (uri: string | undefined, version: number | undefined, timeoutMs: number): Promise<void> =>
      new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no diagnostics for ${uri ?? 'any file'} within ${timeoutMs} ms`)), timeoutMs);
        diagnosticsWaiters.push({ uri, version, resolve: () => (clearTimeout(timer), res()) });
      });
    const memory = (): Promise<ServerMemory> =>
      new Promise((res) => {
        memoryWaiters.push(res);
        c.proc.kill('SIGUSR2');
      });
    const indexed = new Promise<void>((res) => (indexedResolve = res));
    const t0 = performance.now();
    void c.initialized();
    await Promise.race([indexed, new Promise((_, rej) => setTimeout(() => rej(new Error('index did not complete in 600 s')), 600_000))]);
    const indexToFirst = (firstDiagnosticsAt || indexedAt) - t0;
    const indexComplete = indexedAt - t0;
    const afterIndex = await memory();
    // Open the edited file, then make one-line edits that keep its summary (image tag) and that change it (priority class).
    const path = join(dir, editFile);
    const uri = pathToFileURL(path).href;
    let text = readFileSync(path, 'utf8');
    let version = 1;
    const opened = waitDiagnostics(uri, 1, 60_000);
    void c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    await opened;
    const lines = text.split('\n');
    const imageLine = lines.findIndex((l) => l.includes('image: '));
    const classLine = lines.findIndex((l) => l.includes('priorityClassName: '));
    const edit = async (line: number, newLine: string): Promise<number> => {
      const old = lines[line] ?? '';
      lines[line] = newLine;
      text = lines.join('\n');
      version++;
      const done = waitDiagnostics(uri, version, 120_000);
      const t = performance.now();
      void c.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: newLine }],
      });
      await done;
      return performance.now() - t;
    };
    const editCount = quick ? 10 : 30;
    const local: number[] = [];
    const imageText = lines[imageLine] ?? '';
    for (let i = 0; i < editCount; i++) local.push(await edit(imageLine, imageText.replace(/:[^:]*$/, `:bench-${i}`)));
    const cross: number[] = [];
    const classText = lines[classLine] ?? '';
    for (let i = 0; i < Math.max(3, editCount / 5); i++)
      cross.push(await edit(classLine, classText.replace(/priorityClassName: .*/, `priorityClassName: ${i % 2 === 0 ? 'high' : 'low'}`)));
    const hovers: number[] = [];
    const hoverCount = quick ? 20 : 50;
    const character = (lines[classLine] ?? '').indexOf(':') + 3;
    for (let i = 0; i < hoverCount; i++) {
      const t = performance.now();
      await c.request('textDocument/hover', { textDocument: { uri }, position: { line: classLine, character } });
      hovers.push(performance.now() - t);
    }
    // Heap growth over 100 cross-file edits (an even number: the workspace ends as it started), background included.
    const growthBefore = await memory();
    const growthEdits = 100;
    for (let i = 0; i < growthEdits; i++)
      await edit(classLine, classText.replace(/priorityClassName: .*/, `priorityClassName: ${i % 2 === 0 ? 'low' : 'high'}`));
    // The background batches of the last edit are done: their log follows the last cross-file analysis.
    const lastIndex = (prefix: string): number => {
      for (let i = c.logs.length - 1; i >= 0; i--) if (c.logs[i]?.startsWith(prefix) === true) return i;
      return -1;
    };
    await c.waitFor('the background re-check', () => lastIndex('background re-check done') > lastIndex('cross-file edit:'), 600_000);
    const growthAfter = await memory();
    const kinds = await editKinds(c, dir, editFile, (u, v, t) => waitDiagnostics(u, v, t), quick ? 3 : 7);
    const m = await memory();
    // The open-file-first server runs alone: this one stops first.
    const second = async (): Promise<OpenFirstFigures | { skipped: string }> => {
      c.proc.kill();
      await new Promise((r) => setTimeout(r, 1000));
      try {
        return await openFirst(dir, editFile);
      } catch (error) {
        return { skipped: `open-file-first run failed: ${(error as Error).message}` };
      }
    };
    const third = async (): Promise<number | undefined> => {
      await new Promise((r) => setTimeout(r, 1000));
      try {
        return await plainIndex(dir);
      } catch {
        return undefined;
      }
    };
    return {
      indexToFirstDiagnosticsMs: round(indexToFirst),
      indexCompleteMs: round(indexComplete),
      editP50Ms: round(median(local)),
      editP95Ms: round(percentile(local, 95)),
      edits: local.length,
      crossFileEditP50Ms: round(median(cross)),
      crossFileEditP95Ms: round(percentile(cross, 95)),
      editKinds: kinds,
      hoverP50Ms: round(median(hovers), 2),
      hoverP95Ms: round(percentile(hovers, 95), 2),
      hovers: hovers.length,
      rssBytes: m.rss,
      heapUsedBytes: m.heapUsed,
      heapTotalBytes: m.heapTotal,
      externalBytes: m.external,
      rssBusyBytes: m.busy?.rss,
      rssPerManifestByte: round(m.rss / manifestBytes, 2),
      afterIndex,
      idleCompactions: compactions,
      heapGrowth: {
        edits: growthEdits,
        before: growthBefore,
        after: growthAfter,
        ratio: round((liveHeap(growthAfter) - liveHeap(growthBefore)) / liveHeap(growthBefore), 4),
      },
      openFirst: await second(),
      indexAfterMs: await third(),
    };
  } catch (error) {
    client?.proc.kill();
    return { skipped: `LSP run failed: ${(error as Error).message}; server stderr: ${client?.stderr.slice(-500) ?? ''}` };
  } finally {
    client?.proc.kill();
    client?.connection.dispose();
  }
}
