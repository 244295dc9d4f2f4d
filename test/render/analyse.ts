// Test helper of the render suites: render with the real tools, analyse the rendered text with the engine as phase 2
// will (one pseudo-file per render), and map every finding back with the SourceMapper.
import * as fs from 'node:fs';
import { AnalysisHost, newestKubernetesMinor, parseFile } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';
import { RenderCache, Renderer, SourceMapper, toRenderedInput } from '../../server/src/render/index';
import type { MappedLocation, RenderRequest, RenderResult, RendererOptions } from '../../server/src/render/index';
import { realTools } from './tools';

export interface MappedFinding {
  finding: Finding;
  mapped: MappedLocation | undefined;
  /** The text of the mapped line, trimmed. */
  line: string;
  /** The text of the values file line, trimmed, when the value came from one. */
  valueLine: string | undefined;
}

export function lineOf(file: string, line: number): string {
  return (fs.readFileSync(file, 'utf8').split('\n')[line] ?? '').trim();
}

export function renderer(options: Partial<RendererOptions> = {}): Renderer {
  const tools = realTools();
  if (tools === undefined) throw new Error('rendering tools are missing: run scripts/render/build.sh');
  return new Renderer({
    helm: tools.helm,
    kustomize: tools.kustomize,
    trusted: true,
    kubeVersion: `v1.${newestKubernetesMinor}.0`,
    cache: new RenderCache(),
    ...options,
  });
}

/** analyseRender: the findings of a render, each mapped to its source line. */
export function analyseRender(result: RenderResult): MappedFinding[] {
  const input = toRenderedInput(result);
  const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
  host.addParsed(parseFile({ path: input.path, content: input.text }));
  const mapper = new SourceMapper(result, input);
  return [...host.analyze().findings.values()].flat().map((finding) => {
    const mapped = mapper.map(finding.span.start);
    return {
      finding,
      mapped,
      line: mapped === undefined ? '' : lineOf(mapped.location.file, mapped.location.line),
      valueLine: mapped?.value?.key === undefined ? undefined : lineOf(mapped.value.key.file, mapped.value.key.line),
    };
  });
}

export async function renderAndAnalyse(
  request: RenderRequest,
  r = renderer(),
): Promise<{ result: RenderResult; findings: MappedFinding[] }> {
  const result = await r.render(request);
  return { result, findings: analyseRender(result) };
}
