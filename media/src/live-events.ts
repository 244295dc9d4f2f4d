// Live Preemptions & Evictions: filterable, sortable, virtualised table plus a stacked timeline and a per-node
// summary. Rows come from the host; updates keep the scroll anchor and the selection.
import type { ClusterStateView, HostToWebview, LiveEventRow, LiveNodeView } from '../../server/src/protocol';
import { clear, h, svg } from './dom';
import {
  applyFilters,
  bucketize,
  EMPTY_FILTERS,
  index,
  rowToMarkdown,
  sortRows,
  summarizeNodes,
  visibleWindow,
  type Filters,
  type Indexed,
  type SortKey,
} from './live-events-model';
import type { App } from './priority-map';
import { post, vscodeApi } from './vscode-api';

const ROW_H = 44;
const BUCKETS = 48;
const COLUMNS: { key: SortKey | null; label: string; cls: string }[] = [
  { key: 'time', label: 'Time', cls: 'c-time' },
  { key: 'victim', label: 'Victim', cls: 'c-victim' },
  { key: 'reason', label: 'Reason', cls: 'c-reason' },
  { key: 'node', label: 'Node', cls: 'c-node' },
  { key: 'preemptor', label: 'Preemptor', cls: 'c-preemptor' },
  { key: 'gap', label: 'Gap', cls: 'c-gap' },
  { key: null, label: 'Actions', cls: 'c-actions' },
];
const RANGES: [number, string][] = [
  [0, 'All time'],
  [15, 'Last 15 min'],
  [60, 'Last hour'],
  [360, 'Last 6 hours'],
  [1440, 'Last 24 hours'],
  [10080, 'Last 7 days'],
];

interface Saved {
  filters: Filters;
  sortKey: SortKey;
  desc: boolean;
  selected?: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');
function fmtTime(ts: number): string {
  if (!ts) return '';
  const d = new Date(ts);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function select(label: string, onChange: (v: string) => void): HTMLSelectElement {
  const s = h('select', { attrs: { 'aria-label': label } });
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** Rebuilds a filter's options from the data, keeping the current choice even if it has no rows right now. */
function fillOptions(s: HTMLSelectElement, all: string, values: Iterable<string>, current: string): void {
  const sorted = [...new Set([...values, ...(current ? [current] : [])])].sort();
  clear(s);
  s.append(
    h('option', { text: all, attrs: { value: '' } }),
    ...sorted.map((v) => h('option', { text: v || '(none)', attrs: { value: v } })),
  );
  s.value = current;
}

export function mountLiveEvents(root: HTMLElement): App {
  const saved = (vscodeApi().getState() as Saved | undefined) ?? { filters: { ...EMPTY_FILTERS }, sortKey: 'time', desc: true };
  const filters: Filters = { ...EMPTY_FILTERS, ...saved.filters };
  let sortKey: SortKey = saved.sortKey;
  let desc = saved.desc;
  let selected: string | undefined = saved.selected;
  const all = new Map<string, Indexed>();
  let view: Indexed[] = [];
  let state: ClusterStateView = { state: 'connecting' };
  /** Pressure and predicted next eviction victims per node (from the host's liveEvents result). */
  let nodeViews = new Map<string, LiveNodeView>();
  const persist = (): void => vscodeApi().setState({ filters, sortKey, desc, selected } satisfies Saved);

  // Toolbar
  const stateBadge = h('span', { class: 'state' });
  const search = h('input', {
    class: 'filter',
    attrs: { type: 'search', placeholder: 'Search victim, preemptor, message, UID…', 'aria-label': 'Search events' },
  });
  search.value = filters.query;
  const nsSel = select('Namespace', (v) => setFilter('namespace', v));
  const reasonSel = select('Reason', (v) => setFilter('reason', v));
  const nodeSel = select('Node', (v) => setFilter('node', v));
  const clsSel = select('PriorityClass', (v) => setFilter('cls', v));
  const rangeSel = select('Time range', (v) => setFilter('rangeMinutes', Number(v)));
  rangeSel.append(...RANGES.map(([m, l]) => h('option', { text: l, attrs: { value: String(m) } })));
  rangeSel.value = String(filters.rangeMinutes);
  const countLabel = h('span', { class: 'count' });
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setFilter('query', search.value), 120);
  });

