// Rule fixtures: one folder per rule id (test/rules/<id>/), one case per manifest file, expectations written in the
// fixture as caret comments (see test/helpers/expectations.ts). Each case is analysed alone as a one-file workspace
// through the public API with every rule enabled; only the folder's rule is compared.
//
// Case kinds:
//   <case>.yaml|.yml|.json           a file case; `<case>.cluster.yaml` next to it is the cluster state (origin 'cluster')
//   <case>.expect.json               sidecar expectations [{line, character, message, file?}] for files that cannot carry
//                                    comments (binary, JSON, column 0), and for directory cases
//   <case>/                          a directory case, walked with server/src/workspace/walk.ts after copying it to a temp
//                                    dir and creating the symlinks listed in its `.symlinks.json` ({"link": "target"})
//                                    and the sparse files listed in its `.sparse.json` ({"file": size in bytes})
//   generated cases                  below (`generatedCases`), for inputs too big to commit
// A comment `# kpl-test-kubernetes-version: 1.N` anywhere in a fixture selects the modelled Kubernetes version.
// UPDATE_FIXTURES=1 rewrites the caret comments from the actual findings: a maintainer aid, review every change.
// Every fix of a reported finding is applied and the case re-analysed: the rule must no longer report that finding
// (`# fix-leaves: <message>` documents a fix that legitimately leaves one), and the fix must not break the YAML (nor
// JSON), add or remove an object. `<case>.fixed.<ext>` beside a case holds the text all its fixes produce together,
// expectation comments dropped; UPDATE_FIXTURES=1 writes it too. Which files are cases: test/helpers/rule-cases.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LineIndex, parseFile, rules, AnalysisHost, newestKubernetesMinor } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';
import { unreadFile } from '../../server/src/core/index';
import { FileReader, isTooLarge, tooLargeMessage } from '../../server/src/workspace/read';
import { walkPaths, walkProblemFile } from '../../server/src/workspace/walk';
import { analyze, findingsOf, repoRoot } from '../helpers/analyze';
import type { InputFile } from '../helpers/analyze';
import { isExpectationLine, locate, matches, parseExpectations, renderFinding, renderWithFindings } from '../helpers/expectations';
import type { Expectation, SidecarExpectation } from '../helpers/expectations';
import { applyEdits, mapOffset } from '../helpers/edits';
import { caseFile, fixedFileOf, isCompanionFile } from '../helpers/rule-cases';

const rulesDir = path.join(repoRoot(), 'test', 'rules');

interface GeneratedCase {
  name: string;
  file: string;
  content: () => string;
  expect: SidecarExpectation[];
}

/** Inputs too large to commit: built at test time. */
const generatedCases: Record<string, GeneratedCase[]> = {
  'document-too-large': [
    {
      name: 'invalid (generated: a 17 MiB kind: List document after a small Pod)',
      file: 'invalid.yaml',
      content: () => {
        const head = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: small\nspec:\n  containers:\n  - name: app\n    image: nginx\n---\napiVersion: v1\nkind: List\nitems:\n';
        const item = '- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}\n';
        return head + item.repeat(Math.ceil((17 * 1024 * 1024) / item.length));
      },
      expect: [{ line: 8, character: 0, message: 'Document 2 (List) is larger than 16 MiB and was not analysed.' }],
    },
  ],
};

function listFolders(): string[] {
  return fs
    .readdirSync(rulesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

interface CaseSpec {
  name: string;
  kind: 'file' | 'dir' | 'generated';
  /** absolute path of the file or directory */
  path?: string;
  generated?: GeneratedCase;
}

function listCases(ruleId: string): CaseSpec[] {
  const dir = path.join(rulesDir, ruleId);
  const cases: CaseSpec[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      cases.push({ name: entry.name, kind: 'dir', path: full });
      continue;
    }
    if (isCompanionFile(entry.name)) continue;
    if (caseFile.test(entry.name)) cases.push({ name: entry.name, kind: 'file', path: full });
  }
  for (const g of generatedCases[ruleId] ?? []) cases.push({ name: g.name, kind: 'generated', generated: g });
  return cases;
}

function baseName(c: CaseSpec): string {
  if (c.kind === 'generated') return (c.generated?.file ?? '').replace(caseFile, '$1');
  return path.basename(c.path ?? '').replace(caseFile, '$1');
}

function readSidecar(file: string): SidecarExpectation[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  assert.ok(Array.isArray(parsed), `${file} must be a JSON array of {line, character, message}`);
  return parsed as SidecarExpectation[];
}

/** The text the engine sees: strict UTF-8 with a BOM replaced by a space (as parseFile does); undefined for binary. */
function decodeForCarets(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  } catch {
    return undefined;
  }
}

