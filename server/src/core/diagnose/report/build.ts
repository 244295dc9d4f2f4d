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

export function buildDiagnoseReport(input: DiagnoseInput): DiagnoseReport {
  const { target } = input;
  const targetText = `${target.namespace}/${target.name}`;
  const classes = classIndex(input.priorityClasses);
  const byUid = new Map(input.pods.map((p) => [p.uid, p]));
  // The target: by UID, else the newest record with that name.
  const candidates = input.pods.filter((p) => p.namespace === target.namespace && p.name === target.name);
  const pod =
    (target.uid !== undefined ? byUid.get(target.uid) : undefined) ??
    candidates.sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''))[0];
  const podEvents = eventsOfPod(input.events, {
    namespace: target.namespace,
    name: target.name,
    ...(pod?.uid !== undefined ? { uid: pod.uid } : {}),
  });

  // Owning Job object, its Failed condition.
  const job = jobOf(input, pod);
  const jobObject = job?.object;
  const jobEvents = job?.events ?? [];
  const jobFailure = job?.failure;

  const c: Classification = classifyPod(pod, podEvents, jobFailure?.reason);
  const report: DiagnoseReport = {
    target: targetText,
    found: pod !== undefined || podEvents.length > 0,
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
  const victim = pod === undefined ? undefined : summarize(pod, classes, input.workspace);
  if (victim !== undefined) {
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

  const ctx: ReportContext = { input, classes, byUid, pod, victim, c };
  if (c.kind === 'preempted-by-scheduler') preemptionSection(ctx, report);
  if (c.kind === 'evicted-by-kubelet' && c.eviction !== undefined) evictionSection(ctx, report, c.eviction);
  if (job !== undefined) jobSection(ctx, report, job);
  pdbSection(ctx, report);
  report.fixes = fixesFor(c, pod, victim, report, input, classes);
  return report;
}
