// Reconstruction of a pod the extension never saw (deleted before it started): what the cluster still has about it,
// each fact with where it came from. The victim's `Preempted` event names it, its UID, the preemptor's UID and the
// node; the controller's own `Created pod: <name>` event (or a sibling pod's `job-name`/`controller-uid` labels, or the
// pod's name when the controller of that name exists) names its Job or ReplicaSet; that controller's pod template,
// read through the same semantics as a manifest (Priority admission R-A.*, QoS R-C.*, requests R-D.3), gives the
// priority, class and QoS the pod was admitted with. Pure: the cluster layer reads the objects.
import { objectsFromApi } from '../model/from-api';
import { readWorkload } from '../model/workload';
import { readPriorityClass } from '../semantics/priority-class';
import { PriorityClassIndex, resolvePriority } from '../semantics/priority';
import { computePodQos } from '../semantics/qos';
import { defaultContainer } from '../semantics/resources';
import { parsePreemptedNote } from './messages';
import { asString, deploymentOfReplicaSet, effectivePodRequests, field } from './records';
import type { ApiObject, EventRecord, OwnerLink, PodRecord } from './records';

/** One reconstructed fact and its source, as the report shows it. */
export interface ReconstructedFact {
  fact: string;
  value: string;
  source: string;
}

export interface Reconstruction {
  record: PodRecord;
  facts: ReconstructedFact[];
  /** What could not be known, one line each. */
  unknown: string[];
}

/** The controller kinds whose pod template can be read back (both are readable by name). */
export type ControllerKind = 'Job' | 'ReplicaSet';

export interface ControllerCandidate {
  kind: ControllerKind;
  name: string;
  uid?: string;
  /** How the candidate was found, for the report. */
  source: string;
  /** True when only the pod's name suggests it (the object must exist to be believed). */
  guessed: boolean;
}

/** `Created pod: <name>` (the Job and ReplicaSet controllers' SuccessfulCreate note). */
function createdPodName(note: string): string | undefined {
  const prefix = 'Created pod: ';
  return note.startsWith(prefix) ? note.slice(prefix.length).trim() : undefined;
}

/** Name without the random suffix the controllers append (`<job>-<5 chars>`, `<rs>-<5 chars>`). */
function generatedPrefix(name: string): string | undefined {
  const i = name.lastIndexOf('-');
  if (i <= 0) return undefined;
  const suffix = name.slice(i + 1);
  return suffix.length === 5 && /^[a-z0-9]+$/.test(suffix) ? name.slice(0, i) : undefined;
}

/**
 * The controllers that may own a pod nobody recorded: named by their own `Created pod:` events, by a sibling pod
 * (same generated prefix, with a Job or ReplicaSet owner), else guessed from the name (to be confirmed by reading it).
 */
export function controllerCandidates(
  target: { namespace: string; name: string },
  controllerEvents: readonly EventRecord[],
  pods: readonly PodRecord[],
): ControllerCandidate[] {
  const out: ControllerCandidate[] = [];
  const add = (c: ControllerCandidate) => {
    if (!out.some((x) => x.kind === c.kind && x.name === c.name)) out.push(c);
  };
  for (const e of controllerEvents) {
    if (e.regarding.namespace !== target.namespace) continue;
    if (e.regarding.kind !== 'Job' && e.regarding.kind !== 'ReplicaSet') continue;
    if (createdPodName(e.note) !== target.name) continue;
    add({
      kind: e.regarding.kind,
      name: e.regarding.name,
      ...(e.regarding.uid !== undefined ? { uid: e.regarding.uid } : {}),
      source: `the ${e.regarding.kind}'s own event "${e.note}" (${e.reason})`,
      guessed: false,
    });
  }
  const prefix = generatedPrefix(target.name);
  if (prefix !== undefined) {
    for (const p of pods) {
      if (p.namespace !== target.namespace || p.name === target.name || generatedPrefix(p.name) !== prefix) continue;
      const owner = p.owners[0];
      if (owner === undefined || (owner.kind !== 'Job' && owner.kind !== 'ReplicaSet') || owner.name !== prefix) continue;
      const jobLabel = p.labels?.['batch.kubernetes.io/job-name'] ?? p.labels?.['job-name'];
      add({
        kind: owner.kind,
        name: owner.name,
        ...(owner.uid !== undefined ? { uid: owner.uid } : {}),
        source:
          jobLabel !== undefined
            ? `the job-name label of sibling pod ${p.namespace}/${p.name}`
            : `the owner of sibling pod ${p.namespace}/${p.name}`,
        guessed: false,
      });
    }
    add({ kind: 'Job', name: prefix, source: `the pod's name (Job pods are named <job>-<suffix>)`, guessed: true });
    add({ kind: 'ReplicaSet', name: prefix, source: `the pod's name (ReplicaSet pods are named <replicaset>-<suffix>)`, guessed: true });
  }
  return out;
}

