// Local history of preemption/eviction events and the pod UID cache: a JSON-lines file, bounded by age and count,
// compacted atomically (write a temp file, then rename). Survives the API server's 1 h event TTL and restarts.
// A process killed mid-append leaves at most one partial last line, which is dropped on load; anything else
// unreadable means the file is corrupted: it is moved aside and the readable records are kept.
// Event notes and pod names are private to the user: the directory is 0700 and every file 0600 (where the platform
// has modes), set explicitly rather than left to the umask; temp files are created exclusively (`wx`), so a file or
// link already at the temp path is never written through.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { capStrings, maxTextBytes } from '../core/index';
import type { EventRecord, PodRecord } from '../core/index';

/**
 * One line of the history. `context`: the kubeconfig context the record came from (written since issue 20; older files
 * have none and still load: such records are shown for every context, as nothing says where they came from).
 */
export type HistoryRecord =
  { type: 'event'; at: string; context?: string; event: EventRecord } | { type: 'pod'; at: string; context?: string; pod: PodRecord };

export interface HistoryOptions {
  /** Directory (the extension's global storage); created when missing. */
  dir: string;
  retentionDays?: number;
  maxRecords?: number;
  fileName?: string;
  now?: () => number;
}

const header = { 'kube-priority-lens-history': 1 };
const directoryMode = 0o700;
const fileMode = 0o600;
const hasModes = process.platform !== 'win32';

/** The store's own file names in its directory: the history, its temp files and corrupted copies. */
function isStoreFile(name: string, fileName: string): boolean {
  return name === fileName || name.startsWith(`${fileName}.tmp-`) || name.startsWith(`${fileName}.corrupt-`);
}

