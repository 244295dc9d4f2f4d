// Priority Map, second ladder (issue 21): Kueue priorities, which order Workloads in their queues and decide whom Kueue
// preempts, beside the PriorityClass ladder, which kube-scheduler preempts pods by. Rendering only: every number and
// text comes from the server's PriorityMapView (WorkloadView.kueue, workloadPriorityClasses).
import type { PriorityMapView, WorkloadView } from '../../server/src/protocol';
import { h } from './dom';
import { badge, workloadButton } from './map-parts';
import { buildKueueRungs } from './priority-map-kueue-model';
import type { KueueRung } from './priority-map-kueue-model';
import { post } from './vscode-api';

function kueueRow(w: WorkloadView): HTMLElement {
  const k = w.kueue!;
  const queue = `${k.localQueue ?? k.queueName}${k.path !== undefined ? ` → ${k.path}` : ''}`;
  return h(
    'li',
    { class: 'workload-row' },
    workloadButton(w),
    h(
      'span',
      { class: 'badges' },
      badge(`pod priority ${w.priority}`, 'rank', "The pods' own priority (PriorityClass), which kube-scheduler preempts pods by"),
      badge(queue, 'source', 'LocalQueue → ClusterQueue path'),
      k.queued
        ? k.neverPreemptedByKueue
          ? badge('never preempted by Kueue', 'never', "Its ClusterQueue's preemption policies leave no queued job a way to evict it")
          : badge(
              `preemptible by Kueue: ${k.preemptorCount}`,
              'tier',
              'Queued jobs Kueue could evict its Workload for (hover or kpl explain names them)',
            )
        : null,
    ),
  );
}

function kueueRungElement(r: KueueRung): HTMLElement {
  const head = h(
    'div',
    { class: 'rung-head' },
    h('span', { class: 'rung-value', text: r.value !== undefined ? String(r.value) : '–' }),
    h('span', { class: 'rung-name', text: r.title }),
    badge(r.note, 'source'),
    h('span', {
      class: 'rung-count',
      text: r.workloads.length ? `${r.workloads.length} job${r.workloads.length === 1 ? '' : 's'}` : 'no jobs',
    }),
  );
  const open = r.cls?.location;
  if (open !== undefined) {
    const name = head.querySelector('.rung-name');
    name?.setAttribute('title', 'Open the WorkloadPriorityClass');
    name?.addEventListener('click', () => post({ type: 'open', location: open }));
  }
  const body = r.workloads.length ? h('ul', { class: 'workloads' }, ...r.workloads.map(kueueRow)) : null;
  return h('section', { class: `rung${body ? '' : ' rung-empty'}`, data: { rung: r.key } }, head, body);
}

/** The Kueue ladder as one section, or null when the workspace does not use Kueue. */
export function kueueLadder(map: PriorityMapView): HTMLElement | null {
  const rungs = buildKueueRungs(map);
  if (rungs.length === 0) return null;
  return h(
    'div',
    { class: 'kueue-ladder', data: { ladder: 'kueue' } },
    h('h2', { text: 'Kueue priorities' }),
    h('p', {
      class: 'ladder-note',
      text: 'Kueue admits and preempts Workloads by these values (WorkloadPriorityClass, else the pods’ PriorityClass); kube-scheduler preempts their pods by the pod priority shown on each job.',
    }),
    ...rungs.map(kueueRungElement),
  );
}
