// Builds the Diagnose Pod report (structured JSON) from records and API objects, and renders it as Markdown and text.
// Pure: the cluster layer (or a test) gathers the inputs.
import { codeSpan, escapeMarkdown } from '../markdown';
import { LineIndex } from '../text';
import type { ParsedFile, K8sObject } from '../model/objects';
import { objectsFromApi } from '../model/from-api';
import { FieldReader } from '../model/fields';
import { readLabelSelector } from '../model/workload';
import { selectorMatches } from '../semantics/labels';
import { ignoresDisruptions } from '../semantics/job';
import { readPriorityClass } from '../semantics/priority-class';
import { nodeFromValue } from '../syntax/from-value';
import { get, entry, isMap, stringValue } from '../syntax/tree';
import type { YNode } from '../syntax/tree';
import { classifyPod, eventsOfPod } from './classify';
import type { CauseKind, Classification } from './classify';
import { parseJobFailure, parsePreemptedNote } from './messages';
import type { JobFailure } from './messages';
import { asNumber, asString, field, formatOwner, topOwner } from './records';
import type { ApiObject, EventRecord, OwnerLink, PodRecord } from './records';
import { evictionRankingLines, explainVictimChoice, rankNodeForEviction, victimChoiceLines } from './victim-choice';
import type { NodeEvictionRanking, VictimChoice } from './victim-choice';

export interface DiagnoseInput {
  target: { namespace: string; name: string; uid?: string };
  /** Every pod record known (live pods and the UID cache, including deleted pods). */
  pods: readonly PodRecord[];
  /** Every event known (live and history). */
  events: readonly EventRecord[];
  priorityClasses?: readonly ApiObject[];
  /** Jobs (at least the victim's owner, when it still exists). */
  jobs?: readonly ApiObject[];
  pdbs?: readonly ApiObject[];
  nodes?: readonly ApiObject[];
  /** PodMetrics (metrics.k8s.io) when listed; optional (metrics-server may be absent). */
  podMetrics?: readonly ApiObject[];
  /** Workspace manifests, to link fixes to lines. */
  workspace?: readonly ParsedFile[];
  /** Where the data came from, shown in the report. */
  source?: { context?: string; state?: string; partial?: boolean; namespaces?: string[] };
}

export interface ManifestLink {
  file: string;
  /** 0-based line and character (UTF-16). */
  line: number;
  character: number;
  /** The object, `Kind/namespace/name`. */
  object: string;
}

export interface PodSummary {
  namespace: string;
  name: string;
  uid?: string;
  priority?: number;
  priorityClassName?: string;
  /** Value of the class (from the PriorityClass object), when known. */
  classValue?: number;
  /** The class is the cluster's `globalDefault`. */
  classIsGlobalDefault?: boolean;
  /** True when the workload sets no priorityClassName and got the globalDefault class; undefined when unknown. */
  fromGlobalDefault?: boolean;
  preemptionPolicy?: string;
  qosClass?: string;
  owner?: string;
  node?: string;
  startTime?: string;
  deletionTime?: string;
  deleted?: boolean;
  phase?: string;
  manifest?: ManifestLink;
}

export interface PreemptorInfo extends Partial<PodSummary> {
  uid?: string;
  resolved: boolean;
  /** Where the identity came from. */
  via: 'uid-cache' | 'event-related' | 'event-note-name' | 'condition-message' | 'none';
  /** preemptor priority − victim priority. */
  priorityGap?: number;
  classManifest?: ManifestLink;
}

export interface JobConsequence {
  namespace: string;
  name: string;
  found: boolean;
  backoffLimit?: number;
  backoffLimitDefaulted?: boolean;
  failed?: number;
  podFailurePolicy: 'none' | 'ignores-disruptions' | 'counts-disruptions' | 'unknown';
  failure?: JobFailure;
  /** Whether this pod's failure counted toward backoffLimit. */
  counted?: boolean;
  summary: string;
  manifest?: ManifestLink;
}

