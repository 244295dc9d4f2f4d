// Test helpers: run the engine through its public API on in-memory files, and find the repository root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, LineIndex, newestKubernetesMinor } from '../../server/src/core/index';
import type { Finding, SeveritySetting, WorkspaceModel, Range } from '../../server/src/core/index';

/** repoRoot finds the checkout from the bundled test's location (out/test/...) or the working directory. */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (;;) {
      if (fs.existsSync(path.join(dir, 'esbuild.mjs')) && fs.existsSync(path.join(dir, 'server', 'src', 'core'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error('cannot find the repository root (a folder with esbuild.mjs and server/src/core)');
}

export interface InputFile {
  path: string;
  content: string | Uint8Array;
}

export interface AnalyzeOptions {
  cluster?: readonly InputFile[];
  kubernetesMinor?: number;
  severities?: Record<string, SeveritySetting>;
}

export interface Analyzed {
  host: AnalysisHost;
  model: WorkspaceModel;
  findings: Finding[];
}

/** analyze builds a fresh AnalysisHost over `files` (workspace) and `cluster` (origin 'cluster') and returns every finding. */
export function analyze(files: readonly InputFile[] | string, options: AnalyzeOptions = {}): Analyzed {
  const list: readonly InputFile[] = typeof files === 'string' ? [{ path: 'test.yaml', content: files }] : files;
  const host = new AnalysisHost(
    { kubernetesMinor: options.kubernetesMinor ?? newestKubernetesMinor },
    { severities: options.severities ?? {} },
  );
  for (const f of list) host.setFile({ path: f.path, content: f.content });
  if (options.cluster !== undefined) host.setClusterState(options.cluster.map((c) => ({ path: c.path, content: c.content })));
  const result = host.analyze();
  return { host, model: result.model, findings: [...result.findings.values()].flat() };
}

/** findingsOf keeps the findings of one rule. */
export function findingsOf(findings: readonly Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** workload finds an analysed workload by `Kind/namespace/name` id (or by name alone). */
export function workload(model: WorkspaceModel, idOrName: string) {
  const w = model.workloads.find((x) => x.object.id === idOrName || x.object.name === idOrName);
  if (w === undefined) throw new Error(`no workload ${idOrName}; have ${model.workloads.map((x) => x.object.id).join(', ')}`);
  return w;
}

export function rangeOf(text: string, finding: Finding): Range {
  return new LineIndex(text).range(finding.span);
}

/** yaml joins lines, so test manifests can be written as arrays without indentation accidents. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
