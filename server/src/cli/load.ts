// Loads PATH arguments, `--cluster-state` files and `.kpl.yaml` into an AnalysisHost; the CLI's only file IO.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, newestKubernetesMinor, oldestKubernetesMinor, rulesById, unreadFile } from '../core/index';
import type { ParsedFile, SeveritySetting, RuleSettings, SourceInput } from '../core/index';
import { isWithin } from '../render/index';
import type { RenderResult } from '../render/index';
import { defaultMaxFileMiB, FileReader, isTooLarge, maxFileMiBLimit, tooLargeMessage } from '../workspace/read';
import { describeError, walkPaths, walkProblemFile } from '../workspace/walk';
import type { WalkProblem } from '../workspace/walk';
import { FileParsing } from '../io/read-files';
import { UsageError } from './args';
import { renderConfigOf, renderPaths } from './render';
import type { RenderOptions } from './render';
import type { ParsedArgs } from './args';

export interface LoadOptions {
  paths: readonly string[];
  clusterState: readonly string[];
  configFile: string | undefined;
  kubernetesVersion: string | undefined;
  /** `--follow-symlinks`: follow links that lead outside the PATH arguments too. Never from `.kpl.yaml` (the repository's). */
  followSymlinks?: boolean;
  /** `--max-file-size`: files larger than this many MiB are not read. Never from `.kpl.yaml`, which a repository could use to raise it. */
  maxFileMiB?: number;
  /** Rendering of charts and kustomizations (check, explain); undefined = never render (simulate, evict). */
  render?: RenderOptions;
  /** Parse worker threads (tests); default: every core for large trees (server/src/io/read-files.ts). */
  parseThreads?: number;
}

/** The flags every command that reads PATH arguments takes (check, explain). */
export const pathFlags = { values: { 'max-file-size': {} }, booleans: ['follow-symlinks'] } as const;

/** readPathFlags reads `--follow-symlinks` and `--max-file-size MiB` (a number from 1 to 4096). */
export function readPathFlags(args: ParsedArgs): { followSymlinks: boolean; maxFileMiB: number } {
  const raw = args.values.get('max-file-size')?.[0];
  const maxFileMiB = raw === undefined ? defaultMaxFileMiB : Number(raw);
  if (!(Number.isFinite(maxFileMiB) && maxFileMiB >= 1 && maxFileMiB <= maxFileMiBLimit))
    throw new UsageError(`--max-file-size must be a number of MiB from 1 to ${maxFileMiBLimit} (got "${raw ?? ''}")`);
  return { followSymlinks: args.booleans.has('follow-symlinks'), maxFileMiB };
}

export interface Loaded {
  host: AnalysisHost;
  /** Problems with PATH arguments (exit code 2) and inside directories (findings). */
  problems: WalkProblem[];
  /** Why files inside the PATH arguments were not read (links out, loops, over the size bound), for commands without findings. */
  skipped: string[];
  configFile: string | undefined;
  kubernetesMinor: number;
  settings: RuleSettings;
  objectCount: number;
  fileCount: number;
  /** The plain files added to the host, by path (the render views swap some of them out). */
  plain: Map<string, ParsedFile>;
  /** Charts and kustomizations rendered (empty with --no-render or when there are none). */
  renders: RenderResult[];
}

const severities: readonly string[] = ['off', 'hint', 'info', 'warning', 'error'];
const maxConfigBytes = 1024 * 1024;

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
  const config =
    configFile === undefined ? { severities: {}, kubernetesVersion: undefined, text: undefined } : await readConfig(configFile);
  const kubernetesMinor = parseKubernetesVersion(options.kubernetesVersion ?? config.kubernetesVersion);
  const settings: RuleSettings = { severities: config.severities };
  const host = new AnalysisHost({ kubernetesMinor }, settings);
  const followSymlinks = options.followSymlinks === true;
  const maxBytes = (options.maxFileMiB ?? defaultMaxFileMiB) * 1024 * 1024;
  // Large trees are read and parsed on worker threads (server/src/io), started while the walk still runs.
  const parsing = new FileParsing({ maxBytes, threads: options.parseThreads });
  try {
    return await loadWith(options, { host, configFile, config, kubernetesMinor, settings, followSymlinks, maxBytes, parsing });
  } finally {
    parsing.close();
  }
}

