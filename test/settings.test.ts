// The per-rule severity settings in package.json are generated from the rules registry; this test fails when they are
// stale and rewrites them with UPDATE_SETTINGS=1 (`UPDATE_SETTINGS=1 node scripts/unit-tests.mjs settings`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { rules } from '../server/src/core/index';

interface Manifest {
  contributes: { configuration: { properties: Record<string, unknown> } };
}

export function ruleSettings(): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  rules.forEach((rule, i) => {
    settings[`kubePriorityLens.rules.${rule.id}`] = {
      type: 'string',
      enum: ['off', 'hint', 'info', 'warning', 'error'],
      default: rule.defaultSeverity,
      order: 100 + i,
      markdownDescription: `Severity of [${rule.id}](https://github.com/kube-priority-lens/kube-priority-lens/blob/main/docs/rules.md#${rule.id}): ${rule.summary}`,
    };
  });
  return settings;
}

test('package.json contributes one severity setting per rule, generated from the registry', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
  const properties = manifest.contributes.configuration.properties;
  const expected = ruleSettings();
  const actual = Object.fromEntries(Object.entries(properties).filter(([key]) => key.startsWith('kubePriorityLens.rules.')));
  if (process.env.UPDATE_SETTINGS === '1') {
    for (const key of Object.keys(actual)) delete properties[key];
    Object.assign(properties, expected);
    writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
    return;
  }
  assert.deepEqual(actual, expected, 'rule severity settings are stale: run UPDATE_SETTINGS=1 node scripts/unit-tests.mjs settings');
});

test('kubePriorityLens.history.* settings: section object, flattened keys, bad values fall back', async () => {
  const { readSettings } = await import('../server/src/lsp/settings');
  assert.deepEqual(readSettings({}).history, { retentionDays: 30, maxRecords: 50_000 });
  assert.deepEqual(readSettings({ history: { retentionDays: 7, maxRecords: 1000 } }).history, { retentionDays: 7, maxRecords: 1000 });
  assert.deepEqual(readSettings({ 'history.retentionDays': 2 }).history, { retentionDays: 2, maxRecords: 50_000 });
  const logs: string[] = [];
  assert.deepEqual(readSettings({ history: { retentionDays: 'x', maxRecords: 5 } }, (m) => logs.push(m)).history, { retentionDays: 30, maxRecords: 50_000 });
  assert.equal(logs.length, 2);
});
