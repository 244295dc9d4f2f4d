// buildDiagnoseReport for the diagnose tests, recording each report with its text and markdown renderings when
// KPL_GOLDEN_DIAGNOSE names a file: `node out/bench/golden.js --surfaces` runs these tests that way, so a refactor of
// the Diagnose code is proven byte-identical on every report the tests build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDiagnoseReport as build, renderDiagnoseMarkdown, renderDiagnoseText } from '../../server/src/core/index';
import type { DiagnoseReport } from '../../server/src/core/index';
import type { DiagnoseInput } from '../../server/src/core/diagnose/report/types';

let sequence = 0;

export function buildDiagnoseReport(input: DiagnoseInput): DiagnoseReport {
  const report = build(input);
  const out = process.env.KPL_GOLDEN_DIAGNOSE;
  if (out !== undefined && out !== '') {
    const record = {
      test: path.basename(process.argv[1] ?? ''),
      sequence: sequence++,
      report,
      text: renderDiagnoseText(report),
      markdown: renderDiagnoseMarkdown(report),
    };
    fs.appendFileSync(out, `${JSON.stringify(record)}\n`);
  }
  return report;
}