  // Charts
  const timeline = h('div', { class: 'timeline', attrs: { role: 'img', 'aria-label': 'Events over time by reason' } });
  const legend = h('div', { class: 'legend' });
  const nodes = h('div', { class: 'nodes' });

  // Table
  const header = h('div', { class: 'ev-row ev-header', attrs: { role: 'row' } });
  const spacer = h('div', { class: 'spacer' });
  const rowsLayer = h('div', { class: 'rows' });
  const viewport = h(
    'div',
    { class: 'viewport', attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Preemption and eviction events' } },
    spacer,
    rowsLayer,
  );
  const empty = h('div', { class: 'empty' });

  root.append(
    h('header', { class: 'toolbar' }, h('h1', { text: 'Live Preemptions & Evictions' }), stateBadge, countLabel),
    h('div', { class: 'filters' }, search, nsSel, reasonSel, nodeSel, clsSel, rangeSel),
    h(
      'div',
      { class: 'charts' },
      h('section', { class: 'chart' }, h('h2', { text: 'Timeline' }), timeline, legend),
      h('section', { class: 'per-node' }, h('h2', { text: 'Per node' }), nodes),
    ),
    h('div', { class: 'table' }, header, viewport, empty),
  );
  root.classList.add('live');

  function renderHeader(): void {
    clear(header);
    for (const c of COLUMNS) {
      if (!c.key) {
        header.append(h('div', { class: `cell ${c.cls}`, text: c.label }));
        continue;
      }
      const key = c.key;
      const arrow = sortKey === key ? (desc ? ' ▼' : ' ▲') : '';
      const btn = h('button', {
        class: `cell sort ${c.cls}`,
        text: c.label + arrow,
        attrs: { 'aria-sort': sortKey === key ? (desc ? 'descending' : 'ascending') : 'none' },
      });
      btn.addEventListener('click', () => {
        if (sortKey === key) desc = !desc;
        else {
          sortKey = key;
          desc = key === 'time' || key === 'gap' || key === 'priority';
        }
        persist();
        renderHeader();
        recompute(false);
      });
      header.append(btn);
    }
  }

  function setFilter<K extends keyof Filters>(k: K, v: Filters[K]): void {
    filters[k] = v;
    persist();
    viewport.scrollTop = 0;
    recompute(false);
  }

  function actionButton(label: string, title: string, id: string, fn: () => void, disabled = false): HTMLButtonElement {
    const b = h('button', { class: 'action', text: label, title, data: { id } });
    if (disabled) b.disabled = true;
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      fn();
    });
    return b;
  }

  function rowElement(r: Indexed, i: number): HTMLElement {
    const row = r.row;
    const v = row.victim;
    const victimSub = [v.priority !== undefined ? `prio ${v.priority}` : '', v.priorityClassName ?? '', v.qosClass ?? '', v.owner ?? '']
      .filter(Boolean)
      .join(' · ');
    const p = row.preemptor;
    const preemptor = p
      ? h(
          'div',
          { class: `cell c-preemptor${p.resolved ? '' : ' unresolved'}` },
          h('div', {
            class: 'main',
            text: p.resolved && p.name ? `${p.namespace ? `${p.namespace}/` : ''}${p.name}` : 'unknown (gone before seen)',
          }),
          h('div', {
            class: 'sub',
            text: p.resolved
              ? [p.priority !== undefined ? `prio ${p.priority}` : '', p.priorityClassName ?? '', p.owner ?? ''].filter(Boolean).join(' · ')
              : `UID ${p.uid}`,
          }),
        )
      : h('div', { class: 'cell c-preemptor muted', text: '—' });
    const target = `${row.namespace}/${v.name}`;
    const el = h(
      'div',
      {
        class: `ev-row type-${row.type}${row.id === selected ? ' selected' : ''}`,
        attrs: { role: 'row', 'aria-selected': String(row.id === selected), title: row.message },
        data: { id: `row:${row.id}` },
      },
      h('div', { class: 'cell c-time', text: fmtTime(r.ts), title: new Date(r.ts).toString() }),
      h('div', { class: 'cell c-victim' }, h('div', { class: 'main', text: target }), h('div', { class: 'sub', text: victimSub })),
      h('div', { class: 'cell c-reason' }, h('span', { class: `reason-pill type-${row.type}`, text: row.reason })),
      h('div', { class: 'cell c-node', text: row.node ?? '' }),
      preemptor,
      h('div', { class: 'cell c-gap', text: row.priorityGap !== undefined ? String(row.priorityGap) : '' }),
      h(
        'div',
        { class: 'cell c-actions' },
        actionButton('Diagnose', `Diagnose ${target}`, `diagnose:${row.id}`, () => post({ type: 'diagnose', target })),
        actionButton(
          'Open',
          row.location ? 'Open the manifest' : 'No manifest in the workspace',
          `open:${row.id}`,
          () => row.location && post({ type: 'open', location: row.location }),
          !row.location,
        ),
        actionButton('Copy', 'Copy as Markdown', `copy:${row.id}`, () => post({ type: 'copy', text: rowToMarkdown(row) })),
      ),
    );
    el.style.transform = `translateY(${i * ROW_H}px)`;
    el.addEventListener('click', () => select_(row.id));
    return el;
  }

  function select_(id: string | undefined): void {
    selected = id;
    persist();
    for (const el of rowsLayer.children) {
      const on = (el as HTMLElement).dataset.id === `row:${id}`;
      el.classList.toggle('selected', on);
      el.setAttribute('aria-selected', String(on));
    }
  }

  let frame = 0;
  function renderWindow(): void {
    frame = 0;
    const { start, end } = visibleWindow(viewport.scrollTop, viewport.clientHeight || 600, ROW_H, view.length);
    clear(rowsLayer);
    for (let i = start; i < end; i++) rowsLayer.append(rowElement(view[i], i));
  }
  viewport.addEventListener('scroll', () => {
    if (!frame) frame = requestAnimationFrame(renderWindow);
  });
  viewport.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const cur = view.findIndex((r) => r.row.id === selected);
    const next = Math.max(0, Math.min(view.length - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    const r = view[next];
    if (!r) return;
    if (next * ROW_H < viewport.scrollTop) viewport.scrollTop = next * ROW_H;
    else if ((next + 1) * ROW_H > viewport.scrollTop + viewport.clientHeight)
      viewport.scrollTop = (next + 1) * ROW_H - viewport.clientHeight;
    selected = r.row.id;
    persist();
    renderWindow();
  });
  new ResizeObserver(() => renderWindow()).observe(viewport);

  function renderTimeline(rows: Indexed[]): void {
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

  function renderNodes(rows: Indexed[]): void {
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
    if (withNodeViews) head.append(h('th', { text: 'Pressure' }), h('th', { text: 'Next eviction victims' }));
    const table = h('table', { class: 'node-table' }, h('thead', {}, head));
    const body = h('tbody');
    const nodeCells = (name: string): HTMLElement[] => {
      if (!withNodeViews) return [];
      const v = nodeViews.get(name);
      if (v === undefined) return [h('td', { class: 'muted', text: '—' }), h('td', { class: 'muted', text: '—' })];
      const conditions = v.conditions.map((c) => `${c.type}=${c.status}${c.message ? `: ${c.message}` : ''}`).join('\n');
      const pressure = h('td', {
        class: v.pressure.length ? 'pressure' : 'muted',
        text: v.pressure.length ? v.pressure.join(', ') : 'none',
        title: conditions,
      });
      const victims = v.nextVictims.map(
        (x, i) =>
          `${i + 1}. ${x.namespace}/${x.name} (prio ${x.priority}${x.qosClass ? `, ${x.qosClass}` : ''}${x.exceeds ? ', over request' : ''})`,
      );
      const how =
        v.usageSource === 'podmetrics'
          ? `ranked for ${v.signal} by PodMetrics usage`
          : `ranked for ${v.signal} by QoS tier and priority (no PodMetrics)`;
      const next = h('td', {
        class: 'next-victims',
        text: victims.length ? victims.slice(0, 3).join('  ') : 'no pods',
        title: `${how}\n${victims.join('\n')}`,
      });
      return [pressure, next];
    };
    for (const n of list) {
      const link = h('button', {
        class: 'link',
        text: n.node || '(no node)',
        title: 'Filter by this node',
        data: { id: `node:${n.node}` },
      });
      link.addEventListener('click', () => {
        nodeSel.value = n.node;
        setFilter('node', filters.node === n.node ? '' : n.node);
      });
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
    nodes.append(table);
  }

  function renderState(): void {
    stateBadge.className = `state state-${state.state}`;
    stateBadge.textContent = `${state.context ? `${state.context}: ` : ''}${state.state}`;
    stateBadge.title = state.detail ?? '';
  }

  /** Re-derives the visible list; `anchor` keeps the first visible row in place when rows arrive above it. */
  function recompute(anchor: boolean): void {
    const anchorIndex = Math.floor(viewport.scrollTop / ROW_H);
    const anchorId = anchor && viewport.scrollTop > 0 ? view[anchorIndex]?.row.id : undefined;
    const anchorOffset = viewport.scrollTop - anchorIndex * ROW_H;
    view = sortRows(applyFilters(all.values(), filters, Date.now()), sortKey, desc);
    spacer.style.height = `${view.length * ROW_H}px`;
    if (anchorId) {
      const ni = view.findIndex((r) => r.row.id === anchorId);
      if (ni >= 0) viewport.scrollTop = ni * ROW_H + anchorOffset;
    }
    renderWindow();
    renderTimeline(view);
    renderNodes(view);
    countLabel.textContent = `${view.length.toLocaleString('en-US')} of ${all.size.toLocaleString('en-US')} events`;
    empty.textContent = all.size === 0 ? emptyText() : view.length === 0 ? 'No events match the filters.' : '';
    empty.hidden = view.length > 0;
    // What the user sees: the state badge, the count and every row in the DOM (virtualised: at most a screenful or two).
    post({
      type: 'rendered',
      view: 'liveEvents',
      text: `${stateBadge.textContent ?? ''}\n${countLabel.textContent}\n${rowsLayer.innerText}\n${empty.hidden ? '' : empty.textContent}`,
      count: view.length,
      domRows: rowsLayer.childElementCount,
    });
  }

  function emptyText(): string {
    switch (state.state) {
      case 'live':
      case 'partial':
        return 'No preemptions or evictions recorded yet.';
      case 'untrusted':
        return 'Restricted Mode: trust this workspace to watch a cluster.';
      case 'disabled':
        return 'Cluster access is off (kubePriorityLens.clusterAware).';
      case 'no-kubeconfig':
        return 'No cluster connection: set kubePriorityLens.kubeconfig and kubePriorityLens.context.';
      default:
        return `Cluster ${state.state}${state.detail ? `: ${state.detail}` : ''}`;
    }
  }

  function refreshOptions(): void {
    const rows = [...all.values()].map((r) => r.row);
    fillOptions(
      nsSel,
      'All namespaces',
      rows.map((r) => r.namespace),
      filters.namespace,
    );
    fillOptions(
      reasonSel,
      'All reasons',
      rows.map((r) => r.reason),
      filters.reason,
    );
    fillOptions(
      nodeSel,
      'All nodes',
      rows.map((r) => r.node ?? ''),
      filters.node,
    );
    fillOptions(
      clsSel,
      'All classes',
      rows.map((r) => r.victim.priorityClassName ?? ''),
      filters.cls,
    );
  }

  renderHeader();
  renderState();
  recompute(false);

  let pending: { rows: LiveEventRow[]; replace: boolean; nodes?: LiveNodeView[] }[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    for (const u of pending) {
      if (u.replace) all.clear();
      for (const r of u.rows) all.set(r.id, index(r));
      if (u.nodes !== undefined) nodeViews = new Map(u.nodes.map((n) => [n.node, n]));
    }
    pending = [];
    refreshOptions();
    renderState();
    recompute(true);
  };

  return {
    onMessage(m: HostToWebview) {
      if (m.type !== 'liveEvents') return;
      state = m.state;
      pending.push({ rows: m.rows, replace: m.replace, ...(m.nodes !== undefined ? { nodes: m.nodes } : {}) });
      // Bursts of notifications coalesce into one render (a timer, not rAF: rAF stalls while the panel is hidden).
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 16);
      }
    },
  };
}
