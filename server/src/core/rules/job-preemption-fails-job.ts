// Reports Jobs and CronJobs that one preemption or eviction can fail, because disruptions count toward backoffLimit.
import type { Rule } from './rule';
import { get, isSeq } from '../syntax/tree';
import { ignoresDisruptions } from '../semantics/job';
import { insertFirstItem, insertKey } from '../edits/text-edits';
import { describePreemptors } from './support/describe';
import { describeKueuePreemptors } from './support/kueue';

export const jobPreemptionFailsJob: Rule = {
  id: 'job-preemption-fails-job',
  summary: 'A Job can fail from preemption or eviction alone: backoffLimit is too low and no podFailurePolicy ignores DisruptionTarget.',
  category: 'prediction',
  defaultSeverity: 'warning',
  scope: 'cluster',
  docs: `## Why this matters
A preempted or evicted pod ends \`Failed\` and counts toward \`backoffLimit\` (default 6) unless a \`podFailurePolicy\` rule with \`action: Ignore\` matches the \`DisruptionTarget\` condition the scheduler and kubelet set.
With \`backoffLimit: 0\` one preemption fails the whole Job (\`BackoffLimitExceeded\`); with \`parallelism\` above \`backoffLimit\` one preemption wave can.

## How to fix
Add a pod failure policy that ignores disruptions (it needs \`restartPolicy: Never\` in the pod template):
\`\`\`yaml
podFailurePolicy:
  rules:
  - action: Ignore
    onPodConditions:
    - type: DisruptionTarget
\`\`\`
or raise \`backoffLimit\`, or give the Job a priority no other workload exceeds.

## Kueue
A Job queued with Kueue (\`kueue.x-k8s.io/queue-name\` on its own metadata) can be preempted twice over, with opposite consequences.
Kueue evicting its Workload suspends the Job: the job controller deletes the pods without counting them as failed, so no retry is consumed and the \`podFailurePolicy\` never sees it, but the work done so far is lost and the Job restarts from zero when readmitted.
kube-scheduler preempting the running pods of the admitted Job (for a higher *pod* priority, which Kueue's WorkloadPriorityClass does not set) counts toward \`backoffLimit\` as above: the \`podFailurePolicy\` fix is the one that helps there.

## Invalid
\`\`\`yaml
apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: train, image: train:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions:
      - type: DisruptionTarget
  template:
    spec:
      restartPolicy: Never
      containers: [{name: train, image: train:1}]
\`\`\``,
  check(ctx) {
    const kueue = ctx.model.hasKueue() ? ctx.model.kueue : undefined;
    for (const w of ctx.workloads) {
      const job = w.workload.job;
      if (job === undefined || !w.priority.admission.allowed) continue;
      if (ignoresDisruptions(job.podFailurePolicy)) continue;
      const backoffLimit = job.backoffLimitPerIndex !== undefined ? Number.MAX_SAFE_INTEGER : (job.backoffLimit?.value ?? 6);
      // One preemption wave can take every running pod of the Job; failures > backoffLimit fail it (R-H.3).
      if (job.parallelism <= backoffLimit) continue;
      const count = ctx.model.preemptorCount(w);
      const evictable = w.evictionTier.tier === 1;
      if (count === 0 && !evictable) continue;
      const cause =
        count > 0
          ? `its pods can be preempted by ${describePreemptors(ctx.model.preemptorsOf(w, 2), count, 2)}`
          : `its pods can be evicted first under node memory pressure (${w.evictionTier.reason})`;
      const text = ctx.text(w.object.file);
      const edits = [];
      // An existing policy gets the Ignore rule as its first rule (the first matching rule wins); otherwise add a policy.
      const existingRules = get(job.podFailurePolicy, 'rules');
      const policy =
        job.podFailurePolicy === undefined
          ? insertKey(
              text,
              job.node,
              'podFailurePolicy',
              '\n  rules:\n  - action: Ignore\n    onPodConditions:\n    - type: DisruptionTarget',
            )
          : isSeq(existingRules)
            ? insertFirstItem(text, existingRules, 'action: Ignore\nonPodConditions:\n- type: DisruptionTarget')
            : undefined;
      if (policy !== undefined) edits.push(policy);
      if (w.workload.restartPolicy?.value !== 'Never' && w.workload.podSpec !== undefined) {
        const restart = w.workload.restartPolicy;
        if (restart !== undefined) edits.push({ span: restart.span, newText: 'Never' });
        else {
          const insert = insertKey(text, w.workload.podSpec, 'restartPolicy', 'Never');
          if (insert !== undefined) edits.push(insert);
        }
      }
      // A Kueue-queued Job (the queue label on its own metadata) can also be evicted by Kueue: a different consequence.
      const queued = kueue?.byWorkload.get(w);
      const kueuePreemptors = queued !== undefined && kueue !== undefined ? describeKueuePreemptors(kueue, queued) : '';
      const forWhom = kueuePreemptors === '' ? '' : ` (Kueue can preempt it for ${kueuePreemptors})`;
      const byKueue =
        queued !== undefined && queued.localQueue !== undefined
          ? ` Kueue preempting this queued ${w.object.kind}${forWhom} is different: it suspends the ${w.object.kind} and deletes its pods without counting them, so it costs no retry, only the work done so far (the ${w.object.kind} restarts from zero when readmitted); only kube-scheduler preempting or the kubelet evicting its running pods consumes backoffLimit.`
          : '';
      ctx.report({
        file: w.object.file,
        span: job.backoffLimit?.span ?? w.object.nameSpan,
        object: w.object,
        message: `${w.object.kind} ${w.object.name} fails after ${backoffLimit + 1} disrupted pod(s) (backoffLimit ${backoffLimit}${job.backoffLimit === undefined ? ', the default' : ''}, parallelism ${job.parallelism}) and ${cause}. A preempted pod counts as a failure unless a podFailurePolicy rule ignores the DisruptionTarget condition.${byKueue}`,
        ...(policy === undefined
          ? {}
          : { fix: { description: 'Add a podFailurePolicy that ignores DisruptionTarget (with restartPolicy: Never)', edits } }),
      });
    }
  },
};
