// Issue 14: the parsers that read event notes, status messages and manifest values run in linear time on hostile
// input. Each is called directly (not behind the 4 KiB ingestion cap) with inputs shaped against its own pattern,
// growing to 1 MiB; each size must finish within a bound that linear code meets with a wide margin and the old
// backtracking patterns miss by orders of magnitude (a 128 KiB `a/a/a/…` note took seconds, 1 MiB minutes). The sizes
// grow and the first one over the bound fails the test, so quadratic code fails in seconds instead of hanging.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { liveEventRow } from '../../server/src/cluster/rows';
import {
  buildDiagnoseReport,
  escapeMarkdown,
  parsePreemptedNote,
  renderDiagnoseMarkdown,
  renderDiagnoseText,
} from '../../server/src/core/index';
import { capText } from '../../server/src/core/diagnose/cap';
import { parseEvictedMessage, parseJobFailure, parseSchedulerDisruptionMessage } from '../../server/src/core/diagnose/messages';
import { parseQuantity } from '../../server/src/core/quantity';
import type { EventRecord, PodRecord } from '../../server/src/core/index';
import { fingerprint } from '../../server/src/core/syntax/parse-yaml';

const MiB = 1 << 20;
const sizes = [16 * 1024, 128 * 1024, MiB];
/** Generous: linear code parses 1 MiB in a few ms, even on a loaded 2-core machine. */
const boundMs = 200;

/** `unit` repeated to about `bytes`, between `head` and `tail`. */
function shaped(head: string, unit: string, tail: string, bytes: number): string {
  return head + unit.repeat(Math.max(1, Math.floor(bytes / unit.length))) + tail;
}

/**
 * A linear pass over the input (a hash of its characters), timed beside `fn`: on a loaded machine both slow down alike,
 * so the bound is also a multiple of it (a ratio measured in the same run), not only a fixed figure.
 */
function reference(input: string): number {
  let h = 0;
  for (let i = 0; i < input.length; i++) h = (h * 31 + input.charCodeAt(i)) | 0;
  return h;
}
/** How many linear passes `fn` may cost: linear parsers take a few; the old backtracking ones took 10^4-10^6. */
const referenceFactor = 2000;

