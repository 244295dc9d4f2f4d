// The `render` section of `.kpl.yaml`: per chart, named variants (values files, `set` entries, release name,
// namespace, Kubernetes version, API versions); per kustomization, whether it is rendered. A pure parser with
// positions for every error; the CLI and language server read the file (phase 2) and hand the text here. Paths are
// relative to the folder of `.kpl.yaml` (values files: to their chart) and must stay inside that folder.
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { isWithin } from './files';

export interface HelmVariant {
  name: string;
  /** Absolute paths, in the order Helm reads them (later files win). */
  valuesFiles: string[];
  /** `key=value` entries, as `helm --set`. */
  set: string[];
  releaseName?: string;
  namespace?: string;
  /** `--kube-version`; by default the version the engine models. */
  kubeVersion?: string;
  /** `--api-versions`, for charts that check `.Capabilities.APIVersions`. */
  apiVersions: string[];
}

export interface ChartConfig {
  enabled: boolean;
  variants: HelmVariant[];
}

export interface RenderConfig {
  /** `render.enabled: false` turns rendering off for the folder. */
  enabled: boolean;
  /** By absolute chart folder. */
  charts: Map<string, ChartConfig>;
  /** By absolute kustomization folder: `enabled: true` renders a base on its own, `false` skips a root. */
  kustomizations: Map<string, { enabled: boolean }>;
}

export interface ConfigError {
  message: string;
  start: number;
  end: number;
  line: number;
  character: number;
}

/** The variant of a chart with no configured variant: what `helm template` does with no flags. */
export const defaultVariant: HelmVariant = { name: 'default', valuesFiles: [], set: [], apiVersions: [] };

/** cliVariant: `--values`/`--set` of `kpl check`/`kpl explain`, as the variant named `cli`. */
export function cliVariant(valuesFiles: readonly string[], set: readonly string[]): HelmVariant {
  return { name: 'cli', valuesFiles: valuesFiles.map((f) => path.resolve(f)), set: [...set], apiVersions: [] };
}

/** variantsOf: the configured variants of a chart, or the default one. */
export function variantsOf(config: RenderConfig | undefined, chartDir: string): HelmVariant[] {
  const c = config?.charts.get(chartDir);
  return c === undefined || c.variants.length === 0 ? [defaultVariant] : c.variants;
}

function dnsLike(v: string, max: number, dots: boolean): boolean {
  if (v.length === 0 || v.length > max) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i] ?? '';
    const alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const inner = c === '-' || (dots && c === '.');
    if (!alnum && !(inner && i > 0 && i < v.length - 1)) return false;
  }
  return true;
}

export function validVariantName(v: string): boolean {
  return v.length > 0 && v.length <= 63 && /^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(v) && !/[-_.]$/.test(v);
}
export const validReleaseName = (v: string): boolean => dnsLike(v, 53, true);
export const validNamespace = (v: string): boolean => dnsLike(v, 63, false);
export const validKubeVersion = (v: string): boolean => /^v?1\.\d{1,3}(?:\.\d{1,4})?$/.test(v);
export const validApiVersion = (v: string): boolean => v.length <= 253 && /^[A-Za-z0-9][A-Za-z0-9./-]*$/.test(v);
/** A `--set` entry: `key=value`, the key made of letters, digits, `_-.[]/\`, one line. */
export const validSetEntry = (v: string): boolean => /^[A-Za-z0-9_][A-Za-z0-9_.\-[\]/\\]*=[^\n\r]*$/.test(v);

/** parseRenderConfig reads the `render` section of a `.kpl.yaml` in `configDir`; undefined when it has none. */
export function parseRenderConfig(text: string, configDir: string): { config: RenderConfig | undefined; errors: ConfigError[] } {
  const counter = new LineCounter();
  const errors: ConfigError[] = [];
  const fail = (node: unknown, message: string) => {
    const range = (node as YamlNode | undefined)?.range ?? [0, 0];
    const pos = counter.linePos(range[0]);
    errors.push({ message, start: range[0], end: range[1], line: pos.line - 1, character: pos.col - 1 });
  };
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail({ range: [e?.pos[0] ?? 0, e?.pos[1] ?? 0] }, e?.message.split('\n')[0] ?? 'invalid YAML');
    return { config: undefined, errors };
  }
  const root = doc.contents;
  if (!isMap(root)) return { config: undefined, errors };
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'render');
  if (pair === undefined) return { config: undefined, errors };
  const config: RenderConfig = { enabled: true, charts: new Map(), kustomizations: new Map() };
  const section = pair.value;
  if (section === null || section === undefined) return { config, errors };
  if (!isMap(section)) {
    fail(section, 'render must be a mapping with charts and kustomizations');
    return { config: undefined, errors };
  }
  // `base` '' is the folder of .kpl.yaml (chart and kustomization paths); values files are relative to their chart.
  const folder = (node: unknown, value: string, base: string): string | undefined => {
    if (path.isAbsolute(value) || value.includes('\0') || value === '') {
      fail(node, `"${value}" must be a path relative to ${base === '' ? 'the folder of .kpl.yaml' : 'the chart'}`);
      return undefined;
    }
    const abs = path.resolve(base === '' ? configDir : base, value);
    if (!isWithin(abs, configDir)) {
      fail(node, `${value}: must stay inside the folder of .kpl.yaml`);
      return undefined;
    }
    return abs;
  };
  const bool = (node: unknown, what: string): boolean | undefined => {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    fail(node, `${what} must be true or false`);
    return undefined;
  };
  for (const item of section.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '';
    if (key === 'enabled') config.enabled = bool(item.value, 'render.enabled') ?? true;
    else if (key === 'charts' && isMap(item.value)) readCharts(item.value, config, folder, bool, fail);
    else if (key === 'kustomizations' && isMap(item.value)) {
      for (const k of item.value.items) {
        const dir = folder(k.key, isScalar(k.key) ? String(k.key.value) : '', '');
        const enabled = isMap(k.value) ? k.value.items.find((p) => isScalar(p.key) && p.key.value === 'enabled') : undefined;
        if (dir === undefined) continue;
        if (enabled === undefined) fail(k.key, 'a kustomization entry needs enabled: true or false');
        else config.kustomizations.set(dir, { enabled: bool(enabled.value, 'enabled') ?? true });
      }
    } else fail(item.key, `unknown key render.${key} (expected enabled, charts, kustomizations)`);
  }
  return { config, errors };
}

