// Mutation engine shared by `npm run fuzz` (bench/fuzz.ts, over the real corpus) and the seeded suite in `npm test`.
// Deterministic for a seed: every input can be regenerated from (seed, iteration) to reproduce a failure.

export type Rng = () => number;

/** mulberry32, a tiny seeded PRNG. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rng, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)];

/** Values that confuse types and ranges, for keys the engine reads. */
export const hostileValues: readonly string[] = [
  '"abc"',
  'lots',
  '1e400',
  '-1e400',
  '-9999999999',
  '9999999999999999999999',
  '2147483648',
  '-2147483649',
  '1000000001',
  '.nan',
  '.inf',
  '-.inf',
  '0x7fffffff',
  '0o777',
  '0777',
  '1_000',
  '+12e3',
  '3.5',
  '~',
  'null',
  '',
  '[]',
  '{}',
  '[a, b]',
  '{a: 1}',
  'yes',
  'no',
  'on',
  'true',
  '2024-01-01',
  '!!binary aGVsbG8=',
  '!!int "12"',
  '!!str 12',
  '!!float abc',
  '!custom x',
  '"\\u0000"',
  '"\\uD800"',
  "'it''s'",
  '|\n  block',
  '>-\n  folded',
  '-1',
  '0',
  '-0',
  '1Ki',
  '1.5Gi',
  '100m',
  '0.0001m',
  '1e-9',
  '1E1000',
  '100%',
  '150%',
  '-5%',
  'abc%',
  '"%"',
  'PreemptLowerPriority',
  'Never',
  'Maybe',
  'system-node-critical',
  'system-cluster-critical',
  '*undefined_alias',
  '&anchor value',
  'x'.repeat(5000),
  '"\u202e\u2028\u2029"',
  '\t1',
];

/** Keys the engine reads; type confusion targets their values. */
export const interestingKeys: readonly string[] = [
  'kind',
  'apiVersion',
  'name',
  'namespace',
  'replicas',
  'priority',
  'priorityClassName',
  'value',
  'globalDefault',
  'preemptionPolicy',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests',
  'limits',
  'resources',
  'containers',
  'initContainers',
  'minAvailable',
  'maxUnavailable',
  'selector',
  'matchLabels',
  'matchExpressions',
  'labels',
  'annotations',
  'metadata',
  'spec',
  'template',
  'items',
  'type',
  'default',
  'defaultRequest',
  'max',
  'min',
  'maxLimitRequestRatio',
  'backoffLimit',
  'parallelism',
  'podFailurePolicy',
  'restartPolicy',
  'affinity',
  'nodeSelector',
  'tolerations',
  'overhead',
  'unhealthyPodEvictionPolicy',
  'jobTemplate',
  'status',
  'phase',
  'nodeName',
  'allocatable',
  'hard',
];

