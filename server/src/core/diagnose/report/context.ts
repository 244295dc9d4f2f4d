// What every section of the Diagnose report reads: the input's indexes (PriorityClasses as the semantics read them,
// pods by UID), the classification, the victim's summary, and links from cluster objects to workspace manifests.
import { LineIndex } from '../../text';
import type { ParsedFile, K8sObject } from '../../model/objects';
import { objectsFromApi } from '../../model/from-api';
import { readPriorityClass } from '../../semantics/priority-class';
import { get, entry, isMap, stringValue } from '../../syntax/tree';
import type { YNode } from '../../syntax/tree';
import type { Classification } from '../classify';
import { parsePreemptedNote } from '../messages';
import { formatOwner, topOwner } from '../records';
import type { ApiObject, PodRecord } from '../records';
import type { DiagnoseInput, ManifestLink, PodSummary } from './types';

/** The inputs and derived facts the report's sections share. */
export interface ReportContext {
  input: DiagnoseInput;
  classes: Map<string, ClassInfo>;
  byUid: { get(uid: string): PodRecord | undefined };
  /** The target pod's record, when known. */
  pod: PodRecord | undefined;
  victim: PodSummary | undefined;
  c: Classification;
}

export interface ClassInfo {
  name: string;
  value?: number;
  globalDefault: boolean;
  preemptionPolicy?: string;
}

/** The cluster's PriorityClasses as the semantics read them (readPriorityClass), with the policy as written. */
export function classIndex(classes: readonly ApiObject[] | undefined): Map<string, ClassInfo> {
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

export function findObject(
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

export function linkTo(workspace: readonly ParsedFile[] | undefined, o: K8sObject, path: readonly string[] = []): ManifestLink {
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
export function podSpecPath(kind: string): string[] {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return ['spec', 'template', 'spec'];
}

export function workloadManifest(workspace: readonly ParsedFile[] | undefined, pod: PodRecord, field?: string): ManifestLink | undefined {
  const owner = topOwner(pod);
  const o = findObject(workspace, owner.kind, pod.namespace, owner.name);
  if (o === undefined) return undefined;
  return linkTo(workspace, o, field === undefined ? [] : [...podSpecPath(owner.kind), field]);
}

export function parsePreemptedNoteUid(note: string): string | undefined {
  return parsePreemptedNote(note)?.preemptorUid;
}

export function summarize(pod: PodRecord, classes: Map<string, ClassInfo>, workspace: readonly ParsedFile[] | undefined): PodSummary {
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
