// Finds what to render below the PATH arguments or workspace folders: charts (a folder with Chart.yaml; its charts/
// subcharts, folders or archives, belong to it; library charts are not installable) and kustomization roots (a
// folder with kustomization.yaml/.yml/Kustomization that no other kustomization found includes, unless configured;
// `kind: Component` only through the kustomizations that use it). Symbolic links to folders are not followed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RenderConfig } from './config';
import { readText } from './files';
import { readChart } from './helm';
import type { Chart } from './helm';
import { kustomizationFileNames, readKustomization } from './kustomization';
import type { Kustomization } from './kustomization';

export interface DiscoveredChart {
  dir: string;
  /** As reached from the PATH argument or workspace folder, `/` separators. */
  display: string;
  chart: Chart;
  /** The chart folder whose charts/ holds this one (a subchart: rendered with its parent). */
  parent: string | undefined;
  /** Rendered on its own: not a subchart, not a library chart, not disabled in `.kpl.yaml`. */
  rendered: boolean;
}

export interface DiscoveredKustomization {
  dir: string;
  display: string;
  kustomization: Kustomization;
  /** Folders of the kustomizations found that include this one as a resource, base or component. */
  referencedBy: string[];
  /** Rendered on its own: a Kustomization no other includes (or enabled in `.kpl.yaml`), never a Component. */
  rendered: boolean;
}

export interface Discovery {
  charts: DiscoveredChart[];
  kustomizations: DiscoveredKustomization[];
  /** Folders not walked because the bound was reached (reported, not silently dropped). */
  truncated: boolean;
}

const skipped = new Set(['.git', 'node_modules', '.hg', '.svn']);
const maxDirectories = 100_000;

interface Found {
  charts: Array<{ dir: string; display: string }>;
  kustomizations: Array<{ dir: string; display: string; file: string }>;
  dirs: number;
}

async function walk(dir: string, display: string, found: Found, inChart: boolean): Promise<void> {
  if (found.dirs++ >= maxDirectories) return;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const names = new Set(entries.map((e) => e.name));
  const isChart = names.has('Chart.yaml');
  if (isChart) found.charts.push({ dir, display });
  const kfile = kustomizationFileNames.find((n) => names.has(n));
  if (kfile !== undefined && !inChart) found.kustomizations.push({ dir, display, file: path.join(dir, kfile) });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!e.isDirectory() || skipped.has(e.name)) continue;
    // A chart's templates are not walked; its charts/ folder holds subcharts (recorded, rendered with the chart).
    if (isChart && e.name === 'templates') continue;
    const child = display === '.' ? e.name : `${display.replace(/\/$/, '')}/${e.name}`;
    await walk(path.join(dir, e.name), child, found, inChart || isChart);
  }
}

/** discover walks `paths` (folders or files; a file's folder is not walked) and classifies what it finds. */
export async function discover(paths: readonly string[], config?: RenderConfig): Promise<Discovery> {
  const found: Found = { charts: [], kustomizations: [], dirs: 0 };
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch {
      continue;
    }
    if (stat.isDirectory()) await walk(path.resolve(p), p.split(path.sep).join('/'), found, false);
  }
  return classify(found, config);
}

function classify(found: Found, config: RenderConfig | undefined): Discovery {
  const chartDirs = new Set(found.charts.map((c) => c.dir));
  const charts: DiscoveredChart[] = [];
  for (const c of found.charts) {
    const chart = readChart(c.dir);
    if (chart === undefined) continue;
    const up = path.dirname(c.dir);
    const parent = path.basename(up) === 'charts' && chartDirs.has(path.dirname(up)) ? path.dirname(up) : undefined;
    const enabled = config?.charts.get(c.dir)?.enabled !== false && config?.enabled !== false;
    charts.push({ dir: c.dir, display: c.display, chart, parent, rendered: parent === undefined && chart.type !== 'library' && enabled });
  }
  const kustomizations: DiscoveredKustomization[] = [];
  const byDir = new Map<string, DiscoveredKustomization>();
  for (const k of found.kustomizations) {
    const text = readText(k.file, 4 * 1024 * 1024);
    if (text === undefined) continue;
    const entry: DiscoveredKustomization = {
      dir: k.dir,
      display: k.display,
      kustomization: readKustomization(k.file, text),
      referencedBy: [],
      rendered: false,
    };
    kustomizations.push(entry);
    byDir.set(k.dir, entry);
  }
  for (const k of kustomizations)
    for (const r of [...k.kustomization.resources, ...k.kustomization.components]) {
      const target = byDir.get(path.resolve(k.dir, r.value));
      if (target !== undefined && target !== k && !target.referencedBy.includes(k.dir)) target.referencedBy.push(k.dir);
    }
  for (const k of kustomizations) {
    const configured = config?.kustomizations.get(k.dir)?.enabled;
    const isComponent = k.kustomization.kind === 'Component';
    k.rendered = !isComponent && config?.enabled !== false && (configured ?? k.referencedBy.length === 0);
  }
  return { charts, kustomizations, truncated: found.dirs > maxDirectories };
}
