// Findings a document can show before the workspace index is complete (the open file first, issue 18): those of rules
// whose answer depends on the document's own objects only. Anything that reads another file, or that says something
// is absent (a class not found, a PDB selecting nothing), waits for the complete index: shown early, it could be false
// and vanish a few seconds later. The early findings of a file are a subset of its findings on the complete index
// (test/core/early.test.ts checks it on every file of the examples and of a generated workspace).
import { WorkspaceModel } from '../facts/workspace-model';
import type { AnalysisOptions } from '../facts/workspace-model';
import type { ParsedFile } from '../model/objects';
import type { Finding, Rule } from '../rules/rule';
import { runRules } from './analyze';
import type { RuleSettings } from './analyze';

/**
 * Rules of scope `file` that still read workspace facts: the QoS class (and so the containers' resources) a namespace's
 * LimitRange defaults change appears in their message or decides whether they report.
 */
const readsWorkspaceFacts = new Set(['pod-level-resources-empty', 'status-qos-class-contradicts-spec']);

/** earlyRule: the rule's findings on a file do not depend on any other file. */
export function earlyRule(rule: Rule): boolean {
  return rule.scope === 'file' && !readsWorkspaceFacts.has(rule.id);
}

/** EarlyAnalysis: a model of the given files alone (the open documents) and their early findings. */
export interface EarlyAnalysis {
  model: WorkspaceModel;
  findings: Map<string, Finding[]>;
}

/** earlyAnalysis analyses `files` on their own, with the early rules only. */
export function earlyAnalysis(files: readonly ParsedFile[], options: AnalysisOptions, settings: RuleSettings): EarlyAnalysis {
  const model = new WorkspaceModel(files, [], options);
  const targets = new Set(files.map((f) => f.file));
  const findings = new Map<string, Finding[]>();
  for (const file of targets) findings.set(file, []);
  for (const f of runRules(model, targets, settings, earlyRule)) findings.get(f.file)?.push(f);
  return { model, findings };
}
