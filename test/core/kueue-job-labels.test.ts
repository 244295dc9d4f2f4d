// The one place that says where Kueue reads a job's labels (kueueJobMetadata and friends in kueue-objects.ts): the
// object's own metadata, but a CronJob's spec.jobTemplate.metadata, which its Jobs inherit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYamlDocument } from '../../server/src/core/syntax/parse-yaml';
import { get, isMap, stringValue } from '../../server/src/core/syntax/tree';
import { toObject } from '../../server/src/core/model/objects';
import type { K8sObject } from '../../server/src/core/model/objects';
import { kueueJobLabels, kueueJobLabelsMap, kueueJobMetadata, queueNameLabel } from '../../server/src/core/semantics/kueue-objects';

function object(doc: string): K8sObject {
  const root = parseYamlDocument(doc, 0, doc.length, false).root;
  assert.ok(isMap(root));
  return toObject(root, stringValue(get(root, 'kind')) ?? '', 'job.yaml', 'workspace');
}

describe('kueueJobMetadata', () => {
  test('a Job: its own metadata, read like every object label', () => {
    const job = object(`apiVersion: batch/v1
kind: Job
metadata: {name: t, labels: {kueue.x-k8s.io/queue-name: ci, team: 7}}
spec: {template: {metadata: {labels: {kueue.x-k8s.io/queue-name: pods}}}}
`);
    assert.equal(kueueJobMetadata(job), get(job.node, 'metadata'));
    assert.deepEqual(kueueJobLabels(job), { 'kueue.x-k8s.io/queue-name': 'ci', team: '7' });
    assert.deepEqual(
      kueueJobLabelsMap(job)?.entries.map((e) => e.key),
      [queueNameLabel, 'team'],
    );
  });

  test("a CronJob: its jobTemplate's metadata, not its own nor its pod template's", () => {
    const cron = object(`apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, labels: {kueue.x-k8s.io/queue-name: own}}
spec:
  schedule: "@daily"
  jobTemplate:
    metadata: {labels: {kueue.x-k8s.io/queue-name: ci, empty: null}}
    spec: {template: {metadata: {labels: {kueue.x-k8s.io/queue-name: pods}}}}
`);
    assert.equal(kueueJobMetadata(cron), get(cron.node, 'spec', 'jobTemplate', 'metadata'));
    // null decodes as "" (Go's zero value), as for every object's labels.
    assert.deepEqual(kueueJobLabels(cron), { 'kueue.x-k8s.io/queue-name': 'ci', empty: '' });
    assert.equal(stringValue(kueueJobLabelsMap(cron)?.entries[0]?.value), 'ci');
  });

  test('a CronJob without jobTemplate metadata reads no labels', () => {
    const cron = object(`apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, labels: {kueue.x-k8s.io/queue-name: own}}
spec: {schedule: "@daily", jobTemplate: {spec: {template: {spec: {containers: []}}}}}
`);
    assert.equal(kueueJobMetadata(cron), undefined);
    assert.equal(kueueJobLabelsMap(cron), undefined);
    assert.deepEqual(kueueJobLabels(cron), {});
  });
});
