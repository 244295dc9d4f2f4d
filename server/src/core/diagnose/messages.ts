// Parsers for the exact texts the scheduler and kubelet write (semantics.md R-I.2, R-I.3, R-I.4, R-I.5, R-H.3).
// Pure string functions; every parser accepts the older forms too, because history outlives cluster upgrades.

/** R-I.2: `Preempted by pod <UID> on node <node>` (1.29+), `Preempted by <ns>/<name> on node <node>` (≤1.26.0), `Preempted by a pod on node <node>` (1.26.1–1.28). */
// Linear by construction (issue 14): every quantifier runs over a class the next token cannot start with
// (`[^\s/]+` before `/`, `\S+` before a space), so a hostile `a/a/a/…` note cannot make it backtrack.
export const preemptedNoteRe = /^Preempted by (?:pod (\S+)|a pod|([^\s/]+)\/(\S+)) on node (\S+)$/;

export interface PreemptedNote {
  /** Preemptor UID (1.29+ form). */
  preemptorUid?: string;
  /** Preemptor `namespace/name` (oldest form). */
  preemptorRef?: { namespace: string; name: string };
  /** Which form the note had. */
  form: 'uid' | 'name' | 'anonymous';
  node: string;
}

export function parsePreemptedNote(note: string | undefined): PreemptedNote | undefined {
  if (note === undefined) return undefined;
  const m = preemptedNoteRe.exec(note.trim());
  if (m === null) return undefined;
  const node = m[4] ?? '';
  if (m[1] !== undefined) {
    // `pod <x>`: a UID in 1.29+; a name-like token is kept as the UID text it claims to be.
    return { preemptorUid: m[1], form: 'uid', node };
  }
  if (m[2] !== undefined && m[3] !== undefined) return { preemptorRef: { namespace: m[2], name: m[3] }, form: 'name', node };
  return { form: 'anonymous', node };
}

/** DisruptionTarget condition reasons (R-I.3, R-F.8, R-G.4, R-H.2), with the older 1.26 spelling. */
export type DisruptionReason =
  'PreemptionByScheduler' | 'TerminationByKubelet' | 'EvictionByEvictionAPI' | 'DeletionByTaintManager' | 'DeletionByPodGC';

const disruptionAliases: Record<string, DisruptionReason> = {
  PreemptionByScheduler: 'PreemptionByScheduler',
  PreemptionByKubeScheduler: 'PreemptionByScheduler',
  TerminationByKubelet: 'TerminationByKubelet',
  EvictionByEvictionAPI: 'EvictionByEvictionAPI',
  DeletionByTaintManager: 'DeletionByTaintManager',
  DeletionByPodGC: 'DeletionByPodGC',
};

export function normalizeDisruptionReason(reason: string | undefined): DisruptionReason | undefined {
  return reason === undefined ? undefined : disruptionAliases[reason];
}

export interface SchedulerDisruptionMessage {
  schedulerName?: string;
  /** Only the 1.26.0 text names the preemptor. */
  preemptorRef?: { namespace: string; name: string };
}

/** R-I.3: `<schedulerName>: preempting to accommodate a higher priority pod` and the older texts. */
export function parseSchedulerDisruptionMessage(message: string | undefined): SchedulerDisruptionMessage | undefined {
  if (message === undefined) return undefined;
  const text = message.trim();
  let m = /^Kube-scheduler: preempting to accommodate a higher priority pod: ([^\s/]+)\/(\S+)$/.exec(text);
  if (m !== null) return { schedulerName: 'default-scheduler', preemptorRef: { namespace: m[1] ?? '', name: m[2] ?? '' } };
  m = /^Scheduler: preempting to accommodate a higher priority pod, scheduled by "([^"]*)"$/.exec(text);
  if (m !== null) return { schedulerName: m[1] ?? '' };
  m = /^(\S+): preempting to accommodate a higher priority pod$/.exec(text);
  if (m !== null) return { schedulerName: m[1] ?? '' };
  return undefined;
}

export type EvictionResource = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';

export interface EvictedContainerUsage {
  container: string;
  usage: string;
  request: string;
  resource: string;
}

export interface EvictedMessage {
  kind: 'pressure' | 'local-storage' | 'admission' | 'critical-pod' | 'unknown';
  /** Starved resource for pressure evictions. */
  resource?: EvictionResource;
  /** Eviction signal(s) and node condition implied by the resource (R-F.1). */
  signals?: string[];
  nodeCondition?: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';
  threshold?: string;
  available?: string;
  pod?: { usage: string; request: string };
  containers: EvictedContainerUsage[];
  /** local-storage: what exceeded which limit. */
  localStorage?: { what: 'emptyDir' | 'pod' | 'container'; name?: string; limit: string };
  /** admission: node conditions listed. */
  conditions?: string[];
}

const oldSignalNames: Record<string, EvictionResource> = {
  memory: 'memory',
  'ephemeral-storage': 'ephemeral-storage',
  inodes: 'inodes',
  pids: 'pids',
  nodefs: 'ephemeral-storage',
  imagefs: 'ephemeral-storage',
  nodefsInodes: 'inodes',
  imagefsInodes: 'inodes',
  nodeFs: 'ephemeral-storage',
  imageFs: 'ephemeral-storage',
  nodeFsInodes: 'inodes',
  imageFsInodes: 'inodes',
  pid: 'pids',
};

