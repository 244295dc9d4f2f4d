// textDocument/completion: priorityClassName values (known classes, highest first), preemptionPolicy values, and
// QoS-shaping snippets (requests = limits) inside a container's `resources:`.
import { CompletionItemKind, InsertTextFormat, InsertTextMode } from 'vscode-languageserver/node';
import type { CompletionItem, CompletionParams, Range } from 'vscode-languageserver/node';
import { escapeMarkdown, get, stringValue } from '../core/index';
import type { PriorityClass } from '../core/index';
import type { Session } from './session';

interface LineInfo {
  indent: number;
  text: string;
}

function lineAt(text: string, starts: number[], line: number): LineInfo | undefined {
  const start = starts[line];
  if (start === undefined) return undefined;
  const end = starts[line + 1] ?? text.length + 1;
  const raw = text.slice(start, end - 1).replace(/\r$/, '');
  const indent = raw.length - raw.trimStart().length;
  return { indent, text: raw };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The nearest line above `line` with less indentation (comments and blank lines skipped); `- ` items count as their key column. */
function parentLine(text: string, starts: number[], line: number, indent: number): { line: number; info: LineInfo } | undefined {
  for (let l = line - 1; l >= 0; l--) {
    const info = lineAt(text, starts, l);
    if (info === undefined) return undefined;
    const trimmed = info.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (info.indent < indent) return { line: l, info };
  }
  return undefined;
}

function keyOf(info: LineInfo): string | undefined {
  return /^\s*(?:-\s+)?([\w.-]+):/.exec(info.text)?.[1];
}

export function classDetail(c: PriorityClass, isDefault: boolean): string {
  const parts = [`value ${c.value}`];
  if (isDefault) parts.push('globalDefault');
  if (c.preemptionPolicy === 'Never') parts.push('preemptionPolicy Never');
  if (c.source === 'builtin') parts.push('built-in (system pods)');
  if (c.source === 'cluster') parts.push('cluster');
  return parts.join(' · ');
}

export async function completion(session: Session, params: CompletionParams): Promise<CompletionItem[]> {
  const doc = session.documents.get(params.textDocument.uri);
  if (doc === undefined) return [];
  await session.ready();
  const text = doc.getText();
  const starts = lineStarts(text);
  const current = lineAt(text, starts, params.position.line);
  if (current === undefined) return [];
  const before = current.text.slice(0, params.position.character);
  const after = current.text.slice(params.position.character);
  const wordAfter = /^[\w.-]*/.exec(after)?.[0] ?? '';

  const value = /^(\s*(?:-\s+)?)(priorityClassName|preemptionPolicy)(\s*:\s*)(["']?)([\w.-]*)$/.exec(before);
  if (value !== null) {
    const typed = value[5] ?? '';
    const range: Range = {
      start: { line: params.position.line, character: params.position.character - typed.length },
      end: { line: params.position.line, character: params.position.character + wordAfter.length },
    };
    if (value[2] === 'priorityClassName') return classItems(session, range);
    return [
      {
        label: 'PreemptLowerPriority',
        kind: CompletionItemKind.EnumMember,
        detail: 'default: may preempt lower-priority pods',
        textEdit: { range, newText: 'PreemptLowerPriority' },
        sortText: '1',
      },
      {
        label: 'Never',
        kind: CompletionItemKind.EnumMember,
        detail: 'waits for room instead of preempting (still preemptible itself)',
        textEdit: { range, newText: 'Never' },
        sortText: '0',
      },
    ];
  }

  // Snippets: only on a line holding nothing but (part of) a key.
  const partial = /^(\s*)([\w-]*)$/.exec(before);
  if (partial === null) return [];
  const indent = partial[1].length;
  const range: Range = {
    start: { line: params.position.line, character: indent },
    end: { line: params.position.line, character: params.position.character + wordAfter.length },
  };
  const parent = parentLine(text, starts, params.position.line, indent);
  if (parent === undefined) return [];
  const parentKey = keyOf(parent.info);
  const unit = indent - parent.info.indent >= 2 ? indent - parent.info.indent : 2;
  const pad = ' '.repeat(indent);
  const step = ' '.repeat(unit);
  const snippets = session.caps.snippets;
  const items: CompletionItem[] = [];
  const add = (label: string, detail: string, lines: string[], plain: string[]): void => {
    const body = snippets ? lines : plain;
    items.push({
      label,
      kind: CompletionItemKind.Snippet,
      detail,
      filterText: label,
      insertTextFormat: snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      insertTextMode: InsertTextMode.asIs,
      textEdit: { range, newText: body.map((l, i) => (i === 0 ? l : pad + l)).join('\n') },
      sortText: `0${items.length}`,
    });
  };
  if (parentKey === 'resources') {
    const limits = limitsBelow(text, starts, parent.line, parent.info.indent);
    if (limits.length > 0 && !hasChild(text, starts, parent.line, parent.info.indent, 'requests')) {
      const lines = ['requests:', ...limits.map(([k, v]) => `${step}${k}: ${v}`)];
      add(
        'requests from limits (Guaranteed)',
        'copy the limits into requests: QoS Guaranteed when cpu and memory are both set',
        lines,
        lines,
      );
    }
    add(
      'requests = limits (Guaranteed)',
      'cpu and memory requests equal to limits: QoS Guaranteed, evicted last',
      ['requests:', `${step}cpu: \${1:500m}`, `${step}memory: \${2:512Mi}`, 'limits:', `${step}cpu: \${1}`, `${step}memory: \${2}`],
      ['requests:', `${step}cpu: 500m`, `${step}memory: 512Mi`, 'limits:', `${step}cpu: 500m`, `${step}memory: 512Mi`],
    );
    add(
      'requests only (Burstable)',
      'requests without limits: QoS Burstable',
      ['requests:', `${step}cpu: \${1:250m}`, `${step}memory: \${2:256Mi}`],
      ['requests:', `${step}cpu: 250m`, `${step}memory: 256Mi`],
    );
  } else if (/^\s*-\s+/.test(parent.info.text) || parentKey === 'containers' || parentKey === 'initContainers') {
    const grand = parentLine(text, starts, parent.line, parent.info.indent + 1);
    const grandKey = grand === undefined ? undefined : keyOf(grand.info);
    if (grandKey === 'containers' || grandKey === 'initContainers' || parentKey === 'containers' || parentKey === 'initContainers') {
      add(
        'resources: requests = limits (Guaranteed)',
        'container resources with requests equal to limits: QoS Guaranteed',
        [
          'resources:',
          `${step}requests:`,
          `${step}${step}cpu: \${1:500m}`,
          `${step}${step}memory: \${2:512Mi}`,
          `${step}limits:`,
          `${step}${step}cpu: \${1}`,
          `${step}${step}memory: \${2}`,
        ],
        [
          'resources:',
          `${step}requests:`,
          `${step}${step}cpu: 500m`,
          `${step}${step}memory: 512Mi`,
          `${step}limits:`,
          `${step}${step}cpu: 500m`,
          `${step}${step}memory: 512Mi`,
        ],
      );
    }
  }
  return items;
}

function classItems(session: Session, range: Range): CompletionItem[] {
  const model = session.model();
  const chosen = model.classIndex.globalDefault;
  const classes = [...model.classIndex.byName.values()].sort(
    (a, b) => Number(a.source === 'builtin') - Number(b.source === 'builtin') || b.value - a.value || a.name.localeCompare(b.name),
  );
  return classes.map((c, i) => {
    const description = c.object === undefined ? undefined : stringValue(get(c.object.node, 'description'));
    const users = model.workloads.filter((w) => w.priority.priorityClassName === c.name).length;
    const item: CompletionItem = {
      label: c.name,
      kind: CompletionItemKind.EnumMember,
      detail: classDetail(c, chosen?.name === c.name),
      // The description is the manifest author's text: escaped, it shows literally (no image, link or HTML).
      documentation: {
        kind: 'markdown',
        value: `${description !== undefined ? `${escapeMarkdown(description)}\n\n` : ''}Used by ${users} workload(s).`,
      },
      textEdit: { range, newText: c.name },
      sortText: String(i).padStart(5, '0'),
    };
    return item;
  });
}

/** A YAML plain value without its trailing ` # comment`. */
function withoutComment(value: string): string {
  const hash = value.search(/\s#/);
  return hash === -1 ? value : value.slice(0, hash).trimEnd();
}

/** `limits:` children (`cpu: "2"`) of the resources block starting at `line`. */
function limitsBelow(text: string, starts: number[], line: number, indent: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let inLimits = -1;
  for (let l = line + 1; l < starts.length; l++) {
    const info = lineAt(text, starts, l);
    if (info === undefined) break;
    const trimmed = info.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (info.indent <= indent) break;
    if (inLimits !== -1 && info.indent > inLimits) {
      // Key by an anchored class run, value by trim and indexOf: no adjacent `\s*`/`.+?` runs to backtrack over.
      const m = /^([\w./-]+):/.exec(trimmed);
      if (m !== null) {
        const value = withoutComment(trimmed.slice(m[0].length).trim());
        if (value !== '') out.push([m[1], value]);
      }
      continue;
    }
    inLimits = /^\s*limits:\s*$/.test(info.text) ? info.indent : -1;
  }
  return out;
}

function hasChild(text: string, starts: number[], line: number, indent: number, key: string): boolean {
  for (let l = line + 1; l < starts.length; l++) {
    const info = lineAt(text, starts, l);
    if (info === undefined) break;
    const trimmed = info.text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (info.indent <= indent) break;
    if (trimmed.startsWith(`${key}:`)) return true;
  }
  return false;
}