function kubernetesMinorOf(text: string | undefined): number {
  const match = text === undefined ? null : /^# kpl-test-kubernetes-version: 1\.(\d+)\s*$/m.exec(text);
  return match === null ? newestKubernetesMinor : Number(match[1]);
}

function clusterOf(file: string): InputFile[] | undefined {
  const stem = file.replace(caseFile, '$1');
  for (const ext of ['.cluster.yaml', '.cluster.yml']) {
    const p = stem + ext;
    if (fs.existsSync(p)) return [{ path: path.basename(p), content: new Uint8Array(fs.readFileSync(p)) }];
  }
  return undefined;
}

function assertNoInternalErrors(findings: readonly Finding[]): void {
  const crashes = findings.filter((f) => f.message.startsWith('internal error in rule'));
  assert.deepEqual(crashes.map((f) => f.message), [], 'a rule crashed');
}

/** compareInline matches every finding with exactly one caret expectation, and prints the fixture as it should be otherwise. */
function compareInline(ruleId: string, file: string, text: string, expectations: Expectation[], actual: Finding[]): void {
  const index = new LineIndex(text);
  const unmatched = [...actual];
  const missing: Expectation[] = [];
  for (const e of expectations) {
    const i = unmatched.findIndex((f) => matches(e, f, locate(index, f)));
    if (i === -1) missing.push(e);
    else unmatched.splice(i, 1);
  }
  if (missing.length === 0 && unmatched.length === 0) return;
  const lines = [
    `${ruleId}/${file}: findings differ from the expectations.`,
    ...missing.map((e) => `  expected but not reported (caret comment on line ${e.sourceLine + 1}): ${e.line + 1}:${e.character + 1} ×${e.carets} "${e.message}"${e.fix === undefined ? '' : ` fix "${e.fix}"`}`),
    ...unmatched.map((f) => `  reported but not expected: ${renderFinding(index, f).join(' / ')} at ${locate(index, f).line + 1}:${locate(index, f).character + 1}`),
    '',
    `The fixture with the actual ${ruleId} findings (copy-paste):`,
    '-----',
    renderWithFindings(text, actual),
    '-----',
  ];
  assert.fail(lines.join('\n'));
}

function compareSidecar(ruleId: string, name: string, expected: SidecarExpectation[], actual: Finding[], positionOf: (f: Finding) => { file: string; line: number; character: number }): void {
  const unmatched = [...actual];
  const missing: SidecarExpectation[] = [];
  for (const e of expected) {
    const i = unmatched.findIndex((f) => {
      const at = positionOf(f);
      return at.line === e.line && at.character === e.character && f.message.includes(e.message) && (e.file === undefined || e.file === at.file);
    });
    if (i === -1) missing.push(e);
    else unmatched.splice(i, 1);
  }
  if (missing.length === 0 && unmatched.length === 0) return;
  const render = actual.map((f) => {
    const at = positionOf(f);
    return { file: at.file, line: at.line, character: at.character, message: f.message };
  });
  assert.fail(`${ruleId}/${name}: findings differ from the sidecar expectations.\n  missing: ${JSON.stringify(missing)}\n  unexpected: ${JSON.stringify(unmatched.map((f) => f.message))}\nActual (copy-paste into the .expect.json):\n${JSON.stringify(render, null, 2)}`);
}

