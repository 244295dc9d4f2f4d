// Inline expectations for fixture manifests, rust-analyzer style: a comment line of carets under the columns of the
// nearest preceding non-expectation line, followed by a substring of the expected message, e.g.
//
//   priorityClassName: evaluation-hihg
// #                    ^^^^^^^^^^^^^^^ no PriorityClass with name evaluation-hihg was found
// # fix: Change priorityClassName
//
// A single `^` asserts the start only (for multi-line or empty spans); more carets assert a one-line span of that length.
import { LineIndex } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';

export interface Expectation {
  /** 0-based line and UTF-16 column of the first caret's target. */
  line: number;
  character: number;
  /** Number of carets; 1 means "start only". */
  carets: number;
  message: string;
  /** `# fix: ...` substring of the fix description, when given. */
  fix?: string;
  /** `# fix-leaves: ...`: the fix legitimately leaves a finding of the same rule with this message substring. */
  fixLeaves?: string;
  /** 0-based line of the caret comment itself (for error messages). */
  sourceLine: number;
}

export interface SidecarExpectation {
  file?: string;
  line: number;
  character: number;
  message: string;
}

const caretLine = /^#( *)(\^+) (.+)$/;
const fixLine = /^# fix: (.+)$/;
const fixLeavesLine = /^# fix-leaves: (.+)$/;

export function isExpectationLine(line: string): boolean {
  return caretLine.test(line) || fixLine.test(line) || fixLeavesLine.test(line);
}

/** parseExpectations reads the caret comments of a fixture. */
export function parseExpectations(text: string): Expectation[] {
  const index = new LineIndex(text);
  const result: Expectation[] = [];
  let target: number | undefined;
  let last: Expectation | undefined;
  for (let line = 0; line < index.lineCount; line++) {
    const content = index.lineText(line);
    const caret = caretLine.exec(content);
    if (caret !== null) {
      if (target === undefined) throw new Error(`line ${line + 1}: an expectation needs a line above it to point at`);
      last = {
        line: target,
        character: 1 + (caret[1] ?? '').length,
        carets: (caret[2] ?? '').length,
        message: (caret[3] ?? '').trim(),
        sourceLine: line,
      };
      result.push(last);
      continue;
    }
    const fix = fixLine.exec(content);
    const leaves = fixLeavesLine.exec(content);
    if (fix !== null || leaves !== null) {
      if (last === undefined) throw new Error(`line ${line + 1}: "# fix:" must follow a caret line`);
      if (fix !== null) last.fix = (fix[1] ?? '').trim();
      else last.fixLeaves = (leaves?.[1] ?? '').trim();
      continue;
    }
    target = line;
    last = undefined;
  }
  return result;
}

export interface Located {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

export function locate(index: LineIndex, finding: Finding): Located {
  const range = index.range(finding.span);
  return { line: range.start.line, character: range.start.character, endLine: range.end.line, endCharacter: range.end.character };
}

/** matches tells whether a finding satisfies an expectation (position, span length, message substring, fix). */
export function matches(expectation: Expectation, finding: Finding, at: Located): boolean {
  if (at.line !== expectation.line || at.character !== expectation.character) return false;
  const oneLine = at.endLine === at.line;
  const length = at.endCharacter - at.character;
  if (expectation.carets === 1) {
    if (oneLine && length > 1) return false;
  } else if (!oneLine || length !== expectation.carets) return false;
  if (!finding.message.includes(expectation.message)) return false;
  if (expectation.fix !== undefined) return finding.fix !== undefined && finding.fix.description.includes(expectation.fix);
  return finding.fix === undefined;
}

/**
 * renderWithFindings returns the fixture with its expectation comments replaced by the actual findings, so a wrong
 * fixture can be fixed by copy-paste. Findings at column 0 cannot be written as carets; they are listed as comments.
 */
export function renderWithFindings(text: string, findings: readonly Finding[]): string {
  const index = new LineIndex(text);
  const byLine = new Map<number, Finding[]>();
  for (const f of findings) {
    const line = index.position(f.span.start).line;
    const list = byLine.get(line) ?? [];
    list.push(f);
    byLine.set(line, list);
  }
  const out: string[] = [];
  for (let line = 0; line < index.lineCount; line++) {
    const content = index.lineText(line);
    if (!isExpectationLine(content)) out.push(content);
    for (const f of byLine.get(line) ?? []) out.push(...renderFinding(index, f));
  }
  return out.join('\n');
}

export function renderFinding(index: LineIndex, f: Finding): string[] {
  const at = locate(index, f);
  const length = at.endLine === at.line ? Math.max(1, at.endCharacter - at.character) : 1;
  const lines: string[] = [];
  if (at.character === 0) lines.push(`# (column 0, not expressible as carets: use a sidecar .expect.json) ${f.message}`);
  else lines.push(`#${' '.repeat(at.character - 1)}${'^'.repeat(length)} ${f.message}`);
  if (f.fix !== undefined) lines.push(`# fix: ${f.fix.description}`);
  return lines;
}
