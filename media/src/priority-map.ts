// Priority Map: PriorityClasses as rungs of a ladder (highest value on top), each with the workloads that use it.
// Rendering only: every number and list comes from the server's PriorityMapView.
import type { HostToWebview, LiveClassUse, PriorityClassView, PriorityMapView, WorkloadView } from '../../server/src/protocol';
import { clear, h } from './dom';
import { badge, workloadButton } from './map-parts';
import { kueueLadder } from './priority-map-kueue';
import { post, vscodeApi } from './vscode-api';

export interface App {
  onMessage(m: HostToWebview): void;
}

interface Rung {
  key: string;
  title: string;
  value: number;
  cls?: PriorityClassView;
  missing: boolean;
  workloads: WorkloadView[];
}

/** Groups workloads under their class; classes referenced but not defined and "no class" get their own rungs. */
export function buildRungs(map: PriorityMapView): Rung[] {
  const rungs = new Map<string, Rung>();
  for (const c of map.priorityClasses)
    rungs.set(`class:${c.name}`, { key: `class:${c.name}`, title: c.name, value: c.value, cls: c, missing: false, workloads: [] });
  for (const w of map.workloads) {
    let key: string;
    if (w.priorityClassName && rungs.has(`class:${w.priorityClassName}`)) key = `class:${w.priorityClassName}`;
    else if (w.priorityClassName) key = `missing:${w.priorityClassName}`;
    else key = `none:${w.priority}`;
    let r = rungs.get(key);
    if (!r) {
      const missing = key.startsWith('missing:');
      r = {
        key,
        title: missing ? `${w.priorityClassName ?? ''} (not found)` : 'No PriorityClass',
        value: w.priority,
        missing,
        workloads: [],
      };
      rungs.set(key, r);
    }
    r.workloads.push(w);
  }
  const list = [...rungs.values()];
  for (const r of list) r.workloads.sort((a, b) => a.preemptionRank.position - b.preemptionRank.position || a.id.localeCompare(b.id));
  return list.sort((a, b) => b.value - a.value || a.title.localeCompare(b.title));
}

