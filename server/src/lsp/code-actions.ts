// textDocument/codeAction (+ codeAction/resolve): each finding's fix as a quick fix, plus "requests = limits" on a
// container with limits and "preemptionPolicy: Never" on a PriorityClass. `data` carries uri + version: an action
// resolved against a newer document version is returned without an edit (stale).
import { CodeActionKind } from 'vscode-languageserver/node';
import type { CodeAction, CodeActionParams, Diagnostic } from 'vscode-languageserver/node';
import { addPreemptionPolicyNever, requestsEqualLimits } from '../core/index';
import type { Span, TextEdit } from '../core/index';
import type { Session } from './session';
import { lineIndex, toWorkspaceEdit } from './to-lsp';
import { canonicalUri } from './uri';

export interface ActionData {
  uri: string;
  version: number | null;
  kind: 'finding' | 'guaranteed' | 'never';
  ruleId?: string;
  span?: Span;
  /** Start offset of the container (guaranteed) or the PriorityClass object (never). */
  at?: number;
}

function computeEdits(session: Session, data: ActionData): { title: string; edits: TextEdit[] } | undefined {
  const file = canonicalUri(data.uri);
  const parsed = session.parsed(file);
  if (parsed === undefined) return undefined;
  switch (data.kind) {
    case 'finding': {
      const finding = session
        .findingsOf(file)
        .find((f) => f.ruleId === data.ruleId && f.span.start === data.span?.start && f.span.end === data.span?.end && f.fix !== undefined);
      return finding?.fix === undefined ? undefined : { title: finding.fix.description, edits: finding.fix.edits };
    }
    case 'guaranteed': {
      const object = session.objectAt(file, data.at ?? -1);
      const w = object === undefined ? undefined : session.workloadOf(object);
      const container = w?.workload.containers.find((c) => c.span.start === data.at);
      return container === undefined ? undefined : requestsEqualLimits(parsed.text, container.node);
    }
    case 'never': {
      const object = parsed.objects.find((o) => o.span.start === data.at && o.kind === 'PriorityClass');
      const edits = object === undefined ? undefined : addPreemptionPolicyNever(parsed.text, object);
      return edits === undefined ? undefined : { title: `Add preemptionPolicy: Never to PriorityClass ${object?.name ?? ''}`, edits };
    }
  }
}

function toEdit(session: Session, file: string, edits: TextEdit[]): CodeAction['edit'] {
  return toWorkspaceEdit(edits, file, (f) => session.indexOf(f), {
    documentChanges: session.caps.documentChanges,
    version: (f) => session.versionOf(f),
  });
}

export async function codeActions(session: Session, params: CodeActionParams): Promise<CodeAction[]> {
  await session.ensureFresh(params.textDocument.uri);
  const file = canonicalUri(params.textDocument.uri);
  const only = params.context.only;
  if (only !== undefined && !only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k === CodeActionKind.QuickFix)) return [];
  const rendered = renderedFixes(session, file, params);
  const parsed = session.parsed(file);
  if (parsed === undefined) return rendered;
  const index = lineIndex(parsed);
  const start = index.offset(params.range.start);
  const end = index.offset(params.range.end);
  const version = session.versionOf(file);
  const candidates: Array<{ data: ActionData; diagnostics?: Diagnostic[]; preferred?: boolean }> = [];
  for (const f of session.findingsOf(file)) {
    if (f.fix === undefined || f.span.end < start || f.span.start > end) continue;
    const diagnostics = params.context.diagnostics.filter((d) => d.code === f.ruleId);
    candidates.push({
      data: { uri: params.textDocument.uri, version, kind: 'finding', ruleId: f.ruleId, span: f.span },
      diagnostics,
      preferred: true,
    });
  }
  const object = session.objectAt(file, start);
  if (object?.kind === 'PriorityClass')
    candidates.push({ data: { uri: params.textDocument.uri, version, kind: 'never', at: object.span.start } });
  const w = object === undefined ? undefined : session.workloadOf(object);
  const container = w?.workload.containers.find((c) => c.span.start <= start && start <= c.span.end);
  if (container !== undefined && Object.keys(container.limits.values).length > 0)
    candidates.push({ data: { uri: params.textDocument.uri, version, kind: 'guaranteed', at: container.span.start } });

  const actions: CodeAction[] = [];
  for (const c of candidates) {
    const computed = computeEdits(session, c.data);
    if (computed === undefined) continue;
    const action: CodeAction = { title: computed.title, kind: CodeActionKind.QuickFix, data: c.data };
    if (c.diagnostics !== undefined && c.diagnostics.length > 0) action.diagnostics = c.diagnostics;
    if (c.preferred === true) action.isPreferred = true;
    if (!session.caps.codeActionResolve) action.edit = toEdit(session, file, computed.edits);
    actions.push(action);
  }
  return [...rendered, ...actions];
}

/**
 * Fixes of findings from rendered input: their edits are already placed where the value is written (a values file,
 * a patch), computed from the saved files of the last render; the edit is complete, so nothing is left to resolve.
 */
function renderedFixes(session: Session, file: string, params: CodeActionParams): CodeAction[] {
  const { start, end } = params.range;
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) =>
    a.line < b.line || (a.line === b.line && a.character < b.character);
  const actions: CodeAction[] = [];
  for (const f of session.rendered.findingsOn(file)) {
    if (f.fix === undefined || f.source === undefined || before(f.range.end, start) || before(end, f.range.start)) continue;
    const byFile = new Map<string, Array<{ range: typeof f.range; newText: string }>>();
    for (const e of f.fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), { range: e.range, newText: e.newText }]);
    const edit: CodeAction['edit'] = session.caps.documentChanges
      ? {
          documentChanges: [...byFile].map(([uri, edits]) => ({
            textDocument: { uri: session.clientUri(uri), version: session.versionOf(uri) },
            edits,
          })),
        }
      : { changes: Object.fromEntries([...byFile].map(([uri, edits]) => [session.clientUri(uri), edits])) };
    const where = [...byFile.keys()].map((u) => u.slice(u.lastIndexOf('/') + 1)).join(', ');
    actions.push({
      title: `${f.fix.description} (in ${decodeURIComponent(where)})`,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: params.context.diagnostics.filter((d) => d.code === f.ruleId),
      edit,
    });
  }
  return actions;
}

export async function resolveCodeAction(session: Session, action: CodeAction): Promise<CodeAction> {
  const data = action.data as ActionData | undefined;
  if (data === undefined || typeof data.uri !== 'string') return action;
  await session.ensureFresh(data.uri);
  const file = canonicalUri(data.uri);
  const current = session.versionOf(file);
  if (current !== data.version) {
    session.log.info(
      `code action "${action.title}" ignored: computed for version ${data.version ?? 'disk'} of ${data.uri}, now ${current ?? 'disk'}`,
    );
    return { ...action, disabled: { reason: 'The document changed; request the fix again.' } };
  }
  const computed = computeEdits(session, data);
  if (computed === undefined) return action;
  return { ...action, edit: toEdit(session, file, computed.edits) };
}
