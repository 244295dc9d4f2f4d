// The engine's public API (server/src/core/index.ts) is a decision, not a side effect: its exported names are listed
// here, and each is used by a layer outside the core (CLI, language server, cluster layer, client, webview). Adding a
// name means adding it below; a name no layer uses any more must leave the API.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { repoRoot } from './helpers/analyze';

const root = repoRoot();
const entry = path.join(root, 'server', 'src', 'core', 'index.ts');

const publicApi = [
  // text, quantities, Markdown
  'Span',
  'Range',
  'LineIndex',
  'formatCpu',
  'escapeMarkdown',
  'codeSpan',
  // syntax
  'YNode',
  'YEntry',
  'get',
  'entry',
  'stringValue',
  // model
  'parseFile',
  'unreadFile',
  'K8sObject',
  'ParsedFile',
  'SourceInput',
  'FileProblem',
  'parsedFromApi',
  'packParsedFile',
  'unpackParsedFile',
  'PackedFile',
  // semantics
  'PriorityClass',
  'ignoresDisruptions',
  'kueueSummary',
  // edits
  'TextEdit',
  'requestsEqualLimits',
  'addPreemptionPolicyNever',
  // facts, rules, analysis
  'WorkspaceModel',
  'newestKubernetesMinor',
  'oldestKubernetesMinor',
  'AnalyzedWorkload',
  'rules',
  'rulesById',
  'Rule',
  'Finding',
  'Fix',
  'Severity',
  'SeveritySetting',
  'FindingTag',
  'AnalysisHost',
  'sortFindings',
  'earlyAnalysis',
  'RuleSettings',
  // predict
  'SimCluster',
  'simulate',
  'SimulationResult',
  'rankEviction',
  'readSummary',
  'evictionSignals',
  'validThreshold',
  'EvictionResult',
  'EvictionSignal',
  'Summary',
  'canonicalQuantity',
  'bytesQuantity',
  // explain
  'explain',
  'explainWorkload',
  'WorkloadExplanation',
  'PriorityClassExplanation',
  'KueueExplanation',
  'explainWorkloadPriorityClasses',
  // diagnose
  'watchedEventReasons',
  'podRecordFromObject',
  'mergePodRecord',
  'eventRecordFromObject',
  'formatOwner',
  'podsOfWorkload',
  'ApiObject',
  'PodRecord',
  'EventRecord',
  'WorkloadMatch',
  'parsePreemptedNote',
  'maxTextBytes',
  'capStrings',
  'buildDiagnoseReport',
  'controllerCandidates',
  'renderDiagnoseText',
  'renderDiagnoseMarkdown',
  'DiagnoseReport',
  // Kueue on the live side (cluster/kueue-live.ts, kueue-rows.ts, diagnose-pod.ts)
  'parseKueuePreemptionMessage',
  'workloadRecordFromObject',
  'workloadEvictionRecord',
  'workloadConditionController',
  'kueueReasonText',
  'kueuePreemptionKey',
  'WorkloadRecord',
  'buildKueueJobReport',
  'rankNodeForEviction',
  'NodeEvictionRanking',
];

/** The names core/index.ts exports, as the TypeScript checker sees them (re-exports and `export *` resolved). */
function exportedNames(): string[] {
  const program = ts.createProgram([entry], {
    noEmit: true,
    strict: true,
    types: [],
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    resolveJsonModule: true,
  });
  const source = program.getSourceFile(entry);
  const checker = program.getTypeChecker();
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  assert.ok(module !== undefined, 'core/index.ts is a module');
  return checker.getExportsOfModule(module).map((s) => s.name);
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (e.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

test('server/src/core/index.ts exports exactly the listed public API', () => {
  assert.deepEqual(exportedNames().sort(), [...publicApi].sort());
});

test('every public name is used by a layer outside the core', () => {
  const users = ['server/src', 'client/src', 'media/src']
    .flatMap((d) => walk(path.join(root, d)))
    .filter((f) => !f.startsWith(path.join(root, 'server', 'src', 'core') + path.sep));
  const used = new Set<string>();
  for (const file of users) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
      if (target !== entry.replace(/\.ts$/, '')) continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamedImports(bindings))
        for (const element of bindings.elements) used.add((element.propertyName ?? element.name).text);
    }
  }
  assert.deepEqual(
    publicApi.filter((name) => !used.has(name)),
    [],
    'exported but used by no other layer: drop it from core/index.ts (tests import internals directly)',
  );
});
