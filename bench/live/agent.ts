// The live side under measurement, in its own process (so its heap, RSS and CPU are its own): one ClusterConnection
// exactly as the language server opens it, driven by bench/live/run.ts over IPC. It reports every event record the
// connection delivers (UID, resourceVersion, victim and preemptor, when it arrived) so the runner can count lost and
// duplicated records against the apiserver's own list, whatever the bounded store still holds at the end. Deliveries
// go to the runner as they come (batched every 100 ms) instead of piling up here, and the runner tells re-sent records
// from second deliveries (DeliveryLog): at 1,000 nodes a storm delivers 9,000-16,000 records, and kept in this process
// they grew its heap by about 600 bytes each, which the heap measures would have charged to the connection.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as v8 from 'node:v8';
import { ClusterConnection } from '../../server/src/cluster/connection';
import { parsePreemptedNote } from '../../server/src/core/index';
import { PodCache } from '../../server/src/cluster/pod-cache';
import type { EventRecord, PodRecord } from '../../server/src/core/index';
import type { Sent } from './deliveries';

export type AgentRequest =
  | { id: number; cmd: 'connect'; kubeconfig: string; maxEvents: number; maxDeletedPods: number; snapshotIntervalMs: number }
  | { id: number; cmd: 'memory' }
  | { id: number; cmd: 'cpu'; ms: number }
  | { id: number; cmd: 'deliveries' }
  | { id: number; cmd: 'diagnose'; targets: { namespace: string; name: string; uid?: string }[]; profile?: string }
  | { id: number; cmd: 'rows' }
  | { id: number; cmd: 'cacheHeap' }
  | { id: number; cmd: 'heapSnapshot'; file: string }
  | { id: number; cmd: 'stop' };

export interface Memory {
  heapUsed: number;
  rss: number;
  pods: number;
  /** Of which deleted pods kept for Diagnose (at most `maxDeletedPods`). */
  deletedPods: number;
  events: number;
  eventsEvicted: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
let conn: ClusterConnection | undefined;
/** Records not yet sent to the runner. */
let outbox: Sent[] = [];
let flushTimer: NodeJS.Timeout | undefined;
const states: string[] = [];

function memory(): Memory {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const c = conn?.counts ?? { pods: 0, deletedPods: 0, events: 0, eventsEvicted: 0 };
  return { heapUsed: m.heapUsed, rss: m.rss, pods: c.pods, deletedPods: c.deletedPods, events: c.events, eventsEvicted: c.eventsEvicted };
}

/** Event records delivered so far (what happened in the cluster during an "idle" window). */
let delivered = 0;

function record(records: readonly EventRecord[]): void {
  const at = Date.now();
  delivered += records.length;
  for (const r of records) {
    const preemptor = r.reason === 'Preempted' ? (parsePreemptedNote(r.note)?.preemptorUid ?? r.related?.uid ?? '') : '';
    outbox.push([r.uid, r.resourceVersion ?? '', r.reason, r.time, at, r.regarding.uid ?? '', preemptor, [...(r.mergedUids ?? [])]]);
  }
  flushTimer ??= setTimeout(flush, 100);
}

/** Sends the pending deliveries to the runner (IPC keeps order: a reply sent after this arrives after them). */
function flush(): void {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (outbox.length === 0) return;
  process.send?.({ deliveries: outbox });
  outbox = [];
}

async function handle(m: AgentRequest): Promise<unknown> {
  switch (m.cmd) {
    case 'connect': {
      const before = memory();
      const c = new ClusterConnection({
        kubeconfig: m.kubeconfig,
        maxEvents: m.maxEvents,
        maxDeletedPods: m.maxDeletedPods,
        snapshotIntervalMs: m.snapshotIntervalMs,
        log: (s) => {
          if (s.startsWith('cluster state')) states.push(`${new Date().toISOString()} ${s}`);
        },
      });
      conn = c;
      c.onEvents(record);
      const t0 = performance.now();
      await c.start();
      const syncMs = performance.now() - t0;
      return { syncMs, before, after: memory(), state: c.state() };
    }
    case 'memory':
      return memory();
    case 'cpu': {
      const u0 = process.cpuUsage();
      const t0 = performance.now();
      const d0 = delivered;
      await new Promise((r) => setTimeout(r, m.ms));
      const u = process.cpuUsage(u0);
      return { cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() - t0, records: delivered - d0 };
    }
    case 'deliveries':
      // The deliveries themselves were sent as they came; the runner adds them to this answer.
      flush();
      return { states, duplicatesDropped: conn?.duplicatesDropped ?? 0, streams: conn?.streamStats() ?? [] };
    case 'diagnose': {
      // Wall time per Diagnose and this process's CPU in it: what is left is waiting (the apiserver's answers, or
      // the CPU taken by the control plane on the shared cores). `profile`: a V8 CPU profile of the whole series.
      const times: number[] = [];
      const cpu: number[] = [];
      const kinds: string[] = [];
      const session = m.profile !== undefined ? new Session() : undefined;
      if (session !== undefined) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      for (const t of m.targets) {
        const u0 = process.cpuUsage();
        const t0 = performance.now();
        const report = await conn?.diagnose(t);
        times.push(performance.now() - t0);
        const u = process.cpuUsage(u0);
        cpu.push((u.user + u.system) / 1000);
        kinds.push(report?.happened.kind ?? '?');
      }
      if (session !== undefined && m.profile !== undefined) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(m.profile, JSON.stringify(profile));
        session.disconnect();
      }
      return { times, cpu, kinds };
    }
    case 'rows':
      return conn?.liveRows() ?? [];
    case 'cacheHeap': {
      // The heap a UID cache of these records takes: the same records (from JSON, as fresh as a list's) put into a new
      // PodCache next to the connection's, measured between two full GCs. Fixed costs of the connection are left out.
      const text = JSON.stringify(conn?.pods() ?? []);
      const h0 = memory().heapUsed;
      let records = JSON.parse(text) as PodRecord[];
      const cache = new PodCache(undefined, () => new Date(), { maxDeletedPods: records.length });
      for (const r of records) cache.put(r);
      records = [];
      const h1 = memory().heapUsed;
      // `text` must live through both measures: once this function was optimised, V8 collected it after the parse,
      // and the ~1 KB per pod it freed made the cache look empty (-1.8 MiB for 30,000 pods in storm 1 of the
      // 2026-12-07 13:55 run, 27.5 MiB nine seconds earlier).
      const kept = text.length;
      return { pods: cache.size + records.length + (kept < 0 ? 1 : 0), bytes: h1 - h0 };
    }
    case 'heapSnapshot': {
      // After the same two full GCs as the memory measure: what the connection retains (bench/live/heap-diff.ts).
      flush();
      gc?.();
      gc?.();
      const t = performance.now();
      const file = v8.writeHeapSnapshot(m.file);
      return { file, ms: performance.now() - t };
    }
    case 'stop':
      await conn?.stop();
      return true;
  }
}

process.on('message', (m: AgentRequest) => {
  handle(m).then(
    (result) => process.send?.({ id: m.id, result }),
    (error: unknown) => process.send?.({ id: m.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
