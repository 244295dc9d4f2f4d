// Reports jobs whose Kueue queue label is only on the pod template: Kueue reads the job's own metadata (R-Q.1).
import type { Rule } from './rule';
import type { TextEdit } from '../edits/text-edits';
import { insertKey, removeEntry } from '../edits/text-edits';
import { get, isMap } from '../syntax/tree';
import { kueueJobLabelsMap, kueueJobMetadata, queueNameLabel } from '../semantics/kueue-objects';
import { jobName, queuedJobs, templateLabelsMap, yamlString } from './support/kueue';

export const kueueQueueLabelOnTemplate: Rule = {
  id: 'kueue-queue-label-on-template',
  summary: "The Kueue queue label is only on the pod template: Kueue reads the job's own metadata, so the job is not queued.",
  category: 'correctness',
  defaultSeverity: 'warning',
  scope: 'file',
  docs: `## Why this matters
Kueue finds a job's LocalQueue through the label \`kueue.x-k8s.io/queue-name\` on the job object's own \`metadata.labels\` (a CronJob: \`spec.jobTemplate.metadata.labels\`).
On the pod template only, the label is ignored: Kueue does not suspend the Job, it starts at once outside every quota, and Kueue neither admits nor preempts it.
Its pods then compete with the queued jobs' pods in kube-scheduler alone.

## How to fix
Move the label to the job's own \`metadata.labels\` (the quick fix does it).

## Invalid
\`\`\`yaml
apiVersion: batch/v1
kind: Job
metadata: {name: tests, namespace: ci}
spec:
  template:
    metadata:
      labels:
        app: tests
        kueue.x-k8s.io/queue-name: ci
    spec:
      restartPolicy: Never
      containers: [{name: tests, image: tests:1}]
\`\`\`

## Valid
\`\`\`yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: tests
  namespace: ci
  labels:
    kueue.x-k8s.io/queue-name: ci
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: tests, image: tests:1}]
\`\`\``,
  check(ctx) {
    for (const job of queuedJobs(ctx)) {
      if (!job.problems.some((p) => p.kind === 'label-on-template')) continue;
      const object = job.workload.object;
      const templateLabels = templateLabelsMap(object);
      const templateEntry = templateLabels?.entries.find((e) => e.key === queueNameLabel);
      const text = ctx.text(object.file);
      const line = `${queueNameLabel}: ${yamlString(job.queueName)}`;
      const own = kueueJobLabelsMap(object);
      const metadata = kueueJobMetadata(object);
      const jobTemplate = get(object.node, 'spec', 'jobTemplate');
      const add =
        own !== undefined
          ? insertKey(text, own, queueNameLabel, yamlString(job.queueName))
          : isMap(metadata)
            ? insertKey(text, metadata, 'labels', `\n  ${line}`)
            : object.kind === 'CronJob' && isMap(jobTemplate)
              ? insertKey(text, jobTemplate, 'metadata', `\n  labels:\n    ${line}`)
              : undefined;
      const edits: TextEdit[] = [];
      if (add !== undefined) {
        edits.push(add);
        // The template keeps its other labels; a map left empty would only change what selectors see, so it stays.
        if (templateLabels !== undefined && templateLabels.entries.length > 1) {
          const remove = removeEntry(text, templateLabels, queueNameLabel);
          if (remove !== undefined) edits.push(remove);
        }
      }
      const where = object.kind === 'CronJob' ? 'spec.jobTemplate.metadata.labels' : 'metadata.labels';
      ctx.report({
        file: object.file,
        span: templateEntry?.keySpan ?? object.nameSpan,
        object,
        message: `The Kueue queue label ${queueNameLabel}: "${job.queueName}" is only on the pod template of ${jobName(job)}. Kueue reads it from ${object.kind === 'CronJob' ? `the labels of the Jobs it creates (${where})` : `the ${object.kind}'s own ${where}`}, so this ${object.kind} is not queued: it starts at once, outside every ClusterQueue quota, and Kueue never admits or preempts it. Move the label to ${where}.`,
        ...(edits.length === 0 ? {} : { fix: { description: `Move ${queueNameLabel} to ${where}`, edits } }),
      });
    }
  },
};
