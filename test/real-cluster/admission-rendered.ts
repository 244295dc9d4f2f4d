// Rendered input for the real-apiserver judge (issue 17, section 2): every chart and kustomization root of
// ../shared/rendered rendered as `kpl check` renders it (the project's render layer with the real helm and kustomize;
// a chart with the values file SOURCES.md names in _values/, else its defaults), each written as one `rendered.yaml`
// into its own folder below `outDir`, so that admission.ts judges it like a corpus repository: its PriorityClasses,
// Namespaces and LimitRanges created, every workload and its Pod submitted with a dry run and compared with
// `kpl explain` of the same rendered objects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newestKubernetesMinor } from '../../server/src/core/index';
import { RenderCache, Renderer, toRenderedInput } from '../../server/src/render/index';
import { realTools, renderRequestsUnder } from '../render/tools';

export interface RenderedRepository {
  /** A folder holding `rendered.yaml`, named `rendered__<tool>__<root>` (the repository name in ADMISSION.md). */
  dir: string;
  tool: 'helm' | 'kustomize';
  root: string;
  documents: number;
}

/**
 * renderForAdmission renders every chart and kustomization root below `sharedRendered` into `outDir` (emptied
 * first). Returns the repositories, or why there are none (tools not built).
 */
export async function renderForAdmission(
  sharedRendered: string,
  outDir: string,
): Promise<{ repositories: RenderedRepository[]; notRendered: string[] } | { skipped: string }> {
  const tools = realTools();
  if (tools === undefined) return { skipped: 'helm and kustomize are not built (scripts/render/build.sh)' };
  if (!fs.existsSync(sharedRendered)) return { skipped: `no rendered corpus at ${sharedRendered}` };
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const renderer = new Renderer({
    helm: tools.helm,
    kustomize: tools.kustomize,
    trusted: true,
    kubeVersion: `v1.${newestKubernetesMinor}.0`,
    cache: new RenderCache(),
  });
  const requests = await renderRequestsUnder(sharedRendered, true);
  const repositories: RenderedRepository[] = [];
  const notRendered: string[] = [];
  for (const request of requests.sort((a, b) => a.display.localeCompare(b.display))) {
    const result = await renderer.render(request);
    if (result.documents.length === 0) {
      notRendered.push(
        `${request.tool} ${request.display}: ${result.problems.map((p) => p.message.slice(0, 200)).join('; ') || 'no documents'}`,
      );
      continue;
    }
    const name = `rendered__${request.tool}__${request.display.split(path.sep).join('__')}`.replace(/[^A-Za-z0-9_.-]/g, '_');
    const dir = path.join(outDir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rendered.yaml'), toRenderedInput(result).text);
    repositories.push({ dir, tool: request.tool, root: request.display, documents: result.documents.length });
  }
  return { repositories, notRendered };
}
