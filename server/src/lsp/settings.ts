// Settings of the `kubePriorityLens` section with their defaults, read leniently from whatever a client sends.
import { newestKubernetesMinor, oldestKubernetesMinor, rulesById } from '../core/index';
import type { RuleSettings, SeveritySetting } from '../core/index';
import type { LensSettings } from '../protocol/index';
import { defaultMaxFileMiB, maxFileMiBLimit } from '../workspace/read';

export const settingsSection = 'kubePriorityLens';

export function defaultSettings(): LensSettings {
  return {
    clusterAware: true,
    exclude: [],
    rules: {},
    kubernetesVersion: '',
    history: { retentionDays: 30, maxRecords: 50_000 },
    maxFileSizeMiB: defaultMaxFileMiB,
    render: { enabled: true, helmPath: '', kustomizePath: '', timeoutSeconds: 30 },
  };
}

const severityValues: ReadonlySet<string> = new Set(['off', 'hint', 'info', 'warning', 'error']);

/**
 * readSettings accepts the section object (`{clusterAware, rules: {id: sev}}`), flattened keys (`rules.<id>`), or
 * nothing; unknown keys and wrong types fall back to the defaults so a bad settings file never stops analysis.
 */
export function readSettings(raw: unknown, log?: (message: string) => void): LensSettings {
  const settings = defaultSettings();
  if (raw === null || typeof raw !== 'object') return settings;
  const obj = raw as Record<string, unknown>;
  if (typeof obj['clusterAware'] === 'boolean') settings.clusterAware = obj['clusterAware'];
  if (Array.isArray(obj['exclude'])) settings.exclude = obj['exclude'].filter((g): g is string => typeof g === 'string');
  // `kubeconfig` and `context` are not settings of the server: a repository can set workspace configuration (VS Code
  // workspace settings, `.nvim.lua`, `.helix/languages.toml`) and must not point the server at another cluster. They
  // come from initializationOptions and the clusterTarget notification (server.ts).
  if (typeof obj['kubernetesVersion'] === 'string') settings.kubernetesVersion = obj['kubernetesVersion'];
  // `history: {retentionDays, maxRecords}` (VS Code's section object) or flattened `history.retentionDays` keys.
  const history = obj['history'] !== null && typeof obj['history'] === 'object' ? (obj['history'] as Record<string, unknown>) : {};
  const retention = history['retentionDays'] ?? obj['history.retentionDays'];
  const maxRecords = history['maxRecords'] ?? obj['history.maxRecords'];
  if (typeof retention === 'number' && Number.isFinite(retention) && retention >= 1)
    settings.history.retentionDays = Math.min(retention, 3650);
  else if (retention !== undefined)
    log?.(`settings: kubePriorityLens.history.retentionDays must be a number >= 1 (got ${JSON.stringify(retention)})`);
  if (typeof maxRecords === 'number' && Number.isFinite(maxRecords) && maxRecords >= 100)
    settings.history.maxRecords = Math.min(Math.floor(maxRecords), 1_000_000);
  else if (maxRecords !== undefined)
    log?.(`settings: kubePriorityLens.history.maxRecords must be a number >= 100 (got ${JSON.stringify(maxRecords)})`);
  const maxFileSize = obj['maxFileSizeMiB'];
  if (typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize >= 1)
    settings.maxFileSizeMiB = Math.min(maxFileSize, maxFileMiBLimit);
  else if (maxFileSize !== undefined)
    log?.(`settings: kubePriorityLens.maxFileSizeMiB must be a number >= 1 (got ${JSON.stringify(maxFileSize)})`);
  // `render: {enabled, helmPath, kustomizePath, timeoutSeconds}` or flattened `render.<key>` keys.
  const render = obj['render'] !== null && typeof obj['render'] === 'object' ? (obj['render'] as Record<string, unknown>) : {};
  const renderValue = (key: string): unknown => render[key] ?? obj[`render.${key}`];
  if (typeof renderValue('enabled') === 'boolean') settings.render.enabled = renderValue('enabled') as boolean;
  for (const key of ['helmPath', 'kustomizePath'] as const) {
    const v = renderValue(key);
    if (typeof v === 'string') settings.render[key] = v.trim();
  }
  const timeout = renderValue('timeoutSeconds');
  if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 1) settings.render.timeoutSeconds = Math.min(timeout, 3600);
  else if (timeout !== undefined)
    log?.(`settings: kubePriorityLens.render.timeoutSeconds must be a number >= 1 (got ${JSON.stringify(timeout)})`);
  const rules: Record<string, unknown> = {};
  if (obj['rules'] !== null && typeof obj['rules'] === 'object') Object.assign(rules, obj['rules']);
  for (const [key, value] of Object.entries(obj)) if (key.startsWith('rules.')) rules[key.slice('rules.'.length)] = value;
  for (const [id, value] of Object.entries(rules)) {
    const setting = value === false ? 'off' : String(value);
    if (!rulesById.has(id)) log?.(`settings: unknown rule "${id}" in kubePriorityLens.rules (ignored)`);
    else if (!severityValues.has(setting))
      log?.(`settings: kubePriorityLens.rules.${id} must be off|hint|info|warning|error (got "${setting}")`);
    else settings.rules[id] = setting as SeveritySetting;
  }
  return settings;
}

export function ruleSettings(settings: LensSettings): RuleSettings {
  return { severities: { ...settings.rules } };
}

export function kubernetesMinor(settings: LensSettings): number {
  const match = /^v?1\.(\d+)(?:\.\d+)?$/.exec(settings.kubernetesVersion.trim());
  const minor = match === null ? NaN : Number(match[1]);
  return minor >= oldestKubernetesMinor && minor <= newestKubernetesMinor ? minor : newestKubernetesMinor;
}

/** excludeGlobs turns `files.exclude` (`{glob: true}`) and `kubePriorityLens.exclude` (`[glob]`) into one list. */
export function excludeGlobs(filesExclude: unknown, settings: LensSettings): string[] {
  const globs = [...settings.exclude];
  if (filesExclude !== null && typeof filesExclude === 'object') {
    for (const [glob, on] of Object.entries(filesExclude as Record<string, unknown>)) if (on === true) globs.push(glob);
  }
  return globs;
}
