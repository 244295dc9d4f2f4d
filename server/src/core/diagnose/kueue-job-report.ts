// Diagnose of a Job (`kpl diagnose Job/NAMESPACE/NAME`, the live view's Kueue rows): what Kueue and kube-scheduler did
// to it, from its Workload (conditions, schedulingStats), the events and the pods known, also after its pods and the
// events are gone. Pure: the cluster layer gathers the inputs.
import { ignoresDisruptions } from '../semantics/job';
import { nodeFromValue } from '../syntax/from-value';
import { kueueConsequence, kueueDiagnosis, kueueFixes, kueueHeadline } from './kueue-report';
import { workloadConditionController } from './kueue-workload';
import type { KueueDiagnoseInput } from './kueue-report';
import { asNumber, asString, field } from './records';
import type { ApiObject, EventRecord, PodRecord } from './records';
import type { DiagnoseInput, DiagnoseReport, JobConsequence } from './report/types';

export interface KueueJobInput {
  target: { namespace: string; name: string };
  job?: ApiObject;
  pods: readonly PodRecord[];
  events: readonly EventRecord[];
  priorityClasses?: readonly ApiObject[];
  kueue: KueueDiagnoseInput;
  now?: string;
  source?: DiagnoseInput['source'];
}

function jobConsequence(input: KueueJobInput, mechanism: 'kueue' | 'scheduler' | 'none'): JobConsequence {
  const j: JobConsequence = {
    namespace: input.target.namespace,
    name: input.target.name,
    found: input.job !== undefined,
    podFailurePolicy: 'unknown',
    summary: '',
  };
  const o = input.job;
  if (o !== undefined) {
    const limit = asNumber(o, 'spec', 'backoffLimit');
    j.backoffLimit = limit ?? 6;
    j.backoffLimitDefaulted = limit === undefined;
    const failed = asNumber(o, 'status', 'failed');
    if (failed !== undefined) j.failed = failed;
    const policy = field(o, 'spec', 'podFailurePolicy');
    j.podFailurePolicy =
      policy === undefined ? 'none' : ignoresDisruptions(nodeFromValue(policy)) ? 'ignores-disruptions' : 'counts-disruptions';
  }
  if (mechanism === 'kueue') j.counted = false;
  else if (mechanism === 'scheduler' && j.podFailurePolicy !== 'unknown') j.counted = j.podFailurePolicy !== 'ignores-disruptions';
  j.summary =
    mechanism === 'none'
      ? `Job ${input.target.name}: no Kueue eviction and no kube-scheduler preemption of its pods is recorded.`
      : kueueConsequence(mechanism, input.target.name);
  return j;
}

/** The pod priority of the Job's pods: a known pod's, else the template's class value. */
function podPriority(input: KueueJobInput, pods: readonly PodRecord[]): { value?: number; className?: string } {
  const p = pods.find((x) => x.priority !== undefined);
  if (p !== undefined)
    return {
      ...(p.priority !== undefined ? { value: p.priority } : {}),
      ...(p.priorityClassName !== undefined ? { className: p.priorityClassName } : {}),
    };
  const cls = input.job === undefined ? undefined : asString(input.job, 'spec', 'template', 'spec', 'priorityClassName');
  const pc = (input.priorityClasses ?? []).find((c) =>
    cls !== undefined ? asString(c, 'metadata', 'name') === cls : c['globalDefault'] === true,
  );
  const value = pc === undefined ? (cls === undefined ? 0 : undefined) : asNumber(pc, 'value');
  return { ...(value !== undefined ? { value } : {}), ...(cls !== undefined ? { className: cls } : {}) };
}

export function buildKueueJobReport(input: KueueJobInput): DiagnoseReport {
  const { namespace, name } = input.target;
  const uid = input.job === undefined ? undefined : asString(input.job, 'metadata', 'uid');
  const d = kueueDiagnosis({ namespace, kind: 'Job', name, ...(uid !== undefined ? { uid } : {}) }, input.events, input.kueue);
  const pods = input.pods.filter((p) => p.namespace === namespace && p.owners.some((o) => o.kind === 'Job' && o.name === name));
  const podUids = new Set(pods.map((p) => p.uid));
  const preemptions = input.events.filter(
    (e) => e.reason === 'Preempted' && e.regarding.kind === 'Pod' && e.regarding.uid !== undefined && podUids.has(e.regarding.uid),
  );
  const kueueTime = d?.evictions[0]?.time ?? '';
  const schedulerTime =
    preemptions
      .map((e) => e.time)
      .sort()
      .pop() ?? '';
  const mechanism: 'kueue' | 'scheduler' | 'none' =
    d !== undefined && d.evictions.length > 0 && kueueTime >= schedulerTime ? 'kueue' : preemptions.length > 0 ? 'scheduler' : 'none';
  const pp = podPriority(input, pods);
  const title =
    d === undefined
      ? `Job ${namespace}/${name}: no Kueue Workload is known for it (not managed by Kueue, or Kueue is not readable with this context)`
      : mechanism === 'kueue'
        ? (kueueHeadline(d) ?? '')
        : mechanism === 'scheduler'
          ? `kube-scheduler preempted ${preemptions.length} pod(s) of Job ${namespace}/${name} (pod priority), not a Kueue eviction`
          : `Job ${namespace}/${name}: Kueue has not evicted its Workload ${d.workload.name}`;
  const wlUid = d?.workload.uid;
  const timeline = input.events
    .filter(
      (e) =>
        (e.regarding.kind === 'Workload' && e.regarding.uid === wlUid) ||
        (e.regarding.kind === 'Job' && e.regarding.namespace === namespace && e.regarding.name === name) ||
        (e.regarding.uid !== undefined && podUids.has(e.regarding.uid)),
    )
    .sort((a, b) => a.time.localeCompare(b.time))
    // A record made from the Workload's condition is said to be one (it is no event of the cluster).
    .map((e) => ({
      time: e.time,
      reason: e.reportingController === workloadConditionController ? `${e.reason} (Workload condition)` : e.reason,
      note: e.note,
      object: `${e.regarding.kind}/${e.regarding.name}`,
    }));
  const report: DiagnoseReport = {
    target: `Job/${namespace}/${name}`,
    found: input.job !== undefined || d !== undefined,
    headline: title,
    happened: {
      kind: mechanism === 'kueue' ? 'evicted-by-kueue' : mechanism === 'scheduler' ? 'preempted-by-scheduler' : 'no-disruption-seen',
      title,
      evidence: preemptions.map((e) => `Pod ${e.regarding.name}: ${e.reason}: ${e.note}`),
    },
    job: jobConsequence(input, mechanism),
    pdbs: [],
    fixes: d === undefined || mechanism === 'none' ? [] : kueueFixes(d, mechanism),
    timeline,
  };
  const t = mechanism === 'kueue' ? kueueTime : schedulerTime;
  if (t !== '') report.happened.time = t;
  if (d !== undefined) report.kueue = { ...d, mechanism };
  if (input.now !== undefined) report.generatedAt = input.now;
  if (input.source !== undefined) report.source = input.source;
  if (pp.value !== undefined || pp.className !== undefined) {
    report.pod = { namespace, name: `${name} (its pods)` };
    if (pp.value !== undefined) report.pod.priority = pp.value;
    if (pp.className !== undefined) report.pod.priorityClassName = pp.className;
  }
  return report;
}
