// Helm: reading a chart (Chart.yaml v1/v2, its dependencies and which are vendored in charts/), the argv of
// `helm template` for a variant, and where a render error points (Helm names the template and line).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { readText } from './files';
import type { HelmVariant } from './config';

export interface ChartDependency {
  name: string;
  alias: string | undefined;
  repository: string | undefined;
  /** Found in charts/ (a folder whose Chart.yaml has this name, or an archive of it). */
  vendored: boolean;
  /** The entry in Chart.yaml (or requirements.yaml). */
  file: string;
  start: number;
  end: number;
}

export interface Chart {
  dir: string;
  chartFile: string;
  name: string | undefined;
  apiVersion: string | undefined;
  /** `library` charts cannot be rendered on their own. */
  type: string | undefined;
  dependencies: ChartDependency[];
  /** Names of the charts vendored in charts/ (folders and archives). */
  vendored: string[];
  error?: string;
}

function str(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function get(map: YAMLMap, key: string): unknown {
  return map.items.find((p) => str(p.key) === key)?.value;
}

/** archiveChartName: the chart folder name inside a `.tgz` (its first entry's top folder), or undefined. */
export function archiveChartName(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    if (stat.size > 64 * 1024 * 1024) return undefined;
    const tar = gunzipSync(fs.readFileSync(file), { maxOutputLength: 64 * 1024 * 1024 });
    // ustar header: name is bytes 0..100, NUL-terminated; a `pax` header may come first (its own 512-byte block + data).
    let offset = 0;
    for (let i = 0; i < 4 && offset + 512 <= tar.length; i++) {
      const name =
        tar
          .subarray(offset, offset + 100)
          .toString('utf8')
          .split('\0')[0] ?? '';
      const type = String.fromCharCode(tar[offset + 156] ?? 0);
      if (type !== 'x' && type !== 'g' && name !== '') return name.split('/')[0];
      const size = parseInt(
        tar
          .subarray(offset + 124, offset + 136)
          .toString('utf8')
          .replace(/\0.*$/s, '')
          .trim() || '0',
        8,
      );
      offset += 512 + Math.ceil(size / 512) * 512;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** vendoredCharts: names of the subcharts in `<chart>/charts/` (folders with a Chart.yaml, `.tgz` archives). */
export function vendoredCharts(chartDir: string): string[] {
  const dir = path.join(chartDir, 'charts');
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const text = readText(path.join(full, 'Chart.yaml'), 1024 * 1024);
      if (text === undefined) continue;
      const doc = parseDocument(text, { prettyErrors: false }).contents;
      names.push((isMap(doc) ? str(get(doc, 'name')) : undefined) ?? e.name);
    } else if (e.isFile() && /\.tgz$/i.test(e.name)) {
      const name = archiveChartName(full);
      if (name !== undefined) names.push(name);
    }
  }
  return names;
}

function readDependencies(file: string, text: string, vendored: readonly string[]): ChartDependency[] {
  const doc = parseDocument(text, { prettyErrors: false }).contents;
  const list = isMap(doc) ? get(doc, 'dependencies') : undefined;
  if (!isSeq(list)) return [];
  const deps: ChartDependency[] = [];
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const name = str(get(item, 'name'));
    if (name === undefined) continue;
    const range = (item as YamlNode).range ?? [0, 0];
    deps.push({
      name,
      alias: str(get(item, 'alias')),
      repository: str(get(item, 'repository')),
      vendored: vendored.includes(name),
      file,
      start: range[0],
      end: range[1],
    });
  }
  return deps;
}

/** readChart reads `<dir>/Chart.yaml` (and a v1 chart's requirements.yaml); undefined when there is no Chart.yaml. */
export function readChart(dir: string): Chart | undefined {
  const chartFile = path.join(dir, 'Chart.yaml');
  const text = readText(chartFile, 1024 * 1024);
  if (text === undefined) return undefined;
  const chart: Chart = { dir, chartFile, name: undefined, apiVersion: undefined, type: undefined, dependencies: [], vendored: [] };
  const parsed = parseDocument(text, { prettyErrors: false });
  const doc = parsed.contents;
  if (parsed.errors.length > 0 || !isMap(doc)) {
    chart.error = parsed.errors[0]?.message.split('\n')[0] ?? 'Chart.yaml is not a YAML mapping';
    return chart;
  }
  chart.name = str(get(doc, 'name'));
  chart.apiVersion = str(get(doc, 'apiVersion'));
  chart.type = str(get(doc, 'type'));
  chart.vendored = vendoredCharts(dir);
  chart.dependencies = readDependencies(chartFile, text, chart.vendored);
  if (chart.apiVersion === 'v1') {
    const reqFile = path.join(dir, 'requirements.yaml');
    const req = readText(reqFile, 1024 * 1024);
    if (req !== undefined) chart.dependencies.push(...readDependencies(reqFile, req, chart.vendored));
  }
  return chart;
}