async function loadWith(
  options: LoadOptions,
  c: {
    host: AnalysisHost;
    configFile: string | undefined;
    config: { text: string | undefined };
    kubernetesMinor: number;
    settings: RuleSettings;
    followSymlinks: boolean;
    maxBytes: number;
    parsing: FileParsing;
  },
): Promise<Loaded> {
  const { host, configFile, config, kubernetesMinor, settings, followSymlinks, maxBytes, parsing } = c;
  const walked = await walkPaths(options.paths, { followSymlinks, exclude: parsing.countEntry, blocking: true });
  let renders: RenderResult[] = [];
  if (options.render?.enabled === true) {
    const rendered = await renderPaths(options.paths, options.render, renderConfigOf(configFile, config.text), kubernetesMinor);
    renders = rendered.results;
    // A chart's files are templates and values: what they mean is its rendered output, not the files as YAML.
    // A kustomize patch is a partial object: it means something only as kustomize applies it.
    walked.files = walked.files.filter((f) => {
      const absolute = path.resolve(f.absolute);
      return !rendered.patchFiles.has(absolute) && !rendered.chartDirs.some((dir) => isWithin(absolute, dir));
    });
  }
  const plain = new Map<string, ParsedFile>();
  const problems = [...walked.problems];
  const reader = new FileReader(maxBytes);
  const advice = 'raise the limit with --max-file-size MiB';
  const skipped: string[] = [];
  let objectCount = 0;
  // In walk order, whichever thread read and parsed the file.
  const outcomes = await parsing.run(walked.files);
  walked.files.forEach((f, i) => {
    const outcome = outcomes[i];
    if (outcome === undefined) return;
    if (outcome.kind === 'unreadable') {
      problems.push({
        path: f.path,
        kind: 'unreadable',
        message: `${f.path}: ${outcome.reason}`,
        argument: options.paths.includes(f.path),
      });
    } else if (outcome.kind === 'too-large') {
      const message = tooLargeMessage(f.path, outcome.size, maxBytes, advice);
      skipped.push(message);
      host.addParsed(unreadFile(f.path, 'file-too-large', message));
    } else if (outcome.kind === 'failed') {
      // A file its parser died or hung on (a worker's heap or time limit): reported, the other files are analysed.
      skipped.push(`${f.path} was not analysed: ${outcome.reason}`);
      host.addParsed(unreadFile(f.path, 'too-large', `the file was not analysed: ${outcome.reason}`));
    } else {
      objectCount += outcome.parsed.objects.length;
      plain.set(outcome.parsed.file, outcome.parsed);
      host.addParsed(outcome.parsed);
    }
  });
  // Symlink loops, links out of the PATH arguments and unreadable entries inside directories become findings on a
  // pseudo-file named by the path.
  for (const p of problems) {
    if (p.argument) continue;
    skipped.push(p.message);
    host.addParsed(walkProblemFile(p));
  }
  if (options.clusterState.length > 0) {
    const cluster = await walkPaths(options.clusterState, { followSymlinks, blocking: true });
    for (const p of cluster.problems) problems.push({ ...p, argument: true });
    const inputs: SourceInput[] = [];
    for (const f of cluster.files) {
      let content;
      try {
        content = reader.read(f.absolute);
      } catch (error) {
        problems.push({ path: f.path, kind: 'unreadable', message: `${f.path}: ${describeError(error)}`, argument: true });
        continue;
      }
      // Cluster state is parsed later, all files together: each needs its own copy of the reader's buffer.
      if (isTooLarge(content))
        problems.push({
          path: f.path,
          kind: 'unreadable',
          message: tooLargeMessage(f.path, content.size, reader.maxBytes, advice),
          argument: true,
        });
      else inputs.push({ path: f.path, content: new Uint8Array(content) });
    }
    host.setClusterState(inputs);
  }
  return { host, problems, skipped, configFile, kubernetesMinor, settings, objectCount, fileCount: walked.files.length, plain, renders };
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
async function readConfig(
  file: string,
): Promise<{ severities: Record<string, SeveritySetting>; kubernetesVersion: string | undefined; text: string }> {
  // The repository's own file: a regular file of at most 1 MiB (a link to /dev/zero or a FIFO must not hang CI).
  let text: string;
  try {
    const bytes = new FileReader(maxConfigBytes).read(file);
    if (isTooLarge(bytes)) throw new UsageError(`config ${file} is larger than 1 MiB`);
    text = Buffer.from(bytes).toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
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
        if (!severities.includes(setting))
          throw new UsageError(`${file}: rule ${id} must be one of ${severities.join(', ')} (got "${setting}")`);
        result[id] = setting as SeveritySetting;
      }
    }
    const version = (root as Record<string, unknown>)['kubernetesVersion'];
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any YAML value; a non-version is reported by the version check
    return { severities: result, kubernetesVersion: version === undefined ? undefined : String(version), text };
  }
  return { severities: result, kubernetesVersion: undefined, text };
}
