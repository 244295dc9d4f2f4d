// Helm's output split into documents with their `# Source:` template, and a cheap read of a rendered document's kind
// and name (for matching with templates and patches; the engine parses the text itself).
import type { RenderedDocument } from './types';
import * as path from 'node:path';
import { stripComment } from './template-lines';

function unquote(v: string): string {
  const t = stripComment(v.trim()).trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t;
}

/** identityOf: top-level `kind` and `metadata.name` of a block-YAML document, read line by line. */
export function identityOf(text: string): { kind: string | undefined; name: string | undefined } {
  let kind: string | undefined;
  let name: string | undefined;
  let inMetadata = false;
  let childIndent = -1;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      inMetadata = line.startsWith('metadata:');
      childIndent = -1;
      if (line.startsWith('kind:')) kind = unquote(line.slice(5));
      continue;
    }
    if (!inMetadata || name !== undefined) continue;
    if (childIndent === -1) childIndent = indent;
    if (indent === childIndent && line.trimStart().startsWith('name:')) name = unquote(line.trimStart().slice(5));
  }
  return { kind: kind === '' ? undefined : kind, name: name === '' ? undefined : name };
}

const sourcePrefix = '# Source: ';

/**
 * splitHelmOutput: `helm template` prints each document as `---` + `# Source: <chart>/<path in chart>`. The source
 * path is resolved against the chart folder (`<chart>/charts/<sub>/templates/x.yaml` for a subchart's template).
 */
export function splitHelmOutput(stdout: string, chartDir: string): RenderedDocument[] {
  const docs: RenderedDocument[] = [];
  let lines: string[] = [];
  let source: string | undefined;
  const flush = () => {
    const text = lines.join('\n');
    if (text.trim() !== '') {
      const id = identityOf(text);
      docs.push({ text: text.endsWith('\n') ? text : `${text}\n`, sourceFile: source, kind: id.kind, name: id.name });
    }
    lines = [];
    source = undefined;
  };
  for (const line of stdout.split('\n')) {
    if (line === '---' || line.startsWith('--- ')) {
      flush();
      continue;
    }
    if (lines.length === 0 && source === undefined && line.startsWith(sourcePrefix)) {
      source = sourceFile(line.slice(sourcePrefix.length).trim(), chartDir);
      continue;
    }
    lines.push(line);
  }
  flush();
  return docs;
}

/** sourceFile: `<chart name>/templates/x.yaml` → the file in the chart folder (the first segment is the chart's name). */
export function sourceFile(helmPath: string, chartDir: string): string | undefined {
  const slash = helmPath.indexOf('/');
  if (slash <= 0) return undefined;
  const rel = helmPath.slice(slash + 1);
  if (rel.split('/').includes('..')) return undefined;
  return path.join(chartDir, ...rel.split('/'));
}
