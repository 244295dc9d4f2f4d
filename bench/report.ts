// The benchmark's report: the targets of issue 8 computed from the figures (ratios, with their limits and a pass
// verdict) and the tables printed on stdout; every figure also goes to the results JSON (bench/run.ts).
import type { ColdFigures } from './floors';
import type { LspFigures } from './lsp';
import { lspExtraRows, lspTargets } from './lsp-report';
import { round } from './measure';
import type { ColdCliFigures } from './peers';

export interface CorpusResult {
  name: string;
  cold: ColdFigures;
  kplCheck: unknown;
  /** `kpl check` as a process vs kubeconform and a js-yaml process (corpus only). */
  coldCli?: ColdCliFigures | { skipped: string };
  anchor?: unknown;
  anchorRatio?: number;
  lsp?: unknown;
}

export interface Target {
  target: string;
  value: number | string;
  limit: string;
  pass: boolean | null;
}
export function computeTargets(results: CorpusResult[], simulateResults: unknown): Target[] {
  const targets: Target[] = [];
  const corpus = results.find((r) => r.name === 'corpus');
  if (corpus !== undefined)
    targets.push({
      target: 'cold analysis of the corpus / js-yaml loadAll (wall)',
      value: corpus.cold.ratioToJsYaml,
      limit: '<= 1.0',
      pass: corpus.cold.ratioToJsYaml <= 1,
    });
  const cli = corpus?.coldCli;
  if (cli !== undefined && 'kplMs' in cli) {
    targets.push({
      target: `cold \`kpl check\` process / kubeconform (${cli.kubeconform}, -n ${cli.cores})`,
      value: cli.ratioToKubeconform ?? 'not measured',
      limit: '<= 0.8',
      pass: cli.ratioToKubeconform === undefined ? null : cli.ratioToKubeconform <= 0.8,
    });
    targets.push({
      target: 'cold `kpl check` process / js-yaml loadAll process',
      value: cli.ratioToJsYaml,
      limit: '<= 0.5',
      pass: cli.ratioToJsYaml <= 0.5,
    });
  }
  const lspOf = (name: string): LspFigures | undefined => {
    const l = results.find((r) => r.name === name)?.lsp as LspFigures | undefined;
    return l !== undefined && 'editP50Ms' in l ? l : undefined;
  };
  const small = lspOf('generated-1k');
  const large = lspOf('generated-50k') ?? lspOf('generated-10k');
  if (small !== undefined && large !== undefined) {
    const name = lspOf('generated-50k') !== undefined ? '50k' : '10k (no 50k in --quick)';
    const allowed = Math.max(small.editP50Ms * 1.2, small.editP50Ms + 20);
    targets.push({
      target: `edit p50 at ${name} vs 1k`,
      value: `${large.editP50Ms} ms vs ${small.editP50Ms} ms`,
      limit: `<= ${round(allowed)} ms (max of 1.2x, +20 ms)`,
      pass: large.editP50Ms <= allowed,
    });
    const mem = results.find((r) => r.lsp === large);
    if (mem !== undefined)
      targets.push({
        target: `server RSS at ${name} / manifest bytes`,
        value: large.rssPerManifestByte,
        limit: '< 5',
        pass: large.rssPerManifestByte < 5,
      });
  }
  targets.push(...lspTargets(results));
  for (const r of results) {
    if (r.anchorRatio !== undefined)
      targets.push({
        target: `yaml-language-server / engine on ${r.name}`,
        value: r.anchorRatio,
        limit: '>= 50',
        pass: r.anchorRatio >= 50,
      });
  }
  if (Array.isArray(simulateResults)) {
    for (const s of simulateResults as Array<{ nodes: number; simulationToParseRatio: number }>)
      targets.push({
        target: `simulate ${s.nodes} nodes: simulation / parse`,
        value: s.simulationToParseRatio,
        limit: '<= 1.0',
        pass: s.simulationToParseRatio <= 1,
      });
  }
  return targets;
}

