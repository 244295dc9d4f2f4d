// `kpl simulate` on a generated cluster dump of N nodes × M bound pods: CLI wall time, and in-process the parse of the
// YAML against the simulation itself (SimCluster + simulate), whose ratio is the measure.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SimCluster, newestKubernetesMinor, parseFile, simulate } from '../server/src/core/index';
import type { K8sObject } from '../server/src/core/index';
import { loadTree } from './corpus';
import { generateCluster } from './generate';
import { kplJs, median, round, time } from './measure';

export function simulateAvailable(): boolean {
  if (!existsSync(kplJs)) return false;
  const r = spawnSync(process.execPath, [kplJs, 'simulate', '--help'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('simulate');
}

/** Figures of one cluster size; the dump is written below `work` and removed afterwards. */
export function simulateFigures(work: string, nodes: number, podsPerNode: number, quick: boolean): Record<string, unknown> {
  const dir = join(work, `cluster-${nodes}`);
  const cluster = generateCluster(dir, nodes, podsPerNode);
  const files = loadTree(dir);
  const n = quick ? 1 : 3;
  const cli: number[] = [];
  let exitCode: number | null = null;
  for (let r = 0; r < n; r++) {
    const t = performance.now();
    const result = spawnSync(process.execPath, [kplJs, 'simulate', '--format', 'json', '--pod', cluster.pending, dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cli.push(performance.now() - t);
    exitCode = result.status;
  }
  const parse: number[] = [];
  const sim: number[] = [];
  let outcome = '';
  for (let r = 0; r < n + 1; r++) {
    let objects: K8sObject[] = [];
    const p = time(() => {
      objects = [];
      for (const f of files) for (const o of parseFile({ path: f.path, content: f.bytes, origin: 'cluster' }).objects) objects.push(o);
    });
    const s = time(() => {
      const snapshot = new SimCluster(objects, { kubernetesMinor: newestKubernetesMinor });
      const pod = snapshot.podById.get(cluster.pending);
      if (pod === undefined) throw new Error(`the pending pod ${cluster.pending} is not in the generated cluster`);
      outcome = simulate(snapshot, pod, { now: Date.parse('2025-06-01T00:00:00Z') }).outcome;
    });
    if (r > 0) {
      parse.push(p.wall);
      sim.push(s.wall);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    nodes,
    pods: cluster.pods,
    bytes: cluster.bytes,
    cliWallMs: round(median(cli)),
    cliExitCode: exitCode,
    parseMs: round(median(parse)),
    simulationMs: round(median(sim)),
    simulationToParseRatio: round(median(sim) / median(parse), 3),
    outcome,
  };
}
