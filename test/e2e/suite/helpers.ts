// Shared helpers for the extension-host e2e tests.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KplTestApi } from '../../../server/src/protocol';

export const EXTENSION_ID = 'kube-priority-lens.kube-priority-lens';
/** Finding codes the example workspace examples/ci-preemption is built to produce. */
export const EXPECTED_CODES = ['priority-class-not-found', 'job-preemption-fails-job'];

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last probe value of any kind, for the timeout message
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function api(): Promise<KplTestApi> {
  const ext = vscode.extensions.getExtension<KplTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code (wrong extensionDevelopmentPath?)`);
  const exports = await ext.activate();
  assert.ok(exports, 'extension did not return its test API (is it running in production mode?)');
  return exports;
}

export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

export function ourDiagnostics(uri?: vscode.Uri): [vscode.Uri, vscode.Diagnostic[]][] {
  const all: [vscode.Uri, vscode.Diagnostic[]][] = uri ? [[uri, vscode.languages.getDiagnostics(uri)]] : vscode.languages.getDiagnostics();
  return all
    .map(
      ([u, ds]) =>
        [u, ds.filter((d) => EXPECTED_CODES.includes(codeOf(d)) || /kube[- ]?priority/i.test(d.source ?? ''))] as [
          vscode.Uri,
          vscode.Diagnostic[],
        ],
    )
    .filter(([, ds]) => ds.length > 0);
}

/** Opens every manifest of the workspace so the server analyses (and publishes for) each of them. */
export async function openWorkspaceManifests(): Promise<vscode.TextDocument[]> {
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/node_modules/**');
  assert.ok(files.length > 0, 'the e2e workspace has no YAML manifests');
  return Promise.all(files.map((f) => vscode.workspace.openTextDocument(f)));
}

/** Waits until some finding with one of `codes` is published, and returns it with its document. */
export async function findingWithCode(codes: string[], timeoutMs = 45_000): Promise<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic }> {
  await openWorkspaceManifests();
  return waitFor(
    `a finding with code ${codes.join(' or ')}`,
    () => {
      for (const [uri, ds] of vscode.languages.getDiagnostics()) {
        const d = ds.find((x) => codes.includes(codeOf(x)));
        if (d) return { uri, diagnostic: d };
      }
      return undefined;
    },
    timeoutMs,
  );
}

/** Position of the `metadata.name` value of the first workload (non-PriorityClass object) in the document. */
export function workloadNamePosition(doc: vscode.TextDocument): vscode.Position | undefined {
  const lines = doc.getText().split(/\r?\n/);
  let kind = '';
  let inMetadata = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const k = /^kind:\s*(\S+)/.exec(l);
    if (k) kind = k[1]!;
    if (/^---/.test(l)) {
      kind = '';
      inMetadata = false;
    }
    if (/^metadata:/.test(l)) {
      inMetadata = true;
      continue;
    }
    if (/^\S/.test(l)) inMetadata = false;
    const n = /^(\s+name:\s*)(\S+)/.exec(l);
    if (inMetadata && n && kind && !['PriorityClass', 'Namespace', 'LimitRange', 'ResourceQuota', 'PodDisruptionBudget'].includes(kind)) {
      return new vscode.Position(i, n[1].length + 1);
    }
  }
  return undefined;
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** Waits for a hover on the first workload name of the workspace that explains its priority; returns its text. */
export async function workloadHover(timeoutMs = 30_000): Promise<string> {
  const docs = await openWorkspaceManifests();
  const target = docs.map((d) => ({ d, p: workloadNamePosition(d) })).find((x) => x.p);
  assert.ok(target?.p, 'no workload in the workspace');
  const position = target.p;
  return waitFor(
    'a hover on a workload name',
    async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', target.d.uri, position);
      const t = hoverText(hovers ?? []);
      return /priorit/i.test(t) ? t : undefined;
    },
    timeoutMs,
  );
}

/**
 * withWorkspaceSettings writes `.vscode/settings.json` into the first workspace folder (as a repository would ship it),
 * waits until VS Code has read it (the `probe` setting, one every scope accepts, changed), runs `fn`, then removes it.
 */
export async function withWorkspaceSettings(
  settings: Record<string, unknown>,
  probe: string,
  fn: () => Promise<void> | void,
): Promise<void> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'no workspace folder');
  const dir = path.join(folder, '.vscode');
  const file = path.join(dir, 'settings.json');
  assert.ok(!fs.existsSync(dir), `${dir} exists already: the test would overwrite it`);
  const changed = (): Promise<void> =>
    new Promise((resolve) => {
      const d = vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(probe)) {
          d.dispose();
          resolve();
        }
      });
    });
  const read = changed();
  fs.mkdirSync(dir);
  try {
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));
    await Promise.race([read, sleep(20_000).then(() => Promise.reject(new Error(`VS Code did not read ${file}`)))]);
    await fn();
  } finally {
    const back = changed();
    fs.rmSync(dir, { recursive: true, force: true });
    await Promise.race([back, sleep(20_000)]);
  }
}
