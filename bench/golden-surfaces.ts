// The user-visible surfaces for the golden dump (`node out/bench/golden.js --surfaces`): `kpl explain|simulate|evict`
// JSON for every scenario of test/scenarios/ and every example, the Diagnose reports the diagnose tests build, and the
// language server's hovers, code lenses, quick fixes and Priority Map for every rule fixture case, over real stdio.
// A refactor that must not change behaviour is proven by byte-identical dumps before and after.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, CodeLens, Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../test/lsp/harness';
import { isRuleCaseFile } from '../test/helpers/rule-cases';

const root = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir))
    if (fs.existsSync(path.join(dir, 'esbuild.mjs'))) return dir;
  return process.cwd();
})();

type Emit = (record: unknown) => void;

function kpl(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'kpl.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sortedDirs(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => fs.statSync(path.join(dir, n)).isDirectory())
    .sort();
}

/** Every `kind: Node` name of a scenario's cluster file, in file order (simple line scan; the files are ours). */
function nodeNames(text: string): string[] {
  const names: string[] = [];
  for (const doc of text.split(/^---\s*$/m)) {
    if (!/^kind:\s*Node\s*$/m.test(doc)) continue;
    const m = /^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*(\S+)/m.exec(doc);
    if (m?.[1] !== undefined) names.push(m[1]);
  }
  return names;
}

export function cliSurfaces(emit: Emit): void {
  const scenarios = path.join(root, 'test', 'scenarios');
  for (const name of sortedDirs(scenarios)) {
    const dir = path.relative(root, path.join(scenarios, name));
    const files = fs
      .readdirSync(path.join(root, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => `${dir}/${f}`);
    const expectedFile = path.join(root, dir, 'expected.json');
    const expected = fs.existsSync(expectedFile) ? (JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { pod?: string }) : {};
    emit({ surface: 'kpl explain', scenario: name, ...kpl(['explain', '--format', 'json', '--no-render', ...files]) });
    emit({ surface: 'kpl check', scenario: name, ...kpl(['check', '--format', 'json', '--no-render', ...files]) });
    if (expected.pod !== undefined)
      emit({ surface: 'kpl simulate', scenario: name, ...kpl(['simulate', '--format', 'json', '--pod', expected.pod, ...files]) });
    const text = files.map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n---\n');
    for (const node of nodeNames(text))
      for (const signal of ['memory.available', 'nodefs.available', 'pid.available'])
        emit({
          surface: 'kpl evict',
          scenario: name,
          node,
          signal,
          ...kpl(['evict', '--format', 'json', '--node', node, '--signal', signal, ...files]),
        });
  }
  const examples = path.join(root, 'examples');
  for (const name of sortedDirs(examples)) {
    const dir = `examples/${name}`;
    emit({ surface: 'kpl check', example: name, ...kpl(['check', '--format', 'json', '--no-render', dir]) });
    emit({ surface: 'kpl check text', example: name, ...kpl(['check', '--no-render', dir]) });
    emit({ surface: 'kpl explain', example: name, ...kpl(['explain', '--format', 'json', '--no-render', dir]) });
    emit({ surface: 'kpl explain text', example: name, ...kpl(['explain', '--no-render', dir]) });
  }
}

/** Runs the diagnose unit tests with the recorder on (test/live-unit/golden-record.ts) and emits every report they built. */
export function diagnoseSurfaces(emit: Emit): void {
  const out = path.join(os.tmpdir(), `kpl-golden-diagnose-${process.pid}.jsonl`);
  fs.rmSync(out, { force: true });
  const tests = fs
    .readdirSync(path.join(root, 'out', 'test', 'live-unit'))
    .filter((f) => /^(diagnose|victim-choice|eviction-ranking).*\.test\.js$/.test(f))
    .sort()
    .map((f) => path.join(root, 'out', 'test', 'live-unit', f));
  for (const t of tests) {
    const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', t], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, KPL_GOLDEN_DIAGNOSE: out },
    });
    if (r.status !== 0) throw new Error(`${t} failed under the golden recorder:\n${r.stdout}\n${r.stderr}`);
  }
  const lines = fs.existsSync(out)
    ? fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
  fs.rmSync(out, { force: true });
  if (lines.length === 0) throw new Error('the diagnose tests recorded no report (is test/live-unit/golden-record.ts still used?)');
  for (const line of lines) emit({ surface: 'diagnose', ...(JSON.parse(line) as object) });
}

