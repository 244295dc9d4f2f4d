// Measuring for the benchmark (bench/run.ts): wall and CPU time of one run, medians and percentiles, rounding, the
// machine description, the benchmark's log line, and where the built programs it times live.
import { join } from 'node:path';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { repoRoot } from './corpus';

export const repo = repoRoot;
export const kplJs = join(repo, 'dist', 'kpl.js');
export const serverJs = join(repo, 'dist', 'server.js');
export const preload = join(repo, 'out', 'bench', 'lsp-preload.js');

export interface Sample {
  wall: number;
  cpu: number;
}
export function time(fn: () => void): Sample {
  const cpu = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}
export const round = (x: number, d = 1): number => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function machine(): Record<string, unknown> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => round(l, 2)),
  };
}
