// `kpl check --format sarif`: valid against the SARIF 2.1.0 JSON schema, 1-based positions, severity → level mapping.
// The schema is vendored from the npm package @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json, MIT), the
// only package found that ships it; it is the draft-04 schema of SARIF 2.1.0 RTM5, validated with ajv-draft-04.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { rules } from '../../server/src/core/index';
import { repoRoot, yaml } from '../helpers/analyze';
import { parseJson, removeTree, runKpl, tempTree } from '../helpers/cli';

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'test', 'cli', 'sarif-schema-2.1.0-rtm.5.json'), 'utf8')) as Record<
  string,
  unknown
>;

// One finding of each severity: error (unknown class), warning (missing requests), info (preemption risk), hint (unused class).
const files = {
  'k8s/classes.yaml': yaml(
    'apiVersion: scheduling.k8s.io/v1',
    'kind: PriorityClass',
    'metadata: {name: high}',
    'value: 1000',
    '---',
    'apiVersion: scheduling.k8s.io/v1',
    'kind: PriorityClass',
    'metadata: {name: unused}',
    'value: 1',
  ),
  'k8s/pods.yaml': yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: low}',
    'spec:',
    '  containers: [{name: a, image: a}]',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: high}',
    'spec:',
    '  priorityClassName: high',
    '  containers: [{name: a, image: a, resources: {limits: {cpu: "1", memory: 1Gi}}}]',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: "typo with space"}',
    'spec:',
    '  priorityClassName: hihg',
    '  containers: [{name: a, image: a, resources: {limits: {cpu: "1", memory: 1Gi}}}]',
  ),
};

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; helpUri: string; defaultConfiguration: { level: string } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
        };
      }>;
      fixes?: Array<{
        description: { text: string };
        artifactChanges: Array<{ replacements: Array<{ deletedRegion: { startLine: number; startColumn: number } }> }>;
      }>;
    }>;
  }>;
}

describe('kpl check --format sarif', () => {
  const root = tempTree(files);
  after(() => removeTree(root));
  const sarif = runKpl(['check', '--format', 'sarif', 'k8s'], root);
  const json = runKpl(['check', '--format', 'json', 'k8s'], root);

  test('exits like the other formats (1: an error finding) and prints nothing on stderr', () => {
    assert.equal(sarif.status, 1);
    assert.equal(sarif.stderr, '');
  });

  test('the log validates against the SARIF 2.1.0 JSON schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, unicodeRegExp: false }); // the schema's language pattern is not valid with the u flag;
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log = parseJson(sarif.stdout);
    const ok = validate(log);
    assert.ok(ok, `SARIF schema errors:\n${JSON.stringify(validate.errors, null, 2)}`);
    // The validator is live: a level SARIF does not know ("info") or a 0-based line is rejected.
    const broken = parseJson(sarif.stdout) as SarifLog;
    const first = broken.runs[0]?.results[0];
    assert.ok(first !== undefined);
    first.level = 'info';
    assert.equal(validate(broken), false);
    first.level = 'note';
    const region = first.locations[0]?.physicalLocation.region;
    assert.ok(region !== undefined);
    region.startLine = 0;
    assert.equal(validate(broken), false);
  });

  test('one run, tool kpl, with every rule of the registry and help links into docs/rules.md', () => {
    const log = parseJson(sarif.stdout) as SarifLog;
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0]?.tool.driver;
    assert.equal(driver?.name, 'kpl');
    assert.deepEqual(
      driver?.rules.map((r) => r.id),
      rules.map((r) => r.id),
    );
    for (const r of driver?.rules ?? []) assert.match(r.helpUri, new RegExp(`^https://.+/docs/rules\\.md#${r.id}$`));
  });

  test('severities map to levels: error→error, warning→warning, info→note, hint→note (results and rule defaults)', () => {
    const log = parseJson(sarif.stdout) as SarifLog;
    const findings = (parseJson(json.stdout) as { findings: Array<{ ruleId: string; severity: string }> }).findings;
    const expected: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
    const results = log.runs[0]?.results ?? [];
    assert.deepEqual(
      new Set(findings.map((f) => f.severity)),
      new Set(['error', 'warning', 'info', 'hint']),
      'the fixture covers every severity',
    );
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.level]),
      findings.map((f) => [f.ruleId, expected[f.severity]]),
    );
    for (const r of log.runs[0]?.tool.driver.rules ?? []) {
      assert.equal(r.defaultConfiguration.level, expected[rules.find((x) => x.id === r.id)?.defaultSeverity ?? ''], r.id);
    }
  });

  test('regions are 1-based (the JSON range plus one), ruleIndex points into the rules array', () => {
    const log = parseJson(sarif.stdout) as SarifLog;
    const findings = (
      parseJson(json.stdout) as {
        findings: Array<{
          ruleId: string;
          file: string;
          range: { start: { line: number; character: number }; end: { line: number; character: number } };
        }>;
      }
    ).findings;
    const results = log.runs[0]?.results ?? [];
    assert.equal(results.length, findings.length);
    results.forEach((r, i) => {
      const f = findings[i];
      const location = r.locations[0]?.physicalLocation;
      assert.deepEqual(location?.region, {
        startLine: (f?.range.start.line ?? 0) + 1,
        startColumn: (f?.range.start.character ?? 0) + 1,
        endLine: (f?.range.end.line ?? 0) + 1,
        endColumn: (f?.range.end.character ?? 0) + 1,
      });
      assert.equal(location?.artifactLocation.uri, f?.file);
      assert.equal(log.runs[0]?.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
    });
  });

  test('fixes carry their description and 1-based replacement regions', () => {
    const log = parseJson(sarif.stdout) as SarifLog;
    const withFix = (log.runs[0]?.results ?? []).find((r) => r.ruleId === 'priority-class-not-found');
    assert.equal(withFix?.fixes?.[0]?.description.text, 'Change priorityClassName to "high"');
    assert.deepEqual(withFix?.fixes?.[0]?.artifactChanges[0]?.replacements[0]?.deletedRegion, {
      startLine: 18,
      startColumn: 22,
      endLine: 18,
      endColumn: 26,
    });
  });
});
