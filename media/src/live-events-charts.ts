// The charts of the Live Preemptions & Evictions view: the stacked timeline of events by reason, and the per-node
// table (events, top reason, and from the host's node view the pressure conditions and predicted next victims).
// Everything is built with textContent (dom.ts): event and node texts come from the cluster.
import type { LiveNodeView } from '../../server/src/protocol';
import { clear, h, svg } from './dom';
import { bucketize, summarizeNodes, type Indexed } from './live-events-model';
import { fmtTime } from './live-events-row';

const BUCKETS = 48;

/** Draws the timeline of `rows` into `timeline` and its series into `legend`. */
export function renderTimeline(timeline: HTMLElement, legend: HTMLElement, rows: Indexed[]): void {
  const b = bucketize(rows, BUCKETS);
  const W = 600;
  const H = 110;
  const bw = W / BUCKETS;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H + 16}`, preserveAspectRatio: 'none', class: 'timeline-svg' });
  chart.append(svg('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }));
  b.counts.forEach((counts, i) => {
    let y = H;
    counts.forEach((n, s) => {
      if (!n) return;
      const hgt = (n / Math.max(1, b.max)) * (H - 4);
      y -= hgt;
      const rect = svg('rect', { x: i * bw + 0.5, y, width: Math.max(1, bw - 1), height: hgt, class: `series series-${s}` });
      const t = svg('title');
      t.textContent = `${b.series[s] ?? ''}: ${n}`;
      rect.append(t);
      chart.append(rect);
    });
  });
  const label = (x: number, anchor: string, text: string): SVGTextElement => {
    const t = svg('text', { x, y: H + 13, 'text-anchor': anchor, class: 'tick' });
    t.textContent = text;
    return t;
  };
  if (rows.length) chart.append(label(2, 'start', fmtTime(b.from)), label(W - 2, 'end', fmtTime(b.to)));
  clear(timeline);
  timeline.append(chart);
  clear(legend);
  legend.append(...b.series.map((s, i) => h('span', { class: 'legend-item' }, h('span', { class: `swatch series-${i}` }), s)));
}

/**
 * The per-node table of `rows` into `nodes`, with the host's `nodeViews` (nodes under pressure now without recorded
 * events too); clicking a node calls `onNode` (the view filters by it).
 */
export function renderNodes(
  nodes: HTMLElement,
  rows: Indexed[],
  nodeViews: ReadonlyMap<string, LiveNodeView>,
  onNode: (node: string) => void,
): void {
  clear(nodes);
  const list = summarizeNodes(rows);
  // Nodes under pressure now but without recorded events still show (their next victims matter most).
  const listed = new Set(list.map((n) => n.node));
  const extra = [...nodeViews.values()].filter((v) => !listed.has(v.node) && v.pressure.length > 0);
  if (!list.length && !extra.length) {
    nodes.append(h('div', { class: 'muted', text: 'No events.' }));
    return;
  }
  const max = Math.max(1, list[0]?.total ?? 1);
  const withNodeViews = nodeViews.size > 0;
  const head = h(
    'tr',
    {},
    h('th', { text: 'Node' }),
    h('th', { text: 'Events' }),
    h('th', { text: 'Preempt.' }),
    h('th', { text: 'Evict.' }),
    h('th', { text: 'Top reason' }),
  );
  // Kubelet eviction (not preemption) happens only under node pressure: its next victims are shown only then.
  const underPressure = [...nodeViews.values()].some((v) => v.pressure.length > 0);
  if (withNodeViews) head.append(h('th', { text: 'Pressure' }));
  if (underPressure)
    head.append(h('th', { text: 'Next eviction victims (kubelet)', title: 'The kubelet evicts only while a node is under pressure' }));
  const table = h('table', { class: 'node-table' }, h('thead', {}, head));
  const body = h('tbody');
  const nodeCells = (name: string): HTMLElement[] => {
    if (!withNodeViews) return [];
    const v = nodeViews.get(name);
    if (v === undefined)
      return [h('td', { class: 'muted', text: '—' }), ...(underPressure ? [h('td', { class: 'muted', text: '—' })] : [])];
    const conditions = v.conditions.map((c) => `${c.type}=${c.status}${c.message ? `: ${c.message}` : ''}`).join('\n');
    const pressure = h('td', {
      class: v.pressure.length ? 'pressure' : 'muted',
      text: v.pressure.length ? v.pressure.join(', ') : 'none',
      title: conditions,
    });
    const victims = v.nextVictims.map(
      (x, i) =>
        `${i + 1}. ${x.namespace}/${x.name} (priority ${x.priority}${x.qosClass ? `, ${x.qosClass}` : ''}${x.exceeds ? ', over request' : ''})`,
    );
    const how =
      v.usageSource === 'podmetrics'
        ? `The kubelet's order for ${v.signal}: pods using more than they request first, then by priority, then by how far over (usage from metrics-server)`
        : `The kubelet's order for ${v.signal}, estimated without metrics-server: pods that can use more than they request first, then by priority`;
    const next = h('td', {
      class: 'next-victims',
      text: victims.length ? victims.slice(0, 3).join('  ') : 'no pods',
      title: `${how}\n${victims.join('\n')}`,
    });
    if (!underPressure) return [pressure];
    return [
      pressure,
      v.pressure.length ? next : h('td', { class: 'muted', text: '— (no pressure)', title: 'The kubelet evicts only under node pressure' }),
    ];
  };
  for (const n of list) {
    const link = h('button', {
      class: 'link',
      text: n.node || '(no node)',
      title: 'Filter by this node',
      data: { id: `node:${n.node}` },
    });
    link.addEventListener('click', () => onNode(n.node));
    const bar = h('div', { class: 'bar' });
    bar.style.width = `${Math.round((n.total / max) * 100)}%`;
    body.append(
      h(
        'tr',
        {},
        h('td', {}, link),
        h('td', {}, h('div', { class: 'bar-cell' }, bar, h('span', { text: String(n.total) }))),
        h('td', { text: String(n.preemptions) }),
        h('td', { text: String(n.evictions) }),
        h('td', { text: n.topReason }),
        ...nodeCells(n.node),
      ),
    );
  }
  for (const v of extra)
    body.append(
      h(
        'tr',
        {},
        h('td', { text: v.node }),
        h('td', { text: '0' }),
        h('td', { text: '0' }),
        h('td', { text: '0' }),
        h('td', { text: '' }),
        ...nodeCells(v.node),
      ),
    );
  table.append(body);
  // Wider than the panel: it scrolls sideways inside its own box (with a visible scrollbar), never under the table.
  nodes.append(h('div', { class: 'node-table-wrap', attrs: { tabindex: '0', 'aria-label': 'Per-node events (scrolls sideways)' } }, table));
}
