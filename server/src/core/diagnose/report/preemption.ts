// The "Who preempted it" part of the Diagnose report: the preemptor (pods seen, event, condition), why this pod was a
// victim, the same preemptor's other victims, the pods spared, and the scheduler's choice re-run on the node.
import type { PodRecord } from '../records';
import { explainVictimChoice, victimChoiceLines } from '../victim-choice';
import type { DiagnoseReport, PreemptorInfo } from './types';
import { findObject, linkTo, parsePreemptedNoteUid, summarize } from './context';
import type { ReportContext } from './context';

/** preemptionSection fills `preemptor`, `whyVictim`, `otherVictims`, `spared` and `victimChoice` of a scheduler preemption. */
export function preemptionSection(ctx: ReportContext, report: DiagnoseReport): void {
  const { c, byUid, input, classes, victim, pod } = ctx;
  const p = c.preemption ?? {};
  let info: PreemptorInfo = { resolved: false, via: 'none' };
  const record =
    (p.preemptorUid !== undefined ? byUid.get(p.preemptorUid) : undefined) ??
    (p.related?.uid !== undefined ? byUid.get(p.related.uid) : undefined) ??
    (p.preemptorRef !== undefined
      ? input.pods.find((x) => x.namespace === p.preemptorRef?.namespace && x.name === p.preemptorRef.name)
      : undefined) ??
    (p.related !== undefined ? input.pods.find((x) => x.namespace === p.related?.namespace && x.name === p.related.name) : undefined);
  if (record !== undefined) {
    info = { ...summarize(record, classes, input.workspace), resolved: true, via: 'uid-cache' };
  } else if (p.related !== undefined) {
    info = { namespace: p.related.namespace, name: p.related.name, resolved: true, via: 'event-related' };
  } else if (p.preemptorRef !== undefined) {
    info = {
      namespace: p.preemptorRef.namespace,
      name: p.preemptorRef.name,
      resolved: true,
      via: p.note?.form === 'name' ? 'event-note-name' : 'condition-message',
    };
  }
  const uid = p.preemptorUid ?? record?.uid;
  if (uid !== undefined) info.uid = uid;
  if (info.priority !== undefined && victim?.priority !== undefined) info.priorityGap = info.priority - victim.priority;
  if (info.priorityClassName !== undefined) {
    const o = findObject(input.workspace, 'PriorityClass', undefined, info.priorityClassName);
    if (o !== undefined) info.classManifest = linkTo(input.workspace, o, ['preemptionPolicy']);
  }
  report.preemptor = info;
  const why: string[] = [];
  if (info.priority !== undefined && victim?.priority !== undefined) {
    why.push(`Only pods with priority strictly lower than the preemptor's can be victims: ${victim.priority} < ${info.priority}.`);
  }
  if (c.failedScheduling !== undefined && c.failedScheduling.length > 0)
    why.push(`Before preempting, the preemptor did not fit anywhere: ${c.failedScheduling[c.failedScheduling.length - 1] ?? ''}`);
  why.push(
    'The scheduler picks the node whose victims are least important (fewest PDB violations, then lowest highest-victim priority, then lowest priority sum, then fewest victims); QoS class plays no role.',
  );
  if (c.node !== undefined)
    why.push(
      `On node ${c.node}, removing this pod (and any other pods chosen with it) made room for the preemptor; lower-priority pods it did not need to remove stayed (the scheduler keeps as many as still leave room, most important first).`,
    );
  // Same preemptor's other victims, and lower-priority pods on the node that were reprieved (from the UID cache).
  const preemptorUid = info.uid;
  if (preemptorUid !== undefined) {
    const victimsOfSame = input.events.filter(
      (e) =>
        e.reason === 'Preempted' &&
        e.regarding.uid !== pod?.uid &&
        (parsePreemptedNoteUid(e.note) === preemptorUid || e.related?.uid === preemptorUid),
    );
    if (victimsOfSame.length > 0) {
      report.otherVictims = victimsOfSame.map((e) => {
        const r = e.regarding.uid !== undefined ? byUid.get(e.regarding.uid) : undefined;
        const out: { namespace: string; name: string; priority?: number; node?: string } = {
          namespace: e.regarding.namespace,
          name: e.regarding.name,
        };
        if (r?.priority !== undefined) out.priority = r.priority;
        const node = /on node (\S+)$/.exec(e.note)?.[1];
        if (node !== undefined) out.node = node;
        return out;
      });
    }
    const at = c.time;
    if (c.node !== undefined && at !== undefined && info.priority !== undefined) {
      const victimUids = new Set([pod?.uid, ...victimsOfSame.map((e) => e.regarding.uid)]);
      const spared = input.pods.filter(
        (p) =>
          p.node === c.node &&
          !victimUids.has(p.uid) &&
          p.uid !== preemptorUid &&
          p.priority !== undefined &&
          p.priority < (info.priority ?? 0) &&
          (p.creationTime === undefined || p.creationTime <= at) &&
          (p.deletedAt ?? p.deletionTime ?? '9999') > at &&
          p.phase !== 'Succeeded' &&
          p.phase !== 'Failed',
      );
      if (spared.length > 0) {
        report.spared = spared.map((p) =>
          p.priority !== undefined
            ? { namespace: p.namespace, name: p.name, priority: p.priority }
            : { namespace: p.namespace, name: p.name },
        );
        why.push(
          `Lower-priority pods on ${c.node} that were spared (the preemptor fit without removing them; the scheduler adds potential victims back most-important-first): ${report.spared.map((x) => `${x.namespace}/${x.name} (${x.priority ?? '?'})`).join(', ')}.`,
        );
      }
    }
    if (report.otherVictims !== undefined)
      why.push(
        `The same preemptor also preempted: ${report.otherVictims.map((x) => `${x.namespace}/${x.name}${x.node !== undefined ? ` on ${x.node}` : ''}`).join(', ')}.`,
      );
  }
  // Re-run the scheduler's choice on the node as the UID cache saw it just before the preemption.
  if (record !== undefined && pod !== undefined && c.node !== undefined && c.time !== undefined) {
    const node = c.node;
    const sameNodeVictims = input.events
      .filter(
        (e) =>
          e.reason === 'Preempted' &&
          (parsePreemptedNoteUid(e.note) === record.uid || e.related?.uid === record.uid) &&
          (/on node (\S+)$/.exec(e.note)?.[1] ?? node) === node,
      )
      .map((e) => (e.regarding.uid !== undefined ? byUid.get(e.regarding.uid) : undefined))
      .filter((x): x is PodRecord => x !== undefined);
    const victims = [pod, ...sameNodeVictims.filter((v) => v.uid !== pod.uid)];
    report.victimChoice = explainVictimChoice({
      node,
      at: c.time,
      preemptor: record,
      victims,
      pods: input.pods,
      nodes: input.nodes ?? [],
      ...(input.priorityClasses !== undefined ? { priorityClasses: input.priorityClasses } : {}),
      ...(input.pdbs !== undefined ? { pdbs: input.pdbs } : {}),
    });
    why.push(...victimChoiceLines(report.victimChoice));
  }
  report.whyVictim = why;
}
