// One row of the Live Preemptions & Evictions table: victim, reason, node, preemptor (or "unknown" when it was gone
// before it was seen), priority gap and the actions (Diagnose, Open manifest, Copy as Markdown). Text only.
import { h } from './dom';
import { kueueKind, rowToMarkdown, type Indexed } from './live-events-model';
import { post } from './vscode-api';

export const ROW_H = 44;

const pad = (n: number): string => String(n).padStart(2, '0');
export function fmtTime(ts: number): string {
  if (!ts) return '';
  const d = new Date(ts);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function actionButton(label: string, title: string, id: string, fn: () => void, disabled = false): HTMLButtonElement {
  const b = h('button', { class: 'action', text: label, title, data: { id } });
  if (disabled) b.disabled = true;
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    fn();
  });
  return b;
}

/**
 * What the row is about, in its own words: the victim of a preemption or eviction, a pending pod that may preempt
 * (FailedScheduling, Preempting), a Job (`ci/test-shard-0 (Job)`) or a node; and the Diagnose target for it.
 */
export function rowSubject(r: Indexed): {
  kind: 'victim' | 'preemptor' | 'job' | 'node' | 'pod';
  text: string;
  role: string;
  diagnose: string;
} {
  const row = r.row;
  const name = row.victim.name;
  // Only the server's own `Job/` and `Node/` prefixes (rows.ts) name a kind: a pod name is shown whole, whatever it holds.
  const kind = name.startsWith('Job/')
    ? 'Job'
    : name.startsWith('Node/')
      ? 'Node'
      : row.kueue && name.startsWith('Workload/')
        ? 'Workload'
        : 'Pod';
  const bare = kind === 'Pod' ? name : name.slice(kind.length + 1);
  // Kueue rows: the evicted Workload's Job (or the Workload when its Job is unknown), diagnosed as such.
  if (row.kueue && kind === 'Job')
    return {
      kind: 'job',
      text: `${row.namespace}/${bare} (Job)`,
      role: `${kueueKind(row)} victim`,
      diagnose: `Job/${row.namespace}/${bare}`,
    };
  if (kind === 'Workload')
    return {
      kind: 'job',
      text: `${row.namespace}/${bare} (Workload)`,
      role: `${kueueKind(row)} victim`,
      diagnose: `Workload/${row.namespace}/${bare}`,
    };
  if (kind === 'Job') return { kind: 'job', text: `${row.namespace}/${bare} (Job)`, role: 'Job', diagnose: `Job/${row.namespace}/${bare}` };
  if (kind === 'Node') return { kind: 'node', text: `${bare} (node)`, role: 'node', diagnose: `${row.namespace}/${bare}` };
  const pod = `${row.namespace}/${bare}`;
  if (row.reason === 'FailedScheduling') return { kind: 'preemptor', text: pod, role: 'pending pod (may preempt)', diagnose: pod };
  if (row.type === 'preemption' || row.type === 'eviction') return { kind: 'victim', text: pod, role: 'victim', diagnose: pod };
  return { kind: 'pod', text: pod, role: '', diagnose: pod };
}

/** The row of `r` at position `i` of the list; `selected` marks it, a click calls `onSelect` with its id. */
export function rowElement(r: Indexed, i: number, selected: string | undefined, onSelect: (id: string) => void): HTMLElement {
  const row = r.row;
  const v = row.victim;
  const prio = row.kueue ? 'Kueue priority' : 'priority';
  const victimSub = [v.priority !== undefined ? `${prio} ${v.priority}` : '', v.priorityClassName ?? '', v.qosClass ?? '', v.owner ?? '']
    .filter(Boolean)
    .join(' · ');
  const p = row.preemptor;
  const preemptor = p
    ? h(
        'div',
        { class: `cell c-preemptor${p.resolved ? '' : ' unresolved'}` },
        h('div', {
          class: 'main',
          text: p.resolved && p.name ? `${p.namespace ? `${p.namespace}/` : ''}${p.name}` : 'unknown (gone before seen)',
        }),
        h('div', {
          class: 'sub',
          text: p.resolved
            ? [p.priority !== undefined ? `${prio} ${p.priority}` : '', p.priorityClassName ?? '', p.owner ?? '']
                .filter(Boolean)
                .join(' · ')
            : `UID ${p.uid}`,
        }),
      )
    : h('div', { class: 'cell c-preemptor muted', text: '—' });
  const subject = rowSubject(r);
  const target = subject.diagnose;
  const el = h(
    'div',
    {
      class: `ev-row type-${row.type}${row.id === selected ? ' selected' : ''}`,
      attrs: { role: 'row', 'aria-selected': String(row.id === selected), title: row.message },
      data: { id: `row:${row.id}` },
    },
    h('div', { class: 'cell c-time', text: fmtTime(r.ts), title: new Date(r.ts).toString() }),
    h(
      'div',
      { class: `cell c-victim kind-${subject.kind}` },
      h('div', { class: 'main', text: subject.text }),
      h('div', { class: 'sub', text: [subject.role, victimSub].filter(Boolean).join(' · ') }),
    ),
    h(
      'div',
      { class: 'cell c-reason' },
      h('span', { class: `reason-pill type-${row.type}`, text: row.kueue ? `${kueueKind(row)}: ${row.reason}` : row.reason }),
    ),
    h('div', {
      class: 'cell c-node',
      // Kueue rows have no node (Kueue admits against quota): the queue paths stand there.
      text: row.kueue ? (row.kueue.preempteePath ?? '') : (row.node ?? ''),
      ...(row.kueue ? { title: row.kueue.reasonText } : row.node ? { title: row.node } : {}),
    }),
    preemptor,
    h('div', { class: 'cell c-gap', text: row.priorityGap !== undefined ? String(row.priorityGap) : '' }),
    h(
      'div',
      { class: 'cell c-actions' },
      actionButton('Diagnose', `Diagnose ${target}`, `diagnose:${row.id}`, () => post({ type: 'diagnose', target })),
      actionButton(
        'Open',
        row.location ? 'Open the manifest' : 'No manifest in the workspace',
        `open:${row.id}`,
        () => row.location && post({ type: 'open', location: row.location }),
        !row.location,
      ),
      actionButton('Copy', 'Copy as Markdown', `copy:${row.id}`, () => post({ type: 'copy', text: rowToMarkdown(row) })),
    ),
  );
  el.style.transform = `translateY(${i * ROW_H}px)`;
  el.addEventListener('click', () => onSelect(row.id));
  return el;
}
