// The per-rule severity settings in package.json are generated from the rules registry; this test fails when they are
// stale and rewrites them with UPDATE_SETTINGS=1 (`UPDATE_SETTINGS=1 node scripts/unit-tests.mjs settings`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { rules } from '../server/src/core/index';

interface Manifest {
  contributes: { configuration: { properties: Record<string, unknown> } };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
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
  assert.deepEqual(readSettings({ history: { retentionDays: 'x', maxRecords: 5 } }, (m) => logs.push(m)).history, {
    retentionDays: 30,
    maxRecords: 50_000,
  });
  assert.equal(logs.length, 2);
});

test('settings that change what is read, run or deleted: user-level (machine) where a workspace must not set them, all restricted in untrusted workspaces', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
  const properties = manifest.contributes.configuration.properties as Record<string, { scope?: string }>;
  // Which kubeconfig is read and which exec plugin it runs, what is kept in (and pruned from) the history, how large
  // a file may be read: a repository's .vscode/settings.json must not decide these. VS Code ignores workspace values
  // of machine-scoped settings.
  const machine = [
    'kubePriorityLens.kubeconfig',
    'kubePriorityLens.context',
    'kubePriorityLens.history.retentionDays',
    'kubePriorityLens.history.maxRecords',
    'kubePriorityLens.maxFileSizeMiB',
    // Which programs a trusted editor runs on the workspace's charts, and whether it runs them at all.
    'kubePriorityLens.render.enabled',
    'kubePriorityLens.render.helmPath',
    'kubePriorityLens.render.kustomizePath',
    'kubePriorityLens.render.timeoutSeconds',
  ];
  for (const key of machine)
    assert.ok(
      ['machine', 'application'].includes(properties[key]?.scope ?? ''),
      `${key} must be machine- or application-scoped (is ${properties[key]?.scope ?? 'window'})`,
    );
  // Whether the cluster is contacted at all and which files are read: workspace values are fine when trusted, ignored
  // in Restricted Mode.
  const restricted = [...machine, 'kubePriorityLens.clusterAware', 'kubePriorityLens.exclude'];
  const listed = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual([...listed].sort(), [...restricted].sort());
  for (const key of listed) assert.ok(key in properties, `${key} is listed in restrictedConfigurations but is no setting`);
  // Every other own setting (rule severities, Kubernetes version, tracing) only changes how findings are shown.
  const others = Object.keys(properties).filter((k) => !restricted.includes(k));
  for (const key of others)
    assert.match(
      key,
      /^kubePriorityLens\.(rules\.[a-z-]+|kubernetesVersion|trace\.server)$/,
      `${key}: decide whether it changes what is read, run or deleted`,
    );
});

test('kubePriorityLens.maxFileSizeMiB: 64 by default, 1 to 4096, bad values fall back', async () => {
  const { readSettings } = await import('../server/src/lsp/settings');
  assert.equal(readSettings({}).maxFileSizeMiB, 64);
  assert.equal(readSettings({ maxFileSizeMiB: 256 }).maxFileSizeMiB, 256);
  assert.equal(readSettings({ maxFileSizeMiB: 1e9 }).maxFileSizeMiB, 4096);
  const logs: string[] = [];
  assert.equal(readSettings({ maxFileSizeMiB: 0 }, (m) => logs.push(m)).maxFileSizeMiB, 64);
  assert.equal(readSettings({ maxFileSizeMiB: '100' }, (m) => logs.push(m)).maxFileSizeMiB, 64);
  assert.equal(logs.length, 2);
});

test('kubePriorityLens.render.*: on by default, tool paths trimmed, timeout 1 to 3600 s, flattened keys too', async () => {
  const { readSettings } = await import('../server/src/lsp/settings');
  assert.deepEqual(readSettings({}).render, { enabled: true, helmPath: '', kustomizePath: '', timeoutSeconds: 30 });
  assert.deepEqual(
    readSettings({ render: { enabled: false, helmPath: ' /opt/helm ', kustomizePath: '/usr/bin/kubectl', timeoutSeconds: 1e9 } }).render,
    {
      enabled: false,
      helmPath: '/opt/helm',
      kustomizePath: '/usr/bin/kubectl',
      timeoutSeconds: 3600,
    },
  );
  assert.equal(readSettings({ 'render.timeoutSeconds': 5 }).render.timeoutSeconds, 5);
  assert.equal(readSettings({ render: { timeoutSeconds: 0 } }).render.timeoutSeconds, 30);
});
