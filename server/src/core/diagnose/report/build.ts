// Builds the Diagnose Pod report (structured JSON) from records and API objects: what happened, then one section per
// part of the story (preemption, eviction, Job, PDBs, fixes). Pure: the cluster layer (or a test) gathers the inputs.
import { get } from '../../syntax/tree';
import { classifyPod, eventsOfPod } from '../classify';
import type { Classification } from '../classify';
import { asString, topOwner } from '../records';
import type { DiagnoseInput, DiagnoseReport } from './types';
import { classIndex, findObject, podSpecPath, summarize } from './context';
import type { ReportContext } from './context';
import { preemptionSection } from './preemption';
import { evictionSection, jobOf, jobSection, pdbSection } from './sections';
import { fixesFor } from './fixes';
import { nothingLeftLine, reconstructPod } from '../reconstruct';
import type { Reconstruction } from '../reconstruct';
import type { PodRecord } from '../records';
import { addKueueToReport, kueueDiagnosis } from '../kueue-report';

export function buildDiagnoseReport(input: DiagnoseInput): DiagnoseReport {
  const { target } = input;
  const targetText = `${target.namespace}/${target.name}`;
  const classes = classIndex(input.priorityClasses);
  const lookup = input.podByUid ?? indexByUid(input.pods);
  // The rebuilt pod (below) joins the lookup; everything else comes from the records as given.
  const added = new Map<string, PodRecord>();
  const byUid = { get: (uid: string): PodRecord | undefined => added.get(uid) ?? lookup(uid) };
  // The target: by UID, else the newest record with that name.
  const candidates = input.pods.filter((p) => p.namespace === target.namespace && p.name === target.name);
  const seen =
    (target.uid !== undefined ? byUid.get(target.uid) : undefined) ??
    candidates.sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''))[0];
  const podEvents = eventsOfPod(input.events, {
    namespace: target.namespace,
    name: target.name,
    ...(seen?.uid !== undefined ? { uid: seen.uid } : target.uid !== undefined ? { uid: target.uid } : {}),
  });
  // Never seen (deleted before this tool started): rebuilt from its events and its controller's template.
  const rebuilt: Reconstruction | undefined =
    seen !== undefined
      ? undefined
      : reconstructPod({
          target,
          podEvents,
          controllerEvents: input.controllerEvents ?? [],
          pods: input.pods,
          jobs: input.jobs ?? [],
          replicaSets: input.replicaSets ?? [],
          priorityClasses: input.priorityClasses ?? [],
        });
  const pod: PodRecord | undefined = seen ?? rebuilt?.record;
  if (rebuilt !== undefined && rebuilt.record.uid !== '') added.set(rebuilt.record.uid, rebuilt.record);

  // Owning Job object, its Failed condition.
  const job = jobOf(input, pod);
  const jobObject = job?.object;
  const jobEvents = job?.events ?? [];
  const jobFailure = job?.failure;

  const c: Classification = classifyPod(pod, podEvents, jobFailure?.reason);
  const report: DiagnoseReport = {
    target: targetText,
    found: pod !== undefined || podEvents.length > 0,
    headline: c.title,
    happened: { kind: c.kind, title: c.title, evidence: c.evidence },
    pdbs: [],
    fixes: [],
    timeline: [...podEvents, ...jobEvents]
      .sort((a, b) => a.time.localeCompare(b.time))
      .map((e) => ({ time: e.time, reason: e.reason, note: e.note, object: `${e.regarding.kind}/${e.regarding.name}` })),
  };
  if (c.time !== undefined) report.happened.time = c.time;
  if (c.node !== undefined) report.happened.node = c.node;
  if (c.disruptionReason !== undefined) report.happened.disruptionReason = c.disruptionReason;
  if (input.source !== undefined) report.source = input.source;
  if (input.now !== undefined) report.generatedAt = input.now;
  if (rebuilt !== undefined) report.reconstructed = { facts: rebuilt.facts, unknown: rebuilt.unknown };
  else if (seen === undefined) report.reconstructed = { facts: [], unknown: [nothingLeftLine] };
  const victim = pod === undefined ? undefined : summarize(pod, classes, input.workspace);
  if (victim !== undefined) {
    if (rebuilt !== undefined) victim.deleted = true;
    report.pod = victim;
    if (victim.classIsGlobalDefault === true) {
      const templateClass = jobObject === undefined ? undefined : asString(jobObject, 'spec', 'template', 'spec', 'priorityClassName');
      if (jobObject !== undefined) victim.fromGlobalDefault = templateClass === undefined;
      else {
        const manifest = pod === undefined ? undefined : findObject(input.workspace, topOwner(pod).kind, pod.namespace, topOwner(pod).name);
        if (manifest !== undefined)
          victim.fromGlobalDefault = get(manifest.node, ...podSpecPath(manifest.kind), 'priorityClassName') === undefined;
      }
    }
  }

  // A rebuilt victim takes its place on its node, so the scheduler's choice is re-run with it there.
  const sectionInput = rebuilt !== undefined ? { ...input, pods: [...input.pods, rebuilt.record] } : input;
  const ctx: ReportContext = { input: sectionInput, classes, byUid, pod, victim, c };
  if (c.kind === 'preempted-by-scheduler') preemptionSection(ctx, report);
  if (c.kind === 'evicted-by-kubelet' && c.eviction !== undefined) evictionSection(ctx, report, c.eviction);
  if (job !== undefined) jobSection(ctx, report, job);
  pdbSection(ctx, report);
  report.fixes = fixesFor(c, pod, victim, report, input, classes);
  // A Kueue-managed Job: which of Kueue and kube-scheduler acted, both priorities, Kueue's reason.
  if (input.kueue !== undefined && job !== undefined) {
    const uid = job.link.uid ?? (jobObject !== undefined ? asString(jobObject, 'metadata', 'uid') : undefined);
    const d = kueueDiagnosis(
      { namespace: target.namespace, kind: 'Job', name: job.link.name, ...(uid !== undefined ? { uid } : {}) },
      input.events,
      input.kueue,
    );
    if (d !== undefined) addKueueToReport(report, d, pod?.creationTime);
  }
  if (report.kueue?.mechanism !== 'kueue') report.headline = headline(report);
  return report;
}

/** "Preempted by ci/evaluation-pfrpm (priority 1000 vs 100)": the cause, naming the preemptor and the gap when known. */
function headline(r: DiagnoseReport): string {
  const p = r.preemptor;
  if (r.happened.kind === 'preempted-by-scheduler' && p?.name !== undefined) {
    const gap = p.priority !== undefined && r.pod?.priority !== undefined ? ` (priority ${p.priority} vs ${r.pod.priority})` : '';
    return `Preempted by ${p.namespace ?? ''}/${p.name}${gap}`;
  }
  if (r.happened.kind === 'evicted-by-kubelet' && r.eviction?.resource !== undefined)
    return `Evicted by the kubelet: ${r.eviction.resource} pressure${r.happened.node !== undefined ? ` on ${r.happened.node}` : ''}`;
  return r.happened.title;
}

/** A lookup by UID over the records (the last record of a UID wins, as a Map built from the list would). */
function indexByUid(pods: readonly PodRecord[]): (uid: string) => PodRecord | undefined {
  const index = new Map(pods.map((p) => [p.uid, p]));
  return (uid) => index.get(uid);
}
