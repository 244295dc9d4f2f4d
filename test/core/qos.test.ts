// QoS class (semantics R-C.1–C.4), with cases modelled on upstream qos_test.go: init and sidecar containers,
// zero quantities, only limits, extended resources, pod-level resources on 1.34+ versus 1.33, empty pod-level stanza.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stanzaQos } from '../../server/src/core/semantics/qos';
import type { QosClass } from '../../server/src/core/semantics/qos';
import { analyze, workload, yaml } from '../helpers/analyze';

const G = '{requests: {cpu: 100m, memory: 100Mi}, limits: {cpu: 100m, memory: 100Mi}}';
const B = '{requests: {cpu: 100m}}';
const E = '{}';

interface PodShape {
  init?: string[];
  sidecars?: string[];
  app: string[];
  podLevel?: string;
  status?: string;
}

function podYaml(shape: PodShape): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:'];
  if (shape.podLevel !== undefined) lines.push(`  resources: ${shape.podLevel}`);
  const init = [
    ...(shape.sidecars ?? []).map((r, i) => `    - {name: sidecar${i}, image: s, restartPolicy: Always, resources: ${r}}`),
    ...(shape.init ?? []).map((r, i) => `    - {name: init${i}, image: i, resources: ${r}}`),
  ];
  if (init.length > 0) lines.push('  initContainers:', ...init);
  lines.push('  containers:', ...shape.app.map((r, i) => `    - {name: app${i}, image: a, resources: ${r}}`));
  if (shape.status !== undefined) lines.push('status:', `  qosClass: ${shape.status}`);
  return yaml(...lines);
}

const cases: Array<[string, PodShape, QosClass, number?]> = [
  ['a container without resources is BestEffort', { app: [E] }, 'BestEffort'],
  ['requests equal to limits for cpu and memory is Guaranteed', { app: [G] }, 'Guaranteed'],
  ['only limits (requests default to limits) is Guaranteed', { app: ['{limits: {cpu: 100m, memory: 100Mi}}'] }, 'Guaranteed'],
  ['only a cpu limit is Burstable (memory missing)', { app: ['{limits: {cpu: 100m}}'] }, 'Burstable'],
  [
    'requests below limits is Burstable',
    { app: ['{requests: {cpu: 50m, memory: 100Mi}, limits: {cpu: 100m, memory: 100Mi}}'] },
    'Burstable',
  ],
  ['only requests is Burstable', { app: [B] }, 'Burstable'],
  ['zero requests count as unset: BestEffort', { app: ['{requests: {cpu: "0", memory: "0"}}'] }, 'BestEffort'],
  ['zero limits count as unset: BestEffort', { app: ['{limits: {cpu: "0", memory: "0"}}'] }, 'BestEffort'],
  ['a zero memory limit with a real cpu pair is Burstable, not Guaranteed', { app: ['{limits: {cpu: 100m, memory: "0"}}'] }, 'Burstable'],
  [
    'ephemeral-storage does not count: BestEffort',
    { app: ['{requests: {ephemeral-storage: 1Gi}, limits: {ephemeral-storage: 1Gi}}'] },
    'BestEffort',
  ],
  ['extended resources (nvidia.com/gpu) do not count: BestEffort', { app: ['{limits: {nvidia.com/gpu: 1}}'] }, 'BestEffort'],
  ['hugepages do not count: BestEffort', { app: ['{limits: {hugepages-2Mi: 100Mi}}'] }, 'BestEffort'],
  [
    'Guaranteed cpu/memory plus extended resources stays Guaranteed',
    { app: ['{limits: {cpu: 100m, memory: 100Mi, nvidia.com/gpu: 1}}'] },
    'Guaranteed',
  ],
  ['one Guaranteed and one BestEffort app container is Burstable', { app: [G, E] }, 'Burstable'],
  ['two Guaranteed app containers with different sizes are Guaranteed', { app: [G, '{limits: {cpu: "2", memory: 2Gi}}'] }, 'Guaranteed'],
  ['a BestEffort init container makes a Guaranteed pod Burstable', { init: [E], app: [G] }, 'Burstable'],
  ['a Guaranteed init container keeps a Guaranteed pod Guaranteed', { init: [G], app: [G] }, 'Guaranteed'],
  ['a Burstable init container with BestEffort apps is Burstable', { init: [B], app: [E] }, 'Burstable'],
  ['a BestEffort sidecar makes a Guaranteed pod Burstable', { sidecars: [E], app: [G] }, 'Burstable'],
  ['a Guaranteed sidecar with Guaranteed apps is Guaranteed', { sidecars: [G], app: [G] }, 'Guaranteed'],
  ['all BestEffort including init and sidecars is BestEffort', { sidecars: [E], init: [E], app: [E] }, 'BestEffort'],
  [
    'R-C.4 (1.34+): a Guaranteed pod-level stanza wins over Burstable containers',
    { podLevel: '{requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}', app: [B] },
    'Guaranteed',
  ],
  [
    'R-C.4 (1.33): the pod-level stanza is ignored and containers decide',
    { podLevel: '{requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}', app: [B] },
    'Burstable',
    33,
  ],
  [
    'R-C.4 + R-D.4: pod-level limits default pod-level requests, so limits alone are Guaranteed',
    { podLevel: '{limits: {cpu: "1", memory: 1Gi}}', app: [E] },
    'Guaranteed',
  ],
  ['R-C.4: a Burstable pod-level stanza wins over Guaranteed containers', { podLevel: '{requests: {cpu: 500m}}', app: [G] }, 'Burstable'],
  [
    'R-C.4 (fixed rule): an empty pod-level stanza is not "set", so a Guaranteed container gives Guaranteed',
    { podLevel: '{}', app: [G] },
    'Guaranteed',
  ],
  [
    'R-C.4 (fixed rule): a pod-level stanza with only unsupported resources is not "set"',
    { podLevel: '{requests: {ephemeral-storage: 1Gi}}', app: [G] },
    'Guaranteed',
  ],
  [
    'R-C.4: a pod-level stanza with only hugepages is "set" and, lacking cpu/memory, BestEffort',
    { podLevel: '{limits: {hugepages-2Mi: 100Mi}}', app: [G] },
    'BestEffort',
  ],
  ['R-C.1: status.qosClass of a pod read back wins over the computed class', { app: [E], status: 'Guaranteed' }, 'Guaranteed'],
];

describe('pod QoS class (R-C)', () => {
  for (const [name, shape, expected, minor] of cases) {
    test(name, () => {
      const { model } = analyze(podYaml(shape), minor === undefined ? {} : { kubernetesMinor: minor });
      assert.equal(workload(model, 'p').qosClass, expected);
    });
  }

  test('stanzaQos classifies one stanza: Guaranteed needs both cpu and memory with request == limit', () => {
    assert.equal(stanzaQos({ cpu: 100, memory: 1000 }, { cpu: 100, memory: 1000 }), 'Guaranteed');
    assert.equal(stanzaQos({}, { cpu: 100, memory: 1000 }), 'Guaranteed');
    assert.equal(stanzaQos({ cpu: 100 }, { cpu: 100 }), 'Burstable');
    assert.equal(stanzaQos({ 'ephemeral-storage': 5 }, {}), 'BestEffort');
    assert.equal(stanzaQos({ cpu: 0 }, { memory: 0 }), 'BestEffort');
  });
});
