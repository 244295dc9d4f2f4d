// Over 400 lines because the run, its storms and its table are one script whose steps share the run's state.
// `npm run bench:live`: the live side at production scale on the real control plane (issue 19). Builds a KWOK cluster
// of N nodes and M pods (bed.ts), connects the live side in its own process (agent.ts), runs a preemption storm of K
// preemptions (optionally restarting kube-apiserver in the middle), and measures in the same run: initial sync next to
// `kubectl get pods -A -o json`, the agent's heap and RSS, events and preemptions lost or duplicated against the
// apiserver's full list and the scheduler's own metric, ingestion lag next to a `kubectl get events -w` observer,
// Diagnose Pod latency, idle CPU, and the webview's filter time with 50,000 rows (webview.ts).
// Options: --nodes N --pods M --preemptions K --restart-apiserver --quick (100/3,000/300 with a restart) --out FILE
// --max-events N (event store bound, default 1,000) --no-webview --stall-seconds S (a storm with no progress for S s fails)
// --storms plain,restart --preemption-candidates N (default 10) --scheduler-profile S (a CPU profile of kube-scheduler
// during each storm). Exit 1 when anything was lost or duplicated.
import { fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, WaitAbort, waitFor } from '../../test/real-cluster/harness';
import type { Cluster } from '../../test/real-cluster/harness';
import type { LiveEventRow } from '../../server/src/protocol/index';
import { percentile, repo, round } from '../measure';
import type { AgentRequest, Memory } from './agent';
import { DeliveryLog } from './deliveries';
import type { Delivery, Sent } from './deliveries';
import {
  apiserverEvents,
  createAll,
  baseObjects,
  KubectlObserver,
  nodeSpecs,
  preemptorStates,
  schedulerGet,
  schedulerPreemptionMetrics,
  STORM_LABEL,
  stormObjects,
  workloadsReady,
} from './bed';
import type { BedSize } from './bed';
import { measureFilter, widenRows } from './webview';
import { measureWorkloadCache, workloadCacheLine } from './workload-memory';
import type { WorkloadCacheSize } from './workload-memory';
import type { FilterTiming } from './webview';

/**
 * The connection re-reads Nodes, PriorityClasses and PDBs this often (the language server's default too). Idle CPU is
 * averaged over one such period: a 20 s window held that read once or not at all (0% before and 2.33% after storm 1
 * in the 2026-12-07 09:28 full run at 1,000 nodes, the latter about one read of 1,000 Nodes: 0.47 s of CPU at load 11),
 * which measured where the window fell rather than the cost of watching. The event records that arrived meanwhile are
 * reported with it: a cluster whose pending pods are retried is not idle.
 */
const SNAPSHOT_INTERVAL_MS = 60_000;
type Idle = { cpuMs: number; wallMs: number; records: number };

const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(`--${n}`);
const opt = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const quick = flag('quick');
const size: BedSize = {
  nodes: opt('nodes', quick ? 100 : 1000),
  pods: opt('pods', quick ? 3000 : 30_000),
  preemptions: opt('preemptions', quick ? 300 : 3000),
};
const stormsIdx = argv.indexOf('--storms');
/** Storms run one after the other on the same bed: `plain` and/or `restart` (kube-apiserver restarted mid-storm). */
const stormKinds: string[] =
  stormsIdx >= 0 ? (argv[stormsIdx + 1] ?? '').split(',') : quick || flag('restart-apiserver') ? ['restart'] : ['plain'];
const restart = stormKinds.includes('restart');
/** A storm fails when nothing moves for this long (`--stall-seconds`). */
const stallSeconds = opt('stall-seconds', 300);
const maxEvents = opt('max-events', 1000);
/** A V8 CPU profile of the agent during the Diagnoses (`--agent-profile`), summarised next to the results file. */
const agentProfile = flag('agent-profile');
/** Seconds of scheduler CPU profile taken once a storm preempts (`--scheduler-profile S`, 0 = none). */
const schedulerProfileSeconds = opt('scheduler-profile', 0);
/**
 * Nodes the scheduler dry-runs preemption on per preemptor (`--preemption-candidates N`, DefaultPreemption's
 * minCandidateNodesAbsolute with minCandidateNodesPercentage 0; 0 keeps upstream's max(100, 10% of the nodes)). See
 * bench/README.md: on this bed every node is a candidate and every victim one pod of 1 CPU.
 */
const preemptionCandidates = opt('preemption-candidates', 10);
const outIdx = argv.indexOf('--out');
const out = outIdx >= 0 ? (argv[outIdx + 1] ?? '') : path.join(repo, 'bench', `live-results${quick ? '-quick' : ''}.json`);
const t0 = Date.now();
const say = (m: string) => process.stderr.write(`[bench:live +${Math.round((Date.now() - t0) / 1000)}s] ${m}\n`);
const MiB = 1024 * 1024;