export function printTable(results: CorpusResult[], simulateResults: unknown, targets: Target[]): void {
  const rows: string[][] = [
    ['corpus', 'files', 'MiB', 'engine ms', 'js-yaml ms', 'yaml ms', 'x js-yaml', 'x yaml', 'kpl check ms', 'yls ms', 'yls/engine'],
  ];
  for (const r of results) {
    const check = r.kplCheck as { wallMs?: number };
    const a = r.anchor as { wallMs?: number } | undefined;
    rows.push([
      r.name,
      String(r.cold.files),
      (r.cold.bytes / 1048576).toFixed(1),
      String(r.cold.engineMs),
      String(r.cold.jsYamlMs),
      String(r.cold.yamlMs),
      String(r.cold.ratioToJsYaml),
      String(r.cold.ratioToYaml),
      String(check.wallMs ?? '-'),
      String(a?.wallMs ?? '-'),
      String(r.anchorRatio ?? '-'),
    ]);
  }
  console.log(table(rows));
  const anchorSchemas = new Set(results.map((r) => (r.anchor as { schema?: string } | undefined)?.schema).filter((s) => s !== undefined));
  for (const s of anchorSchemas) console.log(`yls (yaml-language-server anchor) schema: ${s}`);
  const lrows: string[][] = [
    [
      'workspace',
      'index→1st diag ms',
      'index ms',
      'edit p50',
      'edit p95',
      'x-file edit p50',
      'hover p95',
      'RSS MiB',
      'RSS busy MiB',
      'heap MiB',
      'RSS/bytes',
    ],
  ];
  for (const r of results) {
    if (r.lsp === undefined) continue;
    const l = r.lsp as Partial<LspFigures> & { skipped?: string };
    if (l.skipped !== undefined) {
      lrows.push([r.name, `skipped: ${l.skipped}`]);
      continue;
    }
    lrows.push([
      r.name,
      String(l.indexToFirstDiagnosticsMs),
      String(l.indexCompleteMs),
      String(l.editP50Ms),
      String(l.editP95Ms),
      String(l.crossFileEditP50Ms),
      String(l.hoverP95Ms),
      ((l.rssBytes ?? 0) / 1048576).toFixed(0),
      ((l.rssBusyBytes ?? 0) / 1048576).toFixed(0),
      ((l.heapUsedBytes ?? 0) / 1048576).toFixed(0),
      String(l.rssPerManifestByte),
    ]);
  }
  console.log(`\n${table(lrows)}`);
  // Cross-file edits per kind (issue 18): the edited document first, the other affected files in the background.
  const krows = [['cross-file edit', 'workspace', 'p50 ms', 'p95 ms', 'background files', 'background p50 ms']];
  for (const r of results) {
    const l = r.lsp as Partial<LspFigures> | undefined;
    for (const k of l?.editKinds ?? [])
      krows.push([k.kind, r.name, String(k.p50Ms), String(k.p95Ms), String(k.backgroundFiles), String(k.backgroundP50Ms)]);
  }
  if (krows.length > 1) console.log(`\n${table(krows.sort((a, b) => (a === krows[0] ? -1 : b === krows[0] ? 1 : 0)))}`);
  const extra = lspExtraRows(results);
  if (extra.length > 1) console.log(`\n${table(extra)}`);
  if (Array.isArray(simulateResults)) {
    const srows = [['simulate', 'pods', 'kpl simulate ms', 'parse ms', 'simulation ms', 'sim/parse', 'outcome']];
    for (const s of simulateResults as Array<Record<string, unknown>>)
      srows.push([
        `${String(s['nodes'])} nodes`,
        String(s['pods']),
        String(s['cliWallMs']),
        String(s['parseMs']),
        String(s['simulationMs']),
        String(s['simulationToParseRatio']),
        String(s['outcome']),
      ]);
    console.log(`\n${table(srows)}`);
  } else console.log(`\nsimulate: ${(simulateResults as { skipped: string }).skipped}`);
  console.log(
    `\n${table([['target', 'value', 'limit', 'pass'], ...targets.map((t) => [t.target, String(t.value), t.limit, t.pass === null ? '-' : t.pass ? 'yes' : 'NO'])])}`,
  );
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}
