// Rule fixtures: one folder per rule id (test/rules/<id>/), one case per manifest file, expectations written in the
// fixture as caret comments (see test/helpers/expectations.ts). Each case is analysed alone as a one-file workspace
// through the public API with every rule enabled; only the folder's rule is compared. The kinds of cases and their
// companion files (cluster state, sidecar expectations, fixed text) are listed in test/helpers/rule-cases.ts;
// test/rules/incremental.test.ts replays every case as edits, and test/rules/docs-examples.test.ts runs the examples
// of each rule's docs.
// UPDATE_FIXTURES=1 rewrites the caret comments from the actual findings: a maintainer aid, review every change.
// Every fix of a reported finding is applied and the case re-analysed: the rule must no longer report that finding
// (`# fix-leaves: <message>` documents a fix that legitimately leaves one), and the fix must not break the YAML (nor
// JSON), add or remove an object. `<case>.fixed.<ext>` beside a case holds the text all its fixes produce together,
// expectation comments dropped; UPDATE_FIXTURES=1 writes it too.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { LineIndex, parseFile, rules, AnalysisHost, newestKubernetesMinor } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';
import { analyze, findingsOf } from '../helpers/analyze';
import { isExpectationLine, locate, matches, parseExpectations, renderFinding, renderWithFindings } from '../helpers/expectations';
import type { Expectation, SidecarExpectation } from '../helpers/expectations';
import { applyEdits, mapOffset } from '../helpers/edits';
import {
  baseName,
  caseFile,
  clusterOf,
  decodeForCarets,
  fixedFileOf,
  kubernetesMinorOf,
  listCases,
  listRuleFolders,
  loadDirectoryCase,
  rulesDir,
} from '../helpers/rule-cases';
import type { CaseSpec } from '../helpers/rule-cases';

function readSidecar(file: string): SidecarExpectation[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  assert.ok(Array.isArray(parsed), `${file} must be a JSON array of {line, character, message}`);
  return parsed as SidecarExpectation[];
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
  const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
  const texts = new Map<string, string>();
  for (const parsed of await loadDirectoryCase(source)) {
    texts.set(parsed.file, parsed.text);
    host.addParsed(parsed);
  }
  const findings = [...host.analyze().findings.values()].flat();
  assertNoInternalErrors(findings);
  const sidecar = readSidecar(`${source}.expect.json`);
  assert.ok(sidecar !== undefined, `${ruleId}/${spec.name}/ is a directory case: it needs ${spec.name}.expect.json`);
  compareSidecar(ruleId, `${spec.name}/`, sidecar, findingsOf(findings, ruleId), (f) => ({
    file: f.file,
    ...new LineIndex(texts.get(f.file) ?? '').position(f.span.start),
  }));
  return sidecar.length;
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
  assert.deepEqual(listRuleFolders(), rules.map((r) => r.id).sort());
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
