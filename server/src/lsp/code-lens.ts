// textDocument/codeLens: `priority 100 (globalDefault) · BestEffort · preemptible by 3` above each workload; clicking
// runs the client command kubePriorityLens.revealWorkloads with the preemptors' locations.
import type { CancellationToken, CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import type { AnalyzedWorkload } from '../core/index';
import { entry } from '../core/index';
import type { RevealWorkloadsArgs, SourceLocation } from '../protocol/index';
import type { Session } from './session';
import { lineIndex, toSourceLocation } from './to-lsp';

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

export async function codeLens(session: Session, params: CodeLensParams, token: CancellationToken): Promise<CodeLens[]> {
  await session.ensureFresh(params.textDocument.uri);
  const parsed = session.parsed(params.textDocument.uri);
  if (parsed === undefined) return [];
  const model = session.model();
  const index = lineIndex(parsed);
  const lenses: CodeLens[] = [];
  for (const w of model.workloadsInFile(parsed.file)) {
    if (token.isCancellationRequested) return [];
    if (w.object.origin !== 'workspace') continue;
    const at = entry(w.object.node, 'kind')?.keySpan ?? w.object.nameSpan;
    const line = index.position(at.start).line;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    let title: string;
    const locations: Array<SourceLocation & { label?: string }> = [];
    if (!w.priority.admission.allowed) {
      title = `rejected at admission: ${w.priority.from === 'none' ? `no PriorityClass "${noIcons(w.priority.priorityClassName ?? '')}"` : 'priority fields conflict with the class'} · ${w.qosClass}`;
    } else {
      const count = model.preemptorCount(w);
      title = `priority ${w.priority.priority} (${noIcons(fromLabel(w))}) · ${w.qosClass} · preemptible by ${count}`;
      if (count > 0) {
        for (const p of model.preemptorsOf(w, maxRevealed * 2)) {
          if (locations.length >= maxRevealed) break;
          const file = model.files.get(p.object.file);
          if (p.object.origin !== 'workspace' || file === undefined) continue;
          locations.push({
            ...toSourceLocation(session.clientUri(p.object.file), lineIndex(file), p.object.nameSpan),
            label: noIcons(`${p.object.kind} ${p.object.namespace ?? ''}/${p.object.name} (${p.priority.priority})`),
          });
        }
      }
    }
    const args: RevealWorkloadsArgs = [locations, `Workloads that can preempt ${noIcons(w.object.name)}`];
    lenses.push({ range, command: { title, command: revealCommand, arguments: args } });
  }
  return lenses;
}
