// Snapshot tests of the TextMate injection grammar, tokenised with the same engine VS Code uses
// (vscode-textmate + vscode-oniguruma) over a minimal in-repo YAML base grammar.
// Update the snapshots with UPDATE_SNAPSHOTS=1.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

function repoRoot(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, 'package.json')) || !fs.existsSync(path.join(d, 'syntaxes'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error('repository root not found');
    d = up;
  }
  return d;
}

const root = repoRoot();
const here = path.join(root, 'test', 'grammar');
const INJECTION = 'kube-priority.injection';

/** `baseGrammarFile` provides source.yaml; sibling files provide the scopes it includes (VS Code's source.yaml.1.2 etc.). */
async function registry(baseGrammarFile: string): Promise<vsctm.Registry> {
  const req = createRequire(path.join(root, 'package.json'));
  const wasm = fs.readFileSync(path.join(path.dirname(req.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    'source.yaml': baseGrammarFile,
    [INJECTION]: path.join(root, 'syntaxes', 'kube-priority.injection.json'),
  };
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const f = files[scope] ?? siblingGrammar(baseGrammarFile, scope);
      return f ? vsctm.parseRawGrammar(fs.readFileSync(f, 'utf8'), f) : null;
    },
    // Mirrors package.json contributes.grammars[].injectTo.
    getInjections: (scope) => (scope === 'source.yaml' ? [INJECTION] : undefined),
  });
}

function siblingGrammar(baseFile: string, scope: string): string | undefined {
  const m = /^source\.yaml\.(.+)$/.exec(scope);
  const f = m ? path.join(path.dirname(baseFile), `yaml-${m[1]}.tmLanguage.json`) : undefined;
  return f && fs.existsSync(f) ? f : undefined;
}

interface Tok {
  line: number;
  text: string;
  scopes: string[];
}

function tokenize(grammar: vsctm.IGrammar, text: string): Tok[] {
  let state = vsctm.INITIAL;
  const out: Tok[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (s.trim()) out.push({ line: i + 1, text: s, scopes: t.scopes.slice(1) });
    }
    state = r.ruleStack;
  });
  return out;
}

/** One line per token: `line | text | scopes`. Readable in review, stable across runs. */
function snapshot(tokens: Tok[]): string {
  return tokens.map((t) => `${String(t.line).padStart(3)} | ${JSON.stringify(t.text)} | ${t.scopes.join(' ') || '-'}`).join('\n') + '\n';
}

const has = (toks: Tok[], text: string, scope: string): boolean =>
  toks.some((t) => t.text === text && t.scopes.some((s) => s.includes(scope)));

const baseFixture = path.join(here, 'fixtures', 'yaml-base.tmLanguage.json');

for (const name of ['priority.yaml', 'job.yaml']) {
  test(`injection snapshot: ${name}`, async () => {
    const grammar = await (await registry(baseFixture)).loadGrammar('source.yaml');
    assert.ok(grammar);
    const actual = snapshot(tokenize(grammar, fs.readFileSync(path.join(here, 'fixtures', name), 'utf8')));
    const snapFile = path.join(here, 'snapshots', `${name}.snap`);
    if (process.env.UPDATE_SNAPSHOTS === '1' || !fs.existsSync(snapFile)) {
      fs.writeFileSync(snapFile, actual);
      if (process.env.UPDATE_SNAPSHOTS !== '1') assert.fail(`snapshot ${snapFile} was missing and has been written; review and commit it`);
    }
    assert.equal(actual, fs.readFileSync(snapFile, 'utf8'), `snapshot mismatch for ${name} (UPDATE_SNAPSHOTS=1 to accept)`);
  });
}

test('injection scopes the keys and values it is meant for', async () => {
  const grammar = await (await registry(baseFixture)).loadGrammar('source.yaml');
  assert.ok(grammar);
  const p = tokenize(grammar, fs.readFileSync(path.join(here, 'fixtures', 'priority.yaml'), 'utf8'));
  const j = tokenize(grammar, fs.readFileSync(path.join(here, 'fixtures', 'job.yaml'), 'utf8'));
  for (const key of ['priorityClassName', 'preemptionPolicy', 'globalDefault'])
    assert.ok(has(p, key, 'kube-priority'), `${key} not highlighted`);
  assert.ok(has(j, 'podFailurePolicy', 'kube-priority'));
  assert.ok(has(p, 'PreemptLowerPriority', 'constant.language.kube-priority'));
  assert.ok(has(p, 'Never', 'constant.language.kube-priority'));
  assert.ok(has(p, 'Sometimes', 'invalid.illegal.kube-priority'));
  assert.ok(has(j, 'DisruptionTarget', 'constant.language.kube-priority.condition'));
  // Not ours: comments, strings, look-alike keys.
  assert.ok(!j.some((t) => t.text.includes('mypriorityClassName') && t.scopes.some((s) => s.includes('kube-priority'))));
  assert.ok(!p.some((t) => t.scopes.some((s) => s.startsWith('comment')) && t.scopes.some((s) => s.includes('kube-priority'))));
  assert.ok(
    !j.some(
      (t) =>
        t.scopes.some((s) => s.startsWith('string.quoted')) &&
        t.text.includes('DisruptionTarget') &&
        t.scopes.some((s) => s.includes('kube-priority')),
    ),
  );
});

// VS Code's own YAML grammar, when code-server is installed (scripts/e2e/install-code-server.sh): not required.
const realYaml = [
  process.env.KPL_YAML_GRAMMAR,
  path.join(
    process.env.XDG_CACHE_HOME || path.join(process.env.HOME ?? '', '.cache'),
    'kube-priority-lens',
    'code-server',
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'extensions',
    'yaml',
    'syntaxes',
    'yaml.tmLanguage.json',
  ),
].find((f): f is string => !!f && fs.existsSync(f));

test("injection also works over VS Code's YAML grammar", { skip: realYaml ? false : 'code-server not installed' }, async () => {
  const grammar = await (await registry(realYaml!)).loadGrammar('source.yaml');
  assert.ok(grammar);
  const p = tokenize(grammar, fs.readFileSync(path.join(here, 'fixtures', 'priority.yaml'), 'utf8'));
  const j = tokenize(grammar, fs.readFileSync(path.join(here, 'fixtures', 'job.yaml'), 'utf8'));
  for (const key of ['priorityClassName', 'preemptionPolicy', 'globalDefault'])
    assert.ok(
      has(p, key, 'kube-priority'),
      `${key} not highlighted over the real YAML grammar: ${JSON.stringify(p.filter((t) => t.text === key))}`,
    );
  assert.ok(has(p, 'PreemptLowerPriority', 'constant.language.kube-priority'));
  assert.ok(has(j, 'DisruptionTarget', 'constant.language.kube-priority'), JSON.stringify(j.filter((t) => t.text.includes('Disruption'))));
});