function workloadRow(w: WorkloadView): HTMLElement {
  const btn = workloadButton(w);
  const badges = h(
    'span',
    { class: 'badges' },
    badge(
      w.qosClass,
      `qos-${w.qosClass.toLowerCase()}`,
      w.qosClass !== w.qosClassWithoutLimitRange
        ? `QoS after LimitRange defaulting (without: ${w.qosClassWithoutLimitRange})`
        : 'QoS class',
    ),
    // A workload admission rejects never runs: no rank, no preemption, no eviction order to show for it.
    w.admission.allowed
      ? badge(
          `${ordinal(w.preemptionRank.position)} of ${w.preemptionRank.of} to be preempted`,
          'rank',
          `Preemption order among the ${w.preemptionRank.of} workloads: the lowest priority is preempted first, so 1st means the first to go`,
        )
      : badge('rejected at admission', 'error', w.admission.message ?? 'The API server would reject its pods: they never run'),
    w.admission.allowed
      ? badge(
          `eviction order ${w.evictionTier.tier}`,
          'tier',
          `The kubelet's eviction order under node pressure (1 = evicted first): ${w.evictionTier.reason}`,
        )
      : null,
    w.preemptionPolicy === 'Never' ? badge('never preempts', 'never', 'preemptionPolicy: Never') : null,
    w.pdbs.length ? badge(`PDB ×${w.pdbs.length}`, 'pdb', w.pdbs.join(', ')) : null,
    w.rendered
      ? badge(
          w.rendered.label,
          'rendered',
          `Rendered by ${w.rendered.tool === 'helm' ? 'helm template' : 'kustomize build'} from ${w.rendered.root}${w.rendered.tool === 'helm' ? ` (variant ${w.rendered.variant})` : ''}: the facts of this variant`,
        )
      : null,
  );
  const by = !w.admission.allowed
    ? h('span', { class: 'preemptible none', text: 'never runs' })
    : w.preemptibleBy.length
      ? h(
          'details',
          { class: 'preemptible' },
          h('summary', { text: `preemptible by ${w.preemptibleBy.length}` }),
          h('ul', {}, ...w.preemptibleBy.map((p) => h('li', { text: p }))),
        )
      : h('span', { class: 'preemptible none', text: 'preemptible by none' });
  return h('li', { class: 'workload-row' }, btn, badges, by);
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

function rungElement(r: Rung): HTMLElement {
  const c = r.cls;
  const head = h(
    'div',
    { class: 'rung-head' },
    h('span', { class: 'rung-value', text: String(r.value) }),
    h('span', { class: 'rung-name', text: r.title }),
    c?.globalDefault ? badge('globalDefault', 'default') : null,
    c?.preemptionPolicy === 'Never' ? badge('preemptionPolicy: Never', 'never') : null,
    c ? badge(c.source, 'source') : null,
    r.missing ? badge('missing PriorityClass', 'error') : null,
    h('span', {
      class: 'rung-count',
      text: r.workloads.length
        ? `${r.workloads.length} workload${r.workloads.length === 1 ? '' : 's'}`
        : c?.live !== undefined
          ? 'no workloads in the workspace'
          : 'no workloads',
    }),
  );
  // Unused classes stay on the ladder (they still rank everything else) but take one line.
  const body = r.workloads.length ? h('ul', { class: 'workloads' }, ...r.workloads.map(workloadRow)) : null;
  const live = c?.live !== undefined ? liveUse(c.live) : null;
  return h(
    'section',
    { class: `rung${r.missing ? ' rung-missing' : ''}${body || live ? '' : ' rung-empty'}`, data: { rung: r.key } },
    head,
    body,
    live,
  );
}

/** The live cluster's workloads that use the class (connected only), collapsed to one line until opened. */
export function liveUse(live: LiveClassUse): HTMLElement {
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  const more = live.totalWorkloads - live.workloads.length;
  return h(
    'details',
    { class: 'live-use', data: { live: String(live.totalWorkloads) } },
    h('summary', {
      text: `In the cluster now: ${n(live.totalWorkloads, 'workload')} (${n(live.totalPods, 'pod')} running or pending)`,
      title: 'Pods in the connected cluster that use this PriorityClass, grouped by the workload that owns them',
    }),
    h(
      'ul',
      {},
      ...live.workloads.map((w) =>
        h(
          'li',
          { class: 'live-workload' },
          h('span', { class: 'wl-kind', text: w.kind }),
          h('span', { class: 'wl-name', text: `${w.namespace}/${w.name}` }),
          h('span', { class: 'live-pods', text: n(w.pods, 'pod') }),
        ),
      ),
      more > 0 ? h('li', { class: 'live-more', text: `and ${n(more, 'more workload')}` }) : null,
    ),
  );
}

export function mountPriorityMap(root: HTMLElement): App {
  const saved = vscodeApi().getState() as { filter?: string } | undefined;
  const filter = h('input', {
    class: 'filter',
    attrs: { type: 'search', placeholder: 'Filter workloads (name, namespace, kind)', 'aria-label': 'Filter workloads' },
  });
  filter.value = saved?.filter ?? '';
  const summary = h('span', { class: 'summary' });
  const ladder = h(
    'div',
    { class: 'ladder', attrs: { 'aria-live': 'polite' } },
    h('div', { class: 'empty', text: 'Loading the priority map…' }),
  );
  root.append(h('header', { class: 'toolbar' }, h('h1', { text: 'Priority Map' }), summary, filter), ladder);
  let map: PriorityMapView | undefined;

  const render = (): void => {
    if (!map) return;
    const q = filter.value.trim().toLowerCase();
    const shown: PriorityMapView = q
      ? {
          ...map,
          workloads: map.workloads.filter((w) =>
            `${w.kind} ${w.namespace}/${w.name} ${w.priorityClassName ?? ''} ${w.rendered?.label ?? ''}`.toLowerCase().includes(q),
          ),
        }
      : map;
    const rungs = buildRungs(shown);
    clear(ladder);
    if (rungs.length === 0) ladder.append(h('div', { class: 'empty', text: 'No workloads or PriorityClasses found in the workspace.' }));
    else ladder.append(...rungs.map(rungElement));
    const kueue = kueueLadder(shown);
    if (kueue !== null) ladder.append(kueue);
    const wpcs = map.workloadPriorityClasses?.length ?? 0;
    summary.textContent = `${map.priorityClasses.length} PriorityClasses · ${wpcs > 0 ? `${wpcs} WorkloadPriorityClasses · ` : ''}${map.workloads.length} workloads`;
    post({ type: 'rendered', view: 'priorityMap', text: ladder.innerText || ladder.textContent || '', count: shown.workloads.length });
  };

  filter.addEventListener('input', () => {
    vscodeApi().setState({ filter: filter.value });
    render();
  });

  return {
    onMessage(m) {
      if (m.type !== 'priorityMap') return;
      map = m.map;
      render();
    },
  };
}