// ---- the agent process ---------------------------------------------------------------------------------------

type AgentCall = { [K in AgentRequest['cmd']]: Omit<Extract<AgentRequest, { cmd: K }>, 'id'> }[AgentRequest['cmd']];
function startAgent(): { call<T>(m: AgentCall): Promise<T>; pid: number; kill(): void } {
  const child = fork(path.join(repo, 'out', 'bench', 'live', 'agent.js'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  // Every delivery the agent reported, sent as they came (kept here so the agent's heap is the connection's).
  const log = new DeliveryLog();
  child.on('message', (m: { id: number; result?: unknown; error?: string; deliveries?: Sent[] }) => {
    if (m.deliveries !== undefined) {
      log.add(m.deliveries);
      return;
    }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    // The answer to 'deliveries' carries the agent's state; the deliveries are the ones collected here.
    else if (m.result !== null && typeof m.result === 'object' && 'duplicatesDropped' in m.result)
      w?.resolve({ ...m.result, deliveries: [...log.deliveries] });
    else w?.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`agent exited (${code})`));
    waiting.clear();
  });
  return {
    pid: child.pid ?? 0,
    call<T>(m: AgentCall): Promise<T> {
      const id = ++next;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: (v) => resolve(v as T), reject });
        child.send({ ...m, id });
      });
    },
    kill: () => child.kill('SIGKILL'),
  };
}

// ---- helpers ---------------------------------------------------------------------------------------------------

/** The bed's scheduler configuration: profiling on (served only when asked), and the preemption sample when given. */
function schedulerConfig(): Record<string, unknown> {
  const cfg: Record<string, unknown> = { enableProfiling: true };
  if (preemptionCandidates > 0)
    cfg['profiles'] = [
      {
        schedulerName: 'default-scheduler',
        pluginConfig: [
          { name: 'DefaultPreemption', args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: preemptionCandidates } },
        ],
      },
    ];
  return cfg;
}

/** The agent's Diagnose profile by self time (bench/prof-summary.ts) into FILE.top.txt. */
function summarizeProfile(file: string): void {
  const r = spawnSync(process.execPath, [path.join(repo, 'out', 'bench', 'prof-summary.js'), file, '30'], { encoding: 'utf8' });
  fs.writeFileSync(`${file}.top.txt`, r.stdout);
  say(`agent Diagnose profile in ${file}, top: ${file}.top.txt`);
  for (const line of r.stdout.split('\n').slice(0, 14)) if (line.trim() !== '') say(`  ${line}`);
}

/** A CPU profile of kube-scheduler during a storm, next to the results file, with `go tool pprof -top` when Go is there. */
async function profileScheduler(c: Cluster, name: string): Promise<void> {
  try {
    const prof = await schedulerGet(c, `/debug/pprof/profile?seconds=${schedulerProfileSeconds}`, (schedulerProfileSeconds + 60) * 1000);
    const file = out.replace(/\.json$/, '') + `-scheduler-${name}.pprof`;
    fs.writeFileSync(file, prof);
    say(`scheduler CPU profile (${schedulerProfileSeconds} s) in ${file}`);
    const top = spawnSync('go', ['tool', 'pprof', '-top', '-cum', '-nodecount=40', file], { encoding: 'utf8' });
    if (top.status === 0) {
      fs.writeFileSync(`${file}.top.txt`, top.stdout);
      say(`scheduler profile, top: ${file}.top.txt`);
    }
  } catch (e) {
    say(`scheduler profile failed: ${(e as Error).message}`);
  }
}