interface Case {
  rule: string;
  file: string;
}

function ruleCases(): Case[] {
  const rulesDir = path.join(root, 'test', 'rules');
  const cases: Case[] = [];
  for (const rule of sortedDirs(rulesDir))
    for (const file of fs.readdirSync(path.join(rulesDir, rule)).sort())
      if (isRuleCaseFile(file) && fs.statSync(path.join(rulesDir, rule, file)).isFile()) cases.push({ rule, file });
  return cases;
}

/** Positions worth hovering: each diagnostic's start and each code lens line's first non-blank character. */
function probes(text: string, diagnostics: readonly Diagnostic[], lenses: readonly CodeLens[]): Array<{ line: number; character: number }> {
  const lines = text.split('\n');
  const seen = new Set<string>();
  const out: Array<{ line: number; character: number }> = [];
  const add = (line: number, character: number): void => {
    const key = `${line}:${character}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ line, character });
    }
  };
  for (const d of diagnostics) add(d.range.start.line, d.range.start.character);
  for (const l of lenses) add(l.range.start.line, (lines[l.range.start.line] ?? '').search(/\S|$/));
  // Every `priorityClassName:` and `name:` value too: class hovers and workload hovers on their names.
  lines.forEach((l, i) => {
    const m = /^(\s*(?:- )?)(priorityClassName|name):\s*\S/.exec(l);
    if (m !== null) add(i, l.indexOf(':', m[1]?.length ?? 0) + 2);
  });
  return out.sort((a, b) => a.line - b.line || a.character - b.character);
}

export async function lspSurfaces(emit: Emit): Promise<void> {
  for (const c of ruleCases()) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-golden-'));
    const src = path.join(root, 'test', 'rules', c.rule, c.file);
    fs.copyFileSync(src, path.join(folder, c.file));
    const client = await TestClient.start({ folder });
    try {
      const uri = client.uri(c.file);
      await client.open(c.file);
      // The index complete: before it, the open document may show its early (file-only) diagnostics (open-first.ts).
      await client.waitFor('the index', () => client.logs.some((l) => /indexed \d+ file/.test(l)));
      await client.waitFor(`diagnostics of ${c.rule}/${c.file}`, () => client.diagnostics.get(uri));
      await client.settle(100);
      const diagnostics = client.diagnosticsOf(c.file);
      const lenses = (await client.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri } })) ?? [];
      const resolved: CodeLens[] = [];
      for (const l of lenses) resolved.push(l.command === undefined ? await client.request<CodeLens>('codeLens/resolve', l) : l);
      const text = client.text(c.file);
      const hovers: Array<{ at: { line: number; character: number }; hover: Hover | null }> = [];
      for (const at of probes(text, diagnostics, resolved))
        hovers.push({ at, hover: await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at }) });
      const actions: Array<{ diagnostic: string; actions: CodeAction[] | null }> = [];
      for (const d of diagnostics)
        actions.push({
          diagnostic: `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`,
          actions: await client.request<CodeAction[] | null>('textDocument/codeAction', {
            textDocument: { uri },
            range: d.range,
            context: { diagnostics: [d] },
          }),
        });
      const priorityMap = await client.request<unknown>('kubePriorityLens/priorityMap', {});
      const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v).split(folder).join('<folder>'));
      emit({
        surface: 'lsp',
        rule: c.rule,
        file: c.file,
        diagnostics: normalize(diagnostics),
        codeLenses: normalize(resolved),
        hovers: normalize(hovers),
        codeActions: normalize(actions),
        priorityMap: normalize(priorityMap),
      });
    } finally {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}
