// Findings as text, JSON and SARIF 2.1.0: positions converted once here (0-based UTF-16 for JSON, 1-based for SARIF).
import { LineIndex, rules } from '../core/index';
import type { Finding, Range, Rule, Severity, WorkspaceModel } from '../core/index';
import type { PlacedFinding, RenderSource } from '../render/index';

export interface FindingJson {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  object?: string;
  /** `file` only when the edit is in another file than the finding (a values file, a patch). */
  fix?: { description: string; edits: Array<{ file?: string; range: Range; newText: string }> };
  /** Findings from rendered input: the chart or kustomization and its variant. */
  source?: RenderSource;
  variants?: string[];
  overlays?: string[];
  related?: Array<{ file: string; range: Range; message: string }>;
}

/** Placed findings (plain and rendered input) in the CLI's JSON shape, sorted by file and position. */
export function placedToJson(findings: readonly PlacedFinding[]): FindingJson[] {
  const sorted = [...findings].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  return sorted.map((f) => {
    const json: FindingJson = { ruleId: f.ruleId, severity: f.severity, message: f.message, file: f.file, range: f.range };
    if (f.object !== undefined) json.object = f.object;
    if (f.fix !== undefined)
      json.fix = {
        description: f.fix.description,
        edits: f.fix.edits.map((e) =>
          e.file === f.file ? { range: e.range, newText: e.newText } : { file: e.file, range: e.range, newText: e.newText },
        ),
      };
    if (f.source !== undefined) json.source = f.source;
    if (f.variants !== undefined) json.variants = f.variants;
    if (f.overlays !== undefined) json.overlays = f.overlays;
    if (f.related !== undefined) json.related = f.related;
    return json;
  });
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
      `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.ruleId}: ${f.message}${(f.related ?? []).map((r) => `\n  ${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${r.message}`).join('')}${f.overlays === undefined ? '' : `\n  also in overlays: ${f.overlays.join(', ')}`}${f.fix === undefined ? '' : `\n  fix: ${f.fix.description}${f.fix.edits.some((e) => e.file !== undefined) ? ` (in ${[...new Set(f.fix.edits.map((e) => e.file ?? f.file))].join(', ')})` : ''}`}`,
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
          if (f.object !== undefined || f.source !== undefined) {
            const properties: Record<string, unknown> = { severity: f.severity };
            if (f.object !== undefined) properties['object'] = f.object;
            if (f.source !== undefined) properties['source'] = f.source;
            if (f.variants !== undefined) properties['variants'] = f.variants;
            if (f.overlays !== undefined) properties['overlays'] = f.overlays;
            result['properties'] = properties;
          }
          if (f.related !== undefined)
            result['relatedLocations'] = f.related.map((r, i) => ({
              id: i,
              message: { text: r.message },
              physicalLocation: {
                artifactLocation: { uri: encodeURI(r.file) },
                region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 },
              },
            }));
          if (f.fix !== undefined) {
            result['fixes'] = [
              {
                description: { text: f.fix.description },
                artifactChanges: [...new Set(f.fix.edits.map((e) => e.file ?? f.file))].map((file) => ({
                  artifactLocation: { uri: encodeURI(file) },
                  replacements: (f.fix?.edits ?? [])
                    .filter((e) => (e.file ?? f.file) === file)
                    .map((e) => ({
                      deletedRegion: {
                        startLine: e.range.start.line + 1,
                        startColumn: e.range.start.character + 1,
                        endLine: e.range.end.line + 1,
                        endColumn: e.range.end.character + 1,
                      },
                      insertedContent: { text: e.newText },
                    })),
                })),
              },
            ];
          }
          return result;
        }),
      },
    ],
  };
}
