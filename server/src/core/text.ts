// Offsets, ranges and line/character positions for source text; the core's only notion of "where".
// Positions use UTF-16 code units (JavaScript string indices), LSP's default encoding.

/** A half-open `[start, end)` span of UTF-16 offsets into one file's text. */
export interface Span {
  start: number;
  end: number;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * flat makes V8 store a string flat. Strings built by `+` and template literals are trees of their parts (cons strings)
 * that keep every part alive; reading a character flattens one in place and the collector then drops the parts. Used
 * for the keys and messages kept for the life of a file.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** LineIndex maps offsets to 0-based line/character positions with a binary search over line starts. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - (this.lineStarts[lo] ?? 0) };
  }

  offset(position: Position): number {
    const start = this.lineStarts[Math.max(0, Math.min(position.line, this.lineStarts.length - 1))] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))] ?? 0;
  }

  /** The text of a line without its terminator (and without a trailing `\r`). */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const next = line + 1 < this.lineStarts.length ? (this.lineStarts[line + 1] ?? this.text.length) : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$/, '');
  }
}

interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
declare const TextDecoder: { new (label: string, options: { fatal: boolean }): Utf8Decoder } | undefined;

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

/** decodeUtf8 decodes bytes strictly: NUL bytes or invalid UTF-8 mean the file is not a text manifest. */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { ok: false, reason: `contains a NUL byte at offset ${nul}` };
  if (typeof TextDecoder === 'undefined') return { ok: false, reason: 'no UTF-8 decoder available' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'is not valid UTF-8' };
  }
}
