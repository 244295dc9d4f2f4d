// Rule messages that say Kueue can preempt a queued job name the preemptors as kpl explain does (highest Kueue
// priority first, with Kueue's reason), bounded to three and "and N more".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, findingsOf } from '../helpers/analyze';

const queue = `apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ci}
spec:
  namespaceSelector: {}
  preemption: {withinClusterQueue: LowerPriority}
  resourceGroups:
  - coveredResources: [cpu]
    flavors: [{name: default, resources: [{name: cpu, nominalQuota: "64"}]}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata: {name: default}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: ci, namespace: ci}
spec: {clusterQueue: ci}
`;

function job(name: string, wpc: number): string {
  return `---
apiVersion: kueue.x-k8s.io/v1beta2
kind: WorkloadPriorityClass
metadata: {name: p${wpc}}
value: ${wpc}
---
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: ci, labels: {kueue.x-k8s.io/queue-name: ci, kueue.x-k8s.io/priority-class: p${wpc}}}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: c:1, resources: {requests: {cpu: "1"}}}]
`;
}

test('job-preemption-fails-job names Kueue preemptors with their reason, the first three and N more', () => {
  const text = queue + job('victim', 10) + [50, 40, 30, 20].map((p) => job(`eval-${p}`, p)).join('');
  const { findings } = analyze(text);
  const victim = findingsOf(findings, 'job-preemption-fails-job').find((f) => f.message.startsWith('Job victim '));
  assert.ok(victim !== undefined);
  assert.match(
    victim.message,
    / Kueue preempting this queued Job \(Kueue can preempt it for Job ci\/eval-50 \(Kueue priority 50, InClusterQueue\), Job ci\/eval-40 \(Kueue priority 40, InClusterQueue\), Job ci\/eval-30 \(Kueue priority 30, InClusterQueue\) and 1 more\) is different: /,
  );
  // The highest Kueue priority has no Kueue preemptor: the sentence keeps its old form.
  const top = findingsOf(findings, 'job-preemption-fails-job').find((f) => f.message.startsWith('Job eval-50 '));
  assert.match(top?.message ?? '', / Kueue preempting this queued Job is different: /);
});