/** billionLaughs builds an alias bomb of `levels` levels of `width` aliases each (width^levels nodes if expanded). */
export function billionLaughs(levels = 9, width = 9, kind = 'Pod'): string {
  const lines = [`apiVersion: v1`, `kind: ${kind}`, `metadata:`, `  name: lol`, `  labels: &l0 {a: "lol"}`];
  for (let i = 1; i <= levels; i++) lines.push(`  l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  lines.push(`spec:`, `  containers: *l${levels}`, `  priorityClassName: *l${levels}`, `  nodeSelector: *l0`);
  return `${lines.join('\n')}\n`;
}

/** deepNesting returns a Pod whose spec nests `depth` levels, in block or flow style. */
export function deepNesting(depth: number, style: 'block' | 'flow' | 'seq'): string {
  const head = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec:\n  affinity:\n';
  if (style === 'flow') return `${head}    x: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
  if (style === 'seq') {
    let out = head;
    for (let i = 0; i < Math.min(depth, 2000); i++) out += `${' '.repeat(4 + i * 2)}- \n`;
    return out;
  }
  const parts: string[] = [head];
  for (let i = 0; i < depth; i++) parts.push(`${' '.repeat(4 + i)}k${i}:\n`);
  return parts.join('');
}

/** bigList returns a compact `kind: List` of `items` Pods and PriorityClasses (100k items stay under the 16 MiB document limit). */
export function bigList(items: number): string {
  const parts = ['apiVersion: v1\nkind: List\nitems:\n'];
  for (let i = 0; i < items; i++) {
    parts.push(
      i % 10 === 0
        ? `- {kind: PriorityClass, metadata: {name: pc-${i}}, value: ${i}}\n`
        : `- {kind: Pod, metadata: {name: p${i}, labels: {app: a${i % 7}}}, spec: {priorityClassName: pc-${i - (i % 10)}, containers: [{resources: {requests: {cpu: ${i % 5}00m}}}]}}\n`,
    );
  }
  return parts.join('');
}

export interface FuzzInput {
  path: string;
  content: string | Uint8Array;
  /** What was done, for the report. */
  mutations: string[];
}

const encoder = new TextEncoder();

/** mutate applies 1..4 random mutations to `source` and returns the input to analyse. */
export function mutate(r: Rng, source: string, path: string): FuzzInput {
  let text = source;
  const mutations: string[] = [];
  const count = 1 + int(r, 4);
  let asBytes = r() < 0.3;
  let bytePatch: ((b: Uint8Array) => Uint8Array) | undefined;
  for (let m = 0; m < count; m++) {
    const which = int(r, 16);
    const lines = text.split('\n');
    const line = int(r, Math.max(1, lines.length));
    switch (which) {
      case 0: {
        // random characters replaced, inserted or deleted
        const n = 1 + int(r, 8);
        const chars = [...text];
        for (let i = 0; i < n && chars.length > 0; i++) {
          const at = int(r, chars.length);
          const op = int(r, 3);
          const c = pick(r, [
            ':',
            '-',
            ' ',
            '\t',
            '\n',
            '"',
            "'",
            '[',
            ']',
            '{',
            '}',
            '#',
            '&',
            '*',
            '!',
            '|',
            '>',
            '%',
            '@',
            '`',
            ',',
            '?',
            '\r',
            '\u00a0',
            '\ufeff',
            '\u2028',
            'x',
            '0',
            '\\',
            '\ud800',
          ]);
          if (op === 0) chars[at] = c;
          else if (op === 1) chars.splice(at, 0, c);
          else chars.splice(at, 1);
        }
        text = chars.join('');
        mutations.push(`chars x${n}`);
        break;
      }
      case 1:
        lines.splice(line, 1);
        text = lines.join('\n');
        mutations.push(`delete line ${line}`);
        break;
      case 2:
        lines.splice(line, 0, lines[line] ?? '');
        text = lines.join('\n');
        mutations.push(`duplicate line ${line}`);
        break;
      case 3: {
        const other = int(r, Math.max(1, lines.length));
        const a = lines[line] ?? '';
        lines[line] = lines[other] ?? '';
        lines[other] = a;
        text = lines.join('\n');
        mutations.push(`swap lines ${line} ${other}`);
        break;
      }
      case 4: {
        const l = lines[line] ?? '';
        lines[line] = pick(r, [`  ${l}`, l.replace(/^ {1,2}/, ''), `\t${l}`, l.trimStart(), `- ${l}`]);
        text = lines.join('\n');
        mutations.push(`reindent line ${line}`);
        break;
      }
      case 5:
        text = text.slice(0, int(r, text.length + 1));
        mutations.push('truncate');
        break;
      case 6:
      case 7:
      case 8: {
        // type confusion on a key the engine reads
        const key = pick(r, interestingKeys);
        const value = pick(r, hostileValues);
        const candidates = lines
          .map((l, i) => (new RegExp(`^\\s*(?:- )?["']?${key.replace(/[-]/g, '\\-')}["']?\\s*:`).test(l) ? i : -1))
          .filter((i) => i >= 0);
        const target = candidates.length > 0 ? pick(r, candidates) : line;
        const l = lines[target] ?? '';
        const colon = l.indexOf(':');
        lines[target] = colon === -1 ? `${l} ${key}: ${value}` : `${l.slice(0, colon + 1)} ${value}`;
        text = lines.join('\n');
        mutations.push(`${key}: ${value.length > 20 ? `${value.slice(0, 20)}…` : value}`);
        break;
      }
      case 9: {
        // duplicated key: repeat a key line with another value
        const keyLines = lines.map((l, i) => (/^\s*(?:- )?[\w.-]+\s*:/.test(l) ? i : -1)).filter((i) => i >= 0);
        if (keyLines.length > 0) {
          const at = pick(r, keyLines);
          const l = lines[at] ?? '';
          const indent = /^\s*/.exec(l)?.[0] ?? '';
          const key = /^\s*(?:- )?([\w.-]+)\s*:/.exec(l)?.[1] ?? 'kind';
          lines.splice(at + 1, 0, `${indent.replace(/- $/, '  ')}${key}: ${pick(r, hostileValues)}`);
          text = lines.join('\n');
        }
        mutations.push('duplicate key');
        break;
      }
      case 10: {
        const snippet = pick(r, [
          () => billionLaughs(3 + int(r, 7), 3 + int(r, 7)),
          () => deepNesting(50 + int(r, 3000), pick(r, ['block', 'flow', 'seq'] as const)),
          () => bigList(1 + int(r, 200)),
          () => '--- !!binary\n...\n',
          () => '%YAML 1.2\n---\nkind: Pod\n',
          () => 'kind: Pod\nmetadata: &m {name: a}\nspec: {<<: *m, containers: *m}\n',
          () => 'kind: Pod\nmetadata:\n  name: {{ .Values.name }}\n',
          () => `kind: Deployment\nmetadata:\n  name: ${'n'.repeat(100_000)}\n`,
          () => '? [complex, key]\n: value\nkind: PriorityClass\nvalue: 1\n',
          () => 'kind: PriorityClass\nvalue: !!python/object:os.system ls\n',
          () => '"kind": "Pod"\n"metadata": {"name": "j"}\n',
          () =>
            'kind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - resources:\n      requests:\n        cpu: 1e400\n        memory: -9999999999\n',
        ])();
        const at = int(r, 3);
        text = at === 0 ? `${snippet}---\n${text}` : at === 1 ? `${text}\n---\n${snippet}` : snippet;
        mutations.push(`snippet ${snippet.slice(0, 30).replace(/\n/g, '⏎')}`);
        break;
      }
      case 11:
        text = pick(r, [
          text.replace(/\n/g, '\r\n'),
          text.replace(/\n/g, '\r'),
          `\ufeff${text}`,
          text.replace(/ {2}/g, '\t'),
          text.replace(/---/g, '...'),
        ]);
        mutations.push('line endings / BOM / tabs');
        break;
      case 12: {
        asBytes = true;
        const kind = int(r, 3);
        bytePatch = (b) => {
          const out = new Uint8Array(b.length + 4);
          out.set(b);
          const at = int(r, b.length + 1);
          out.copyWithin(at + 4, at, b.length);
          out.set(kind === 0 ? [0xff, 0xfe, 0xc3, 0x28] : kind === 1 ? [0, 0, 0, 0] : [0xed, 0xa0, 0x80, 0x41], at);
          return out;
        };
        mutations.push(kind === 0 ? 'invalid UTF-8' : kind === 1 ? 'NUL bytes' : 'surrogate bytes');
        break;
      }
      case 13: {
        // binary noise
        const n = 1 + int(r, 64);
        let noise = '';
        for (let i = 0; i < n; i++) noise += String.fromCharCode(int(r, 0x10000));
        const at = int(r, text.length + 1);
        text = text.slice(0, at) + noise + text.slice(at);
        mutations.push(`noise x${n}`);
        break;
      }
      case 14: {
        // separators inserted
        lines.splice(line, 0, pick(r, ['---', '...', '--- |', '---  # c', '--- !!map', '----']));
        text = lines.join('\n');
        mutations.push('separator');
        break;
      }
      default: {
        // Wrap a document into a kind: List item.
        text = `apiVersion: v1\nkind: ${pick(r, ['List', 'PodList', 'DeploymentList', 'ConfigMapList'])}\nitems:\n${text
          .split('\n')
          .map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`))
          .join('\n')}`;
        mutations.push('wrap in List');
      }
    }
  }
  const finalPath = r() < 0.1 ? path.replace(/\.(ya?ml)$/i, '.json') : path;
  if (!asBytes) return { path: finalPath, content: text, mutations };
  let bytes: Uint8Array = encoder.encode(text);
  if (bytePatch !== undefined) bytes = bytePatch(bytes);
  return { path: finalPath, content: bytes, mutations };
}
