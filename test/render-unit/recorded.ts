// Recorded real tool output (written and kept current by test/render/record.test.ts, which runs the real tools),
// turned into RenderResults the way the renderer does, for unit tests that run without the tools.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitHelmOutput } from '../../server/src/render/documents';
import { splitKustomizeOutput } from '../../server/src/render/kustomize';
import type { RenderResult } from '../../server/src/render/index';
import { repoRoot } from '../helpers/analyze';

export const root = repoRoot();
export const helmExample = path.join(root, 'examples', 'ci-preemption-helm');
export const kustomizeExample = path.join(root, 'examples', 'ci-preemption-kustomize');

export interface Recording {
  what: string;
  argv: string[];
  code: number | undefined;
  stdout: string;
  stderr: string;
}

export function recording(name: string): Recording {
  return JSON.parse(fs.readFileSync(path.join(root, 'test', 'render-unit', 'recorded', `${name}.json`), 'utf8')) as Recording;
}

function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function base(tool: 'helm' | 'kustomize', rootAbsolute: string, display: string, variant: string): RenderResult {
  return {
    source: { tool, root: display, variant },
    rootAbsolute,
    documents: [],
    problems: [],
    inputs: filesBelow(tool === 'helm' ? rootAbsolute : path.dirname(path.dirname(rootAbsolute))),
    valuesFiles: [],
    set: [],
    tool: undefined,
    toolMs: 0,
    cached: false,
    cancelled: false,
    warnings: [],
  };
}

/** The Helm example's render for a variant, from the recorded `helm template` output. */
export function helmResult(variant: 'default' | 'prod'): RenderResult {
  const rec = recording(`helm-example-${variant}`);
  const result = base('helm', helmExample, 'examples/ci-preemption-helm', variant);
  result.documents = splitHelmOutput(rec.stdout, helmExample);
  if (variant === 'prod') result.valuesFiles = [path.join(helmExample, 'values-prod.yaml')];
  return result;
}

/** The Kustomize example's overlay render, from the recorded build; origins resolved from a stand-in wrapper folder. */
export function kustomizeResult(): RenderResult {
  const rec = recording('kustomize-example-ci');
  const wrapper = path.join(os.tmpdir(), 'kpl-kustomize-recorded');
  const rel = path.relative(wrapper, kustomizeExample).split(path.sep).join('/');
  const result = base(
    'kustomize',
    path.join(kustomizeExample, 'overlays', 'ci'),
    'examples/ci-preemption-kustomize/overlays/ci',
    'default',
  );
  result.documents = splitKustomizeOutput(rec.stdout.replaceAll('<ROOT>', rel), wrapper);
  return result;
}
