// The Eviction, Job consequence and PodDisruptionBudgets parts of the Diagnose report.
import { FieldReader } from '../../model/fields';
import { readLabelSelector } from '../../model/workload';
import { selectorMatches } from '../../semantics/labels';
import { ignoresDisruptions } from '../../semantics/job';
import { nodeFromValue } from '../../syntax/from-value';
import type { Classification } from '../classify';
import { parseJobFailure } from '../messages';
import type { JobFailure } from '../messages';
import { asNumber, asString, field } from '../records';
import type { ApiObject, EventRecord, OwnerLink, PodRecord } from '../records';
import { rankNodeForEviction } from '../victim-choice';
import type { DiagnoseInput, DiagnoseReport, JobConsequence, PdbState } from './types';
import { findObject, linkTo } from './context';
import type { ReportContext } from './context';

/** evictionSection explains a kubelet node-pressure eviction: the starved resource, the ranking, the node now. */
export function evictionSection(ctx: ReportContext, report: DiagnoseReport, e: NonNullable<Classification['eviction']>): void {
  const { c, victim, input } = ctx;
  const ranking: string[] = [];
  if (e.resource === 'memory')
    ranking.push(
      'Memory pressure ranking: pods whose working set exceeds their memory request go first, then lower priority, then larger usage above request. QoS is not a ranking key, but Guaranteed pods never exceed their requests.',
    );
  else if (e.resource === 'ephemeral-storage' || e.resource === 'inodes')
    ranking.push(
      'Disk pressure ranking: pods whose disk usage exceeds their ephemeral-storage request go first, then lower priority, then larger usage above request.',
    );
  else if (e.resource === 'pids') ranking.push('PID pressure ranking: lower priority first, then more processes.');
  if (e.containers.length > 0)
    ranking.push(
      `Over request: ${e.containers.map((x) => `${x.container} used ${x.usage} of ${x.request} ${x.resource} requested`).join('; ')}.`,
    );
  if (victim?.priority !== undefined)
    ranking.push(
      `Its priority ${victim.priority}${victim.priorityClassName !== undefined ? ` (${victim.priorityClassName})` : ''} was the second ranking key.`,
    );
  report.eviction = { containers: e.containers, ranking };
  if (e.resource !== undefined) report.eviction.resource = e.resource;
  if (e.signals !== undefined) report.eviction.signals = e.signals;
  if (e.nodeCondition !== undefined) report.eviction.nodeCondition = e.nodeCondition;
  if (e.threshold !== undefined) report.eviction.threshold = e.threshold;
  if (e.available !== undefined) report.eviction.available = e.available;
  const nodeName = c.node;
  const node = nodeName === undefined ? undefined : input.nodes?.find((n) => asString(n, 'metadata', 'name') === nodeName);
  if (node !== undefined && nodeName !== undefined) {
    const conds = (field(node, 'status', 'conditions') as unknown[] | undefined) ?? [];
    report.eviction.node = {
      name: nodeName,
      pressure: conds
        .filter((x) => /Pressure$/.test(asString(x, 'type') ?? '') && asString(x, 'status') === 'True')
        .map((x) => asString(x, 'type') ?? ''),
      allocatable: (field(node, 'status', 'allocatable') as Record<string, string> | undefined) ?? {},
    };
  }
  // The node's conditions now and the kubelet's ranking of the pods on it: the predicted next eviction victims.
  if (nodeName !== undefined) {
    report.eviction.nextVictims = rankNodeForEviction({
      node: nodeName,
      ...(e.signals?.[0] !== undefined ? { signal: e.signals[0] } : {}),
      pods: input.pods,
      nodes: input.nodes ?? [],
      ...(input.priorityClasses !== undefined ? { priorityClasses: input.priorityClasses } : {}),
      ...(input.podMetrics !== undefined ? { podMetrics: input.podMetrics } : {}),
    });
  }
}

/** The Job that owns the pod, its object when listed, its events and why it failed. */
export interface JobOfPod {
  link: OwnerLink;
  object: ApiObject | undefined;
  events: EventRecord[];
  failure: JobFailure | undefined;
}

/** jobOf finds the owning Job of the pod, its Failed condition and its failure events. */
export function jobOf(input: DiagnoseInput, pod: PodRecord | undefined): JobOfPod | undefined {
  const { target } = input;
  const jobLink = pod?.owners.find((o) => o.kind === 'Job');
  if (jobLink === undefined) return undefined;
  const jobObject = input.jobs?.find(
    (j) =>
      asString(j, 'metadata', 'name') === jobLink.name && (asString(j, 'metadata', 'namespace') ?? target.namespace) === target.namespace,
  );
  const jobConditions = (field(jobObject, 'status', 'conditions') as unknown[] | undefined) ?? [];
  const failedCondition = jobConditions.find((c) => asString(c, 'type') === 'Failed' && asString(c, 'status') === 'True');
  const jobEvents = input.events.filter(
    (e) => e.regarding.kind === 'Job' && e.regarding.namespace === target.namespace && e.regarding.name === jobLink.name,
  );
  const jobFailureEvent = jobEvents.find((e) => e.reason === 'BackoffLimitExceeded' || e.reason === 'PodFailurePolicy');
  const jobFailure = parseJobFailure(
    asString(failedCondition, 'reason') ?? jobFailureEvent?.reason,
    asString(failedCondition, 'message') ?? jobFailureEvent?.note,
  );
  return { link: jobLink, object: jobObject, events: jobEvents, failure: jobFailure };
}

