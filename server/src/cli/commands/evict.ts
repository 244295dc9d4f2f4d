// `kpl evict`: in which order would the kubelet evict this node's pods under a pressure signal (R-F.*)?
import { promises as fs } from 'node:fs';
import type { Command } from '../command';
import { parseArgs, single, UsageError } from '../args';
import {
  SimCluster,
  evictionSignals,
  newestKubernetesMinor,
  rankEviction,
  readSummary,
  validThreshold,
  bytesQuantity,
} from '../../core/index';
import type { EvictionResult, EvictionSignal, K8sObject, Summary } from '../../core/index';
import { describeError } from '../../workspace/walk';
import { InputError, loadObjects } from './simulate';
import { table } from './explain';

export function evictionJson(result: EvictionResult): Record<string, unknown> {
  const json: Record<string, unknown> = {
    node: result.node,
    signal: result.signal,
    order: result.order.map((r) => r.pod.id),
    exempt: result.exempt.map((e) => ({ pod: e.pod.id, reason: e.reason })),
  };
  json['outcome'] = result.outcome;
  if (result.localStorage.length > 0)
    json['localStorageEvictions'] = result.localStorage.map((l) => ({ pod: l.pod.id, cause: l.cause, message: l.message }));
  if (result.threshold !== undefined) json['threshold'] = result.threshold;
  if (result.message !== undefined) json['message'] = result.message;
  if (result.static) json['static'] = true;
  return json;
}

function usageText(result: EvictionResult, usage: number | undefined): string {
  if (usage === undefined) return 'no stats';
  if (result.resource === 'memory' || result.resource === 'ephemeral-storage') return bytesQuantity(usage);
  return String(usage);
}

function evictionText(result: EvictionResult): string {
  const lines = [
    `Node ${result.node}, signal ${result.signal} (reclaims ${result.resource}); usage from ${result.usageSource === 'none' ? 'nowhere: static tier order' : result.usageSource === 'summary' ? 'the Summary API document' : 'PodMetrics objects'}.`,
  ];
  for (const note of result.notes) lines.push(`Note: ${note}`);
  if (result.threshold !== undefined)
    lines.push(
      result.threshold.crossed
        ? `Threshold ${result.threshold.quantity} crossed: ${result.threshold.available} available.`
        : `Threshold ${result.threshold.quantity} not crossed: ${result.threshold.available} available, so the kubelet evicts nothing for ${result.signal}; the order below applies once it is crossed.`,
    );
  if (result.localStorage.length > 0) {
    lines.push('Evicted first, whatever the signal and threshold: pods over their own local-storage limits:');
    for (const l of result.localStorage) lines.push(`  ${JSON.stringify(l.pod.id)}: ${JSON.stringify(l.message)}`);
    lines.push('The threshold ranking below applies only in a later cycle, once these are gone.');
  }
  const rows = result.static ? [['#', 'POD', 'PRIORITY', 'TIER', 'WHY']] : [['#', 'POD', 'PRIORITY', 'USAGE', 'REQUEST', 'EXCEEDS']];
  result.order.forEach((r, i) => {
    if (result.static)
      rows.push([String(i + 1), r.pod.id, String(r.pod.priority), String(r.pod.evictionTier.tier), r.pod.evictionTier.reason]);
    else
      rows.push([
        String(i + 1),
        r.pod.id,
        String(r.pod.priority),
        usageText(result, r.usage),
        result.resource === 'memory' || result.resource === 'ephemeral-storage' ? bytesQuantity(r.request) : '-',
        r.exceeds ? 'yes' : 'no',
      ]);
  });
  let text = `${lines.join('\n')}\n${table(rows)}`;
  if (result.exempt.length > 0) text += `\nNever evicted for node pressure:\n${table(result.exempt.map((e) => [e.pod.id, e.reason]))}`;
  if (result.message !== undefined) text += `\nStatus message of the first eviction: ${JSON.stringify(result.message)}\n`;
  else if (result.outcome === 'threshold-not-crossed') text += '\nNothing is evicted: the threshold is not crossed.\n';
  else if (result.order.length === 0) text += '\nNo evictable pod on this node.\n';
  return text;
}

export const evictCommand: Command = {
  name: 'evict',
  summary: "Predict the kubelet's node-pressure eviction order for a node and signal",
  usage:
    'kpl evict [--format text|json] --node NAME --signal SIGNAL [--stats SUMMARY.json] [--imagefs shared|dedicated] [--containerfs shared|split] [--threshold QTY] PATH...',
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: {
        format: { choices: ['text', 'json'] },
        node: {},
        signal: { choices: evictionSignals },
        stats: {},
        imagefs: { choices: ['shared', 'dedicated'] },
        containerfs: { choices: ['shared', 'split'] },
        threshold: {},
      },
    });
    const nodeName = single(args, 'node');
    if (nodeName === undefined) throw new UsageError('--node NAME is required');
    const signal = single(args, 'signal') as EvictionSignal | undefined;
    if (signal === undefined) throw new UsageError(`--signal is required (one of ${evictionSignals.join(', ')})`);
    const threshold = single(args, 'threshold');
    if (threshold !== undefined && !validThreshold(threshold))
      throw new UsageError(`--threshold must be a quantity like 100Mi or a percentage like 10% (got "${threshold}")`);
    const fail = (message: string): number => {
      io.stderr(`kpl evict: ${message}\n`);
      return 2;
    };
    let summary: Summary | undefined;
    const statsPath = single(args, 'stats');
    if (statsPath !== undefined) {
      let text: string;
      try {
        text = await fs.readFile(statsPath, 'utf8');
      } catch (error) {
        return fail(`${statsPath}: ${describeError(error)}`);
      }
      try {
        summary = readSummary(JSON.parse(text) as unknown);
      } catch (error) {
        return fail(`${statsPath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    let objects: K8sObject[];
    try {
      objects = (await loadObjects(args.positionals)).objects;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return fail(error.message);
    }
    const snapshot = new SimCluster(objects, { kubernetesMinor: newestKubernetesMinor });
    const node = snapshot.nodeForEviction(nodeName);
    if (node === undefined) return fail(`no Node ${nodeName} (and no Pod bound to it) in the given PATHs`);
    const options: Parameters<typeof rankEviction>[2] = {
      signal,
      layout: {
        imagefs: (single(args, 'imagefs') ?? 'shared') as 'shared' | 'dedicated',
        containerfs: (single(args, 'containerfs') ?? 'shared') as 'shared' | 'split',
      },
    };
    if (summary !== undefined) options.summary = summary;
    if (threshold !== undefined) options.threshold = threshold;
    const result = rankEviction(snapshot, node, options);
    if ((single(args, 'format') ?? 'text') === 'json') io.stdout(`${JSON.stringify(evictionJson(result), null, 2)}\n`);
    else io.stdout(evictionText(result));
    return 0;
  },
};