async function timeKubectlGetPods(c: Cluster): Promise<number> {
  const s = performance.now();
  const r = await c.kubectl(['get', 'pods', '-A', '-o', 'json'], undefined, { timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`kubectl get pods -A -o json: ${r.stderr.slice(0, 500)}`);
  return performance.now() - s;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

const eventMs = (t: string): number => Date.parse(t);

interface Counted {
  created: number;
  ingested: number;
  lost: number;
  duplicated: number;
  updates: number;
}

/** Records the agent reported against the apiserver's list: lost (never reported), duplicated (same UID and resourceVersion reported twice). */
function countRecords(api: Map<string, { resourceVersion: string }>, ds: readonly Delivery[]): Counted {
  const byUid = new Map<string, string[]>();
  for (const d of ds) byUid.set(d[0], [...(byUid.get(d[0]) ?? []), d[1]]);
  let duplicated = 0;
  let updates = 0;
  for (const rvs of byUid.values()) {
    const distinct = new Set(rvs).size;
    duplicated += rvs.length - distinct;
    updates += distinct - 1;
  }
  let lost = 0;
  for (const uid of api.keys()) if (!byUid.has(uid)) lost++;
  return { created: api.size, ingested: [...byUid.keys()].filter((u) => api.has(u)).length, lost, duplicated, updates };
}

// ---- the run ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  if (flag('webview-only')) {
    // The webview measure alone, on synthetic rows (no cluster): for working on the view.
    const w = await measureFilter(repo, widenRows([], 50_000), flag('profile'));
    if (w.profile !== undefined) for (const f of w.profile) say(`  ${round(f.selfMs)} ms  ${f.fn}`);
    say(
      `webview: 50k rows loaded in ${round(w.loadMs)} ms; filter p50 ${round(w.p50)} ms, p95 ${round(w.p95)} ms; changes ${w.changes.map((x) => round(x)).join(', ')}; search ${w.search.map((x) => round(x)).join(', ')} ms`,
    );
    return 0;
  }
  say(
    `size: ${size.nodes} nodes, ${size.pods} pods, ${size.preemptions} preemptions${restart ? ', apiserver restart mid-storm' : ''}; load ${loadAverage()}`,
  );
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0] ?? 0), 10_000);
  // KWOK plays pod stages 4 at a time by default: the bed waited on KWOK (pods bound for minutes before Running), not
  // on the scheduler. Node leases: 1,000 nodes renewing every 10 s (a 40 s lease) fell behind at half a second a write,
  // the node lifecycle controller marked their pods NotReady, and KWOK never makes a Running pod Ready again; the bed's
  // nodes renew every 60 s and the controller waits 10 minutes for a renewal (see bench/README.md).
  const c = await startCluster({
    nodes: nodeSpecs(size),
    schedulerConfig: schedulerConfig(),
    kwokOptions: { podPlayStageParallelism: 16, nodeLeaseParallelism: 16 },
    extraArgs: { kwok: ['--node-lease-duration-seconds=240'], 'kube-controller-manager': ['--node-monitor-grace-period=600s'] },
  });
  let agent: ReturnType<typeof startAgent> | undefined;
  const result: Record<string, unknown> = { size, restart, maxEvents, machine: { cpus: os.cpus().length, node: process.version } };
  try {
    say(`cluster up in ${c.timings['total']} ms; creating ${size.pods} pods`);
    const buildStart = Date.now();
    await createAll(c, baseObjects(size));
    await waitFor(
      async () => {
        const ready = await workloadsReady(c);
        say(`  pods: ${ready} ready of ${size.pods}`);
        return ready >= size.pods;
      },
      600_000 + size.pods * 100,
      { intervalMs: 10_000, description: `${size.pods} pods Running` },
    );
    const buildSeconds = round((Date.now() - buildStart) / 1000);
    result['buildSeconds'] = buildSeconds;
    say(`bed built in ${buildSeconds} s`);

    // Initial sync next to kubectl get pods -A -o json (before and after: the better of the two).
    const kubectlMs = [await timeKubectlGetPods(c)];
    agent = startAgent();
    const connect = await agent.call<{ syncMs: number; before: Memory; after: Memory; state: { state: string } }>({
      cmd: 'connect',
      kubeconfig: c.kubeconfig,
      maxEvents,
      maxDeletedPods: maxEvents,
      snapshotIntervalMs: SNAPSHOT_INTERVAL_MS,
    });
    kubectlMs.push(await timeKubectlGetPods(c));
    const kubectlBest = Math.min(...kubectlMs);
    say(
      `sync ${round(connect.syncMs)} ms (state ${connect.state.state}); kubectl get pods -A -o json ${kubectlMs.map((x) => round(x)).join(' / ')} ms`,
    );
    const perTenK = ((connect.after.heapUsed - connect.before.heapUsed) / Math.max(1, connect.after.pods)) * 10_000;
    result['sync'] = { ms: connect.syncMs, kubectlMs, ratio: connect.syncMs / kubectlBest, state: connect.state.state };

    await new Promise((r) => setTimeout(r, 5000));
    const idleBefore = await agent.call<Idle>({ cmd: 'cpu', ms: SNAPSHOT_INTERVAL_MS });
    const preStorm = await agent.call<Memory>({ cmd: 'memory' });
    say(
      `pre-storm: heap ${round(preStorm.heapUsed / MiB)} MiB, rss ${round(preStorm.rss / MiB)} MiB, ${preStorm.pods} pods; idle CPU ${round((idleBefore.cpuMs / idleBefore.wallMs) * 100, 2)}% over ${round(idleBefore.wallMs / 1000)} s (${idleBefore.records} event records meanwhile)`,
    );

    const perTenKDirect = await agent.call<{ pods: number; bytes: number }>({ cmd: 'cacheHeap' });
    result['cache'] = { ...perTenKDirect, miBPer10kPods: (perTenKDirect.bytes / Math.max(1, perTenKDirect.pods) / MiB) * 10_000 };
    say(
      `pod cache: ${round((result['cache'] as { miBPer10kPods: number }).miBPer10kPods, 2)} MiB per 10k pods (${perTenKDirect.pods} pods)`,
    );
    // Kueue's Workload cache, from synthetic v0.19.2 Workloads in child processes (workload-memory.ts): no cluster needed.
    result['workloadCache'] = measureWorkloadCache(repo);
    say(`Workload cache (Kueue): ${workloadCacheLine(result['workloadCache'] as WorkloadCacheSize[])}`);
    const seenBefore = new Set<string>();
    const storms: Record<string, unknown>[] = [];
    for (const [n, kind] of stormKinds.entries()) {
      const s = await runStorm(c, agent, n, kind === 'restart', seenBefore);
      storms.push(s);
      printTable({
        ...result,
        ...s,
        memory: { ...(s['memory'] as object), afterSync: connect.after, cacheMiBPer10kPods: perTenK / MiB },
        idleCpuPct: { before: (idleBefore.cpuMs / idleBefore.wallMs) * 100, after: (s['idleCpuPct'] as { after: number }).after },
        idleRecords: { before: idleBefore.records, after: s['idleRecords'] as number },
        load: { max1m: Math.max(...loads, 0), mean1m: loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length) },
      });
    }
    Object.assign(result, {
      memory: { before: connect.before, afterSync: connect.after, preStorm, cacheMiBPer10kPods: perTenK / MiB },
      idleCpuPct: { beforeStorms: (idleBefore.cpuMs / idleBefore.wallMs) * 100 },
      idleRecords: { beforeStorms: idleBefore.records },
      storms,
      load: { max1m: Math.max(...loads, 0), mean1m: loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length), end: loadAverage() },
    });
    const bad = storms.reduce((a, s) => a + (s['bad'] as number), 0);
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    if (bad > 0) say(`FAILED: lost or duplicated records (see above)`);
    return bad > 0 ? 1 : 0;
  } finally {
    clearInterval(loadTimer);
    if (agent !== undefined) {
      await Promise.race([agent.call({ cmd: 'stop' }).catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      agent.kill();
    }
    await c.stop();
  }
}

/** One storm: K preemptors, optionally a kube-apiserver restart in the middle; what the live side made of it. */
async function runStorm(
  c: Cluster,
  agent: ReturnType<typeof startAgent>,
  n: number,
  restartMidStorm: boolean,
  seenBefore: Set<string>,
): Promise<Record<string, unknown>> {
  const label = `storm ${n + 1}${restartMidStorm ? ' (apiserver restart)' : ''}`;
  // The heap a PodCache of the cached pods takes, before and after: measured at both sizes, because a Map's table
  // grows in steps (at 32,768 entries the 30,000 → 34,000 pods of storm 1 doubled the two tables of the pod cache,
  // ~1.8 MiB), which bytes-per-pod measured at one size and multiplied would call growth beyond the pods.
  const cacheBefore = await agent.call<{ pods: number; bytes: number }>({ cmd: 'cacheHeap' });
  const preStorm = await agent.call<Memory>({ cmd: 'memory' });
  // Heap snapshots of the agent before and after (after the same forced GCs), diffed once the storm's measures are done.
  const heapFile = (when: string) => `${out.replace(/\.json$/, '')}-storm${n + 1}-${when}.heapsnapshot`;
  const heapBefore = await agent.call<{ file: string; ms: number }>({ cmd: 'heapSnapshot', file: heapFile('before') });
  say(`${label}: heap snapshot before in ${round(heapBefore.ms)} ms (${heapBefore.file})`);
  const observer = new KubectlObserver(c, 'Preempted');
  observer.start();
  await new Promise((r) => setTimeout(r, 3000));
  for (const uid of observer.firstSeen.keys()) seenBefore.add(uid);
  const fresh = () => [...observer.firstSeen.keys()].filter((u) => !seenBefore.has(u)).length;
  const metricsBefore = await schedulerPreemptionMetrics(c);
  const stormStart = Date.now();
  say(`${label}: ${size.preemptions} preemptors`);
  await createAll(c, stormObjects(size, n));
  let restartAt: number | undefined;
  if (restartMidStorm) {
    await waitFor(() => fresh() >= size.preemptions / 2, 600_000, { intervalMs: 200, description: 'half the storm' });
    say(`restarting kube-apiserver after ${fresh()} preemptions`);
    restartAt = Date.now();
    await c.restartApiserver();
    say(`kube-apiserver back after ${Date.now() - restartAt} ms`);
  }
  // The storm lasts as long as the real kube-scheduler needs (at 1,000 nodes on 2 shared cores, 1-3 preemptions a
  // second): it fails only when nothing moves (no new victim, no new running preemptor) for `--stall-seconds`.
  let progress = '';
  let progressAt = Date.now();
  let profiled = false;
  await waitFor(
    async () => {
      const p = await preemptorStates(c, `${STORM_LABEL}=s${n}`);
      const m = await schedulerPreemptionMetrics(c);
      const victims = m.victims - metricsBefore.victims;
      say(
        `  ${label}: preemptors ${p.running} running, ${p.bound} bound, ${p.nominated} nominated, ${p.waiting} waiting; ${victims} victims, observer ${fresh()}; scheduler queue ${m.queue.active} active, ${m.queue.backoff} backoff, ${m.queue.unschedulable} unschedulable`,
      );
      if (!profiled && schedulerProfileSeconds > 0 && victims > 0) {
        profiled = true;
        void profileScheduler(c, `storm${n + 1}`);
      }
      const now = `${p.running}/${p.bound}/${victims}`;
      if (now !== progress) {
        progress = now;
        progressAt = Date.now();
      } else if (Date.now() - progressAt > stallSeconds * 1000)
        throw new WaitAbort(`storm stalled: no new victim or bound preemptor for ${stallSeconds} s (running/bound/victims ${progress})`);
      return p.running >= size.preemptions;
    },
    24 * 3600_000,
    { intervalMs: size.pods > 10_000 ? 10_000 : 5000, description: 'every preemptor running' },
  );
  const stormSeconds = (Date.now() - stormStart) / 1000;
  const stormEvents = async () => {
    const all = await apiserverEvents(c, 'Preempted');
    for (const uid of seenBefore) all.delete(uid);
    return all;
  };
  // Let the last events reach everyone.
  const apiPreempted = await waitFor(
    async () => {
      const api = await stormEvents();
      const got = await agent.call<{ deliveries: Delivery[] }>({ cmd: 'deliveries' });
      const seen = new Set(got.deliveries.map((d) => d[0]));
      return [...api.keys()].every((u) => seen.has(u) && observer.firstSeen.has(u)) ? api : undefined;
    },
    60_000,
    { intervalMs: 2000, description: 'every Preempted event reported' },
  ).catch(() => stormEvents());
  observer.stop();
  const metricsAfter = await schedulerPreemptionMetrics(c);
  const apiFailed = await apiserverEvents(c, 'FailedScheduling');
  const got = await agent.call<{ deliveries: Delivery[]; states: string[]; duplicatesDropped: number }>({ cmd: 'deliveries' });
  const stormDeliveries = got.deliveries.filter((d) => d[2] === 'Preempted' && !seenBefore.has(d[0]));

  // Lost and duplicated: events (one record per UID) and preemptions (one per victim/preemptor pair).
  const preempted = countRecords(apiPreempted, stormDeliveries);
  const failed = countRecords(
    apiFailed,
    got.deliveries.filter((d) => d[2] === 'FailedScheduling'),
  );
  const apiPairs = new Set([...apiPreempted.values()].map((e) => `${e.victim}|${e.preemptor}`));
  const pairEvents = new Map<string, Set<string>>();
  // Preemption records: the distinct records (folded events share their record) per victim/preemptor pair.
  for (const d of stormDeliveries) pairEvents.set(`${d[5]}|${d[6]}`, (pairEvents.get(`${d[5]}|${d[6]}`) ?? new Set()).add(d[7]));
  const pairs = {
    scheduler: metricsAfter.victims - metricsBefore.victims,
    apiserver: apiPairs.size,
    ingested: [...pairEvents.keys()].filter((p) => apiPairs.has(p)).length,
    lost: [...apiPairs].filter((p) => !pairEvents.has(p)).length,
    duplicated: [...pairEvents.values()].filter((x) => x.size > 1).length,
  };

  // Lag: first report minus the event's time, for the agent and the observer, over the events both saw.
  const agentFirst = new Map<string, number>();
  for (const d of stormDeliveries) if (!agentFirst.has(d[0])) agentFirst.set(d[0], d[4]);
  const lagAgent: number[] = [];
  const lagObserver: number[] = [];
  for (const [uid, e] of apiPreempted) {
    const a = agentFirst.get(uid);
    const o = observer.firstSeen.get(uid);
    const t = eventMs(e.time);
    if (a === undefined || o === undefined || !Number.isFinite(t)) continue;
    lagAgent.push(a - t);
    lagObserver.push(o - t);
  }
  const lag = {
    agent: { p50: percentile(lagAgent, 50), p95: percentile(lagAgent, 95) },
    observer: { p50: percentile(lagObserver, 50), p95: percentile(lagObserver, 95) },
    ratioP95: percentile(lagAgent, 95) / Math.max(1, percentile(lagObserver, 95)),
    events: lagAgent.length,
    observerRestarts: observer.restarts,
  };
  say(
    `${label} done in ${round(stormSeconds)} s: preempted ${JSON.stringify(preempted)}; pairs ${JSON.stringify(pairs)}; lag ${JSON.stringify(lag)}`,
  );
  if (pairs.scheduler !== pairs.apiserver)
    say(`note: the scheduler's victims metric grew by ${pairs.scheduler}, the apiserver holds ${pairs.apiserver} new Preempted events`);

  // Memory once the storm's records went through the bounded store; idle CPU while watching.
  await new Promise((r) => setTimeout(r, 5000));
  const idle = await agent.call<Idle>({ cmd: 'cpu', ms: SNAPSHOT_INTERVAL_MS });
  const postStorm = await agent.call<Memory>({ cmd: 'memory' });
  const heapAfter = await agent.call<{ file: string; ms: number }>({ cmd: 'heapSnapshot', file: heapFile('after') });

  // Diagnose Pod on preempted pods (a sample of at most 50, spread over the storm).
  const victims = [...apiPreempted.values()];
  const step = Math.max(1, Math.floor(victims.length / 50));
  const targets = victims
    .filter((_, i) => i % step === 0)
    .slice(0, 50)
    .map((v) => ({ namespace: v.namespace, name: v.name, uid: v.victim }));
  const profileFile = agentProfile ? heapFile('diagnose').replace(/\.heapsnapshot$/, '.cpuprofile') : undefined;
  const diag = await agent.call<{ times: number[]; cpu: number[]; kinds: string[] }>({
    cmd: 'diagnose',
    targets,
    ...(profileFile !== undefined ? { profile: profileFile } : {}),
  });
  const diagnose = {
    n: diag.times.length,
    p50: percentile(diag.times, 50),
    p95: percentile(diag.times, 95),
    // The agent's own CPU per Diagnose: wall time beyond it is waiting for the apiserver (or for the shared cores).
    cpuP50: percentile(diag.cpu, 50),
    cpuP95: percentile(diag.cpu, 95),
    slowest: diag.times
      .map((ms, i) => ({ i, ms: round(ms), cpuMs: round(diag.cpu[i] ?? 0) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5),
    preemptedByScheduler: diag.kinds.filter((k) => k === 'preempted-by-scheduler').length,
  };
  say(`${label}: diagnose ${JSON.stringify(diagnose)}`);
  if (profileFile !== undefined) summarizeProfile(profileFile);

  let webview: FilterTiming | undefined;
  if (!flag('no-webview')) {
    const rows = await agent.call<LiveEventRow[]>({ cmd: 'rows' });
    webview = await measureFilter(repo, widenRows(rows, 50_000));
    say(
      `${label}: webview 50k rows loaded in ${round(webview.loadMs)} ms; filter p50 ${round(webview.p50)} ms, p95 ${round(webview.p95)} ms; search ${webview.search.map((x) => round(x)).join(', ')} ms`,
    );
  }
  for (const uid of apiPreempted.keys()) seenBefore.add(uid);
  const perPodHeap = preStorm.pods > 0 ? preStorm.heapUsed / preStorm.pods : 0;
  // What the heap holds after the storm that it did not before, by category and by retainer (heap-diff.ts).
  const diffFile = heapFile('diff').replace(/\.heapsnapshot$/, '.txt');
  const diff = spawnSync(
    process.execPath,
    ['--max-old-space-size=6144', path.join(repo, 'out', 'bench', 'live', 'heap-diff.js'), heapBefore.file, heapAfter.file, '30'],
    { encoding: 'utf8', maxBuffer: 64 * MiB },
  );
  fs.writeFileSync(diffFile, diff.status === 0 ? diff.stdout : `heap-diff failed (${diff.status}): ${diff.stderr}`);
  say(`${label}: heap diff in ${diffFile}${diff.status === 0 ? '' : ' (failed)'}`);
  // The growth the cluster explains: the heap of a PodCache of the pods cached after minus before (cacheHeap), split
  // between live pods and deleted pods kept for Diagnose by their counts.
  const cacheAfter = await agent.call<{ pods: number; bytes: number }>({ cmd: 'cacheHeap' });
  const growth = postStorm.heapUsed - preStorm.heapUsed;
  const podsBytes = cacheAfter.bytes - cacheBefore.bytes;
  const addedPods = postStorm.pods - preStorm.pods;
  const deletedBytes = addedPods > 0 ? (podsBytes * (postStorm.deletedPods - preStorm.deletedPods)) / addedPods : 0;
  const liveBytes = podsBytes - deletedBytes;
  const bytesPerPod = cacheAfter.bytes / Math.max(1, cacheAfter.pods);
  return {
    label,
    restart: restartMidStorm,
    memory: {
      preStorm,
      postStorm,
      growthPct: ((postStorm.heapUsed - preStorm.heapUsed) / preStorm.heapUsed) * 100,
      // The growth the extra pods the cache now holds (preemptors, kept deleted victims) explain at the pre-storm heap per pod.
      expectedFromPodsPct: (((postStorm.pods - preStorm.pods) * perPodHeap) / preStorm.heapUsed) * 100,
      bytesPerPod,
      cacheBytes: { before: cacheBefore.bytes, after: cacheAfter.bytes },
      // Pods in the cluster (live) and deleted pods kept for Diagnose (bounded), each at the measured bytes per cached pod.
      livePodsPct: (liveBytes / preStorm.heapUsed) * 100,
      deletedPodsPct: (deletedBytes / preStorm.heapUsed) * 100,
      // The target's measure: what the heap holds beyond the pods the cluster holds.
      beyondClusterPct: ((growth - liveBytes) / preStorm.heapUsed) * 100,
      beyondPodsPct: ((growth - liveBytes - deletedBytes) / preStorm.heapUsed) * 100,
      heapDiff: diffFile,
    },
    idleCpuPct: { after: (idle.cpuMs / idle.wallMs) * 100 },
    idleRecords: idle.records,
    storm: { seconds: stormSeconds, restartAt: restartAt !== undefined ? (restartAt - stormStart) / 1000 : undefined, states: got.states },
    events: { preempted, failedScheduling: failed, duplicatesDroppedByStore: got.duplicatesDropped },
    preemptions: pairs,
    lag,
    diagnose,
    ...(webview !== undefined ? { webview } : {}),
    bad: preempted.lost + preempted.duplicated + failed.lost + failed.duplicated + pairs.lost + pairs.duplicated,
  };
}

function printTable(r: Record<string, unknown>): void {
  const g = r as {
    size: BedSize;
    restart: boolean;
    sync: { ms: number; kubectlMs: number[]; ratio: number };
    memory: {
      afterSync: Memory;
      preStorm: Memory;
      postStorm: Memory;
      cacheMiBPer10kPods: number;
      growthPct: number;
      expectedFromPodsPct: number;
      bytesPerPod: number;
      cacheBytes: { before: number; after: number };
      livePodsPct: number;
      deletedPodsPct: number;
      beyondClusterPct: number;
      beyondPodsPct: number;
    };
    idleCpuPct: { before: number; after: number };
    idleRecords: { before: number; after: number };
    cache: { pods: number; bytes: number; miBPer10kPods: number };
    workloadCache: WorkloadCacheSize[];
    label: string;
    events: { preempted: Counted; failedScheduling: Counted };
    preemptions: { scheduler: number; apiserver: number; ingested: number; lost: number; duplicated: number };
    lag: { agent: { p50: number; p95: number }; observer: { p50: number; p95: number }; ratioP95: number };
    diagnose: { p50: number; p95: number; n: number };
    webview?: FilterTiming;
    load: { max1m: number; mean1m: number };
  };
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  const pods = (m: Memory) => m.pods - m.deletedPods;
  const rows: [string, string, string, string][] = [
    [
      'Preempted events lost / duplicated',
      `${g.events.preempted.lost} / ${g.events.preempted.duplicated} (of ${g.events.preempted.created})`,
      '0 / 0',
      ok(g.events.preempted.lost + g.events.preempted.duplicated === 0),
    ],
    [
      'FailedScheduling events lost / duplicated',
      `${g.events.failedScheduling.lost} / ${g.events.failedScheduling.duplicated} (of ${g.events.failedScheduling.created}; ${g.events.failedScheduling.updates} updates)`,
      '0 / 0',
      ok(g.events.failedScheduling.lost + g.events.failedScheduling.duplicated === 0),
    ],
    [
      'preemptions lost / duplicated',
      `${g.preemptions.lost} / ${g.preemptions.duplicated} (scheduler ${g.preemptions.scheduler}, apiserver ${g.preemptions.apiserver})`,
      '0 / 0',
      ok(g.preemptions.lost + g.preemptions.duplicated === 0),
    ],
    [
      'lag p50 / p95 (observer)',
      `${round(g.lag.agent.p50)} / ${round(g.lag.agent.p95)} ms (${round(g.lag.observer.p50)} / ${round(g.lag.observer.p95)} ms), ${round(g.lag.ratioP95, 2)}x`,
      '≤ 1.2x',
      ok(g.lag.ratioP95 <= 1.2),
    ],
    [
      'initial sync (kubectl get pods -A -o json)',
      `${round(g.sync.ms)} ms (${g.sync.kubectlMs.map((x) => round(x)).join(' / ')} ms), ${round(g.sync.ratio, 2)}x`,
      '≤ 1.5x',
      ok(g.sync.ratio <= 1.5),
    ],
    [
      'pod cache heap per 10k pods',
      `${round(g.cache.miBPer10kPods, 2)} MiB (${g.cache.pods} pods); whole connection ${round(g.memory.cacheMiBPer10kPods, 2)} MiB per 10k (heap ${round(g.memory.afterSync.heapUsed / MiB)} MiB, RSS ${round(g.memory.afterSync.rss / MiB)} MiB after sync)`,
      '≤ 15 MiB',
      ok(g.cache.miBPer10kPods <= 15),
    ],
    [
      'Workload cache heap per 10k Workloads (Kueue v0.19.2 shapes, synthetic)',
      g.workloadCache
        .map((w) => `${round(w.miBPer10k, 2)} MiB at ${w.workloads} (${Math.round(w.bytesPerWorkload)} bytes each)`)
        .join('; '),
      '',
      '',
    ],
    [
      'heap after the storm vs before (raw)',
      `+${round(g.memory.growthPct)}% (${round(g.memory.preStorm.heapUsed / MiB)} → ${round(g.memory.postStorm.heapUsed / MiB)} MiB; pods ${g.memory.preStorm.pods} → ${g.memory.postStorm.pods}, of which deleted and kept ${g.memory.preStorm.deletedPods} → ${g.memory.postStorm.deletedPods})`,
      '',
      '',
    ],
    [
      'of which pods in the cluster (a PodCache of the cached pods, after minus before)',
      `+${round(g.memory.livePodsPct)}% (${pods(g.memory.preStorm)} → ${pods(g.memory.postStorm)} live pods; a PodCache of the cached pods ${round(g.memory.cacheBytes.before / MiB)} → ${round(g.memory.cacheBytes.after / MiB)} MiB, measured at both sizes)`,
      '',
      '',
    ],
    [
      'heap beyond what the cluster holds',
      `+${round(g.memory.beyondClusterPct)}% (of which deleted pods kept for Diagnose, bounded by --max-events: +${round(g.memory.deletedPodsPct)}%; beyond all cached pods +${round(g.memory.beyondPodsPct)}%)`,
      '≤ 10%',
      ok(g.memory.beyondClusterPct <= 10),
    ],
    [
      'idle CPU while watching (before / after storm)',
      `${round(g.idleCpuPct.before, 2)}% / ${round(g.idleCpuPct.after, 2)}% of a core (each over ${SNAPSHOT_INTERVAL_MS / 1000} s, one snapshot period; ${g.idleRecords.before} / ${g.idleRecords.after} event records meanwhile)`,
      '≤ 2%',
      ok(Math.max(g.idleCpuPct.before, g.idleCpuPct.after) <= 2),
    ],
    [
      'Diagnose Pod p50 / p95',
      `${round(g.diagnose.p50)} / ${round(g.diagnose.p95)} ms (${g.diagnose.n} pods)`,
      '≤ 500 ms',
      ok(g.diagnose.p95 <= 500),
    ],
  ];
  if (g.webview !== undefined)
    rows.push([
      'webview filter, 50k rows p50 / p95',
      `${round(g.webview.p50)} / ${round(g.webview.p95)} ms (load ${round(g.webview.loadMs)} ms)`,
      '≤ 100 ms',
      ok(g.webview.p95 <= 100),
    ]);
  const title = `${g.size.nodes} nodes, ${g.size.pods} pods, ${g.size.preemptions} preemptions, ${g.label} (load 1m mean ${round(g.load.mean1m, 2)}, max ${round(g.load.max1m, 2)})`;
  console.log(`\n### ${title}\n\n| measure | result | target | |\n| --- | --- | --- | --- |`);
  for (const [a, b, t, s] of rows) console.log(`| ${a} | ${b} | ${t} | ${s} |`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
