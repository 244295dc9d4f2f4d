// Renders a Diagnose report as text (`kpl diagnose`) and Markdown (the editor's report, Copy as Markdown): the same
// sections, every cluster string escaped for where it goes.
import { codeSpan, escapeMarkdown } from '../../markdown';
import { evictionRankingLines } from '../victim-choice';
import type { DiagnoseReport, ManifestLink, PodSummary, PreemptorInfo } from './types';
import { kueueLines } from '../kueue-report';

function podLine(p: Partial<PodSummary>): string {
  const parts: string[] = [];
  if (p.priority !== undefined) parts.push(`priority ${p.priority}`);
  if (p.priorityClassName !== undefined)
    parts.push(`class ${p.priorityClassName}${p.classIsGlobalDefault === true ? ' (globalDefault)' : ''}`);
  if (p.qosClass !== undefined) parts.push(`QoS ${p.qosClass}`);
  if (p.owner !== undefined) parts.push(`owner ${p.owner}`);
  if (p.node !== undefined) parts.push(`node ${p.node}`);
  return parts.join(', ');
}

function preemptorName(p: PreemptorInfo): string {
  if (p.name !== undefined) return `${p.namespace ?? ''}/${p.name}`;
  return p.uid !== undefined ? `unknown (gone before seen), UID ${p.uid}` : 'unknown (the event does not name it)';
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * "17:28:24, 12 min ago" in the local time zone of the process that renders (the user's editor or shell), with the
 * date when it is not the day of `now`; the ISO text as given when it does not parse.
 */
export function humanTime(iso: string, now?: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const clock = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  const n = now === undefined ? undefined : new Date(now);
  if (n === undefined || Number.isNaN(n.getTime())) return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${clock}`;
  const sameDay = t.getFullYear() === n.getFullYear() && t.getMonth() === n.getMonth() && t.getDate() === n.getDate();
  const day = sameDay ? '' : `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} `;
  const s = Math.round((n.getTime() - t.getTime()) / 1000);
  const ago =
    s < 0
      ? 'in the future (clock skew?)'
      : s < 60
        ? `${s} s ago`
        : s < 3600
          ? `${Math.floor(s / 60)} min ago`
          : s < 86_400
            ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`
            : `${Math.floor(s / 86_400)} days ago`;
  return `${day}${clock}, ${ago}`;
}

function manifestText(m: ManifestLink | undefined): string {
  return m === undefined ? '' : ` (${m.file}:${m.line + 1})`;
}

/** Plain lines shared by the text and Markdown renderers: [heading, lines[]] sections. */
function sections(r: DiagnoseReport): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  const what: string[] = [r.happened.title];
  if (r.happened.time !== undefined)
    what.push(`When: ${humanTime(r.happened.time, r.generatedAt)}${r.happened.node !== undefined ? ` on node ${r.happened.node}` : ''}`);
  if (r.pod !== undefined) {
    what.push(`Pod: ${r.pod.namespace}/${r.pod.name} — ${podLine(r.pod)}${r.pod.deleted === true ? ' (deleted)' : ''}`);
    if (r.pod.fromGlobalDefault === true)
      what.push(
        `Its workload sets no priorityClassName: it fell under the globalDefault class ${r.pod.priorityClassName ?? ''} (${r.pod.priority ?? '?'}).`,
      );
    else if (r.pod.classIsGlobalDefault === true)
      what.push(`Its class ${r.pod.priorityClassName ?? ''} is the cluster's globalDefault class.`);
  }
  for (const e of r.happened.evidence) what.push(`Evidence: ${e}`);
  out.push(['What happened', what]);
  if (r.kueue !== undefined) out.push(['Kueue', kueueLines(r.kueue, r.kueue.mechanism, r.pod?.priority, r.pod?.priorityClassName)]);
  if (r.reconstructed !== undefined) {
    const lines =
      r.reconstructed.facts.length > 0
        ? [
            'Kube Priority Lens never saw this pod (it was deleted before the extension or kpl started); rebuilt read-only from what the cluster still has:',
            ...r.reconstructed.facts.map((f) => `${f.fact}: ${f.value}, from ${f.source}`),
          ]
        : [];
    lines.push(...r.reconstructed.unknown);
    out.push(['Where the facts come from', lines]);
  }
  if (r.preemptor !== undefined) {
    const p = r.preemptor;
    const lines = [`Preemptor: ${preemptorName(p)}${p.name !== undefined && p.uid !== undefined ? ` (UID ${p.uid})` : ''}`];
    const detail = podLine(p);
    if (detail !== '') lines.push(`Preemptor: ${detail}${p.deleted === true ? ' (deleted since)' : ''}`);
    if (p.priority !== undefined && r.pod?.priority !== undefined)
      lines.push(
        `Priority ${p.priority}${p.priorityClassName !== undefined ? ` (${p.priorityClassName})` : ''} vs victim ${r.pod.priority}${r.pod.priorityClassName !== undefined ? ` (${r.pod.priorityClassName})` : ''}: gap ${p.priorityGap ?? p.priority - r.pod.priority}`,
      );
    if (p.preemptionPolicy !== undefined) lines.push(`Preemptor's preemptionPolicy: ${p.preemptionPolicy}`);
    for (const w of r.whyVictim ?? []) lines.push(w);
    out.push(['Who preempted it', lines]);
  }
  if (r.eviction !== undefined) {
    const e = r.eviction;
    const lines: string[] = [];
    if (e.resource !== undefined)
      lines.push(`Starved resource: ${e.resource} (signals ${(e.signals ?? []).join(', ')}; node condition ${e.nodeCondition ?? '-'})`);
    if (e.threshold !== undefined) lines.push(`Threshold ${e.threshold}, available ${e.available ?? '?'}`);
    if (e.node !== undefined)
      lines.push(`Node ${e.node.name} now: ${e.node.pressure.length > 0 ? e.node.pressure.join(', ') : 'no pressure condition'}`);
    lines.push(...e.ranking);
    if (e.nextVictims !== undefined) lines.push(...evictionRankingLines(e.nextVictims));
    out.push(['Eviction', lines]);
  }
  if (r.job !== undefined) {
    const j = r.job;
    const lines = [j.summary];
    if (j.found)
      lines.push(
        `backoffLimit: ${j.backoffLimit ?? '?'}${j.backoffLimitDefaulted === true ? ' (default)' : ''}; failed pods: ${j.failed ?? 0}; podFailurePolicy: ${j.podFailurePolicy === 'none' ? 'none' : j.podFailurePolicy === 'ignores-disruptions' ? 'ignores DisruptionTarget' : 'present, does not ignore DisruptionTarget'}`,
      );
    if (j.failure?.message !== undefined) lines.push(`Job condition Failed: ${j.failure.reason}: ${j.failure.message}`);
    out.push(['Job consequence', lines]);
  }
  if (r.pdbs.length > 0)
    out.push([
      'PodDisruptionBudgets',
      r.pdbs.map(
        (p) =>
          `${p.name}: disruptionsAllowed ${p.disruptionsAllowed ?? '?'}, healthy ${p.currentHealthy ?? '?'}/${p.desiredHealthy ?? '?'} — ${p.note}`,
      ),
    ]);
  if (r.fixes.length > 0) out.push(['Fixes', r.fixes.map((f) => `${f.title}${manifestText(f.manifest)}: ${f.detail}`)]);
  if (r.timeline.length > 0)
    out.push(['Events', r.timeline.map((t) => `${humanTime(t.time, r.generatedAt)} ${t.object} ${t.reason}: ${t.note}`)]);
  const data: string[] = [];
  if (r.source?.partial === true)
    data.push(
      `Partial view: only namespaces ${(r.source.namespaces ?? []).join(', ')} are readable with this context; a preemptor elsewhere cannot be resolved.`,
    );
  if (r.source?.snapshotAgeMs !== undefined)
    data.push(
      `PriorityClasses, Nodes, PodDisruptionBudgets and LimitRanges as read ${Math.round(r.source.snapshotAgeMs / 1000)} s ago; a newer read is under way.`,
    );
  if (data.length > 0) out.push(['Data', data]);
  return out;
}

