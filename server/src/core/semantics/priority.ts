// Effective pod priority exactly as the Priority admission plugin computes it (R-A.*), with where the value came from.
import type { Workload } from '../model/workload';
import { builtinPriorityClasses } from './priority-class';
import type { PreemptionPolicy, PriorityClass } from './priority-class';

export type PriorityFrom = 'explicit' | 'globalDefault' | 'builtin' | 'cluster' | 'spec' | 'none';

export interface ResolvedPriority {
  priority: number;
  /** The class name the pod ends up with (the default class's name when it came from `globalDefault`). */
  priorityClassName: string | undefined;
  from: PriorityFrom;
  preemptionPolicy: PreemptionPolicy;
  priorityClass: PriorityClass | undefined;
  admission: { allowed: boolean; message?: string };
}

/** PriorityClassIndex is the set of classes a pod is admitted against: workspace over cluster over built-in. */
export class PriorityClassIndex {
  readonly byName = new Map<string, PriorityClass>();
  /** Cluster-state classes shadowed by a workspace class of the same name (the workspace one is the update). */
  readonly clusterVersions = new Map<string, PriorityClass>();
  readonly globalDefault: PriorityClass | undefined;

  constructor(workspace: PriorityClass[], cluster: PriorityClass[]) {
    for (const c of builtinPriorityClasses()) this.byName.set(c.name, c);
    for (const c of cluster) this.byName.set(c.name, c);
    for (const c of workspace) {
      const existing = this.byName.get(c.name);
      if (existing?.source === 'cluster') this.clusterVersions.set(c.name, existing);
      if (existing?.source !== 'workspace') this.byName.set(c.name, c);
    }
    // Several defaults can exist after a race; admission then uses the one with the lowest value (R-A.3).
    let chosen: PriorityClass | undefined;
    for (const c of [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (c.globalDefault && (chosen === undefined || c.value < chosen.value)) chosen = c;
    }
    this.globalDefault = chosen;
  }

  get(name: string): PriorityClass | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}

/** resolvePriority runs the Priority admission plugin's admitPod (R-A.2..A.6) for the workload's pods. */
export function resolvePriority(workload: Workload, index: PriorityClassIndex): ResolvedPriority {
  // Built only for a rejection: resolution runs for every user of a class on each edit of it.
  const forbidden = (text: string): string =>
    `pods "${workload.object.kind === 'Pod' ? workload.object.name : `${workload.object.name}-…`}" is forbidden: ${text}`;
  const givenPriority = workload.priority?.value;
  const givenPolicy = workload.preemptionPolicy?.value;

  // A pod read back from a cluster already went through admission: its integer priority is the truth (R-A.2).
  if (workload.object.origin === 'cluster' && workload.object.kind === 'Pod' && givenPriority !== undefined) {
    return {
      priority: givenPriority,
      priorityClassName: workload.priorityClassName?.value,
      from: 'spec',
      preemptionPolicy: givenPolicy === 'Never' ? 'Never' : 'PreemptLowerPriority',
      priorityClass: workload.priorityClassName === undefined ? undefined : index.get(workload.priorityClassName.value),
      admission: { allowed: true },
    };
  }

  let priority: number;
  let priorityClass: PriorityClass | undefined;
  let from: PriorityFrom;
  const className = workload.priorityClassName?.value;
  if (className !== undefined && className !== '') {
    priorityClass = index.get(className);
    if (priorityClass === undefined) {
      return {
        priority: 0,
        priorityClassName: className,
        from: 'none',
        preemptionPolicy: givenPolicy === 'Never' ? 'Never' : 'PreemptLowerPriority',
        priorityClass: undefined,
        admission: { allowed: false, message: forbidden(`no PriorityClass with name ${className} was found`) },
      };
    }
    priority = priorityClass.value;
    from = priorityClass.source === 'builtin' ? 'builtin' : priorityClass.source === 'cluster' ? 'cluster' : 'explicit';
  } else if (index.globalDefault !== undefined) {
    priorityClass = index.globalDefault;
    priority = priorityClass.value;
    from = 'globalDefault';
  } else {
    priorityClass = undefined;
    priority = 0;
    from = 'none';
  }
  const preemptionPolicy: PreemptionPolicy = priorityClass?.preemptionPolicy ?? 'PreemptLowerPriority';
  const resolved: ResolvedPriority = {
    priority,
    priorityClassName: priorityClass?.name,
    from,
    preemptionPolicy,
    priorityClass,
    admission: { allowed: true },
  };
  if (givenPriority !== undefined && givenPriority !== priority) {
    resolved.admission = {
      allowed: false,
      message: forbidden(
        `the integer value of priority (${givenPriority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      ),
    };
  } else if (givenPolicy !== undefined && givenPolicy !== preemptionPolicy) {
    resolved.admission = {
      allowed: false,
      message: forbidden(
        `the string value of PreemptionPolicy (${givenPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
      ),
    };
  }
  return resolved;
}