export function signalsFor(resource: EvictionResource): {
  signals: string[];
  nodeCondition: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';
} {
  switch (resource) {
    case 'memory':
      return { signals: ['memory.available', 'allocatableMemory.available'], nodeCondition: 'MemoryPressure' };
    case 'ephemeral-storage':
      return { signals: ['nodefs.available', 'imagefs.available', 'containerfs.available'], nodeCondition: 'DiskPressure' };
    case 'inodes':
      return { signals: ['nodefs.inodesFree', 'imagefs.inodesFree', 'containerfs.inodesFree'], nodeCondition: 'DiskPressure' };
    case 'pids':
      return { signals: ['pid.available'], nodeCondition: 'PIDPressure' };
  }
}

/** R-I.4 / R-I.5: the kubelet's Evicted (and Preempting) messages, parsed by prefix, fragment by fragment. */
export function parseEvictedMessage(message: string | undefined): EvictedMessage {
  const result: EvictedMessage = { kind: 'unknown', containers: [] };
  if (message === undefined) return result;
  const text = message.trim();
  if (
    text.startsWith('Preempted in order to admit critical pod') ||
    text.startsWith('Pod was preempted by Kubelet to accommodate a critical pod')
  ) {
    return { ...result, kind: 'critical-pod' };
  }
  // Fragments end with ". "; quantities never contain ". " so splitting is safe.
  const fragments = text
    .split(/\.\s+|\.$/)
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  for (const f of fragments) {
    let m = /^The node was low on resource: (\S+)$/.exec(f);
    if (m !== null) {
      const resource = oldSignalNames[m[1] ?? ''];
      result.kind = 'pressure';
      if (resource !== undefined) {
        result.resource = resource;
        const s = signalsFor(resource);
        result.signals = s.signals;
        result.nodeCondition = s.nodeCondition;
      }
      continue;
    }
    m = /^Threshold quantity: (\S+), available: (\S+)$/.exec(f);
    if (m !== null) {
      result.threshold = m[1];
      result.available = m[2];
      continue;
    }
    m = /^Pod (\S+) was using (\S+), request is (\S+), has larger consumption of memory$/.exec(f);
    if (m !== null) {
      result.pod = { usage: m[2] ?? '', request: m[3] ?? '' };
      continue;
    }
    m = /^Container (\S+) was using (\S+), request is (\S+), has larger consumption of (\S+)$/.exec(f);
    if (m !== null) {
      result.containers.push({ container: m[1] ?? '', usage: m[2] ?? '', request: m[3] ?? '', resource: m[4] ?? '' });
      continue;
    }
    m = /^Usage of EmptyDir volume "([^"]*)" exceeds the limit "([^"]*)"$/.exec(f);
    if (m !== null) {
      result.kind = 'local-storage';
      result.localStorage = { what: 'emptyDir', name: m[1] ?? '', limit: m[2] ?? '' };
      continue;
    }
    m = /^Pod ephemeral local storage usage exceeds the total limit of containers (\S+)$/.exec(f);
    if (m !== null) {
      result.kind = 'local-storage';
      result.localStorage = { what: 'pod', limit: m[1] ?? '' };
      continue;
    }
    m = /^Container (\S+) exceeded its local ephemeral storage limit "([^"]*)"$/.exec(f);
    if (m !== null) {
      result.kind = 'local-storage';
      result.localStorage = { what: 'container', name: m[1] ?? '', limit: m[2] ?? '' };
      continue;
    }
    m = /^The node had condition: \[([^\]]*)\]$/.exec(f);
    if (m !== null) {
      result.kind = 'admission';
      result.conditions = (m[1] ?? '').split(/[\s,]+/).filter((c) => c.length > 0);
    }
  }
  if (result.kind === 'local-storage') result.resource = 'ephemeral-storage';
  return result;
}

/** R-H.1 FailJob messages and R-H.3 BackoffLimitExceeded, from a Job's Failed condition. */
export interface JobFailure {
  reason: string;
  message?: string;
  kind: 'backoff-limit' | 'pod-failure-policy' | 'deadline' | 'other';
  /** For pod-failure-policy: the pod and condition/exit code that matched. */
  pod?: string;
  ruleIndex?: number;
}

export function parseJobFailure(reason: string | undefined, message: string | undefined): JobFailure | undefined {
  if (reason === undefined) return undefined;
  const out: JobFailure = { reason, kind: 'other' };
  if (message !== undefined) out.message = message;
  if (reason === 'BackoffLimitExceeded') out.kind = 'backoff-limit';
  else if (reason === 'DeadlineExceeded') out.kind = 'deadline';
  else if (reason === 'PodFailurePolicy') {
    out.kind = 'pod-failure-policy';
    const m =
      /^(?:Pod|Container \S+ for pod) ([^\s/]+\/\S+) (?:has condition \S+|failed with exit code \d+) matching FailJob rule at index (\d+)$/.exec(
        message ?? '',
      );
    if (m !== null) {
      out.pod = m[1] ?? '';
      out.ruleIndex = Number(m[2]);
    }
  }
  return out;
}
