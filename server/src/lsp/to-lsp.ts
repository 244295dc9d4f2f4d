// The one converter from core results (offsets, findings, fixes, explanations) to LSP and protocol types.
import { DiagnosticSeverity, DiagnosticTag, SymbolKind } from 'vscode-languageserver/node';
import type { Diagnostic, Location, Range, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { LineIndex, rulesById } from '../core/index';
import type {
  Finding,
  FindingTag,
  Fix,
  ParsedFile,
  Severity,
  Span,
  TextEdit,
  WorkloadExplanation,
  PriorityClassExplanation,
  K8sObject,
  KueueExplanation,
} from '../core/index';
import type { PriorityClassView, SourceLocation, WorkloadKueueView, WorkloadMapItem, WorkloadView } from '../protocol/index';

export const diagnosticSource = 'kube-priority-lens';

const indexes = new WeakMap<object, LineIndex>();

/** lineIndex is cached per parsed file (a new parse gets a new index; unchanged files keep theirs across rebuilds). */
export function lineIndex(parsed: ParsedFile): LineIndex {
  let index = indexes.get(parsed);
  if (index === undefined) {
    index = new LineIndex(parsed.text);
    indexes.set(parsed, index);
  }
  return index;
}

export function toRange(index: LineIndex, span: Span): Range {
  return index.range(span);
}

export function toSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/** repositoryUrl normalises package.json's `repository.url` (`git+https://…/x.git` → `https://…/x`). */
export function repositoryUrl(raw: string | undefined): string {
  const url = (raw ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/$/, '');
  return url === '' ? 'https://github.com/kube-priority-lens/kube-priority-lens' : url;
}

export function ruleDocsUrl(repository: string, ruleId: string): string {
  return `${repository}/blob/main/docs/rules.md#${ruleId}`;
}

export function toDiagnostic(finding: Finding, index: LineIndex, repository: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: index.range(finding.span),
    severity: toSeverity(finding.severity),
    code: finding.ruleId,
    codeDescription: { href: ruleDocsUrl(repository, finding.ruleId) },
    source: diagnosticSource,
    message: finding.message,
  };
  const tags = rulesById.get(finding.ruleId)?.tags;
  if (tags !== undefined && tags.length > 0) diagnostic.tags = tags.map(toDiagnosticTag);
  return diagnostic;
}

export function toDiagnosticTag(tag: FindingTag): DiagnosticTag {
  switch (tag) {
    case 'unnecessary':
      return DiagnosticTag.Unnecessary;
    case 'deprecated':
      return DiagnosticTag.Deprecated;
  }
}

export function toTextEdit(edit: TextEdit, index: LineIndex): LspTextEdit {
  return { range: index.range(edit.span), newText: edit.newText };
}

/** toWorkspaceEdit groups a fix's edits per file; `version` gives open documents' versions for `documentChanges`. */
export function toWorkspaceEdit(
  edits: readonly TextEdit[],
  defaultFile: string,
  indexOf: (file: string) => LineIndex | undefined,
  options: { documentChanges: boolean; version: (file: string) => number | null },
): WorkspaceEdit | undefined {
  const byFile = new Map<string, LspTextEdit[]>();
  for (const edit of edits) {
    const file = edit.file ?? defaultFile;
    const index = indexOf(file);
    if (index === undefined) return undefined;
    const list = byFile.get(file) ?? [];
    list.push(toTextEdit(edit, index));
    byFile.set(file, list);
  }
  if (options.documentChanges) {
    return { documentChanges: [...byFile].map(([uri, list]) => ({ textDocument: { uri, version: options.version(uri) }, edits: list })) };
  }
  return { changes: Object.fromEntries(byFile) };
}

export function fixEdits(fix: Fix): TextEdit[] {
  return fix.edits;
}

export function toSourceLocation(uri: string, index: LineIndex, span: Span): SourceLocation {
  const p = index.position(span.start);
  return { uri, line: p.line, character: p.character };
}

export function toLocation(uri: string, index: LineIndex, span: Span): Location {
  return { uri, range: index.range(span) };
}

/** toWorkloadView converts an explanation; lists are capped by the caller, counts are exact. */
export function toWorkloadView(
  e: WorkloadExplanation,
  location: SourceLocation | undefined,
  counts: { preemptibleBy: number; canPreempt: number },
): WorkloadMapItem {
  const view: WorkloadView = {
    id: e.id,
    kind: e.kind,
    namespace: e.namespace,
    name: e.name,
    priority: e.priority,
    priorityFrom: e.priorityFrom,
    preemptionPolicy: e.preemptionPolicy,
    qosClass: e.qosClass,
    qosClassWithoutLimitRange: e.qosClassWithoutLimitRange,
    preemptibleBy: e.preemptibleBy,
    canPreempt: e.canPreempt,
    preemptionRank: e.preemptionRank,
    evictionTier: e.evictionTier,
    pdbs: e.pdbs,
    admission: e.admission,
  };
  if (location !== undefined) view.location = location;
  if (e.priorityClassName !== undefined) view.priorityClassName = e.priorityClassName;
  if (e.kueue !== undefined) view.kueue = toWorkloadKueueView(e.kueue);
  return { ...view, preemptibleByCount: counts.preemptibleBy, canPreemptCount: counts.canPreempt };
}

/** The Priority Map's Kueue side of a queued job (its second ladder). */
function toWorkloadKueueView(k: KueueExplanation): WorkloadKueueView {
  const view: WorkloadKueueView = {
    queueName: k.queueName,
    queued: k.queued,
    priorityText: k.priority.text,
    preemptorCount: k.preemptorCount,
    neverPreemptedByKueue: k.neverPreemptedByKueue,
  };
  if (k.localQueue !== undefined) view.localQueue = k.localQueue;
  if (k.clusterQueue !== undefined) view.clusterQueue = k.clusterQueue;
  if (k.path !== undefined) view.path = k.path;
  if (k.priority.value !== undefined) view.priority = k.priority.value;
  if (
    k.priority.className !== undefined &&
    (k.priority.origin === 'workloadPriorityClass' || k.priority.origin === 'defaultWorkloadPriorityClass')
  )
    view.workloadPriorityClass = k.priority.className;
  return view;
}

export function toPriorityClassView(c: PriorityClassExplanation, location: SourceLocation | undefined): PriorityClassView {
  const view: PriorityClassView = {
    name: c.name,
    value: c.value,
    globalDefault: c.globalDefault,
    preemptionPolicy: c.preemptionPolicy,
    source: c.source,
    usedBy: c.usedBy,
  };
  if (location !== undefined) view.location = location;
  return view;
}

export function toSymbolKind(object: K8sObject): SymbolKind {
  switch (object.kind) {
    case 'PriorityClass':
      return SymbolKind.Enum;
    case 'PodDisruptionBudget':
    case 'LimitRange':
    case 'ResourceQuota':
      return SymbolKind.Interface;
    case 'Namespace':
      return SymbolKind.Namespace;
    default:
      return SymbolKind.Class;
  }
}
