// Pure view-state logic of the live events table (filter, sort, window, buckets), kept apart from the DOM so it
// stays cheap for 50,000 rows and easy to reason about.
import { codeSpan, escapeMarkdown } from '../../server/src/core/markdown';
import type { LiveEventRow } from '../../server/src/protocol';

export interface Indexed {
  row: LiveEventRow;
  ts: number;
  hay: string;
}

export type SortKey = 'time' | 'victim' | 'priority' | 'reason' | 'node' | 'preemptor' | 'gap';

export interface Filters {
  namespace: string;
  reason: string;
  node: string;
  cls: string;
  /** minutes; 0 = all */
  rangeMinutes: number;
  query: string;
}

export const EMPTY_FILTERS: Filters = { namespace: '', reason: '', node: '', cls: '', rangeMinutes: 0, query: '' };

export function index(row: LiveEventRow): Indexed {
  const p = row.preemptor;
  const hay = [
    row.reason,
    row.message,
    row.namespace,
    row.victim.name,
    row.victim.owner,
    row.victim.priorityClassName,
    row.node,
    p?.name,
    p?.namespace,
    p?.uid,
    p?.owner,
    p?.priorityClassName,
    ...(row.kueue
      ? ['kueue', row.kueue.workload, row.kueue.reason, row.kueue.reasonText, row.kueue.preemptorPath, row.kueue.preempteePath]
      : []),
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
  return { row, ts: Date.parse(row.time) || 0, hay };
}

/** "Kueue preemption" / "Kueue eviction": the row kind of Kueue's evictions (never pod preemptions). */
export function kueueKind(row: LiveEventRow): string {
  return row.type === 'kueue-preemption' ? 'Kueue preemption' : 'Kueue eviction';
}

export function preemptorLabel(row: LiveEventRow): string {
  const p = row.preemptor;
  if (!p) return '';
  if (!p.resolved || !p.name) return `unknown (gone before seen) ${p.uid}`;
  return `${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
}

export function applyFilters(rows: Iterable<Indexed>, f: Filters, now: number): Indexed[] {
  const q = f.query.trim().toLowerCase();
  const since = f.rangeMinutes > 0 ? now - f.rangeMinutes * 60_000 : -Infinity;
  const out: Indexed[] = [];
  for (const r of rows) {
    if (f.namespace && r.row.namespace !== f.namespace) continue;
    if (f.reason && r.row.reason !== f.reason) continue;
    if (f.node && (r.row.node ?? '') !== f.node) continue;
    if (f.cls && (r.row.victim.priorityClassName ?? '') !== f.cls) continue;
    if (r.ts < since) continue;
    if (q && !r.hay.includes(q)) continue;
    out.push(r);
  }
  return out;
}

const cmpStr = (a: string | undefined, b: string | undefined): number => (a ?? '').localeCompare(b ?? '');
const cmpNum = (a: number | undefined, b: number | undefined): number => (a ?? -Infinity) - (b ?? -Infinity);

export function sortRows(rows: Indexed[], key: SortKey, desc: boolean): Indexed[] {
  const cmp: (a: Indexed, b: Indexed) => number = {
    time: (a: Indexed, b: Indexed) => a.ts - b.ts,
    victim: (a: Indexed, b: Indexed) => cmpStr(`${a.row.namespace}/${a.row.victim.name}`, `${b.row.namespace}/${b.row.victim.name}`),
    priority: (a: Indexed, b: Indexed) => cmpNum(a.row.victim.priority, b.row.victim.priority),
    reason: (a: Indexed, b: Indexed) => cmpStr(a.row.reason, b.row.reason),
    node: (a: Indexed, b: Indexed) => cmpStr(a.row.node, b.row.node),
    preemptor: (a: Indexed, b: Indexed) => cmpStr(preemptorLabel(a.row), preemptorLabel(b.row)),
    gap: (a: Indexed, b: Indexed) => cmpNum(a.row.priorityGap, b.row.priorityGap),
  }[key];
  // Ties fall back to time then id, so equal keys never jump around between updates.
  return rows.sort((a, b) => {
    const c = cmp(a, b) || a.ts - b.ts || a.row.id.localeCompare(b.row.id);
    return desc ? -c : c;
  });
}

/** Row indices to materialise for a viewport: visible rows plus `overscan` on each side. */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + Math.ceil(viewportHeight / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}

export interface Buckets {
  from: number;
  to: number;
  series: string[];
  /** counts[bucket][series] */
  counts: number[][];
  max: number;
}

/** Histogram over time, stacked by reason; the rarest reasons fold into "other" to keep colours distinguishable. */
export function bucketize(rows: Indexed[], buckets: number, maxSeries = 5): Buckets {
  const byReason = new Map<string, number>();
  let from = Infinity;
  let to = -Infinity;
  for (const r of rows) {
    byReason.set(r.row.reason, (byReason.get(r.row.reason) ?? 0) + 1);
    if (r.ts < from) from = r.ts;
    if (r.ts > to) to = r.ts;
  }
  const ranked = [...byReason.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const series = ranked.length > maxSeries ? [...ranked.slice(0, maxSeries - 1), 'other'] : ranked;
  const seriesIndex = new Map(series.map((s, i) => [s, i]));
  const counts = Array.from({ length: buckets }, () => new Array<number>(series.length).fill(0));
  if (rows.length === 0) return { from: 0, to: 0, series, counts, max: 0 };
  const span = Math.max(1, to - from);
  for (const r of rows) {
    const b = Math.min(buckets - 1, Math.floor(((r.ts - from) / span) * buckets));
    const s = seriesIndex.get(r.row.reason) ?? series.length - 1;
    counts[b][s] += 1;
  }
  const max = Math.max(...counts.map((c) => c.reduce((x, y) => x + y, 0)));
  return { from, to, series, counts, max };
}

export interface NodeSummary {
  node: string;
  total: number;
  preemptions: number;
  evictions: number;
  topReason: string;
}

export function summarizeNodes(rows: Indexed[], limit = 12): NodeSummary[] {
  const m = new Map<string, { total: number; preemptions: number; evictions: number; reasons: Map<string, number> }>();
  for (const { row } of rows) {
    const key = row.node ?? '';
    let s = m.get(key);
    if (!s) m.set(key, (s = { total: 0, preemptions: 0, evictions: 0, reasons: new Map() }));
    s.total++;
    if (row.type === 'preemption') s.preemptions++;
    if (row.type === 'eviction') s.evictions++;
    s.reasons.set(row.reason, (s.reasons.get(row.reason) ?? 0) + 1);
  }
  return [...m.entries()]
    .map(([node, s]) => ({
      node,
      total: s.total,
      preemptions: s.preemptions,
      evictions: s.evictions,
      topReason: [...s.reasons.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
    }))
    .sort((a, b) => b.total - a.total || a.node.localeCompare(b.node))
    .slice(0, limit);
}

/**
 * Clipboard text for one event (formatting only; the facts are the server's). Every string from the cluster is a code
 * span or escaped text (server/src/core/markdown.ts), so pasting it into an issue or chat shows no image, link or HTML.
 */
export function rowToMarkdown(row: LiveEventRow): string {
  const v = row.victim;
  const p = row.preemptor;
  // Kueue rows: Jobs and Kueue priorities (the Workload's spec.priority), never pod priorities.
  const prio = row.kueue ? 'Kueue priority' : 'priority';
  const victimBits = [
    v.priority !== undefined ? `${prio} ${v.priority}` : '',
    v.priorityClassName ? `class ${codeSpan(v.priorityClassName)}` : '',
    v.qosClass ? `QoS ${escapeMarkdown(v.qosClass)}` : '',
    v.owner ? `owner ${codeSpan(v.owner)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `**${row.kueue ? `${kueueKind(row)}: ` : ''}${escapeMarkdown(row.reason)}** ${codeSpan(`${row.namespace}/${v.name}`)}${row.node ? ` on ${codeSpan(row.node)}` : ''} at ${escapeMarkdown(row.time)}`,
    '',
    `- victim: ${codeSpan(`${row.namespace}/${v.name}`)}${victimBits ? ` (${victimBits})` : ''}`,
  ];
  if (p) {
    const who =
      p.resolved && p.name
        ? codeSpan(`${p.namespace ? `${p.namespace}/` : ''}${p.name}`)
        : `unknown (gone before seen), UID ${codeSpan(p.uid)}`;
    const bits = [
      p.priority !== undefined ? `${prio} ${p.priority}` : '',
      p.priorityClassName ? `class ${codeSpan(p.priorityClassName)}` : '',
      p.owner ? `owner ${codeSpan(p.owner)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`- preemptor: ${who}${bits ? ` (${bits})` : ''}`);
  }
  if (row.priorityGap !== undefined) lines.push(`- ${prio} gap: ${row.priorityGap}`);
  if (row.kueue) {
    const k = row.kueue;
    lines.push(`- Kueue Workload: ${codeSpan(k.workload)}; ${escapeMarkdown(k.reasonText)}`);
    if (k.preemptorPath || k.preempteePath)
      lines.push(`- queue paths: preemptor ${codeSpan(k.preemptorPath ?? '?')}, preemptee ${codeSpan(k.preempteePath ?? '?')}`);
    lines.push(`- source: ${k.source === 'event' ? 'Kueue event' : 'Workload condition'}${k.readmitted ? '; admitted again since' : ''}`);
  }
  lines.push(`- message: ${escapeMarkdown(row.message)}`);
  return lines.join('\n');
}
