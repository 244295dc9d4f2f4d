// Findings as text, JSON and SARIF 2.1.0: positions converted once here (0-based UTF-16 for JSON, 1-based for SARIF).
import { LineIndex, rules } from '../core/index';
import type { Finding, Range, Rule, Severity, WorkspaceModel } from '../core/index';

export interface FindingJson {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  object?: string;
  fix?: { description: string; edits: Array<{ range: Range; newText: string }> };
}

/** Converts core findings (offsets) to the CLI's JSON shape (line/character). */
export function findingsToJson(findings: readonly Finding[], model: WorkspaceModel): FindingJson[] {
  const indexes = new Map<string, LineIndex>();
  const indexOf = (file: string): LineIndex => {
    let index = indexes.get(file);
    if (index === undefined) {
      index = new LineIndex(model.files.get(file)?.text ?? '');
      indexes.set(file, index);
    }
    return index;
  };
  return findings.map((f) => {
    const index = indexOf(f.file);
    const json: FindingJson = { ruleId: f.ruleId, severity: f.severity, message: f.message, file: f.file, range: index.range(f.span) };
    if (f.object !== undefined) json.object = f.object;
    if (f.fix !== undefined)
      json.fix = {
        description: f.fix.description,
        edits: f.fix.edits.map((e) => ({ range: indexOf(e.file ?? f.file).range(e.span), newText: e.newText })),
      };
    return json;
  });
}

export function findingsText(findings: readonly FindingJson[], summary: string): string {
  const lines = findings.map(
    (f) =>
      `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.ruleId}: ${f.message}${f.fix === undefined ? '' : `\n  fix: ${f.fix.description}`}`,
  );
  lines.push(summary);
  return `${lines.join('\n')}\n`;
}

const sarifLevel: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function rulesDocUrl(rule: Rule): string {
  const repository = (process.env.KPL_REPOSITORY ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
  return `${repository}/blob/main/docs/rules.md#${rule.id}`;
}

/** findingsSarif builds a SARIF 2.1.0 log with rule metadata and help URIs into docs/rules.md. */
export function findingsSarif(findings: readonly FindingJson[], version: string): unknown {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kpl',
            fullName: 'Kube Priority Lens',
            version,
            semanticVersion: version,
            informationUri: (process.env.KPL_REPOSITORY ?? '').replace(/\.git$/, ''),
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_m: string, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              helpUri: rulesDocUrl(r),
              help: { text: r.summary, markdown: r.docs },
              defaultConfiguration: { level: sarifLevel[r.defaultSeverity] },
              properties: { category: r.category },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => {
          const region = {
            startLine: f.range.start.line + 1,
            startColumn: f.range.start.character + 1,
            endLine: f.range.end.line + 1,
            endColumn: f.range.end.character + 1,
          };
          const result: Record<string, unknown> = {
            ruleId: f.ruleId,
            ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
            level: sarifLevel[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(f.file) }, region } }],
          };
          if (f.object !== undefined) result['properties'] = { object: f.object, severity: f.severity };
          if (f.fix !== undefined) {
            result['fixes'] = [
              {
                description: { text: f.fix.description },
                artifactChanges: [
                  {
                    artifactLocation: { uri: encodeURI(f.file) },
                    replacements: f.fix.edits.map((e) => ({
                      deletedRegion: {
                        startLine: e.range.start.line + 1,
                        startColumn: e.range.start.character + 1,
                        endLine: e.range.end.line + 1,
                        endColumn: e.range.end.character + 1,
                      },
                      insertedContent: { text: e.newText },
                    })),
                  },
                ],
              },
            ];
          }
          return result;
        }),
      },
    ],
  };
}
