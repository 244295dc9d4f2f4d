// textDocument/codeLens: `priority 100 (globalDefault) · BestEffort · preemptible by 3` above each workload; clicking
// runs the client command kubePriorityLens.revealWorkloads with the preemptors' locations.
import type { CancellationToken, CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import type { AnalyzedWorkload, WorkspaceModel } from '../core/index';
import { entry, kueueSummary } from '../core/index';
import type { RevealWorkloadsArgs, SourceLocation } from '../protocol/index';
import type { Session } from './session';
import { isRenderedKey } from './rendered';
import { lineIndex, toSourceLocation } from './to-lsp';
import { uriToPath } from './uri';

export const revealCommand = 'kubePriorityLens.revealWorkloads';
/** Locations passed per lens; the count in the title stays exact. */
export const maxRevealed = 200;

/** Code lens titles and quick-pick labels are plain text, but VS Code draws `$(name)` in them as an icon: keep a manifest's text literal. */
export function noIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

export function fromLabel(w: AnalyzedWorkload): string {
  const p = w.priority;
  switch (p.from) {
    case 'explicit':
      return p.priorityClassName ?? 'class';
    case 'globalDefault':
      return 'globalDefault';
    case 'builtin':
      return `${p.priorityClassName ?? ''}, built-in`;
    case 'cluster':
      return `${p.priorityClassName ?? ''}, cluster`;
    case 'spec':
      return 'spec';
    case 'none':
      return 'none';
  }
}

/** lensTitle: what the lens above a workload says (plain manifests and rendered templates alike). */
export function lensTitle(model: WorkspaceModel, w: AnalyzedWorkload): string {
  if (!w.priority.admission.allowed)
    return `rejected at admission: ${w.priority.from === 'none' ? `no PriorityClass "${noIcons(w.priority.priorityClassName ?? '')}"` : 'priority fields conflict with the class'} · ${w.qosClass}`;
  return `priority ${w.priority.priority} (${noIcons(fromLabel(w))}) · ${w.qosClass} · preemptible by ${model.preemptorCount(w)}`;
}

export async function codeLens(session: Session, params: CodeLensParams, token: CancellationToken): Promise<CodeLens[]> {
  await session.ensureFresh(params.textDocument.uri);
  const parsed = session.parsed(params.textDocument.uri);
  if (parsed === undefined) return renderedLenses(session, params.textDocument.uri);
  const model = session.model();
  const index = lineIndex(parsed);
  const lenses: CodeLens[] = [];
  for (const w of model.workloadsInFile(parsed.file)) {
    if (token.isCancellationRequested) return [];
    if (w.object.origin !== 'workspace') continue;
    const at = entry(w.object.node, 'kind')?.keySpan ?? w.object.nameSpan;
    const line = index.position(at.start).line;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const title = lensTitle(model, w);
    const locations: Array<SourceLocation & { label?: string }> = [];
    if (w.priority.admission.allowed) {
      const count = model.preemptorCount(w);
      if (count > 0) {
        for (const p of model.preemptorsOf(w, maxRevealed * 2)) {
          if (locations.length >= maxRevealed) break;
          const file = model.files.get(p.object.file);
          if (p.object.origin !== 'workspace' || file === undefined || isRenderedKey(p.object.file)) continue;
          locations.push({
            ...toSourceLocation(session.clientUri(p.object.file), lineIndex(file), p.object.nameSpan),
            label: noIcons(`${p.object.kind} ${p.object.namespace ?? ''}/${p.object.name} (${p.priority.priority})`),
          });
        }
      }
    }
    const args: RevealWorkloadsArgs = [locations, `Workloads that can preempt ${noIcons(w.object.name)}`];
    lenses.push({ range, command: { title, command: revealCommand, arguments: args } });
    // A queued job: a second lens with its Kueue priority beside the pods' and its queue path; it reveals Kueue's preemptors.
    const kueue = kueueSummary(model, w, maxRevealed);
    if (kueue !== undefined) {
      const kueueLocations: Array<SourceLocation & { label?: string }> = [];
      for (const p of kueue.preemptors) {
        const file = model.files.get(p.object.file);
        if (p.object.origin !== 'workspace' || file === undefined || isRenderedKey(p.object.file)) continue;
        kueueLocations.push({
          ...toSourceLocation(session.clientUri(p.object.file), lineIndex(file), p.object.nameSpan),
          label: noIcons(`${p.object.kind} ${p.object.namespace ?? ''}/${p.object.name}`),
        });
      }
      const kueueArgs: RevealWorkloadsArgs = [kueueLocations, `Jobs Kueue can preempt ${noIcons(w.object.name)} for`];
      const kueueTitle = noIcons(`${kueue.text}${kueue.preemption === '' ? '' : ` · ${kueue.preemption}`}`);
      lenses.push({ range, command: { title: kueueTitle, command: revealCommand, arguments: kueueArgs } });
    }
  }
  return lenses;
}

/**
 * renderedLenses: above each workload of a chart template or kustomize patch, its lens per variant as rendered (the
 * last saved render): one lens naming every variant when they agree, else one per variant. Clicking reveals the
 * preemptors that are in plain files or map back to a template or patch line.
 */
function renderedLenses(session: Session, uri: string): CodeLens[] {
  const file = uriToPath(uri);
  if (file === undefined || !session.rendered.isPartial(file)) return [];
  const byLine = new Map<
    number,
    Array<{ label: string; title: string; locations: Array<SourceLocation & { label?: string }>; name: string }>
  >();
  for (const r of session.rendered.workloadsIn(file)) {
    const locations: Array<SourceLocation & { label?: string }> = [];
    if (r.workload.priority.admission.allowed)
      for (const p of r.model.preemptorsOf(r.workload, maxRevealed * 2)) {
        if (locations.length >= maxRevealed) break;
        const at = r.locate(p.object.file, p.object.nameSpan.start);
        if (at === undefined) continue;
        locations.push({
          uri: session.clientUri(at.file),
          line: at.range.start.line,
          character: at.range.start.character,
          label: noIcons(`${p.object.kind} ${p.object.namespace ?? ''}/${p.object.name} (${p.priority.priority})`),
        });
      }
    const list = byLine.get(r.line) ?? [];
    list.push({ label: r.label, title: lensTitle(r.model, r.workload), locations, name: r.workload.object.name });
    byLine.set(r.line, list);
  }
  const lenses: CodeLens[] = [];
  for (const [line, list] of [...byLine].sort((a, b) => a[0] - b[0])) {
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    // Variants that agree share one lens; otherwise each variant has its own.
    const groups = new Map<string, typeof list>();
    for (const l of list) groups.set(l.title, [...(groups.get(l.title) ?? []), l]);
    for (const [title, group] of groups) {
      const labels = [...new Set(group.map((g) => g.label))].join(', ');
      const first = group[0];
      const args: RevealWorkloadsArgs = [
        first?.locations ?? [],
        `Workloads that can preempt ${noIcons(first?.name ?? '')} (${noIcons(labels)})`,
      ];
      lenses.push({ range, command: { title: `${noIcons(labels)}: ${title}`, command: revealCommand, arguments: args } });
    }
  }
  return lenses;
}
