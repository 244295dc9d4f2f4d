/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The Live Preemptions & Evictions webview with 50,000 rows, in headless Chromium (the browser the e2e suite drives):
// dist/webview.js and media/styles.css in a page shaped like the webview host's, rows posted the way the host posts
// them, then filter changes timed from the change event to the next painted frame.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LiveEventRow } from '../../server/src/protocol/index';
import { percentile } from '../measure';

export interface FilterTiming {
  rows: number;
  /** Time to the first render of all rows after they were posted. */
  loadMs: number;
  /** Filter change (select change event → next frame painted), per change. */
  changes: number[];
  p50: number;
  p95: number;
  /** Search box (after its 120 ms debounce: filter, sort and render), per query. */
  search: number[];
  /** With `profile`: self time (ms) of the top functions during the filter changes (Chromium's CPU profiler). */
  profile?: { fn: string; selfMs: number }[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function topSelf(p: CpuProfile, n = 12): { fn: string; selfMs: number }[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const key = f === undefined ? '?' : `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, selfMs]) => ({ fn, selfMs }));
}

/** `count` rows shaped like the storm's `sample` rows, with distinct ids, victims and namespaces. */
export function widenRows(sample: readonly LiveEventRow[], count: number): LiveEventRow[] {
  const base = sample.length > 0 ? sample : [];
  const out: LiveEventRow[] = [];
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const s = base[i % Math.max(1, base.length)];
    const time = new Date(t0 - i * 997).toISOString();
    const ns = `team-${i % 40}`;
    const row: LiveEventRow = s
      ? {
          ...s,
          id: `row-${i}`,
          time,
          namespace: ns,
          victim: { ...s.victim, name: `${s.victim.name}-${i}`, uid: `uid-${i}` },
          ...(s.node !== undefined ? { node: `kwok-${String(i % 1000).padStart(4, '0')}` } : {}),
        }
      : {
          id: `row-${i}`,
          time,
          reason: 'Preempted',
          type: 'preemption',
          message: `Preempted by pod p-${i} on node kwok-${i % 1000}`,
          namespace: ns,
          victim: { name: `victim-${i}`, uid: `uid-${i}`, priority: 100 },
        };
    out.push(row);
  }
  return out;
}

export async function measureFilter(repo: string, rows: LiveEventRow[], profile = false): Promise<FilterTiming> {
  // playwright-core is a dev dependency of the e2e suite; loaded here only when this measure runs.
  const { launchBrowser } = require(path.join(repo, 'test', 'e2e', 'harness', 'code-server-run.js')) as {
    launchBrowser: () => Promise<import('playwright-core').Browser>;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-webview-bench-'));
  const html = path.join(dir, 'live.html');
  fs.writeFileSync(
    html,
    `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="${pathToFileURL(path.join(repo, 'media', 'styles.css')).href}">
<script>
window.__posts = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posts.push(m), getState: () => undefined, setState: () => undefined });
</script></head>
<body data-view="liveEvents"><div id="app" role="main"></div>
<script src="${pathToFileURL(path.join(repo, 'dist', 'webview.js')).href}"></script></body></html>`,
  );
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction(() => (window as unknown as { __posts: { type: string }[] }).__posts.some((p) => p.type === 'ready'));
    const loadMs = await page.evaluate(async (rs) => {
      const w = window as unknown as { __posts: { type: string; count?: number }[] };
      const t0 = performance.now();
      window.postMessage({ type: 'liveEvents', rows: rs, replace: true, state: { state: 'live', context: 'bench' } }, '*');
      while (!w.__posts.some((p) => p.type === 'rendered' && p.count === rs.length)) await new Promise((r) => setTimeout(r, 5));
      return performance.now() - t0;
    }, rows);
    const cdp = profile ? await page.context().newCDPSession(page) : undefined;
    if (cdp !== undefined) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const { changes, search } = await page.evaluate(async () => {
      const frame = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      const selects = [...document.querySelectorAll<HTMLSelectElement>('.filters select')];
      const changes: number[] = [];
      await frame();
      for (let round = 0; round < 4; round++) {
        for (const s of selects) {
          const values = [...s.options].map((o) => o.value);
          for (const v of [values[1 + (round % Math.max(1, values.length - 1))] ?? '', '']) {
            const t0 = performance.now();
            s.value = v;
            s.dispatchEvent(new Event('change'));
            await frame();
            changes.push(performance.now() - t0);
          }
        }
      }
      const w = window as unknown as { __posts: { type: string }[] };
      const input = document.querySelector<HTMLInputElement>('input.filter');
      const search: number[] = [];
      for (const q of ['team-7', 'kwok-01', 'preempted by', 'no-such-thing', '']) {
        if (input === null) break;
        const before = w.__posts.length;
        input.value = q;
        input.dispatchEvent(new Event('input'));
        // The debounce (120 ms) is by design and subtracted: input → rendered → next frame, minus 120 ms.
        const t0 = performance.now();
        while (w.__posts.length === before) await new Promise((r) => setTimeout(r, 1));
        await frame();
        search.push(performance.now() - t0 - 120);
      }
      return { changes, search };
    });
    const result: FilterTiming = { rows: rows.length, loadMs, changes, p50: percentile(changes, 50), p95: percentile(changes, 95), search };
    if (cdp !== undefined) result.profile = topSelf(((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile);
    return result;
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