export interface PdbState {
  name: string;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  note: string;
}

export interface EvictionNodeState {
  name: string;
  pressure: string[];
  allocatable?: Record<string, string>;
}

export interface FixSuggestion {
  id:
    | 'raise-priority-class'
    | 'explicit-priority-class'
    | 'preemptor-preemption-policy-never'
    | 'job-pod-failure-policy'
    | 'job-backoff-limit'
    | 'guaranteed-requests'
    | 'memory-limit'
    | 'capacity'
    | 'pdb'
    | 'tolerations'
    | 'ephemeral-storage';
  title: string;
  detail: string;
  /** `Kind/namespace/name` the fix applies to. */
  target?: string;
  snippet?: string;
  manifest?: ManifestLink;
}

export interface DiagnoseReport {
  target: string;
  found: boolean;
  happened: { kind: CauseKind; title: string; time?: string; node?: string; evidence: string[]; disruptionReason?: string };
  pod?: PodSummary;
  preemptor?: PreemptorInfo;
  /** Why this victim and not another (scheduler rules). */
  whyVictim?: string[];
  /** Other pods preempted for the same preemptor (from their Preempted events). */
  otherVictims?: { namespace: string; name: string; priority?: number; node?: string }[];
  /** Pods known on the victim's node at preemption time, with lower priority than the preemptor, that were not preempted (reprieved, R-E.6). */
  spared?: { namespace: string; name: string; priority?: number }[];
  /** The preemption re-run by the simulator on the node as it was just before it (which pods, and why the others were spared). */
  victimChoice?: VictimChoice;
  eviction?: {
    resource?: string;
    signals?: string[];
    nodeCondition?: string;
    threshold?: string;
    available?: string;
    containers: { container: string; usage: string; request: string; resource: string }[];
    ranking: string[];
    node?: EvictionNodeState;
    nextVictims?: NodeEvictionRanking;
  };
  job?: JobConsequence;
  pdbs: PdbState[];
  fixes: FixSuggestion[];
  timeline: { time: string; reason: string; note: string; object: string }[];
  source?: DiagnoseInput['source'];
}

// ---------------------------------------------------------------------------------------------

interface ClassInfo {
  name: string;
  value?: number;
  globalDefault: boolean;
  preemptionPolicy?: string;
}