/** roundTrip applies each fix of the rule's findings and checks the rule no longer reports that finding. */
function roundTrip(ruleId: string, fileName: string, text: string, expectations: Expectation[], actual: Finding[], analyzeText: (text: string) => Finding[]): void {
  const index = new LineIndex(text);
  const before = analyzeText(text);
  const syntaxBefore = before.filter((f) => f.ruleId === 'yaml-syntax-error' || f.ruleId === 'invalid-field-value').length;
  for (const finding of actual) {
    if (finding.fix === undefined) continue;
    const edits = finding.fix.edits.filter((e) => (e.file ?? finding.file) === finding.file);
    assert.ok(edits.length > 0, `${ruleId}/${fileName}: fix "${finding.fix.description}" has no edit in the file`);
    const fixed = applyEdits(text, edits);
    const after = analyzeText(fixed);
    assertNoInternalErrors(after);
    const where = `${ruleId}/${fileName}: after fix "${finding.fix.description}" of the finding at ${locate(index, finding).line + 1}:${locate(index, finding).character + 1}`;
    const syntaxAfter = after.filter((f) => f.ruleId === 'yaml-syntax-error' || f.ruleId === 'invalid-field-value');
    assert.ok(syntaxAfter.length <= syntaxBefore, `${where} the YAML is broken:\n${syntaxAfter.map((f) => f.message).join('\n')}\n-----\n${fixed}`);
    // A fix edits inside one object: it never removes or adds one. kubectl reads a file starting with `{` as JSON.
    const objects = (t: string): number => parseFile({ path: fileName, content: t }).objects.length;
    assert.equal(objects(fixed), objects(text), `${where} the number of objects changed:\n-----\n${fixed}`);
    if (/^\s*\{/.test(text)) assert.doesNotThrow(() => JSON.parse(fixed), `${where} the JSON is broken:\n-----\n${fixed}`);
    const mapped = mapOffset(finding.span.start, edits);
    const remaining = findingsOf(after, ruleId).filter((f) => f.span.start === mapped && f.object === finding.object);
    const expectation = expectations.find((e) => matches(e, finding, locate(index, finding)));
    if (expectation?.fixLeaves !== undefined) {
      assert.ok(remaining.some((f) => f.message.includes(expectation.fixLeaves ?? '')), `${where} the documented leftover "${expectation.fixLeaves}" is not reported`);
    } else {
      assert.deepEqual(remaining.map((f) => f.message), [], `${where} the rule still reports it; fixed text:\n-----\n${fixed}\n-----`);
    }
  }
}

/**
 * fixedText is the case after every quick fix of the rule's findings, applied together, with the expectation comments
 * dropped (they point into the text before the fixes); undefined when no finding has a fix.
 */
function fixedText(ruleId: string, fileName: string, text: string, actual: readonly Finding[]): string | undefined {
  const edits = actual.flatMap((f) => (f.fix?.edits ?? []).filter((e) => (e.file ?? f.file) === f.file));
  if (edits.length === 0) return undefined;
  let fixed: string;
  try {
    fixed = applyEdits(text, edits);
  } catch (error) {
    assert.fail(`${ruleId}/${fileName}: the fixes of two findings overlap, so they cannot be applied together: ${String(error)}`);
  }
  return fixed
    .split('\n')
    .filter((line) => !isExpectationLine(line.endsWith('\r') ? line.slice(0, -1) : line))
    .join('\n');
}

/**
 * checkFixedFile asserts the text the quick fixes produce: `<case>.fixed.<ext>` beside the case holds it (absent when
 * no finding of the rule has a fix), and the fixes applied together still give YAML the engine reads without new
 * syntax or field errors. UPDATE_FIXTURES=1 writes (or removes) the file.
 */
function checkFixedFile(ruleId: string, file: string, text: string, actual: readonly Finding[], analyzeText: (text: string) => Finding[]): void {
  const fileName = path.basename(file);
  const fixedPath = path.join(path.dirname(file), fixedFileOf(fileName));
  const expected = fixedText(ruleId, fileName, text, actual);
  const exists = fs.existsSync(fixedPath);
  if (process.env.UPDATE_FIXTURES === '1') {
    if (expected === undefined && exists) fs.rmSync(fixedPath);
    if (expected !== undefined && (!exists || fs.readFileSync(fixedPath, 'utf8') !== expected)) fs.writeFileSync(fixedPath, expected);
    return;
  }
  const name = `${ruleId}/${fixedFileOf(fileName)}`;
  if (expected === undefined) {
    assert.ok(!exists, `${name} is stale: no finding of ${ruleId} in ${fileName} has a fix (delete it, or run UPDATE_FIXTURES=1)`);
    return;
  }
  assert.ok(exists, `${ruleId}/${fileName} has quick fixes: ${name} must hold the text they produce (UPDATE_FIXTURES=1 writes it; review it)`);
  const committed = fs.readFileSync(fixedPath, 'utf8');
  if (committed !== expected) assert.fail(`${name} differs from the text the quick fixes produce:\n-----\n${expected}\n-----`);
  const syntax = (findings: readonly Finding[]): string[] =>
    findings.filter((f) => f.ruleId === 'yaml-syntax-error' || f.ruleId === 'invalid-field-value').map((f) => f.message);
  const after = analyzeText(expected);
  assertNoInternalErrors(after);
  assert.ok(syntax(after).length <= syntax(analyzeText(text)).length, `${name}: the fixes applied together break the YAML:\n${syntax(after).join('\n')}`);
}

function runFileCase(ruleId: string, spec: CaseSpec): number {
  const file = spec.path ?? '';
  const fileName = path.basename(file);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const text = decodeForCarets(bytes);
  const cluster = clusterOf(file);
  const kubernetesMinor = kubernetesMinorOf(text);
  const options = { ...(cluster === undefined ? {} : { cluster }), kubernetesMinor };
  const { findings } = analyze([{ path: fileName, content: bytes }], options);
  assertNoInternalErrors(findings);
  const actual = findingsOf(findings, ruleId);
  const analyzeText = (t: string): Finding[] => analyze([{ path: fileName, content: t }], options).findings;
  const sidecar = readSidecar(file.replace(caseFile, '$1.expect.json'));
  if (sidecar !== undefined || text === undefined) {
    assert.ok(sidecar !== undefined, `${ruleId}/${fileName} is not text: it needs a sidecar ${fileName.replace(caseFile, '$1.expect.json')}`);
    const index = new LineIndex(text ?? '');
    compareSidecar(ruleId, fileName, sidecar, actual, (f) => ({ file: f.file, ...index.position(f.span.start) }));
    if (text !== undefined) {
      roundTrip(ruleId, fileName, text, [], actual, analyzeText);
      checkFixedFile(ruleId, file, text, actual, analyzeText);
    }
    return sidecar.length;
  }
  const expectations = parseExpectations(text);
  if (process.env.UPDATE_FIXTURES === '1' && !text.includes('\r\n')) {
    // Maintainer aid: rewrite the caret comments from the actual findings (review the result before keeping it).
    const rendered = renderWithFindings(text, actual);
    if (rendered !== text) fs.writeFileSync(file, rendered);
    checkFixedFile(ruleId, file, rendered, findingsOf(analyzeText(rendered), ruleId), analyzeText);
    return parseExpectations(rendered).length;
  }
  compareInline(ruleId, fileName, text, expectations, actual);
  roundTrip(ruleId, fileName, text, expectations, actual, analyzeText);
  checkFixedFile(ruleId, file, text, actual, analyzeText);
  return expectations.length;
}

async function runDirCase(ruleId: string, spec: CaseSpec): Promise<number> {
  const source = spec.path ?? '';
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), `kpl-${ruleId}-`));
  try {
    const root = path.join(temp, spec.name);
    fs.cpSync(source, root, { recursive: true });
    const linksFile = path.join(root, '.symlinks.json');
    if (fs.existsSync(linksFile)) {
      const links = JSON.parse(fs.readFileSync(linksFile, 'utf8')) as Record<string, string>;
      for (const [link, target] of Object.entries(links)) {
        // git keeps no empty folders: a link may be the only thing its folder holds.
        fs.mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
        fs.symlinkSync(target, path.join(root, link));
      }
    }
    const sparseFile = path.join(root, '.sparse.json');
    if (fs.existsSync(sparseFile)) {
      for (const [file, size] of Object.entries(JSON.parse(fs.readFileSync(sparseFile, 'utf8')) as Record<string, number>)) {
        fs.closeSync(fs.openSync(path.join(root, file), 'w'));
        fs.truncateSync(path.join(root, file), size);
      }
    }
    // As `kpl check` loads a directory: walked files are parsed, problems inside the directory become pseudo-files.
    const walked = await walkPaths([root]);
    const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
    const prefix = `${root.split(path.sep).join('/')}/`;
    const rel = (p: string): string => (p.startsWith(prefix) ? p.slice(prefix.length) : p);
    const texts = new Map<string, string>();
    const reader = new FileReader();
    for (const f of walked.files) {
      const content = reader.read(f.absolute);
      if (isTooLarge(content)) {
        host.addParsed(unreadFile(rel(f.path), 'file-too-large', tooLargeMessage(rel(f.path), content.size, reader.maxBytes, 'raise the limit with --max-file-size MiB')));
        continue;
      }
      const parsed = parseFile({ path: rel(f.path), content });
      texts.set(parsed.file, parsed.text);
      host.addParsed(parsed);
    }
    for (const p of walked.problems) host.addParsed(walkProblemFile({ ...p, message: p.message.split(prefix).join('') }, rel(p.path)));
    const findings = [...host.analyze().findings.values()].flat();
    assertNoInternalErrors(findings);
    const sidecar = readSidecar(`${source}.expect.json`);
    assert.ok(sidecar !== undefined, `${ruleId}/${spec.name}/ is a directory case: it needs ${spec.name}.expect.json`);
    compareSidecar(ruleId, `${spec.name}/`, sidecar, findingsOf(findings, ruleId), (f) => ({ file: f.file, ...new LineIndex(texts.get(f.file) ?? '').position(f.span.start) }));
    return sidecar.length;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function runGeneratedCase(ruleId: string, spec: CaseSpec): number {
  const g = spec.generated;
  assert.ok(g !== undefined);
  const text = g.content();
  const { findings } = analyze([{ path: g.file, content: text }]);
  assertNoInternalErrors(findings);
  const index = new LineIndex(text);
  compareSidecar(ruleId, g.name, g.expect, findingsOf(findings, ruleId), (f) => ({ file: f.file, ...index.position(f.span.start) }));
  return g.expect.length;
}

test('every rule of the registry has a fixture folder test/rules/<id>/, and every folder is a rule', () => {
  assert.deepEqual(listFolders(), rules.map((r) => r.id).sort());
});

for (const rule of rules) {
  const folder = path.join(rulesDir, rule.id);
  if (!fs.existsSync(folder)) continue; // reported by the 1:1 test above
  describe(`rule ${rule.id}`, () => {
    const cases = listCases(rule.id);
    test('has a "valid" case and an "invalid" case', () => {
      const names = cases.map(baseName);
      assert.ok(names.includes('valid'), `test/rules/${rule.id}/ needs valid.yaml`);
      assert.ok(names.includes('invalid'), `test/rules/${rule.id}/ needs invalid.yaml (or a generated/directory "invalid" case)`);
    });
    for (const spec of cases) {
      test(`case ${spec.name}`, async () => {
        const expected = spec.kind === 'file' ? runFileCase(rule.id, spec) : spec.kind === 'dir' ? await runDirCase(rule.id, spec) : runGeneratedCase(rule.id, spec);
        const base = baseName(spec);
        if (base === 'valid') assert.equal(expected, 0, `${rule.id}/${spec.name}: a valid case expects no finding of the rule`);
        if (base === 'invalid') assert.ok(expected > 0, `${rule.id}/${spec.name}: an invalid case expects at least one finding of the rule`);
      });
    }
  });
}