const describeClass = (name: string | undefined, value: number, globalDefault: boolean): string =>
  `${value}${name !== undefined ? ` (class ${name}${globalDefault ? ', the globalDefault' : ''})` : ''}`;

/**
 * Rebuilds the record of a pod that is no longer in the cluster and was never recorded, from its events and its
 * controller; undefined when nothing at all names the pod (no event, no controller event).
 */
export function reconstructPod(input: {
  target: { namespace: string; name: string; uid?: string };
  podEvents: readonly EventRecord[];
  controllerEvents: readonly EventRecord[];
  pods: readonly PodRecord[];
  jobs: readonly ApiObject[];
  replicaSets: readonly ApiObject[];
  priorityClasses: readonly ApiObject[];
}): Reconstruction | undefined {
  const { target, podEvents } = input;
  const facts: ReconstructedFact[] = [];
  const unknown: string[] = [];
  const candidates = controllerCandidates(target, input.controllerEvents, input.pods);
  const objectsOf = (kind: ControllerKind) => (kind === 'Job' ? input.jobs : input.replicaSets);
  let controller: { candidate: ControllerCandidate; object: ApiObject } | undefined;
  for (const c of candidates) {
    const object = objectsOf(c.kind).find(
      (o) =>
        asString(o, 'metadata', 'name') === c.name &&
        (asString(o, 'metadata', 'namespace') ?? target.namespace) === target.namespace &&
        (c.uid === undefined || asString(o, 'metadata', 'uid') === undefined || asString(o, 'metadata', 'uid') === c.uid),
    );
    if (object !== undefined) {
      controller = { candidate: c, object };
      break;
    }
  }
  const named = candidates.find((c) => !c.guessed);
  if (podEvents.length === 0 && controller === undefined && named === undefined) return undefined;

  if (podEvents.length === 0)
    unknown.push(
      `The pod was deleted before the extension started and its events expired (the API server keeps events for 1 hour by default): how it ended cannot be read from the cluster; the rest comes from its controller.`,
    );
  const uid = target.uid ?? podEvents.find((e) => e.regarding.uid !== undefined)?.regarding.uid ?? '';
  const record: PodRecord = { uid, name: target.name, namespace: target.namespace, owners: [] };
  const preempted = [...podEvents].reverse().find((e) => e.reason === 'Preempted');
  if (preempted !== undefined) {
    const note = parsePreemptedNote(preempted.note);
    facts.push({
      fact: 'victim',
      value: `${target.namespace}/${target.name}${uid !== '' ? ` (UID ${uid})` : ''}`,
      source: `the Preempted event (${preempted.time})`,
    });
    if (note?.preemptorUid !== undefined) facts.push({ fact: 'preemptor UID', value: note.preemptorUid, source: 'the Preempted event' });
    if (note?.node !== undefined) {
      record.node = note.node;
      facts.push({ fact: 'node', value: note.node, source: 'the Preempted event' });
    }
  } else if (uid !== '') {
    facts.push({ fact: 'UID', value: uid, source: `its ${podEvents[0]?.reason ?? ''} event` });
  }
  const scheduled = podEvents.find((e) => e.reason === 'Scheduled');
  if (record.node === undefined && scheduled !== undefined) {
    const node = / to (\S+)$/.exec(scheduled.note)?.[1];
    if (node !== undefined) {
      record.node = node;
      facts.push({ fact: 'node', value: node, source: 'its Scheduled event' });
    }
  }
  if (scheduled !== undefined) record.creationTime = scheduled.firstTime ?? scheduled.time;

  if (controller === undefined) {
    unknown.push(
      named !== undefined
        ? `Its ${named.kind} ${named.name} is gone (named by ${named.source}): the pod's priority, class and QoS are unknown.`
        : "Its controller is unknown (no controller event names the pod and no Job or ReplicaSet of its name exists): the pod's priority, class and QoS are unknown.",
    );
    return { record, facts, unknown };
  }

  const { candidate, object } = controller;
  const ownerUid = asString(object, 'metadata', 'uid') ?? candidate.uid;
  const owner: OwnerLink = { kind: candidate.kind, name: candidate.name, ...(ownerUid !== undefined ? { uid: ownerUid } : {}) };
  record.owners = [owner];
  const labels = (field(object, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, unknown>;
  record.labels = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (candidate.kind === 'ReplicaSet') {
    const deployment = (field(object, 'metadata', 'ownerReferences') as unknown[] | undefined)
      ?.map((r) => ({ kind: asString(r, 'kind'), name: asString(r, 'name') }))
      .find((r) => r.kind === 'Deployment');
    const name = deployment?.name ?? deploymentOfReplicaSet(candidate.name, record.labels['pod-template-hash']);
    if (name !== undefined) record.owners.push({ kind: 'Deployment', name });
  } else {
    const cron = (field(object, 'metadata', 'ownerReferences') as unknown[] | undefined)
      ?.map((r) => ({ kind: asString(r, 'kind'), name: asString(r, 'name') }))
      .find((r) => r.kind === 'CronJob');
    if (cron?.name !== undefined) record.owners.push({ kind: 'CronJob', name: cron.name });
  }
  facts.push({ fact: 'owner', value: `${candidate.kind}/${candidate.name}`, source: candidate.source });

  // The pod the template makes, through the engine (Priority admission, QoS, requests) as for a manifest.
  const templateSpec = field(object, 'spec', 'template', 'spec');
  const podObject: ApiObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: target.name, namespace: target.namespace, labels: record.labels },
    spec: templateSpec ?? {},
  };
  const fromTemplate = `the ${candidate.kind}'s pod template (${target.namespace}/${candidate.name})`;
  const [podK8s] = objectsFromApi([{ ...podObject }], 'diagnose-reconstructed-pod.json', 'workspace');
  const classObjects = objectsFromApi(
    input.priorityClasses.map((c) => ({ ...c, apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' })),
    'diagnose-priority-classes.json',
  );
  const index = new PriorityClassIndex(
    [],
    classObjects.filter((o) => o.name !== '').map((o) => readPriorityClass(o).priorityClass),
  );
  if (podK8s !== undefined) {
    const workload = readWorkload(podK8s);
    const resolved = resolvePriority(workload, index);
    if (resolved.admission.allowed) {
      record.priority = resolved.priority;
      if (resolved.priorityClassName !== undefined) record.priorityClassName = resolved.priorityClassName;
      record.preemptionPolicy = resolved.preemptionPolicy;
      facts.push({
        fact: 'priority',
        value: describeClass(resolved.priorityClassName, resolved.priority, resolved.from === 'globalDefault'),
        source:
          resolved.from === 'globalDefault'
            ? `${fromTemplate}: it sets no priorityClassName, so admission gave it the globalDefault class`
            : fromTemplate,
      });
    } else {
      unknown.push(`Its priority is unknown: ${resolved.admission.message ?? 'the template would not be admitted now'}.`);
    }
    record.qosClass = computePodQos(
      workload.containers.map((c) => defaultContainer(c, [])),
      undefined,
    );
    facts.push({ fact: 'QoS class', value: record.qosClass, source: `${fromTemplate} (LimitRange defaults not applied)` });
  }
  const requests = effectivePodRequests(podObject);
  if (requests !== undefined) record.requests = requests;
  if (templateSpec === undefined) unknown.push(`${candidate.kind} ${candidate.name} has no pod template to read.`);
  return { record, facts, unknown };
}

/** The one line said when nothing about the pod is left in the cluster. */
export const nothingLeftLine =
  'The pod was deleted before the extension started and its events expired (the API server keeps events for 1 hour by default): nothing about it is left in the cluster or in the local history.';
