// Small file helpers of the render layer: bounded text reads, locations from offsets, display paths.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../core/index';
import type { SourceLocation } from './types';

/** Chart.yaml, kustomization, values and template files larger than this are not read (none real comes close). */
export const maxSourceBytes = 16 * 1024 * 1024;

/** readText: a regular file's text, or undefined when missing, not a regular file, too large or unreadable. */
export function readText(file: string, maxBytes = maxSourceBytes): string | undefined {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** location: a SourceLocation for `[start, end)` of `text` (clamped into the text). */
/** The line indexes of the last files located in (a kustomize resource file can be megabytes: index it once). */
const lineIndexes = new Map<string, { text: string; index: LineIndex }>();
function lineIndexOf(file: string, text: string): LineIndex {
  const cached = lineIndexes.get(file);
  if (cached !== undefined && cached.text === text) return cached.index;
  const index = new LineIndex(text);
  if (lineIndexes.size >= 16) lineIndexes.delete(lineIndexes.keys().next().value ?? '');
  lineIndexes.set(file, { text, index });
  return index;
}

export function location(file: string, text: string, start: number, end = start): SourceLocation {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  const pos = lineIndexOf(file, text).position(s);
  return { file, start: s, end: e, line: pos.line, character: pos.character };
}

/** firstLine: the first line of a file that is not blank or a comment (where a finding about the whole file goes). */
export function firstLine(file: string, text: string | undefined): SourceLocation {
  if (text === undefined) return { file, start: 0, end: 0, line: 0, character: 0 };
  let offset = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#') && trimmed !== '---') {
      const lead = line.length - line.trimStart().length;
      return location(file, text, offset + lead, offset + line.trimEnd().length);
    }
    offset += line.length + 1;
  }
  return location(file, text, 0, 0);
}

/** lineLocation: the whole text of the 0-based line `line` (clamped to the file). */
export function lineLocation(file: string, text: string, line: number, character = 0): SourceLocation {
  const index = new LineIndex(text);
  const l = Math.max(0, Math.min(line, index.lineCount - 1));
  const start = index.offset({ line: l, character: 0 });
  const next = text.indexOf('\n', start);
  const end = next === -1 ? text.length : next;
  const lineText = text.slice(start, end).replace(/\r$/, '');
  const lead = Math.min(Math.max(character, lineText.length - lineText.trimStart().length), lineText.trimEnd().length);
  return location(file, text, start + lead, start + lineText.trimEnd().length);
}

/** toPosix: a path with `/` separators, as findings show paths. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** isWithin: `child` is `parent` or below it (both absolute). */
export function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
