// Live Preemptions & Evictions: filterable, sortable, virtualised table plus a stacked timeline and a per-node
// summary. Rows come from the host; updates keep the scroll anchor and the selection. A row is live-events-row.ts,
// the charts live-events-charts.ts, the filtering, sorting and bucketing live-events-model.ts (pure, unit-tested).
import type { ClusterStateView, HostToWebview, LiveEventRow, LiveNodeView } from '../../server/src/protocol';
import { clear, h } from './dom';
import { renderNodes, renderTimeline } from './live-events-charts';
import { applyFilters, EMPTY_FILTERS, index, sortRows, visibleWindow, type Filters, type Indexed, type SortKey } from './live-events-model';
import { ROW_H, rowElement } from './live-events-row';
import type { App } from './priority-map';
import { post, vscodeApi } from './vscode-api';

const COLUMNS: { key: SortKey | null; label: string; cls: string }[] = [
  { key: 'time', label: 'Time', cls: 'c-time' },
  // Victim, pending pod, Job or node: each row says which (live-events-row.ts rowSubject).
  { key: 'victim', label: 'Pod or Job', cls: 'c-victim' },
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
  /** Every row in the current sort order; a filter change only filters it (order kept), so 50,000 rows are not re-sorted. */
  let sorted: Indexed[] | undefined;
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
        sorted = undefined;
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
    for (let i = start; i < end; i++) rowsLayer.append(rowElement(view[i], i, selected, select_));
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
    sorted ??= sortRows([...all.values()], sortKey, desc);
    view = applyFilters(sorted, filters, Date.now());
    spacer.style.height = `${view.length * ROW_H}px`;
    if (anchorId) {
      const ni = view.findIndex((r) => r.row.id === anchorId);
      if (ni >= 0) viewport.scrollTop = ni * ROW_H + anchorOffset;
    }
    renderWindow();
    renderTimeline(timeline, legend, view);
    renderNodes(nodes, view, nodeViews, (node) => {
      nodeSel.value = node;
      setFilter('node', filters.node === node ? '' : node);
    });
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
    sorted = undefined;
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