/** "pod " for a pod's report; nothing for a Job's (its target reads `Job/namespace/name`). */
const subject = (r: DiagnoseReport): string => (r.target.startsWith('Job/') ? '' : 'pod ');

export function renderDiagnoseText(r: DiagnoseReport): string {
  const lines = [`Diagnosis of ${subject(r)}${r.target}`, r.headline, ''];
  for (const [heading, body] of sections(r)) {
    lines.push(`${heading}:`);
    for (const b of body) lines.push(`  ${b.replace(/\n/g, '\n  ')}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A line of a fenced code block from cluster data: no backtick (it could close the fence), no line break. */
function fenceLine(text: string): string {
  return text.replace(/`/g, "'").replace(/[\r\n\u2028\u2029]+/g, ' ');
}

export function renderDiagnoseMarkdown(r: DiagnoseReport): string {
  const lines = [`# Diagnosis of ${subject(r)}${codeSpan(r.target)}`, '', `**${escapeMarkdown(r.headline)}**`, ''];
  for (const [heading, body] of sections(r)) {
    lines.push(`## ${heading}`, '');
    if (heading === 'Fixes') {
      for (const f of r.fixes) {
        lines.push(
          `- **${escapeMarkdown(f.title)}**${f.manifest !== undefined ? ` — ${codeSpan(`${f.manifest.file}:${f.manifest.line + 1}`)}` : ''}: ${escapeMarkdown(f.detail)}`,
        );
        if (f.snippet !== undefined) lines.push('', '  ```yaml', ...f.snippet.split('\n').map((s) => `  ${fenceLine(s)}`), '  ```');
      }
    } else {
      for (const b of body) lines.push(`- ${escapeMarkdown(b)}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
