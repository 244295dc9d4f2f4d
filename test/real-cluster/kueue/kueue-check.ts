/**
 * The differential checks of the Kueue suite: what a real Kueue wrote when it preempted (or did not), compared with
 * what the core predicts (kueuePreemptionPaths) and how it reads Kueue's texts (diagnose/kueue-messages.ts).
 */
import assert from 'node:assert/strict';
import type { Cluster } from '../harness';
import { waitFor } from '../harness';
import {
  isKueuePreemptionEvent,
  parseKueuePreemptionMessage,
  parsePendingPreemption,
  parsePreemptedWorkloadNote,
} from '../../../server/src/core/diagnose/kueue-messages';
import { kueuePreemptionPaths } from '../../../server/src/core/semantics/kueue-preemption';
import type { KueuePreemptionPath } from '../../../server/src/core/semantics/kueue-preemption';
import type { CoreView, Submitted } from './kueue-scenario';
import { condition, cq, eventsAbout, settle, waitEventAbout, waitWorkloadCondition } from './kueue-scenario';

export interface Party {
  submitted: Submitted;
  /** ClusterQueue of its LocalQueue. */
  clusterQueue: string;
}

/** The core's paths for `preemptor` evicting `victim`, with the priorities Kueue gave their Workloads (spec.priority). */
export function corePaths(view: CoreView, preemptor: Party, victim: Party): KueuePreemptionPath[] {
  const q = (p: Party) => ({
    name: p.submitted.job.metadata.name as string,
    priority: p.submitted.workload.spec.priority as number,
    clusterQueue: cq(view, p.clusterQueue),
  });
  return kueuePreemptionPaths(q(preemptor), q(victim), view.forest);
}

export interface PreemptionFacts {
  reason: string;
  conditionMessage: string;
  eventNote: string;
  stoppedNote: string;
  preemptedWorkloadNote: string;
  pendingNote: string | undefined;
}

/**
 * The victim was preempted: its Workload's Preempted/Evicted conditions, its Preempted and EvictedDueToPreempted
 * events, the preemptor's PreemptedWorkload event and the victim Job's Stopped event, each parsed by the core and
 * compared with the real UIDs, paths and priorities. Returns the texts for the report.
 */
