// What other files read of Kueue's view, without positions, so that WorkspaceModel.update can name the files whose
// Kueue findings may have changed after an edit (issue 21): a queued job's own Kueue facts (its path, priority and
// problems), the priorities every queued job is compared by (priority-order inversion) and the names of Kueue's objects
// (the not-found findings and their suggestions).
import type { KueueFacts, KueueJob, KueueJobProblem } from './kueue-facts';
import type { AnalyzedWorkload } from './analyzed';
import { kueueJobLabels, queueNameLabel } from '../semantics/kueue-objects';

export interface KueueSnapshot {
  /** Per file of a queued job: what that file's findings read of Kueue's view. */
  jobs: Map<string, string>;
  /** What every queued job's findings read of the other queued jobs (cohort tree, both priorities) and of the queues' preemption policies. */
  ladder: string;
  /** The names of Kueue's objects by kind (not-found findings and their did-you-mean on the objects' files). */
  names: string;
  /** The files holding Kueue objects. */
  objectFiles: Set<string>;
}

/** Whether a workload names a LocalQueue, on its own metadata (a CronJob: its jobTemplate's) or on its pod template. */
export function carriesQueueLabel(w: AnalyzedWorkload): boolean {
  const o = w.object;
  return (
    o.labels[queueNameLabel] !== undefined ||
    kueueJobLabels(o)[queueNameLabel] !== undefined ||
    w.workload.podLabels[queueNameLabel] !== undefined
  );
}

export function kueueSnapshot(facts: KueueFacts): KueueSnapshot {
  const jobs = new Map<string, string>();
  const ladder: unknown[] = [];
  for (const job of facts.jobs) {
    const file = job.workload.object.file;
    jobs.set(file, `${jobs.get(file) ?? ''}${jobSig(job)}\n`);
    const cq = job.clusterQueue;
    ladder.push([
      job.workload.object.id,
      cq === undefined ? null : (facts.forest.rootOf(cq) ?? `cq:${cq.name}`),
      cq?.name ?? null,
      [job.priority.value ?? null, job.priority.from, job.priority.className ?? null],
      [
        job.workload.priority.priority,
        job.workload.priority.priorityClassName ?? null,
        job.workload.priority.preemptionPolicy,
        job.workload.priority.admission.allowed,
      ],
    ]);
  }
  const objectFiles = new Set<string>();
  const names: string[][] = [[], [], [], [], []];
  const add = (i: number, name: string, file: string): void => {
    names[i]?.push(name);
    objectFiles.add(file);
  };
  for (const c of facts.workloadPriorityClasses.values()) add(0, c.name, c.object.file);
  for (const q of facts.localQueues.values()) add(1, `${q.namespace}/${q.name}`, q.object.file);
  for (const q of facts.clusterQueues.values()) add(2, q.name, q.object.file);
  for (const c of facts.cohorts) add(3, c.name, c.object.file);
  for (const f of facts.flavors.values()) add(4, f.name, f.object.file);
  // Who may preempt whom through Kueue (the preemptors named in findings): every ClusterQueue's cohort and policies.
  for (const cq of facts.clusterQueues.values())
    ladder.push([
      cq.name,
      cq.cohort?.value ?? null,
      cq.preemption.withinClusterQueue,
      cq.preemption.reclaimWithinCohort,
      cq.preemption.borrowWithinCohort,
    ]);
  for (const c of facts.cohorts) ladder.push([c.name, c.parentName?.value ?? null]);
  return { jobs, ladder: JSON.stringify(ladder), names: JSON.stringify(names.map((list) => [...list].sort())), objectFiles };
}

/** kueueDependents: the files whose Kueue findings may differ between two snapshots. */
export function kueueDependents(before: KueueSnapshot, after: KueueSnapshot): Set<string> {
  const out = new Set<string>();
  for (const [file, sig] of after.jobs) if (before.jobs.get(file) !== sig) out.add(file);
  for (const file of before.jobs.keys()) if (!after.jobs.has(file)) out.add(file);
  if (before.ladder !== after.ladder) for (const file of after.jobs.keys()) out.add(file);
  // The names decide the not-found findings and their suggestions, on the objects' files and on the jobs'.
  if (before.names !== after.names) for (const file of [...after.objectFiles, ...after.jobs.keys()]) out.add(file);
  return out;
}

function jobSig(job: KueueJob): string {
  const p = job.priority;
  return JSON.stringify([
    job.workload.object.id,
    job.queueName,
    job.localQueue === undefined ? null : [job.localQueue.namespace, job.localQueue.name, job.localQueue.clusterQueue?.value ?? null],
    job.clusterQueue?.name ?? null,
    job.path ?? null,
    [p.value ?? null, p.from, p.className ?? null, p.problem?.message ?? null],
    job.podCount,
    job.problems.map(problemSig),
  ]);
}

function problemSig(p: KueueJobProblem): unknown {
  switch (p.kind) {
    case 'label-on-template':
      return [p.kind, p.queueName];
    case 'local-queue-not-found':
      return [p.kind, p.queueName, p.suggestions];
    case 'cluster-queue-not-found':
      return [p.kind, p.clusterQueue, p.suggestions];
    case 'namespace-not-admitted':
      return [p.kind, p.clusterQueue.name, p.namespace, p.selectorIsNil];
    case 'resource-not-covered':
      return [p.kind, p.clusterQueue.name, p.message];
    case 'never-fits':
      return [p.kind, p.clusterQueue.name, p.pods, p.message];
    case 'priority':
      return [p.kind, p.priority.problem?.message ?? null];
  }
}