/** helmArgs: the whole argv of `helm template` for a variant. No flag reaches a cluster or the network. */
export function helmArgs(chartDir: string, variant: HelmVariant, kubeVersion: string): string[] {
  const args = ['template'];
  if (variant.releaseName !== undefined) args.push(variant.releaseName);
  args.push(chartDir);
  if (variant.namespace !== undefined) args.push(`--namespace=${variant.namespace}`);
  args.push(`--kube-version=${variant.kubeVersion ?? kubeVersion}`);
  for (const api of variant.apiVersions) args.push(`--api-versions=${api}`);
  for (const file of variant.valuesFiles) args.push(`--values=${file}`);
  for (const entry of variant.set) args.push(`--set=${entry}`);
  return args;
}

export interface HelmErrorLocation {
  /** The file Helm named (absolute), when it exists in the chart folder. */
  file: string | undefined;
  /** 0-based line and character, when Helm gave them. */
  line: number | undefined;
  character: number | undefined;
  message: string;
}

/** Where in the chart a path Helm prints (`<chart>/templates/x.yaml:12:3`) points, if it is a file of the chart. */
function chartFile(helmPath: string, chartDir: string): string | undefined {
  const slash = helmPath.indexOf('/');
  if (slash <= 0) return undefined;
  const rel = helmPath.slice(slash + 1).split('/');
  if (rel.includes('..')) return undefined;
  const file = path.join(chartDir, ...rel);
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** findTemplatePath: the first `<chart>/.../templates/<file>` in the text, with `:line[:col]` when present. */
function findTemplatePath(text: string): { path: string; line?: number; col?: number } | undefined {
  let at = text.indexOf('/templates/');
  while (at !== -1) {
    let start = at;
    while (start > 0 && !' \t\n("\'<'.includes(text[start - 1] ?? ' ')) start--;
    let end = at + '/templates/'.length;
    while (end < text.length && !' \t\n:)"\'>'.includes(text[end] ?? ' ')) end++;
    const p = text.slice(start, end);
    const nums: number[] = [];
    let k = end;
    while (text[k] === ':' && nums.length < 2) {
      let j = k + 1;
      while (text[j] !== undefined && (text[j] ?? '') >= '0' && (text[j] ?? '') <= '9') j++;
      if (j === k + 1) break;
      nums.push(Number(text.slice(k + 1, j)));
      k = j;
    }
    if (!p.startsWith('/')) return { path: p, line: nums[0], col: nums[1] };
    at = text.indexOf('/templates/', at + 1);
  }
  return undefined;
}

/** cleanHelmError: the error without `Error: `, the `--debug` advice and log lines, on one line. */
export function cleanHelmError(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('level=') && !l.includes('Use --debug flag'))
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ')
    .replace(/^Error: /, '')
    .slice(0, 2000);
}

/** parseHelmError: the file and line an error of `helm template` names (a template, else Chart.yaml-level). */
export function parseHelmError(stderr: string, chartDir: string): HelmErrorLocation {
  const message = cleanHelmError(stderr);
  const found = findTemplatePath(message);
  if (found !== undefined) {
    const file = chartFile(found.path, chartDir);
    if (file !== undefined)
      return {
        file,
        line: found.line === undefined ? undefined : Math.max(0, found.line - 1),
        character: found.col === undefined ? undefined : Math.max(0, found.col - 1),
        message,
      };
  }
  if (message.includes('values don') && fs.existsSync(path.join(chartDir, 'values.schema.json')))
    return { file: path.join(chartDir, 'values.schema.json'), line: undefined, character: undefined, message };
  return { file: undefined, line: undefined, character: undefined, message };
}
