/**
 * The demo's story, played with the example workspace's own manifests (examples/ci-preemption: same names, classes and
 * namespace), so "Open" on a live row opens the manifest and hovers and live rows name the same things:
 * results-api (evaluation-high, with its PDB) and the integration-tests Job (no class: the globalDefault ci-default,
 * backoffLimit 0) run; then eval-runner (3 pods, evaluation-high) arrives and the real scheduler preempts the
 * integration tests, whose Job fails; eval-baseline's class name has a typo, so the apiserver rejects its pods.
 * Needs nodes of 2500m CPU (`cli up --nodes 3 --cpu 2500m --memory 16Gi`): an eval-runner pod fits beside a
 * results-api pod but not beside a test pod. `reset` first removes what a previous run left (namespace and classes).
 */
import * as path from 'node:path';
import type { Cluster } from './harness';
import { findRepoFile, waitFor } from './harness';
import { deleteNamespace, jobPods, waitForEvents, waitForJobCondition } from './scenario';

export interface ExampleStoryResult {
  preemptions: Array<{ victim: string; note: string }>;
  failedJobs: string[];
}

export async function exampleStory(cluster: Cluster, opts: { reset?: boolean; timeoutMs?: number } = {}): Promise<ExampleStoryResult> {
  const timeout = opts.timeoutMs ?? 120_000;
  const dir = path.join(path.dirname(findRepoFile('esbuild.mjs')), 'examples', 'ci-preemption');
  const file = (name: string) => path.join(dir, name);
  if (opts.reset !== false) {
    await deleteNamespace(cluster, 'ci', timeout);
    await cluster.kubectl(['delete', 'priorityclass', 'ci-default', 'evaluation-high', 'nightly-batch', '--ignore-not-found']);
  }
  await cluster.kubectl(['create', 'namespace', 'ci']);
  await cluster.kubectl(['apply', '-f', file('priority-classes.yaml')]);
  await cluster.kubectl(['apply', '-f', file('results-api.yaml'), '-f', file('test-job.yaml')]);
  await waitFor(
    async () => {
      const tests = (await jobPods(cluster, 'ci', 'integration-tests')).filter((p) => p.status?.phase === 'Running');
      const api = (
        (await cluster.getJson(['pods', '-n', 'ci', '-l', 'app=results-api'])).items as Array<{ status?: { phase?: string } }>
      ).filter((p) => p.status?.phase === 'Running');
      return tests.length === 2 && api.length === 2 ? true : undefined;
    },
    timeout,
    { description: 'integration-tests (2) and results-api (2) Running' },
  );
  // The evaluation Jobs: eval-runner preempts; eval-baseline's pods are rejected at admission (unknown class).
  await cluster.kubectl(['apply', '-f', file('evaluation-jobs.yaml')]);
  const events = await waitForEvents(cluster, 'ci', { reason: 'Preempted', regardingKind: 'Pod' }, 1, timeout);
  await waitForJobCondition(cluster, 'ci', 'integration-tests', 'Failed', 'BackoffLimitExceeded', timeout);
  return {
    preemptions: events.map((e) => ({ victim: String(e.regarding?.name ?? ''), note: String(e.note ?? '') })),
    failedJobs: ['integration-tests'],
  };
}
