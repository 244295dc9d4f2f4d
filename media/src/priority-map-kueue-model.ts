// The Kueue ladder's rungs (issue 21), without the DOM: WorkloadPriorityClasses, then the priorities Kueue took from the
// pods' class, then the jobs Kueue makes no Workload for or does not manage. Read by priority-map-kueue.ts and tests.
import type { PriorityMapView, WorkloadPriorityClassView, WorkloadView } from '../../server/src/protocol';

export interface KueueRung {
  key: string;
  title: string;
  /** Undefined for the jobs Kueue makes no Workload for or does not manage (listed last). */
  value: number | undefined;
  cls?: WorkloadPriorityClassView;
  note: string;
  workloads: WorkloadView[];
}

/** Kueue's rungs: each WorkloadPriorityClass, then the priorities Kueue took from the pods' PriorityClass, highest first. */
export function buildKueueRungs(map: PriorityMapView): KueueRung[] {
  const rungs = new Map<string, KueueRung>();
  for (const c of map.workloadPriorityClasses ?? [])
    rungs.set(`wpc:${c.name}`, {
      key: `wpc:${c.name}`,
      title: c.name,
      value: c.value,
      cls: c,
      note: 'WorkloadPriorityClass',
      workloads: [],
    });
  for (const w of map.workloads) {
    const k = w.kueue;
    if (k === undefined) continue;
    let rung: KueueRung;
    if (!k.queued)
      rung = {
        key: 'not-queued',
        title: 'Not managed by Kueue',
        value: undefined,
        note: 'queue label only on the pod template',
        workloads: [],
      };
    else if (k.priority === undefined)
      rung = { key: 'no-workload', title: 'No Workload', value: undefined, note: k.priorityText, workloads: [] };
    else if (k.workloadPriorityClass !== undefined && rungs.has(`wpc:${k.workloadPriorityClass}`))
      rung = rungs.get(`wpc:${k.workloadPriorityClass}`)!;
    else
      rung = {
        key: `from:${k.priorityText}`,
        title: k.priorityText.replace(/^\d+ /, ''),
        value: k.priority,
        note: 'no WorkloadPriorityClass',
        workloads: [],
      };
    const existing = rungs.get(rung.key) ?? rung;
    rungs.set(rung.key, existing);
    existing.workloads.push(w);
  }
  const list = [...rungs.values()];
  for (const r of list) r.workloads.sort((a, b) => a.id.localeCompare(b.id));
  return list.sort(
    (a, b) => (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY) || a.title.localeCompare(b.title),
  );
}