/** tighten drops group/other bits from a path's mode; a path the user does not own (EPERM) is left as it is. */
async function tighten(p: string, mode: number): Promise<void> {
  if (!hasModes) return;
  try {
    const stat = await fs.stat(p);
    if ((stat.mode & 0o077) !== 0) await fs.chmod(p, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
const headerLine = JSON.stringify(header);

function keyOf(r: HistoryRecord): string {
  return r.type === 'event' ? `e:${r.event.uid}` : `p:${r.pod.uid}`;
}

function isRecord(v: unknown): v is HistoryRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  if (typeof r['at'] !== 'string') return false;
  if (r['type'] === 'event') return typeof (r['event'] as EventRecord | undefined)?.uid === 'string';
  if (r['type'] === 'pod') return typeof (r['pod'] as PodRecord | undefined)?.uid === 'string';
  return false;
}

export class HistoryStore {
  readonly file: string;
  /** Messages about what loading found (corruption, dropped partial line), for the output channel / CLI. */
  readonly messages: string[] = [];
  private readonly records = new Map<string, HistoryRecord>();
  private readonly retentionMs: number;
  private readonly maxRecords: number;
  private readonly now: () => number;
  private lines = 0;
  private queue: Promise<void> = Promise.resolve();

  private readonly dir: string;
  private readonly fileName: string;

  private constructor(options: HistoryOptions) {
    this.dir = options.dir;
    this.fileName = options.fileName ?? 'history.jsonl';
    this.file = path.join(options.dir, this.fileName);
    this.retentionMs = (options.retentionDays ?? 30) * 24 * 3600 * 1000;
    this.maxRecords = options.maxRecords ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  static async open(options: HistoryOptions): Promise<HistoryStore> {
    const store = new HistoryStore(options);
    await fs.mkdir(options.dir, { recursive: true, mode: directoryMode });
    await store.secure();
    await store.load();
    return store;
  }

  /**
   * secure tightens what earlier versions created with the umask's modes: the store's files always, the directory
   * when it holds nothing but the store's files (then it is the store's own; a directory shared with other files,
   * such as one passed to `kpl diagnose --history`, keeps its mode, and the files in it are private anyway).
   */
  private async secure(): Promise<void> {
    if (!hasModes) return;
    const names = await fs.readdir(this.dir);
    for (const name of names) if (isStoreFile(name, this.fileName)) await tighten(path.join(this.dir, name), fileMode);
    if (names.every((name) => isStoreFile(name, this.fileName))) await tighten(this.dir, directoryMode);
  }

  get size(): number {
    return this.records.size;
  }

  /**
   * The context whose records events(), pods() and the exports return, and which append() stamps on new records;
   * undefined = every record (the CLI's --history without a context, tests).
   */
  context: string | undefined;

  private inContext(r: HistoryRecord): boolean {
    return this.context === undefined || r.context === undefined || r.context === this.context;
  }

  events(): EventRecord[] {
    return [...this.records.values()]
      .filter((r): r is Extract<HistoryRecord, { type: 'event' }> => r.type === 'event' && this.inContext(r))
      .map((r) => r.event);
  }

  pods(): PodRecord[] {
    return [...this.records.values()]
      .filter((r): r is Extract<HistoryRecord, { type: 'pod' }> => r.type === 'pod' && this.inContext(r))
      .map((r) => r.pod);
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const parts = text.split('\n');
    let partial = false;
    if (parts[parts.length - 1] === '') parts.pop();
    else if (parts.length > 0) {
      // No trailing newline: the last append was cut short (killed mid-write).
      const last = parts[parts.length - 1] ?? '';
      try {
        if (!isRecord(JSON.parse(last))) throw new Error('not a record');
      } catch {
        parts.pop();
        partial = true;
      }
    }
    let bad = 0;
    let oversized = 0;
    let headerSeen = false;
    for (const [i, line] of parts.entries()) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad++;
        continue;
      }
      if (i === 0 && value !== null && typeof value === 'object' && 'kube-priority-lens-history' in value) {
        headerSeen = true;
        continue;
      }
      if (!isRecord(value)) {
        bad++;
        continue;
      }
      // A file written before notes were capped (or by hand) may hold megabytes of note: cap it like ingestion does.
      const capped = capStrings(value);
      if (capped !== value) oversized++;
      this.records.set(keyOf(capped), capped);
    }
    this.lines = parts.length;
    if (bad > 0 || (!headerSeen && parts.length > 0)) {
      const aside = `${this.file}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
      await fs.rename(this.file, aside);
      this.messages.push(
        `history file ${this.file} was corrupted (${bad} unreadable line${bad === 1 ? '' : 's'}${headerSeen ? '' : ', no header'}); moved it to ${aside} and kept ${this.records.size} readable records`,
      );
      await this.compactNow();
      return;
    }
    if (partial) this.messages.push(`dropped an incomplete last record of ${this.file} (an earlier write was interrupted)`);
    const before = this.records.size;
    this.prune();
    if (oversized > 0)
      this.messages.push(`cut ${oversized} record${oversized === 1 ? '' : 's'} of ${this.file} with text over ${maxTextBytes} bytes`);
    if (partial || oversized > 0 || this.records.size !== before || this.lines > this.records.size * 2 + 100) await this.compactNow();
  }

  /** Drops records older than the retention and the oldest beyond maxRecords. */
  private prune(): void {
    const cutoff = new Date(this.now() - this.retentionMs).toISOString();
    for (const [k, r] of this.records) if (r.at < cutoff) this.records.delete(k);
    if (this.records.size > this.maxRecords) {
      const sorted = [...this.records.entries()].sort((a, b) => a[1].at.localeCompare(b[1].at));
      for (const [k] of sorted.slice(0, this.records.size - this.maxRecords)) this.records.delete(k);
    }
  }

  private serialize(): string {
    const ordered = [...this.records.values()].sort((a, b) => a.at.localeCompare(b.at));
    return `${[headerLine, ...ordered.map((r) => JSON.stringify(r))].join('\n')}\n`;
  }

  private async compactNow(): Promise<void> {
    const tmp = `${this.file}.tmp-${process.pid}`;
    let handle;
    try {
      handle = await fs.open(tmp, 'wx', fileMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Left by a killed writer with the same pid, or planted: remove the entry itself (never what a link points to).
      await fs.unlink(tmp);
      handle = await fs.open(tmp, 'wx', fileMode);
    }
    try {
      await handle.writeFile(this.serialize(), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
    this.lines = this.records.size + 1;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Adds records; an event already stored with the same resourceVersion (or a pod with the same content) is not written again. */
  append(records: readonly HistoryRecord[]): Promise<void> {
    const fresh: HistoryRecord[] = [];
    for (const input of records) {
      // the connection's records are capped already; anything else is too
      const r = capStrings(this.context !== undefined && input.context === undefined ? { ...input, context: this.context } : input);
      const old = this.records.get(keyOf(r));
      if (old !== undefined) {
        if (
          r.type === 'event' &&
          old.type === 'event' &&
          old.event.resourceVersion === r.event.resourceVersion &&
          old.event.count === r.event.count
        )
          continue;
        if (
          r.type === 'pod' &&
          old.type === 'pod' &&
          JSON.stringify({ ...old.pod, seenAt: undefined }) === JSON.stringify({ ...r.pod, seenAt: undefined })
        )
          continue;
      }
      this.records.set(keyOf(r), r);
      fresh.push(r);
    }
    if (fresh.length === 0) return this.queue;
    return this.enqueue(async () => {
      let exists = true;
      try {
        await fs.access(this.file);
      } catch {
        exists = false;
      }
      const body = fresh.map((r) => JSON.stringify(r)).join('\n') + '\n';
      await fs.appendFile(this.file, exists ? body : `${headerLine}\n${body}`, { encoding: 'utf8', mode: fileMode });
      this.lines += fresh.length + (exists ? 0 : 1);
      if (this.records.size > this.maxRecords || this.lines > Math.max(1000, this.maxRecords * 1.5)) {
        this.prune();
        await this.compactNow();
      }
    });
  }

  /** Rewrites the file with only the current records (expired ones dropped). */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      this.prune();
      await this.compactNow();
    });
  }

  /** Waits for pending writes. */
  flush(): Promise<void> {
    return this.queue;
  }

  clear(): Promise<void> {
    return this.enqueue(async () => {
      this.records.clear();
      await this.compactNow();
    });
  }

  exportJson(): string {
    return `${JSON.stringify({ ...header, exportedAt: new Date(this.now()).toISOString(), events: this.events(), pods: this.pods() }, null, 2)}\n`;
  }

  /** CSV of the event records, one row each, with the regarding pod's priority/class when cached. */
  exportCsv(): string {
    const pods = new Map(this.pods().map((p) => [p.uid, p]));
    const cell = (v: unknown) => {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- CSV cell of any recorded value
      const s = v === undefined || v === null ? '' : String(v);
      // Quote everything that needs it; neutralise spreadsheet formulas.
      const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
      return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const rows = [
      ['time', 'reason', 'type', 'namespace', 'kind', 'name', 'uid', 'priority', 'priorityClassName', 'node', 'related', 'count', 'note'],
    ];
    for (const e of this.events().sort((a, b) => a.time.localeCompare(b.time))) {
      const p = e.regarding.uid === undefined ? undefined : pods.get(e.regarding.uid);
      rows.push([
        e.time,
        e.reason,
        e.type ?? '',
        e.regarding.namespace,
        e.regarding.kind,
        e.regarding.name,
        e.regarding.uid ?? '',
        p?.priority === undefined ? '' : String(p.priority),
        p?.priorityClassName ?? '',
        p?.node ?? e.host ?? '',
        e.related === undefined ? '' : `${e.related.namespace}/${e.related.name}`,
        e.count === undefined ? '' : String(e.count),
        e.note,
      ]);
    }
    return `${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
  }
}