/** The cluster's PriorityClasses as the semantics read them (readPriorityClass), with the policy as written. */
function classIndex(classes: readonly ApiObject[] | undefined): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo>();
  const objects = objectsFromApi(
    (classes ?? []).map((c) => ({ ...c, apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' })),
    'diagnose-priority-classes.json',
  );
  for (const o of objects) {
    if (stringValue(get(o.node, 'metadata', 'name')) === undefined) continue;
    const { priorityClass } = readPriorityClass(o);
    const info: ClassInfo = { name: priorityClass.name, globalDefault: priorityClass.globalDefault };
    if (priorityClass.valueField !== undefined) info.value = priorityClass.valueField.value;
    if (priorityClass.preemptionPolicyField !== undefined) info.preemptionPolicy = priorityClass.preemptionPolicyField.value;
    out.set(priorityClass.name, info);
  }
  return out;
}

function findObject(
  workspace: readonly ParsedFile[] | undefined,
  kind: string,
  namespace: string | undefined,
  name: string,
): K8sObject | undefined {
  let loose: K8sObject | undefined;
  for (const f of workspace ?? []) {
    for (const o of f.objects) {
      if (o.kind !== kind || o.name !== name) continue;
      if (namespace === undefined || o.namespace === namespace) return o;
      // Manifests often omit the namespace (applied with -n): accept a single namespace-less match.
      if (get(o.node, 'metadata', 'namespace') === undefined) loose ??= o;
    }
  }
  return loose;
}

function linkTo(workspace: readonly ParsedFile[] | undefined, o: K8sObject, path: readonly string[] = []): ManifestLink {
  const file = workspace?.find((f) => f.file === o.file);
  const index = new LineIndex(file?.text ?? '');
  let span = o.nameSpan;
  // Deepest existing entry along the path (its key), so "raise the class" points at priorityClassName when present.
  let node: YNode | undefined = o.node;
  for (const key of path) {
    const e: ReturnType<typeof entry> = isMap(node) ? entry(node, key) : undefined;
    if (e === undefined) break;
    span = e.keySpan;
    node = e.value;
  }
  const pos = index.position(span.start);
  return { file: o.file, line: pos.line, character: pos.character, object: o.id };
}

/** Pod-spec path of a workload kind. */
function podSpecPath(kind: string): string[] {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return ['spec', 'template', 'spec'];
}

function workloadManifest(workspace: readonly ParsedFile[] | undefined, pod: PodRecord, field?: string): ManifestLink | undefined {
  const owner = topOwner(pod);
  const o = findObject(workspace, owner.kind, pod.namespace, owner.name);
  if (o === undefined) return undefined;
  return linkTo(workspace, o, field === undefined ? [] : [...podSpecPath(owner.kind), field]);
}

function parsePreemptedNoteUid(note: string): string | undefined {
  return parsePreemptedNote(note)?.preemptorUid;
}

function summarize(pod: PodRecord, classes: Map<string, ClassInfo>, workspace: readonly ParsedFile[] | undefined): PodSummary {
  const s: PodSummary = { namespace: pod.namespace, name: pod.name, uid: pod.uid };
  const put = <K extends keyof PodSummary>(k: K, v: PodSummary[K] | undefined) => {
    if (v !== undefined) s[k] = v;
  };
  put('priority', pod.priority);
  put('priorityClassName', pod.priorityClassName);
  const cls = pod.priorityClassName === undefined ? undefined : classes.get(pod.priorityClassName);
  put('classValue', cls?.value);
  if (cls !== undefined) s.classIsGlobalDefault = cls.globalDefault;
  put('preemptionPolicy', pod.preemptionPolicy ?? cls?.preemptionPolicy);
  put('qosClass', pod.qosClass);
  put('owner', formatOwner(pod.owners));
  put('node', pod.node);
  put('startTime', pod.startTime);
  put('deletionTime', pod.deletionTime ?? pod.deletedAt);
  if (pod.deletedAt !== undefined) s.deleted = true;
  put('phase', pod.phase);
  put('manifest', workloadManifest(workspace, pod));
  return s;
}

const ownerJob = (pod: PodRecord): OwnerLink | undefined => pod.owners.find((o) => o.kind === 'Job');

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
  const jobLink = pod === undefined ? undefined : ownerJob(pod);
  const jobObject =
    jobLink === undefined
      ? undefined
      : input.jobs?.find(
          (j) =>
            asString(j, 'metadata', 'name') === jobLink.name &&
            (asString(j, 'metadata', 'namespace') ?? target.namespace) === target.namespace,
        );
  const jobConditions = (field(jobObject, 'status', 'conditions') as unknown[] | undefined) ?? [];
  const failedCondition = jobConditions.find((c) => asString(c, 'type') === 'Failed' && asString(c, 'status') === 'True');
  const jobEvents =
    jobLink === undefined
      ? []
      : input.events.filter(
          (e) => e.regarding.kind === 'Job' && e.regarding.namespace === target.namespace && e.regarding.name === jobLink.name,
        );
  const jobFailureEvent = jobEvents.find((e) => e.reason === 'BackoffLimitExceeded' || e.reason === 'PodFailurePolicy');
  const jobFailure = parseJobFailure(
    asString(failedCondition, 'reason') ?? jobFailureEvent?.reason,
    asString(failedCondition, 'message') ?? jobFailureEvent?.note,
  );

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

  // Preemptor.
  if (c.kind === 'preempted-by-scheduler') {
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
        `On node ${c.node}, removing this pod (and any other victims) made the preemptor fit; the most important pods that could stay were reprieved.`,
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

  // Eviction details.
  if (c.kind === 'evicted-by-kubelet' && c.eviction !== undefined) {
    const e = c.eviction;
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

  // Job consequence.
  if (jobLink !== undefined) {
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

  // PDBs selecting the pod.
  if (pod?.labels !== undefined) {
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

  report.fixes = fixesFor(c, pod, victim, report, input, classes);
  return report;
}

function fixesFor(
  c: Classification,
  pod: PodRecord | undefined,
  victim: PodSummary | undefined,
  report: DiagnoseReport,
  input: DiagnoseInput,
  classes: Map<string, ClassInfo>,
): FixSuggestion[] {
  const fixes: FixSuggestion[] = [];
  if (pod === undefined || victim === undefined) return fixes;
  const owner = topOwner(pod);
  const ownerId = `${owner.kind}/${pod.namespace}/${owner.name}`;
  const withLink = (f: FixSuggestion, link: ManifestLink | undefined): FixSuggestion => (link === undefined ? f : { ...f, manifest: link });
  const classLink = workloadManifest(input.workspace, pod, 'priorityClassName');
  const preemptor = report.preemptor;
  if (c.kind === 'preempted-by-scheduler') {
    const needed = preemptor?.priority;
    const higher = [...classes.values()]
      .filter((k) => k.value !== undefined && needed !== undefined && k.value >= needed && !k.name.startsWith('system-'))
      .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
    if (victim.fromGlobalDefault === true) {
      fixes.push(
        withLink(
          {
            id: 'explicit-priority-class',
            target: ownerId,
            title: `Give ${owner.kind} ${owner.name} an explicit priorityClassName`,
            detail: `It sets none and fell under the globalDefault class ${victim.priorityClassName ?? ''} (${victim.priority ?? '?'}), the lowest that any pod gets by default: anything with a higher class may preempt it.`,
          },
          classLink,
        ),
      );
    }
    fixes.push(
      withLink(
        {
          id: 'raise-priority-class',
          target: ownerId,
          title: `Raise ${owner.name}'s priority${needed !== undefined ? ` to at least ${needed}` : ''}`,
          detail:
            higher !== undefined
              ? `Use priorityClassName: ${higher.name} (${higher.value ?? ''}) or a new class ≥ ${needed ?? ''}; pods with equal or higher priority are never preempted for ${preemptor?.name ?? 'the preemptor'}.`
              : `Create a PriorityClass with value ≥ ${needed ?? "the preemptor's priority"} and reference it; pods with equal or higher priority cannot be victims.`,
          snippet: `priorityClassName: ${higher?.name ?? '<class with value ≥ ' + (needed ?? '?') + '>'}`,
        },
        classLink,
      ),
    );
    if (preemptor?.priorityClassName !== undefined) {
      fixes.push(
        withLink(
          {
            id: 'preemptor-preemption-policy-never',
            target: `PriorityClass/${preemptor.priorityClassName}`,
            title: `Set preemptionPolicy: Never on class ${preemptor.priorityClassName}`,
            detail: `${preemptor.name ?? 'The preemptor'} keeps its place ahead of lower-priority pods in the scheduling queue but waits for free capacity instead of preempting running pods.`,
            snippet: 'preemptionPolicy: Never',
          },
          preemptor.classManifest,
        ),
      );
    }
  }
  if (c.kind === 'evicted-by-kubelet') {
    if (c.eviction?.resource === 'memory' || c.eviction?.resource === undefined) {
      fixes.push(
        withLink(
          {
            id: 'guaranteed-requests',
            target: ownerId,
            title: 'Request the memory the pod really uses (Guaranteed: requests = limits)',
            detail: `Pods using more than their memory request are evicted first under memory pressure.${c.eviction?.containers.length ? ` ${c.eviction.containers.map((x) => `${x.container}: used ${x.usage}, requested ${x.request}`).join('; ')}.` : ''}`,
          },
          workloadManifest(input.workspace, pod, 'containers'),
        ),
      );
    } else if (c.eviction.resource === 'ephemeral-storage' || c.eviction.resource === 'inodes') {
      fixes.push(
        withLink(
          {
            id: 'ephemeral-storage',
            target: ownerId,
            title: 'Request (and limit) ephemeral-storage to what the pod writes',
            detail:
              'Pods using more local disk than their ephemeral-storage request are evicted first under disk pressure; emptyDir sizeLimit and container limits cause direct evictions.',
          },
          workloadManifest(input.workspace, pod, 'containers'),
        ),
      );
    }
    fixes.push(
      withLink(
        {
          id: 'raise-priority-class',
          target: ownerId,
          title: `Raise ${owner.name}'s priority`,
          detail: 'Among pods over their requests, lower priority is evicted first.',
          snippet: 'priorityClassName: <higher class>',
        },
        classLink,
      ),
    );
  }
  if (c.kind === 'oom-killed') {
    fixes.push(
      withLink(
        {
          id: 'memory-limit',
          target: ownerId,
          title: `Raise the memory limit of container ${c.oom?.container ?? ''}`,
          detail: 'The container exceeded its own memory limit; the kernel killed it regardless of priority or node pressure.',
        },
        workloadManifest(input.workspace, pod, 'containers'),
      ),
    );
  }
  if (c.kind === 'taint-manager') {
    fixes.push(
      withLink(
        {
          id: 'tolerations',
          target: ownerId,
          title: 'Tolerate the NoExecute taint (with tolerationSeconds) if the pod should survive it',
          detail: c.taint?.message ?? '',
        },
        workloadManifest(input.workspace, pod, 'tolerations'),
      ),
    );
  }
  if (c.kind === 'eviction-api' && report.pdbs.length === 0) {
    fixes.push({
      id: 'pdb',
      target: ownerId,
      title: `Protect ${owner.name} with a PodDisruptionBudget`,
      detail: 'The Eviction API (drain, autoscalers) honours PDBs; without one every replica may be evicted at once.',
    });
  }
  const job = report.job;
  if (
    job !== undefined &&
    job.podFailurePolicy !== 'ignores-disruptions' &&
    c.kind !== 'oom-killed' &&
    c.kind !== 'no-disruption-seen' &&
    c.kind !== 'pending-unschedulable'
  ) {
    fixes.push(
      withLink(
        {
          id: 'job-pod-failure-policy',
          target: `Job/${job.namespace}/${job.name}`,
          title: `Add a podFailurePolicy to Job ${job.name} that ignores DisruptionTarget`,
          detail:
            'Pods disrupted by preemption, eviction, taint manager or PodGC then do not count toward backoffLimit: the Job retries instead of failing (needs restartPolicy: Never).',
          snippet: ['podFailurePolicy:', '  rules:', '  - action: Ignore', '    onPodConditions:', '    - type: DisruptionTarget'].join(
            '\n',
          ),
        },
        job.manifest,
      ),
    );
  }
  if (job !== undefined && job.failure?.kind === 'backoff-limit' && job.backoffLimit !== undefined && job.backoffLimit < 3) {
    fixes.push(
      withLink(
        {
          id: 'job-backoff-limit',
          target: `Job/${job.namespace}/${job.name}`,
          title: `Raise backoffLimit of Job ${job.name} (now ${job.backoffLimit})`,
          detail: `With backoffLimit: ${job.backoffLimit} ${job.backoffLimit === 0 ? 'the first' : 'any few'} failed pod${job.backoffLimit === 0 ? '' : 's'}, whatever the cause, fail${job.backoffLimit === 0 ? 's' : ''} the Job.`,
          snippet: 'backoffLimit: 3',
        },
        job.manifest,
      ),
    );
  }
  if (c.kind === 'preempted-by-scheduler' || c.kind === 'evicted-by-kubelet' || c.kind === 'preempted-by-kubelet') {
    fixes.push({
      id: 'capacity',
      title: 'Add capacity (or lower requests) so both workloads fit',
      detail:
        c.kind === 'preempted-by-scheduler'
          ? `${report.preemptor?.name ?? 'The preemptor'} only preempted because no node had room for it.`
          : 'The node ran out of the resource; more or larger nodes, or lower usage, avoid the pressure.',
    });
  }
  return fixes;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function podLine(p: Partial<PodSummary>): string {
  const parts: string[] = [];
  if (p.priority !== undefined) parts.push(`priority ${p.priority}`);
  if (p.priorityClassName !== undefined)
    parts.push(`class ${p.priorityClassName}${p.classIsGlobalDefault === true ? ' (globalDefault)' : ''}`);
  if (p.qosClass !== undefined) parts.push(`QoS ${p.qosClass}`);
  if (p.owner !== undefined) parts.push(`owner ${p.owner}`);
  if (p.node !== undefined) parts.push(`node ${p.node}`);
  return parts.join(', ');
}

function preemptorName(p: PreemptorInfo): string {
  if (p.name !== undefined) return `${p.namespace ?? ''}/${p.name}`;
  return p.uid !== undefined ? `unknown (gone before seen), UID ${p.uid}` : 'unknown (the event does not name it)';
}

function manifestText(m: ManifestLink | undefined): string {
  return m === undefined ? '' : ` (${m.file}:${m.line + 1})`;
}

/** Plain lines shared by the text and Markdown renderers: [heading, lines[]] sections. */
function sections(r: DiagnoseReport): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  const what: string[] = [r.happened.title];
  if (r.happened.time !== undefined)
    what.push(`When: ${r.happened.time}${r.happened.node !== undefined ? ` on node ${r.happened.node}` : ''}`);
  if (r.pod !== undefined) {
    what.push(`Pod: ${r.pod.namespace}/${r.pod.name} — ${podLine(r.pod)}${r.pod.deleted === true ? ' (deleted)' : ''}`);
    if (r.pod.fromGlobalDefault === true)
      what.push(
        `Its workload sets no priorityClassName: it fell under the globalDefault class ${r.pod.priorityClassName ?? ''} (${r.pod.priority ?? '?'}).`,
      );
    else if (r.pod.classIsGlobalDefault === true)
      what.push(`Its class ${r.pod.priorityClassName ?? ''} is the cluster's globalDefault class.`);
  }
  for (const e of r.happened.evidence) what.push(`Evidence: ${e}`);
  out.push(['What happened', what]);
  if (r.preemptor !== undefined) {
    const p = r.preemptor;
    const lines = [`Preemptor: ${preemptorName(p)}${p.name !== undefined && p.uid !== undefined ? ` (UID ${p.uid})` : ''}`];
    const detail = podLine(p);
    if (detail !== '') lines.push(`Preemptor: ${detail}${p.deleted === true ? ' (deleted since)' : ''}`);
    if (p.priority !== undefined && r.pod?.priority !== undefined)
      lines.push(
        `Priority ${p.priority}${p.priorityClassName !== undefined ? ` (${p.priorityClassName})` : ''} vs victim ${r.pod.priority}${r.pod.priorityClassName !== undefined ? ` (${r.pod.priorityClassName})` : ''}: gap ${p.priorityGap ?? p.priority - r.pod.priority}`,
      );
    if (p.preemptionPolicy !== undefined) lines.push(`Preemptor's preemptionPolicy: ${p.preemptionPolicy}`);
    for (const w of r.whyVictim ?? []) lines.push(w);
    out.push(['Who preempted it', lines]);
  }
  if (r.eviction !== undefined) {
    const e = r.eviction;
    const lines: string[] = [];
    if (e.resource !== undefined)
      lines.push(`Starved resource: ${e.resource} (signals ${(e.signals ?? []).join(', ')}; node condition ${e.nodeCondition ?? '-'})`);
    if (e.threshold !== undefined) lines.push(`Threshold ${e.threshold}, available ${e.available ?? '?'}`);
    if (e.node !== undefined)
      lines.push(`Node ${e.node.name} now: ${e.node.pressure.length > 0 ? e.node.pressure.join(', ') : 'no pressure condition'}`);
    lines.push(...e.ranking);
    if (e.nextVictims !== undefined) lines.push(...evictionRankingLines(e.nextVictims));
    out.push(['Eviction', lines]);
  }
  if (r.job !== undefined) {
    const j = r.job;
    const lines = [j.summary];
    if (j.found)
      lines.push(
        `backoffLimit: ${j.backoffLimit ?? '?'}${j.backoffLimitDefaulted === true ? ' (default)' : ''}; failed pods: ${j.failed ?? 0}; podFailurePolicy: ${j.podFailurePolicy === 'none' ? 'none' : j.podFailurePolicy === 'ignores-disruptions' ? 'ignores DisruptionTarget' : 'present, does not ignore DisruptionTarget'}`,
      );
    if (j.failure?.message !== undefined) lines.push(`Job condition Failed: ${j.failure.reason}: ${j.failure.message}`);
    out.push(['Job consequence', lines]);
  }
  if (r.pdbs.length > 0)
    out.push([
      'PodDisruptionBudgets',
      r.pdbs.map(
        (p) =>
          `${p.name}: disruptionsAllowed ${p.disruptionsAllowed ?? '?'}, healthy ${p.currentHealthy ?? '?'}/${p.desiredHealthy ?? '?'} — ${p.note}`,
      ),
    ]);
  if (r.fixes.length > 0) out.push(['Fixes', r.fixes.map((f) => `${f.title}${manifestText(f.manifest)}: ${f.detail}`)]);
  if (r.timeline.length > 0) out.push(['Events', r.timeline.map((t) => `${t.time} ${t.object} ${t.reason}: ${t.note}`)]);
  if (r.source?.partial === true)
    out.push([
      'Data',
      [
        `Partial view: only namespaces ${(r.source.namespaces ?? []).join(', ')} are readable with this context; a preemptor elsewhere cannot be resolved.`,
      ],
    ]);
  return out;
}

export function renderDiagnoseText(r: DiagnoseReport): string {
  const lines = [`Diagnosis of pod ${r.target}`, ''];
  for (const [heading, body] of sections(r)) {
    lines.push(`${heading}:`);
    for (const b of body) lines.push(`  ${b.replace(/\n/g, '\n  ')}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A line of a fenced code block from cluster data: no backtick (it could close the fence), no line break. */
function fenceLine(text: string): string {
  return text.replace(/`/g, "'").replace(/[\r\n\u2028\u2029]+/g, ' ');
}

export function renderDiagnoseMarkdown(r: DiagnoseReport): string {
  const lines = [`# Diagnosis of pod ${codeSpan(r.target)}`, ''];
  for (const [heading, body] of sections(r)) {
    lines.push(`## ${heading}`, '');
    if (heading === 'Fixes') {
      for (const f of r.fixes) {
        lines.push(
          `- **${escapeMarkdown(f.title)}**${f.manifest !== undefined ? ` — ${codeSpan(`${f.manifest.file}:${f.manifest.line + 1}`)}` : ''}: ${escapeMarkdown(f.detail)}`,
        );
        if (f.snippet !== undefined) lines.push('', '  ```yaml', ...f.snippet.split('\n').map((s) => `  ${fenceLine(s)}`), '  ```');
      }
    } else {
      for (const b of body) lines.push(`- ${escapeMarkdown(b)}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
