// The Fixes part of the Diagnose report: what to change (class, policy, Job, requests, PDB, capacity), linked to the
// workspace manifest line when the workload's manifest is open.
import type { Classification } from '../classify';
import { topOwner } from '../records';
import type { PodRecord } from '../records';
import type { DiagnoseInput, DiagnoseReport, FixSuggestion, ManifestLink, PodSummary } from './types';
import { workloadManifest } from './context';
import type { ClassInfo } from './context';

/** fixesFor suggests the fixes for the cause, most direct first. */
export function fixesFor(
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
