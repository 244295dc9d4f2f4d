// The open file first (issue 18, target 2) through the language server: a second server on the same workspace, the
// benchmark's edited document opened right after `initialized` (as an editor restoring its tabs) and hovered at once.
// Timed from `initialized`: the document's first diagnostics, the hover's answer, the complete index; and whether the
// document was published again at the end of the index (it must be only if its diagnostics changed).
// `plainIndex` starts one more server with nothing open, after it: the index with the file open is compared with the
// full builds before and after it (the first server's and this one's), since two 50k indexes a minute apart vary by
// ±20% on a shared machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient } from '../test/lsp/harness';
import { preload, round } from './measure';

export interface OpenFirstFigures {
  /** `initialized` → the open document's first diagnostics. */
  firstDiagnosticsMs: number;
  /** didOpen → the hover's answer (sent right after didOpen), and whether it said the index was still running. */
  hoverMs: number;
  hoverIndexing: boolean;
  /** `initialized` → the index is complete (every file published), with the document open. */
  indexCompleteMs: number;
  /** Publishes of the document until the index completed (1: the early diagnostics were the final ones). */
  documentPublishes: number;
  /** The early diagnostics' codes, and those after the index (the first are a subset of the second: no false flash). */
  earlyCodes: string[];
  finalCodes: string[];
}

function startServer(dir: string): Promise<TestClient> {
  return TestClient.start({
    folder: dir,
    nodeArgs: ['--expose-gc', '-r', preload],
    capabilities: {
      textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown', 'plaintext'] } },
      workspace: { workspaceFolders: true, configuration: false },
    },
    initializationOptions: { trusted: true, settings: { clusterAware: false } },
    deferInitialized: true,
  });
}

/** `initialized` → the index is complete, for a log-watching client (600 s at most). */
function indexTimer(client: TestClient): { indexed: Promise<number> } {
  let done = false;
  const indexed = new Promise<number>((resolve, reject) => {
    client.onLog((message) => {
      if (!done && /indexed \d+ file/.test(message)) {
        done = true;
        resolve(performance.now());
      }
    });
    setTimeout(() => reject(new Error('index did not complete in 600 s')), 600_000).unref();
  });
  return { indexed };
}

/** A server with nothing open: `initialized` → index complete (a full build). */
export async function plainIndex(dir: string): Promise<number> {
  const client = await startServer(dir);
  try {
    const { indexed } = indexTimer(client);
    const t0 = performance.now();
    void client.initialized();
    return round((await indexed) - t0);
  } finally {
    client.proc.kill();
    client.connection.dispose();
  }
}

export async function openFirst(dir: string, editFile: string): Promise<OpenFirstFigures> {
  const client = await startServer(dir);
  try {
    const path = join(dir, editFile);
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    const publishes: Array<{ at: number; codes: string[] }> = [];
    client.onPublish((p) => {
      if (p.uri === uri) publishes.push({ at: performance.now(), codes: p.diagnostics.map((d) => String(d.code)).sort() });
    });
    const { indexed } = indexTimer(client);
    const t0 = performance.now();
    void client.initialized();
    void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const opened = performance.now();
    const line = text.split('\n').findIndex((l) => l.includes('priorityClassName: '));
    const hover = await client.request<{ contents: { value?: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: Math.max(0, line), character: 8 },
    });
    const hoverMs = performance.now() - opened;
    const indexedAt = await indexed;
    const early = publishes.filter((p) => p.at <= indexedAt);
    return {
      firstDiagnosticsMs: round((early[0]?.at ?? indexedAt) - t0),
      hoverMs: round(hoverMs),
      hoverIndexing: /Indexing the workspace/.test(hover?.contents.value ?? ''),
      indexCompleteMs: round(indexedAt - t0),
      documentPublishes: early.length,
      earlyCodes: early[0]?.codes ?? [],
      finalCodes: early.at(-1)?.codes ?? [],
    };
  } finally {
    client.proc.kill();
    client.connection.dispose();
  }
}
