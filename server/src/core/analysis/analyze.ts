// Runs the rules over a model for a set of target files, then applies severities, suppressions and ordering.
import type { Finding, Report, Rule, RuleContext, Severity, SeveritySetting } from '../rules/rule';
import { rules } from '../rules/index';
import type { WorkspaceModel, AnalyzedWorkload } from '../facts/workspace-model';
import { flat } from '../text';
import type { K8sObject } from '../model/objects';

export interface RuleSettings {
  /** Per-rule severity; rules not listed use their default. */
  severities: Readonly<Record<string, SeveritySetting>>;
}

export const ignoreAnnotation = 'kube-priority-lens.io/ignore';

/** runRules computes the findings of the target files, sorted by file then position; `only` picks the rules run. */
export function runRules(
  model: WorkspaceModel,
  targets: ReadonlySet<string>,
  settings: RuleSettings,
  only?: (rule: Rule) => boolean,
): Finding[] {
  const findings: Finding[] = [];
  const targetWorkloads: AnalyzedWorkload[] = [];
  for (const file of targets)
    for (const w of model.workloadsInFile(file)) if (w.object.origin === 'workspace' && w.partial === undefined) targetWorkloads.push(w);
  for (const rule of rules) {
    if (only !== undefined && !only(rule)) continue;
    const setting = settings.severities[rule.id] ?? rule.defaultSeverity;
    if (setting === 'off') continue;
    const severity: Severity = setting;
    const ctx: RuleContext = {
      model,
      targets,
      workloads: targetWorkloads,
      text: (file) => model.files.get(file)?.text ?? '',
      report: (report: Report) => {
        if (!targets.has(report.file) || isSuppressed(model, rule.id, report)) return;
        const finding: Finding = { ruleId: rule.id, severity, message: flat(report.message), file: report.file, span: report.span };
        if (report.object !== undefined) finding.object = report.object.id;
        if (report.fix !== undefined) finding.fix = report.fix;
        findings.push(finding);
      },
    };
    try {
      rule.check(ctx);
    } catch (error) {
      // A broken rule must not take the other rules' findings with it; say so once, on the first target file.
      const file = [...targets][0];
      if (file !== undefined) {
        findings.push({
          ruleId: rule.id,
          severity: 'error',
          message: `internal error in rule ${rule.id}: ${error instanceof Error ? error.message : String(error)}`,
          file,
          span: { start: 0, end: 0 },
        });
      }
    }
  }
  return sortFindings(findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start || a.span.end - b.span.end || a.ruleId.localeCompare(b.ruleId),
  );
}

function isSuppressed(model: WorkspaceModel, ruleId: string, report: Report): boolean {
  if (report.object !== undefined && annotationSuppresses(report.object, ruleId)) return true;
  const parsed = model.files.get(report.file);
  if (parsed === undefined) return false;
  // The line before the finding's line, found by scanning back (no line index: it would be kept for every file with findings).
  const text = parsed.text;
  const start = Math.min(report.span.start, text.length);
  const lineStart = start <= 0 ? 0 : text.lastIndexOf('\n', start - 1) + 1;
  if (lineStart === 0) return false;
  const previousStart = lineStart >= 2 ? text.lastIndexOf('\n', lineStart - 2) + 1 : 0;
  const match = /#\s*kpl-ignore:\s*([\w\s,-]+)/.exec(text.slice(previousStart, lineStart - 1));
  return (
    match !== null &&
    (match[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .some((id) => id === ruleId || id === 'all')
  );
}

function annotationSuppresses(object: K8sObject, ruleId: string): boolean {
  const value = object.annotations[ignoreAnnotation];
  return (
    value !== undefined &&
    value
      .split(',')
      .map((s) => s.trim())
      .some((id) => id === ruleId || id === 'all')
  );
}