function bestOf3(fn: () => unknown, stopBelow: number): number {
  let best = Infinity;
  for (let run = 0; run < 3 && best >= stopBelow; run++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Runs `fn` on each shape at each size; the best of three runs must beat the bound (a GC or scheduling pause is not a
 * failure), the bound being the fixed figure or `referenceFactor` linear passes over the same input, whichever is larger.
 */
function linear(name: string, shapes: Record<string, (bytes: number) => string>, fn: (input: string) => unknown, bound = boundMs): void {
  test(`${name}: hostile inputs of 16 KiB … 1 MiB in < ${bound} ms each (or ${referenceFactor} linear passes on a loaded machine)`, () => {
    for (const [label, shape] of Object.entries(shapes)) {
      for (const bytes of sizes) {
        const input = shape(bytes);
        const best = bestOf3(() => fn(input), bound);
        if (best < bound) continue;
        const allowed = Math.max(bound, referenceFactor * bestOf3(() => reference(input), 0));
        assert.ok(
          best < allowed,
          `${name}, ${label}: ${input.length} chars took ${best.toFixed(0)} ms (bound ${allowed.toFixed(0)} ms): super-linear`,
        );
      }
    }
  });
}

// Preempted notes (messages.ts preemptedNoteRe): the issue's `a/a/a/…`, recheck's attack string, no `on node`.
const preemptedShapes = {
  'a/a/a/…': (n: number) => shaped('Preempted by ', 'a/', '', n),
  '/\\0/\\0…\\t': (n: number) => shaped('Preempted by o', '/\u0000', '\t', n),
  'pod aaaa… without a node': (n: number) => shaped('Preempted by pod ', 'a', ' on nod', n),
  'a/ on node a/ on node …': (n: number) => shaped('Preempted by ', 'a/ on node ', 'x y', n),
};
linear('Preempted notes (parsePreemptedNote)', preemptedShapes, parsePreemptedNote);

// DisruptionTarget condition messages.
const schedulerShapes = {
  'a/a/a/…': (n: number) => shaped('Kube-scheduler: preempting to accommodate a higher priority pod: ', 'a/', ' x', n),
  'a//////…': (n: number) => shaped('Kube-scheduler: preempting to accommodate a higher priority pod: a', '//', ' ', n),
  '"""…': (n: number) => shaped('Scheduler: preempting to accommodate a higher priority pod, scheduled by "', '"', '', n),
  'aaaa…:': (n: number) => shaped('', 'a', ': preempting to accommodate a higher priority po', n),
};
linear('scheduler DisruptionTarget messages (parseSchedulerDisruptionMessage)', schedulerShapes, parseSchedulerDisruptionMessage);

// Job Failed condition messages (PodFailurePolicy).
linear(
  'FailJob messages (parseJobFailure)',
  {
    'Pod l//////…': (n) => shaped('Pod l', '//', 'C for pod //C has condition l matching FailJob rule at index 0', n),
    'Container a a a …': (n) => shaped('Container ', 'a ', 'for pod a/b failed with exit code 1 matching FailJob rule at index x', n),
    'Pod a/a/a/…': (n) => shaped('Pod ', 'a/', ' has condition x matching FailJob rule at index 0', n),
  },
  (m) => parseJobFailure('PodFailurePolicy', m),
);

// Quantities (manifest and cluster resource values).
linear(
  'quantities (parseQuantity)',
  {
    '0000…K': (n) => shaped('0', '0', 'K', n),
    '1.2222…e': (n) => shaped('1.', '2', 'e', n),
    '.5555…Kix': (n) => shaped('.', '5', 'Kix', n),
  },
  parseQuantity,
);

// The yaml-version fingerprint's literal scanner (parse-yaml.ts), on quotes and escapes.
linear(
  'yaml fingerprint literal scan (fingerprint)',
  { '"\\"\\"…': (n) => shaped('"', '\\"', '\\', n), '\'"\'"…': (n) => shaped('', `'"`, '', n) },
  fingerprint,
);

// Whole paths a hostile event takes when it is not capped: live-view row, Diagnose Pod report in text and Markdown.
function hostileStory(note: string): void {
  const victim: PodRecord = {
    uid: 'v',
    name: 'victim',
    namespace: 'ns',
    priority: 0,
    owners: [{ kind: 'Job', name: 'j' }],
    node: 'n1',
    message: note,
    conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: note }],
  };
  const event: EventRecord = {
    uid: 'e',
    reason: 'Preempted',
    note,
    time: '2026-11-20T10:00:00Z',
    regarding: { kind: 'Pod', namespace: 'ns', name: 'victim', uid: 'v' },
  };
  liveEventRow(event, { byUid: (u) => (u === 'v' ? victim : undefined), byName: () => undefined });
  const report = buildDiagnoseReport({
    target: { namespace: 'ns', name: 'victim' },
    pods: [victim],
    events: [event, { ...event, uid: 'e2', reason: 'Evicted' }],
  });
  renderDiagnoseMarkdown(report);
  renderDiagnoseText(report);
}
// The report quotes the note in several sections (evidence, timeline, message): a larger bound, still far below the
// seconds that one 128 KiB note cost the old parsers.
linear(
  'live row and Diagnose report (liveEventRow, buildDiagnoseReport, render*)',
  { ...preemptedShapes, ...schedulerShapes },
  hostileStory,
  1500,
);

// Regression guards for parsers that were already linear (these pass on the old code too): Evicted messages, the
// Markdown escaping of cluster text, and the cap itself.
linear(
  'Evicted messages (parseEvictedMessage)',
  {
    'low on resource: aaaa… x': (n) => shaped('The node was low on resource: ', 'a', ' x', n),
    'Threshold quantity: a, a, …': (n) => shaped('Threshold quantity: ', 'a, ', 'x', n),
    'Container a was using a was using …': (n) => shaped('Container ', 'a was using ', 'x', n),
    'Pod a was using a, request is …': (n) => shaped('Pod ', 'a was using a, request is ', 'x', n),
    'EmptyDir volume """…': (n) => shaped('Usage of EmptyDir volume "', '"', ' exceeds', n),
    'had condition: [a, a, …': (n) => shaped('The node had condition: [', 'a, ', '', n),
    'many fragments': (n) => shaped('', 'Container a was using 1Gi, request is 1Mi, has larger consumption of memory. ', '', n),
    'whitespace runs': (n) => shaped('a.', ' \t', 'x', n),
  },
  parseEvictedMessage,
);
linear(
  'Markdown escaping of cluster text (escapeMarkdown)',
  {
    'a@a@a@…': (n) => shaped('', 'a@', '', n),
    'www.www.…': (n) => shaped('', 'www.', '', n),
    '://:////…': (n) => shaped('', ':/', '', n),
    'backtick runs': (n) => shaped('http://x', '`', '', n),
    'spaces and newlines': (n) => shaped('a', ' \n\r', 'b', n),
    'a.b//c@…': (n) => shaped('', 'a.b//c@', '', n),
  },
  escapeMarkdown,
);
linear('the ingestion cap (capText)', { 'mixed UTF-8 widths': (n) => shaped('', 'é€😀a', '', n) }, capText);
