// Cold CLI against its peers (issue 18, target 4): `kpl check --format json --no-render DIR` as a whole process, next
// to kubeconform (Go; built by scripts/bench/build.sh into the project's cache; run with -ignore-missing-schemas and
// an empty local schema folder, -n = cores, so it only reads and parses) and a js-yaml `loadAll` process over the
// same files. The three alternate run by run, so that the machine's state weighs on each alike. kpl is run a second
// time with a parse worker per core (KPL_PARSE_THREADS), whatever its default for this machine, so that the run shows
// what the workers do here (server/src/io/read-files.ts starts them only beyond two cores).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './corpus';
import { kplJs, median, round } from './measure';

export interface ColdCliFigures {
  runs: number;
  cores: number;
  kplMs: number;
  /** The same kpl process with KPL_PARSE_THREADS = cores. */
  kplWorkersMs: number;
  jsYamlMs: number;
  kubeconformMs: number | undefined;
  kubeconform: string;
  /** kpl / kubeconform, target ≤ 0.8. */
  ratioToKubeconform: number | undefined;
  /** kpl / js-yaml process, target ≤ 0.5. */
  ratioToJsYaml: number;
  /** 1-minute load average before and after the rounds (the machine is shared). */
  loadAverage: [number, number];
}

/** Builds kubeconform when needed (cached after the first time); its binary, or why there is none. */
export function kubeconformBinary(): { path: string } | { skipped: string } {
  const script = join(repoRoot, 'scripts', 'bench', 'build.sh');
  const build = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (build.status !== 0)
    return { skipped: `scripts/bench/build.sh failed: ${(build.stderr || build.stdout).trim().split('\n').slice(-3).join(' ')}` };
  const dir = spawnSync('bash', [script, '--print-bin-dir'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(dir, 'kubeconform');
  return existsSync(bin) ? { path: bin } : { skipped: `no kubeconform in ${dir}` };
}

function wall(command: string, args: readonly string[], env?: Record<string, string>): number {
  const t = performance.now();
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
  });
  const ms = performance.now() - t;
  if (result.error !== undefined) throw result.error;
  return ms;
}

export function coldCliVsPeers(dir: string, quick: boolean): ColdCliFigures | { skipped: string } {
  if (!existsSync(kplJs)) return { skipped: 'dist/kpl.js missing: run `node esbuild.mjs`' };
  const jsYamlJs = join(repoRoot, 'out', 'bench', 'js-yaml-process.js');
  const kubeconform = kubeconformBinary();
  const cores = availableParallelism();
  const schemas = mkdtempSync(join(tmpdir(), 'kpl-empty-schemas-'));
  const loadBefore = loadavg()[0] ?? 0;
  const runs = quick ? 3 : 7;
  const kpl: number[] = [];
  const kplWorkers: number[] = [];
  const js: number[] = [];
  const kc: number[] = [];
  try {
    // One warm-up round (page cache, binaries), then alternating rounds.
    for (let r = 0; r <= runs; r++) {
      const kplArgs = [kplJs, 'check', '--format', 'json', '--no-render', dir];
      const k = wall(process.execPath, kplArgs);
      const w = wall(process.execPath, kplArgs, { KPL_PARSE_THREADS: String(cores) });
      const j = wall(process.execPath, [jsYamlJs, dir]);
      const c =
        'path' in kubeconform
          ? wall(kubeconform.path, ['-ignore-missing-schemas', '-schema-location', schemas, '-n', String(cores), '-summary', dir])
          : undefined;
      if (r === 0) continue;
      kpl.push(k);
      kplWorkers.push(w);
      js.push(j);
      if (c !== undefined) kc.push(c);
    }
  } finally {
    rmSync(schemas, { recursive: true, force: true });
  }
  const kplMs = median(kpl);
  const jsYamlMs = median(js);
  const kubeconformMs = kc.length > 0 ? median(kc) : undefined;
  return {
    runs,
    cores,
    kplMs: round(kplMs),
    kplWorkersMs: round(median(kplWorkers)),
    jsYamlMs: round(jsYamlMs),
    kubeconformMs: kubeconformMs === undefined ? undefined : round(kubeconformMs),
    kubeconform: 'path' in kubeconform ? 'v0.8.0' : kubeconform.skipped,
    ratioToKubeconform: kubeconformMs === undefined ? undefined : round(kplMs / kubeconformMs, 3),
    ratioToJsYaml: round(kplMs / jsYamlMs, 3),
    loadAverage: [round(loadBefore, 2), round(loadavg()[0] ?? 0, 2)],
  };
}