export async function checkPreempted(
  t: { diagnostic(msg: string): void },
  cluster: Cluster,
  view: CoreView,
  preemptor: Party,
  victim: Party,
  expected: { reason: string; corePaths: string[] },
): Promise<PreemptionFacts> {
  const ns = victim.submitted.job.metadata.namespace as string;
  const vwl = victim.submitted.workload;
  const pwl = preemptor.submitted.workload;
  const w = await waitWorkloadCondition(cluster, ns, vwl.metadata.name as string, 'Preempted', 'True', expected.reason);
  const preempted = condition(w, 'Preempted');
  const evicted = condition(w, 'Evicted');
  assert.equal(evicted?.status, 'True');
  assert.equal(evicted?.reason, 'Preempted');
  assert.equal(preempted?.reason, expected.reason, 'the real reason');

  // The core: the paths it offers, and the one Kueue took among them.
  const paths = corePaths(view, preemptor, victim);
  t.diagnostic(`core paths: ${JSON.stringify(paths.map((p) => `${p.reason} [${p.policy}] ${p.condition}`))}`);
  assert.deepEqual(
    paths.map((p) => p.reason),
    expected.corePaths,
    'the core offers these paths',
  );
  assert.ok(
    paths.some((p) => p.reason === preempted?.reason),
    `the real reason ${String(preempted?.reason)} is one of the core's paths`,
  );

  // The texts, as the core parses them.
  const expectMessage = (text: string | undefined, what: string, withPriorities: boolean) => {
    const m = parseKueuePreemptionMessage(text);
    assert.ok(m !== undefined, `the core parses the ${what}: ${String(text)}`);
    assert.equal(m.preemptorWorkloadUid, pwl.metadata.uid, `${what}: preemptor Workload UID`);
    assert.equal(m.preemptorJobUid, preemptor.submitted.job.metadata.uid, `${what}: preemptor JobUID`);
    assert.equal(m.reason, preempted?.reason, `${what}: reason`);
    assert.equal(m.preemptorPath, view.forest.queuePath(cq(view, preemptor.clusterQueue)), `${what}: preemptor path`);
    assert.equal(m.preempteePath, view.forest.queuePath(cq(view, victim.clusterQueue)), `${what}: preemptee path`);
    assert.equal(m.previously, false);
    if (withPriorities) {
      assert.deepEqual(
        m.preemptorPriority,
        { effective: pwl.spec.priority, base: pwl.spec.priority, boost: 0 },
        `${what}: preemptor priority`,
      );
      assert.deepEqual(
        m.preempteePriority,
        { effective: vwl.spec.priority, base: vwl.spec.priority, boost: 0 },
        `${what}: preemptee priority`,
      );
    }
  };
  expectMessage(preempted?.message as string, 'Preempted condition', false);
  expectMessage(evicted?.message as string, 'Evicted condition', false);

  const vuid = vwl.metadata.uid as string;
  const event = await waitEventAbout(cluster, ns, vuid, 'Preempted');
  assert.ok(
    isKueuePreemptionEvent({
      reason: event.reason as string,
      regardingKind: event.regarding?.kind as string,
      regardingApiVersion: event.regarding?.apiVersion as string,
      component: event.reportingController as string,
    }),
    `the core tells Kueue's Preempted event from kube-scheduler's (${String(event.reportingController)})`,
  );
  expectMessage(event.note as string, 'Preempted event', true);
  expectMessage((await waitEventAbout(cluster, ns, vuid, 'EvictedDueToPreempted')).note as string, 'EvictedDueToPreempted event', false);
  const stopped = await waitEventAbout(cluster, ns, victim.submitted.job.metadata.uid as string, 'Stopped');
  expectMessage(stopped.note as string, 'Job Stopped event', false);

  // The preemptor's PreemptedWorkload event naming this victim. Kueue records one per victim, but events.k8s.io folds
  // events with the same regarding object, reason and action into one series whatever their notes (client-go's
  // isomorphic-event key has no note): with several victims only the first one's note is kept, the others count in its
  // series.
  const pw = await waitFor(
    async () => {
      const events = (await eventsAbout(cluster, ns, pwl.metadata.uid as string)).filter((e) => e.reason === 'PreemptedWorkload');
      const own = events.find((e) => String(e.note).includes(`(UID: ${vuid})`));
      if (own !== undefined) return { event: own, folded: false };
      const series = events.find((e) => ((e.series?.count as number | undefined) ?? 1) >= 2);
      return series === undefined ? undefined : { event: series, folded: true };
    },
    30_000,
    { description: `PreemptedWorkload event of ${String(pwl.metadata.name)} naming ${vuid}, or a series it was folded into` },
  );
  const named = parsePreemptedWorkloadNote(pw.event.note as string);
  if (!pw.folded)
    assert.deepEqual(
      named,
      { namespace: ns, name: vwl.metadata.name, uid: vuid, clusterQueue: victim.clusterQueue },
      `the core parses the PreemptedWorkload event: ${String(pw.event.note)}`,
    );
  else {
    assert.ok(named !== undefined && named.uid !== vuid, `the core parses the folded PreemptedWorkload event: ${String(pw.event.note)}`);
    t.diagnostic(
      `PreemptedWorkload for ${String(vwl.metadata.name)} folded into the series of: ${String(pw.event.note)} (count ${String(pw.event.series?.count)})`,
    );
  }
  // While its victims go, the preemptor may be reported `Pending the preemption of N workload(s)`.
  const pending = (await eventsAbout(cluster, ns, pwl.metadata.uid as string)).find(
    (e) => e.reason === 'Pending' && /Pending the preemption/.test(e.note),
  );
  if (pending !== undefined)
    assert.ok(parsePendingPreemption(pending.note as string) !== undefined, `the core parses ${String(pending.note)}`);

  // The victim Job: suspended again, no pod counted as failed (backoffLimit 0 spent nothing).
  const job = await waitFor(
    async () => {
      const j = await cluster.getJson(['job', '-n', ns, victim.submitted.job.metadata.name as string]);
      return j.spec?.suspend === true && (j.status?.active ?? 0) === 0 ? j : undefined;
    },
    60_000,
    { description: 'victim Job suspended with no active pod' },
  );
  assert.equal(job.status?.failed, undefined, 'the victim Job counts no failed pod');
  assert.equal(condition(job, 'Failed'), undefined, 'the victim Job did not fail');
  await waitWorkloadCondition(cluster, ns, pwl.metadata.name as string, 'Admitted', 'True');
  return {
    reason: preempted?.reason,
    conditionMessage: preempted?.message as string,
    eventNote: event.note as string,
    stoppedNote: stopped.note as string,
    preemptedWorkloadNote: pw.event.note as string,
    pendingNote: pending?.note as string | undefined,
  };
}

/**
 * Nothing is preempted: the preemptor waits (QuotaReserved False, Pending) without "Pending the preemption", the victim
 * keeps its admission, and the core offers no path.
 */
export async function checkNotPreempted(
  t: { diagnostic(msg: string): void },
  cluster: Cluster,
  view: CoreView,
  preemptor: Party,
  victim: Party,
  /** The paths the core offers although Kueue preempts nothing (their live condition does not hold); none by default. */
  offered: string[] = [],
): Promise<string> {
  const ns = victim.submitted.job.metadata.namespace as string;
  const pwl = preemptor.submitted.workload;
  const w = await waitWorkloadCondition(cluster, ns, pwl.metadata.name as string, 'QuotaReserved', 'False', 'Pending');
  await settle();
  const pending = condition(await cluster.getJson(['workloads.kueue.x-k8s.io', '-n', ns, pwl.metadata.name as string]), 'QuotaReserved');
  assert.equal(pending?.status, 'False', 'the preemptor is still not admitted');
  const message = (pending?.message ?? condition(w, 'QuotaReserved')?.message) as string;
  t.diagnostic(`preemptor waits: ${message}`);
  assert.doesNotMatch(message, /Pending the preemption/);
  for (const e of await eventsAbout(cluster, ns, pwl.metadata.uid as string))
    assert.equal(parsePendingPreemption(e.note as string), undefined, `no pending preemption: ${String(e.note)}`);
  const v = await cluster.getJson(['workloads.kueue.x-k8s.io', '-n', ns, victim.submitted.workload.metadata.name as string]);
  assert.equal(condition(v, 'Admitted')?.status, 'True', 'the victim stays admitted');
  assert.equal(condition(v, 'Preempted'), undefined, 'the victim has no Preempted condition');
  assert.equal(condition(v, 'Evicted'), undefined, 'the victim has no Evicted condition');
  assert.deepEqual(
    corePaths(view, preemptor, victim).map((p) => p.reason),
    offered,
    offered.length === 0 ? 'the core offers no path' : 'the core offers only paths whose live condition does not hold here',
  );
  return message;
}