/** jobSection says what the disruption did to the owning Job: counted toward backoffLimit or not, failed or not. */
export function jobSection(ctx: ReportContext, report: DiagnoseReport, job: JobOfPod): void {
  const { c, pod, input } = ctx;
  const { target } = input;
  const { link: jobLink, object: jobObject, failure: jobFailure } = job;
  const j: JobConsequence = {
    namespace: target.namespace,
    name: jobLink.name,
    found: jobObject !== undefined,
    podFailurePolicy: 'unknown',
    summary: '',
  };
  if (jobObject !== undefined) {
    const limit = asNumber(jobObject, 'spec', 'backoffLimit');
    j.backoffLimit = limit ?? 6;
    j.backoffLimitDefaulted = limit === undefined;
    const failed = asNumber(jobObject, 'status', 'failed');
    if (failed !== undefined) j.failed = failed;
    const policy = field(jobObject, 'spec', 'podFailurePolicy');
    // R-H.1, R-H.2: the same reading of the policy as for manifests.
    j.podFailurePolicy =
      policy === undefined ? 'none' : ignoresDisruptions(nodeFromValue(policy)) ? 'ignores-disruptions' : 'counts-disruptions';
  }
  if (jobFailure !== undefined) j.failure = jobFailure;
  const disrupted =
    c.kind === 'preempted-by-scheduler' ||
    c.kind === 'evicted-by-kubelet' ||
    c.kind === 'eviction-api' ||
    c.kind === 'taint-manager' ||
    c.kind === 'pod-gc' ||
    c.kind === 'preempted-by-kubelet';
  if (disrupted && j.podFailurePolicy !== 'unknown') j.counted = j.podFailurePolicy !== 'ignores-disruptions';
  const what =
    c.kind === 'preempted-by-scheduler' ? 'one preemption' : c.kind === 'evicted-by-kubelet' ? 'one eviction' : 'one pod failure';
  if (jobFailure?.kind === 'backoff-limit') {
    j.summary =
      j.backoffLimit !== undefined
        ? `Job ${jobLink.name} failed (BackoffLimitExceeded): backoffLimit: ${j.backoffLimit}${j.backoffLimitDefaulted === true ? ' (default)' : ''} ${j.backoffLimit === 0 ? `turned ${what} into a failed Job` : `was exceeded after ${j.failed ?? j.backoffLimit + 1} failed pods`}${j.podFailurePolicy === 'none' ? ', and no podFailurePolicy told the Job to ignore disruptions' : ''}.`
        : `Job ${jobLink.name} failed (BackoffLimitExceeded).`;
  } else if (jobFailure?.kind === 'pod-failure-policy') {
    j.summary = `Job ${jobLink.name} failed by its podFailurePolicy: ${jobFailure.message ?? ''}`;
  } else if (jobFailure !== undefined) {
    j.summary = `Job ${jobLink.name} failed (${jobFailure.reason}): ${jobFailure.message ?? ''}`;
  } else if (j.counted === false) {
    j.summary = `Job ${jobLink.name}'s podFailurePolicy ignores DisruptionTarget: this disruption did not count toward backoffLimit; the Job retries.`;
  } else if (j.counted === true && j.backoffLimit !== undefined) {
    j.summary = `Job ${jobLink.name}: this disruption counts toward backoffLimit ${j.backoffLimit} (${j.failed ?? 0} failed so far).`;
  } else {
    j.summary = j.found ? `Job ${jobLink.name} has not failed.` : `Job ${jobLink.name} is gone; its outcome is unknown.`;
  }
  const jobPod = pod === undefined ? undefined : { ...pod, owners: pod.owners.filter((o) => o.kind === 'Job') };
  const m = jobPod === undefined ? undefined : findObject(input.workspace, 'Job', target.namespace, jobLink.name);
  if (m !== undefined) j.manifest = linkTo(input.workspace, m, ['spec', 'backoffLimit']);
  report.job = j;
}

/** pdbSection lists the PodDisruptionBudgets that select the pod, with what they meant for this cause. */
export function pdbSection(ctx: ReportContext, report: DiagnoseReport): void {
  const { c, pod, input } = ctx;
  if (pod?.labels === undefined) return;
  for (const pdb of input.pdbs ?? []) {
    if ((asString(pdb, 'metadata', 'namespace') ?? '') !== pod.namespace) continue;
    // Listed with the scheduler's reading of selectors (nil or {} selects nothing, R-E.7) whatever the cause; the
    // Eviction API and the disruption controller read a policy/v1 {} as every pod of the namespace (R-K.2, R-K.3).
    const selector = readLabelSelector(new FieldReader(), nodeFromValue(field(pdb, 'spec', 'selector')));
    if (!selectorMatches(selector, pod.labels, 'nothing')) continue;
    const s: PdbState = { name: asString(pdb, 'metadata', 'name') ?? '', note: '' };
    const put = (k: 'disruptionsAllowed' | 'currentHealthy' | 'desiredHealthy' | 'expectedPods') => {
      const v = asNumber(pdb, 'status', k);
      if (v !== undefined) s[k] = v;
    };
    put('disruptionsAllowed');
    put('currentHealthy');
    put('desiredHealthy');
    put('expectedPods');
    s.note =
      c.kind === 'preempted-by-scheduler'
        ? 'PDBs are soft for scheduler preemption: the scheduler prefers victims that do not violate them but evicts anyway.'
        : c.kind === 'eviction-api'
          ? 'The Eviction API honours this PDB: the eviction was allowed because disruptionsAllowed was > 0.'
          : c.kind === 'evicted-by-kubelet'
            ? 'The kubelet ignores PDBs for node-pressure eviction.'
            : 'Selects this pod.';
    report.pdbs.push(s);
  }
}
