// Loads PATH arguments, `--cluster-state` files and `.kpl.yaml` into an AnalysisHost; the CLI's only file IO.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, newestKubernetesMinor, oldestKubernetesMinor, parseFile, rulesById } from '../core/index';
import type { ParsedFile, SeveritySetting, RuleSettings } from '../core/index';
import { describeError, walkPaths } from '../workspace/walk';
import type { WalkProblem } from '../workspace/walk';
import { UsageError } from './args';

export interface LoadOptions {
  paths: readonly string[];
  clusterState: readonly string[];
  configFile: string | undefined;
  kubernetesVersion: string | undefined;
}

export interface Loaded {
  host: AnalysisHost;
  /** Problems with PATH arguments (exit code 2) and inside directories (findings). */
  problems: WalkProblem[];
  configFile: string | undefined;
  kubernetesMinor: number;
  settings: RuleSettings;
  objectCount: number;
  fileCount: number;
}

const severities: readonly string[] = ['off', 'hint', 'info', 'warning', 'error'];

export function parseKubernetesVersion(version: string | undefined): number {
  if (version === undefined) return newestKubernetesMinor;
  const match = /^v?1\.(\d+)(?:\.\d+)?$/.exec(version);
  const minor = match === null ? NaN : Number(match[1]);
  if (!(minor >= oldestKubernetesMinor && minor <= newestKubernetesMinor)) {
    throw new UsageError(`--kubernetes-version must be 1.${oldestKubernetesMinor} to 1.${newestKubernetesMinor} (got "${version}")`);
  }
  return minor;
}

export async function load(options: LoadOptions): Promise<Loaded> {
  if (options.paths.length === 0) throw new UsageError('no PATH given');
  const configFile = options.configFile ?? (await findConfig(options.paths));
  const config = configFile === undefined ? { severities: {}, kubernetesVersion: undefined } : await readConfig(configFile);
  const kubernetesMinor = parseKubernetesVersion(options.kubernetesVersion ?? config.kubernetesVersion);
  const settings: RuleSettings = { severities: config.severities };
  const host = new AnalysisHost({ kubernetesMinor }, settings);
  const walked = await walkPaths(options.paths);
  const problems = [...walked.problems];
  const contents = await Promise.all(
    walked.files.map(async (f) => {
      try {
        return { path: f.path, content: new Uint8Array(await fs.readFile(f.absolute)) };
      } catch (error) {
        problems.push({ path: f.path, kind: 'unreadable', message: `${f.path}: ${describeError(error)}`, argument: options.paths.includes(f.path) });
        return undefined;
      }
    }),
  );
  let objectCount = 0;
  for (const c of contents) {
    if (c === undefined) continue;
    const parsed = parseFile(c);
    objectCount += parsed.objects.length;
    host.addParsed(parsed);
  }
  // Symlink loops and unreadable entries inside directories become findings on a pseudo-file named by the path.
  for (const p of problems) {
    if (p.argument) continue;
    const parsed: ParsedFile = { file: p.path, text: '', objects: [], problems: [{ kind: p.kind === 'symlink-loop' ? 'symlink-loop' : 'not-text', message: p.message, span: { start: 0, end: 0 } }], documents: 0, parsedDocuments: 0 };
    host.addParsed(parsed);
  }
  if (options.clusterState.length > 0) {
    const cluster = await walkPaths(options.clusterState);
    for (const p of cluster.problems) problems.push({ ...p, argument: true });
    const inputs = await Promise.all(cluster.files.map(async (f) => ({ path: f.path, content: new Uint8Array(await fs.readFile(f.absolute)) })));
    host.setClusterState(inputs);
  }
  return { host, problems, configFile, kubernetesMinor, settings, objectCount, fileCount: walked.files.length };
}

async function findConfig(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    let dir = path.resolve(p);
    try {
      if (!(await fs.stat(dir)).isDirectory()) dir = path.dirname(dir);
    } catch {
      continue;
    }
    for (;;) {
      for (const name of ['.kpl.yaml', '.kpl.yml']) {
        const candidate = path.join(dir, name);
        try {
          await fs.access(candidate);
          return candidate;
        } catch {
          // keep looking upward
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** readConfig reads `.kpl.yaml`: `rules: {<id>: off|hint|info|warning|error}` and `kubernetesVersion: "1.N"`. */
async function readConfig(file: string): Promise<{ severities: Record<string, SeveritySetting>; kubernetesVersion: string | undefined }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${describeError(error)}`);
  }
  const { parseDocument } = await import('yaml');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new UsageError(`${file}: ${doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
  const root = doc.toJS() as unknown;
  const result: Record<string, SeveritySetting> = {};
  if (root !== null && typeof root === 'object') {
    const rulesValue = (root as Record<string, unknown>)['rules'];
    if (rulesValue !== undefined && rulesValue !== null) {
      if (typeof rulesValue !== 'object') throw new UsageError(`${file}: rules must be a map of rule id to severity`);
      for (const [id, value] of Object.entries(rulesValue as Record<string, unknown>)) {
        if (!rulesById.has(id)) throw new UsageError(`${file}: unknown rule "${id}"`);
        const setting = value === false ? 'off' : String(value);
        if (!severities.includes(setting)) throw new UsageError(`${file}: rule ${id} must be one of ${severities.join(', ')} (got "${setting}")`);
        result[id] = setting as SeveritySetting;
      }
    }
    const version = (root as Record<string, unknown>)['kubernetesVersion'];
    return { severities: result, kubernetesVersion: version === undefined ? undefined : String(version) };
  }
  return { severities: result, kubernetesVersion: undefined };
}
