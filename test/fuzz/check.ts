// The invariants every input must keep, checked through parseFile and the whole (incremental) analysis:
// no exception, no rule crash, every finding and fix range inside its file, bounded time.
import { AnalysisHost, parseFile, rulesById } from '../../server/src/core/index';
import type { Finding, ParsedFile, SourceInput } from '../../server/src/core/index';

/** Context files analysed next to every fuzzed input, so that cross-file rules (classes, PDBs, LimitRanges) run. */
export const contextFiles: readonly SourceInput[] = [
  {
    path: 'context/classes.yaml',
    content:
      'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 100000\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: low\nvalue: 10\nglobalDefault: true\npreemptionPolicy: Never\n',
  },
  {
    path: 'context/policy.yaml',
    content:
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: all\n  namespace: default\nspec:\n  maxUnavailable: 0\n  selector: {}\n---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\n  namespace: default\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 500m, memory: 1Gi}\n    defaultRequest: {cpu: 100m}\n',
  },
  {
    path: 'context/app.yaml',
    content:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      priorityClassName: high\n      containers:\n      - name: c\n        image: x\n        resources: {requests: {cpu: 100m, memory: 128Mi}}\n',
  },
];

export interface Violation {
  kind: 'exception' | 'rule-crash' | 'bad-range' | 'bad-fix' | 'too-slow';
  message: string;
}

export interface CheckResult {
  violations: Violation[];
  ms: number;
  findings: number;
  parsed: ParsedFile | undefined;
}

/** Harness keeps one AnalysisHost with the context files; each input replaces the file `input.path` in it. */
export class Harness {
  private host: AnalysisHost;
  private previous: string | undefined;

  constructor() {
    this.host = Harness.fresh();
  }

  private static fresh(): AnalysisHost {
    const host = new AnalysisHost({ kubernetesMinor: 34 }, { severities: {} });
    for (const f of contextFiles) host.setFile(f);
    host.analyze();
    return host;
  }

  /** check runs parseFile and the analysis on one input; `budgetMs` bounds the time of the whole check. */
  check(input: SourceInput, budgetMs: number, freshHost = false): CheckResult {
    const violations: Violation[] = [];
    const started = performance.now();
    let parsed: ParsedFile | undefined;
    let findings = 0;
    try {
      if (freshHost) this.host = Harness.fresh();
      if (this.previous !== undefined && this.previous !== input.path) this.host.removeFile(this.previous);
      this.previous = input.path;
      this.host.setFile(input);
      const result = this.host.analyze();
      parsed = result.model.files.get(input.path) ?? parseFile(input);
      const texts = new Map<string, string>();
      for (const [file, parsedFile] of result.model.files) texts.set(file, parsedFile.text);
      for (const [file, list] of result.findings) {
        for (const f of list) {
          findings++;
          checkFinding(f, file, texts, violations);
        }
      }
      for (const p of parsed.problems) {
        if (typeof p.message !== 'string' || p.message === '')
          violations.push({ kind: 'bad-range', message: `file problem ${p.kind} without a message` });
        if (!validSpan(p.span, parsed.text.length))
          violations.push({
            kind: 'bad-range',
            message: `file problem ${p.kind} span ${p.span.start}-${p.span.end} outside 0-${parsed.text.length}`,
          });
      }
    } catch (error) {
      violations.push({ kind: 'exception', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    const ms = performance.now() - started;
    if (ms > budgetMs) violations.push({ kind: 'too-slow', message: `${ms.toFixed(0)} ms > budget ${budgetMs} ms` });
    return { violations, ms, findings, parsed };
  }
}

function validSpan(span: { start: number; end: number }, length: number): boolean {
  return Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= length;
}

function checkFinding(f: Finding, file: string, texts: Map<string, string>, violations: Violation[]): void {
  if (f.message.startsWith('internal error in rule')) violations.push({ kind: 'rule-crash', message: `${f.ruleId}: ${f.message}` });
  if (rulesById.get(f.ruleId) === undefined) violations.push({ kind: 'bad-range', message: `unknown rule ${f.ruleId}` });
  const text = texts.get(f.file);
  if (f.file !== file || text === undefined) {
    violations.push({ kind: 'bad-range', message: `finding of ${f.ruleId} names file ${f.file} (grouped under ${file})` });
    return;
  }
  if (!validSpan(f.span, text.length))
    violations.push({
      kind: 'bad-range',
      message: `${f.ruleId} span ${f.span.start}-${f.span.end} outside 0-${text.length}: ${f.message.slice(0, 120)}`,
    });
  if (typeof f.message !== 'string' || f.message.length === 0)
    violations.push({ kind: 'bad-range', message: `${f.ruleId} has an empty message` });
  for (const edit of f.fix?.edits ?? []) {
    const target = texts.get(edit.file ?? f.file);
    if (target === undefined || !validSpan(edit.span, target.length))
      violations.push({
        kind: 'bad-fix',
        message: `${f.ruleId} fix edit ${edit.span.start}-${edit.span.end} outside ${edit.file ?? f.file} (${target?.length ?? 'missing'})`,
      });
  }
}
