// The priority Kueue gives a job's Workload (R-Q.2), exactly as jobframework.ExtractPriority resolves it, with where it
// came from. It orders Kueue's queues and decides Kueue preemption; the pods keep their own priority (R-A.*), which
// kube-scheduler uses: the two can disagree.
import type { PriorityClassIndex } from './priority';
import { defaultWorkloadPriorityClassName, workloadPriorityClassLabel } from './kueue-objects';
import type { WorkloadPriorityClass } from './kueue-objects';

export type KueuePriorityFrom =
  /** the `kueue.x-k8s.io/priority-class` label on the job */
  | 'workloadPriorityClass'
  /** no label: the WorkloadPriorityClassDefaulting gate wrote in the `default` WorkloadPriorityClass */
  | 'defaultWorkloadPriorityClass'
  /** the first pod template's `priorityClassName`: the PriorityClass object's value */
  | 'priorityClass'
  /** no class anywhere: the lowest `globalDefault` PriorityClass */
  | 'globalDefault'
  /** nothing: Kueue's static default, 0 */
  | 'none';

export interface KueuePriority {
  /** The Workload's `spec.priority`; undefined when Kueue cannot create the Workload at all (see `problem`). */
  value: number | undefined;
  from: KueuePriorityFrom;
  /** The WorkloadPriorityClass or PriorityClass the value came from. */
  className: string | undefined;
  /**
   * Why Kueue creates no Workload: its reconcile fails with this error (logged, in v0.19 no event) and the job stays
   * suspended. Kueue reads classes through controller-runtime's cached client, whose NotFound names the kind and group
   * (`WorkloadPriorityClass.kueue.x-k8s.io "x" not found`), not the resource as the apiserver's does.
   */
  problem: { kind: 'workload-priority-class-not-found' | 'priority-class-not-found'; message: string } | undefined;
}

export interface KueuePriorityOptions {
  /** Kueue's WorkloadPriorityClassDefaulting feature gate (alpha in v0.18, off by default in v0.19). */
  workloadPriorityClassDefaulting?: boolean;
}

/**
 * resolveKueuePriority: `labels` are the job object's own labels; `podPriorityClassName` the first pod template's
 * `priorityClassName` that is set (extractPriorityFromPodSets). Kueue reads the class objects' values, not the pods'
 * resolved priority: a job whose label names a missing WorkloadPriorityClass gets no Workload and no fallback.
 */
export function resolveKueuePriority(
  labels: Readonly<Record<string, string>>,
  podPriorityClassName: string | undefined,
  workloadPriorityClasses: ReadonlyMap<string, WorkloadPriorityClass>,
  priorityClasses: PriorityClassIndex,
  options: KueuePriorityOptions = {},
): KueuePriority {
  // WorkloadPriorityClassName: an empty label value is no label.
  let wpcName = labels[workloadPriorityClassLabel] ?? '';
  let from: KueuePriorityFrom = 'workloadPriorityClass';
  if (wpcName === '' && options.workloadPriorityClassDefaulting === true && workloadPriorityClasses.has(defaultWorkloadPriorityClassName)) {
    wpcName = defaultWorkloadPriorityClassName;
    from = 'defaultWorkloadPriorityClass';
  }
  if (wpcName !== '') {
    const wpc = workloadPriorityClasses.get(wpcName);
    if (wpc === undefined) {
      return {
        value: undefined,
        from,
        className: wpcName,
        problem: {
          kind: 'workload-priority-class-not-found',
          message: `WorkloadPriorityClass.kueue.x-k8s.io "${wpcName}" not found`,
        },
      };
    }
    return { value: wpc.value, from, className: wpc.name, problem: undefined };
  }
  if (podPriorityClassName !== undefined && podPriorityClassName !== '') {
    const pc = priorityClasses.get(podPriorityClassName);
    if (pc === undefined) {
      return {
        value: undefined,
        from: 'priorityClass',
        className: podPriorityClassName,
        problem: {
          kind: 'priority-class-not-found',
          message: `PriorityClass.scheduling.k8s.io "${podPriorityClassName}" not found`,
        },
      };
    }
    return { value: pc.value, from: 'priorityClass', className: pc.name, problem: undefined };
  }
  // getDefaultPriorityClass: the globalDefault class with the lowest value, as the Priority admission plugin picks it.
  const globalDefault = priorityClasses.globalDefault;
  if (globalDefault !== undefined)
    return { value: globalDefault.value, from: 'globalDefault', className: globalDefault.name, problem: undefined };
  return { value: 0, from: 'none', className: undefined, problem: undefined };
}

/** describeKueuePriority says where a Kueue priority came from, in Kueue's own words. */
export function describeKueuePriority(p: KueuePriority): string {
  if (p.value === undefined) return `none: ${p.problem?.message ?? 'no Workload'}`;
  switch (p.from) {
    case 'workloadPriorityClass':
      return `${p.value} (WorkloadPriorityClass ${p.className ?? ''})`;
    case 'defaultWorkloadPriorityClass':
      return `${p.value} (WorkloadPriorityClass ${p.className ?? ''}, defaulted)`;
    case 'priorityClass':
      return `${p.value} (PriorityClass ${p.className ?? ''})`;
    case 'globalDefault':
      return `${p.value} (globalDefault PriorityClass ${p.className ?? ''})`;
    default:
      return `${p.value} (no class)`;
  }
}
