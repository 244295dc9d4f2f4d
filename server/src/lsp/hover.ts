// textDocument/hover: a workload's priority story on its kind/name, priorityClassName, resources or affinity keys;
// a PriorityClass's value, default status, users and neighbours anywhere on the class.
import type { Hover, HoverParams } from 'vscode-languageserver/node';
import type { Session } from './session';
import { isObjectHead, pathAt, workloadHoverKeys } from './lookup';
import { priorityClassMarkdown, workloadMarkdown } from './markdown';
import { lineIndex } from './to-lsp';
import { canonicalUri, uriToPath } from './uri';
import { readFileSync } from 'node:fs';

export async function hover(session: Session, params: HoverParams): Promise<Hover | null> {
  // While the first index runs: the object and the index's progress, at once (open-first.ts).
  const early = session.openFirst.hover(canonicalUri(params.textDocument.uri), params.position);
  if (early !== undefined) return early;
  await session.ensureFresh(params.textDocument.uri);
  const rendered = renderedHover(session, params);
  if (rendered !== undefined) return rendered;
  const parsed = session.parsed(params.textDocument.uri);
  if (parsed === undefined) return null;
  const index = lineIndex(parsed);
  const offset = index.offset(params.position);
  const object = session.objectAt(params.textDocument.uri, offset);
  if (object === undefined) return null;
  const steps = pathAt(object.node, offset);
  const last = steps[steps.length - 1];
  if (last === undefined) return null;
  const span = last.onKey && last.entry !== undefined ? last.entry.keySpan : last.node.span;
  const ctx = { model: session.model(), clientUri: (f: string) => session.clientUri(f) };
  if (object.kind === 'PriorityClass') {
    const c = ctx.model.classIndex.get(object.name) ?? ctx.model.priorityClasses.find((p) => p.object === object);
    if (c === undefined) return null;
    return { contents: { kind: 'markdown', value: priorityClassMarkdown(ctx, c, object) }, range: index.range(span) };
  }
  const w = session.workloadOf(object);
  if (w === undefined) return null;
  const relevant = isObjectHead(steps) || steps.some((s) => typeof s.key === 'string' && workloadHoverKeys.has(s.key));
  if (!relevant) return null;
  return { contents: { kind: 'markdown', value: workloadMarkdown(ctx, w) }, range: index.range(span) };
}

/** A template or patch line of a rendered chart or kustomization: the rendered workloads' facts per variant. */
function renderedHover(session: Session, params: HoverParams): Hover | undefined {
  const file = uriToPath(params.textDocument.uri);
  if (file === undefined || !session.rendered.isPartial(file)) return undefined;
  const doc = session.documents.get(params.textDocument.uri);
  let stale = false;
  if (doc !== undefined)
    try {
      stale = readFileSync(file, 'utf8') !== doc.getText();
    } catch {
      stale = true;
    }
  const value = session.rendered.hover(file, params.position.line, stale);
  return value === undefined ? undefined : { contents: { kind: 'markdown', value } };
}