type Folder = (node: unknown, value: string, base: string) => string | undefined;
type Fail = (node: unknown, message: string) => void;

function strings(node: unknown, what: string, fail: Fail): Array<{ value: string; node: unknown }> {
  if (!isSeq(node)) {
    fail(node, `${what} must be a list`);
    return [];
  }
  const out: Array<{ value: string; node: unknown }> = [];
  for (const item of node.items) {
    if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number'))
      out.push({ value: String(item.value), node: item });
    else fail(item, `${what} entries must be strings`);
  }
  return out;
}

function readCharts(
  charts: YAMLMap,
  config: RenderConfig,
  folder: Folder,
  bool: (n: unknown, w: string) => boolean | undefined,
  fail: Fail,
): void {
  for (const c of charts.items) {
    const chartPath = isScalar(c.key) ? String(c.key.value) : '';
    const base = folder(c.key, chartPath, '');
    if (base === undefined) continue;
    const chart: ChartConfig = { enabled: true, variants: [] };
    config.charts.set(base, chart);
    if (!isMap(c.value)) {
      fail(c.key, `${chartPath}: expected enabled and/or variants`);
      continue;
    }
    for (const field of c.value.items) {
      const key = isScalar(field.key) ? String(field.key.value) : '';
      if (key === 'enabled') chart.enabled = bool(field.value, 'enabled') ?? true;
      else if (key === 'variants' && isMap(field.value)) {
        for (const v of field.value.items) {
          const name = isScalar(v.key) ? String(v.key.value) : '';
          if (!validVariantName(name)) fail(v.key, `variant name "${name}" must be letters, digits, '-', '_' or '.' (at most 63)`);
          else if (chart.variants.some((x) => x.name === name)) fail(v.key, `variant "${name}" is defined twice`);
          else chart.variants.push(readVariant(name, v.value, base, folder, fail));
        }
      } else fail(field.key, `unknown key ${key} for chart ${chartPath} (expected enabled, variants)`);
    }
  }
}

function readVariant(name: string, node: unknown, chartDir: string, folder: Folder, fail: Fail): HelmVariant {
  const variant: HelmVariant = { name, valuesFiles: [], set: [], apiVersions: [] };
  if (node === null || (isScalar(node) && node.value === null)) return variant;
  if (!isMap(node)) {
    fail(node, `variant ${name} must be a mapping`);
    return variant;
  }
  const checked = (n: unknown, value: string, ok: boolean, what: string): string | undefined =>
    ok ? value : (fail(n, `${what}: "${value}" is not valid`), undefined);
  for (const field of node.items) {
    const key = isScalar(field.key) ? String(field.key.value) : '';
    const scalar = isScalar(field.value) ? String(field.value.value) : undefined;
    switch (key) {
      case 'valuesFiles':
        for (const f of strings(field.value, 'valuesFiles', fail)) {
          const abs = folder(f.node, f.value, chartDir);
          if (abs !== undefined) variant.valuesFiles.push(abs);
        }
        break;
      case 'set':
        for (const s of strings(field.value, 'set', fail))
          if (checked(s.node, s.value, validSetEntry(s.value), 'set (key=value)') !== undefined) variant.set.push(s.value);
        break;
      case 'apiVersions':
        for (const a of strings(field.value, 'apiVersions', fail))
          if (checked(a.node, a.value, validApiVersion(a.value), 'apiVersions') !== undefined) variant.apiVersions.push(a.value);
        break;
      case 'releaseName':
        variant.releaseName = checked(field.value, scalar ?? '', validReleaseName(scalar ?? ''), 'releaseName');
        break;
      case 'namespace':
        variant.namespace = checked(field.value, scalar ?? '', validNamespace(scalar ?? ''), 'namespace');
        break;
      case 'kubeVersion':
        variant.kubeVersion = checked(field.value, scalar ?? '', validKubeVersion(scalar ?? ''), 'kubeVersion');
        break;
      default:
        fail(
          field.key,
          `unknown key ${key} in variant ${name} (expected valuesFiles, set, releaseName, namespace, kubeVersion, apiVersions)`,
        );
    }
  }
  return variant;
}
