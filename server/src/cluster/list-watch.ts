// One list+watch stream: lists (paginated), then watches from the list's resourceVersion; resumes from the last
// resourceVersion seen (bookmarks included), relists on 410 Gone, reconnects with exponential backoff.
import type { ApiObject } from '../core/index';
import { ApiError } from './api';
import type { ApiClient, WatchHandle } from './api';
import { streamStatusAfterError } from './connection-state';
import type { StreamStatus } from './connection-state';
import type { ReadPath } from './endpoints';

export interface ListWatchOptions {
  api: ApiClient;
  /** Collection path, e.g. `/api/v1/events` or `/api/v1/namespaces/ci/pods` (readPaths.list). */
  path: ReadPath;
  /** false = list once and stop (CLI). */
  watch: boolean;
  /** Full state of the collection (initial list and every relist). */
  onList(items: ApiObject[]): void;
  /**
   * Instead of onList: the full state page by page (`first` starts a list, `last` ends it), so a list of 30,000 pods
   * never holds 30,000 raw objects at once. A list cut short by an error is started again from its first page.
   */
  onListPage?(items: ApiObject[], first: boolean, last: boolean): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: ApiObject): void;
  onStatus(status: StreamStatus, error?: ApiError): void;
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch timeout (the server closes the watch, we resume). */
  watchTimeoutSeconds?: number;
  pageSize?: number;
  /** Server-side filter (endpoints.ts eventReasonSelector): the list and the watch carry it. */
  fieldSelector?: string;
}

const sleep = (ms: number, signal: { stopped: boolean }) =>
  new Promise<void>((resolve) => {
    const started = Date.now();
    const tick = () => (signal.stopped || Date.now() - started >= ms ? resolve() : setTimeout(tick, Math.min(100, ms)));
    tick();
  });

export class ListWatch {
  resourceVersion: string | undefined;
  /** Number of full lists done (1 = initial; more = relists after 410 or errors). */
  lists = 0;
  /** Watch (re)connections made. */
  watches = 0;
  status: StreamStatus = 'connecting';
  lastError: ApiError | undefined;
  private readonly flags = { stopped: false };
  private handle: WatchHandle | undefined;
  /** Ends the pending watchOnce() (stop()). */
  private cancelWatch: (() => void) | undefined;
  private wasLive = false;
  private running: Promise<void> | undefined;
  private firstList: Promise<void>;
  private resolveFirstList!: () => void;

  constructor(private readonly o: ListWatchOptions) {
    this.firstList = new Promise((r) => (this.resolveFirstList = r));
  }

  /** Starts the loop; resolves once the stream is live (listed and watching), forbidden or offline. */
  start(): Promise<void> {
    this.running ??= this.loop().finally(() => this.resolveFirstList());
    return this.firstList;
  }

  /** Resolves when the loop ended (after stop(), a forbidden answer, or a one-shot list). */
  done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.flags.stopped = true;
    this.handle?.abort();
    this.cancelWatch?.();
    this.setStatus('stopped');
    await this.running;
  }

  private setStatus(status: StreamStatus, error?: ApiError): void {
    if (error !== undefined) this.lastError = error;
    if (status === this.status && error === undefined) return;
    this.status = status;
    if (status === 'live') this.wasLive = true;
    // start() resolves once the stream is watching (or known to fail).
    if (status !== 'connecting') this.resolveFirstList();
    this.o.onStatus(status, error);
  }

  private async list(): Promise<void> {
    const items: ApiObject[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    let first = true;
    const paged = this.o.onListPage?.bind(this.o);
    do {
      const q: Record<string, string> = { limit: String(this.o.pageSize ?? 500) };
      if (cont !== undefined) q['continue'] = cont;
      if (this.o.fieldSelector !== undefined) q['fieldSelector'] = this.o.fieldSelector;
      const page = await this.o.api.get(this.o.path, q);
      const meta = (page['metadata'] ?? {}) as { resourceVersion?: string; continue?: string };
      rv = meta.resourceVersion;
      cont = meta.continue !== undefined && meta.continue !== '' ? meta.continue : undefined;
      const pageItems = (page['items'] as ApiObject[] | undefined) ?? [];
      if (paged !== undefined) {
        if (this.flags.stopped) return;
        paged(pageItems, first, cont === undefined);
        first = false;
      } else for (const item of pageItems) items.push(item);
    } while (cont !== undefined && !this.flags.stopped);
    if (this.flags.stopped && cont !== undefined) return;
    this.resourceVersion = rv;
    this.lists++;
    if (paged === undefined) this.o.onList(items);
  }

  private watchOnce(): Promise<'closed' | 'gone' | ApiError> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: 'closed' | 'gone' | ApiError) => {
        if (settled) return;
        settled = true;
        this.cancelWatch = undefined;
        this.handle?.abort();
        this.handle = undefined;
        resolve(v);
      };
      this.cancelWatch = () => finish('closed');
      const query: Record<string, string | number | boolean | undefined> = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.o.watchTimeoutSeconds ?? 300,
      };
      if (this.o.fieldSelector !== undefined) query['fieldSelector'] = this.o.fieldSelector;
      this.watches++;
      this.o.api
        .watch(
          this.o.path,
          query,
          (type, object) => {
            if (settled) return;
            if (type === 'ERROR') {
              const code = typeof object['code'] === 'number' ? object['code'] : 0;
              if (code === 410) finish('gone');
              else
                finish(
                  new ApiError(
                    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cluster JSON: text of whatever the field holds
                    String(object['message'] ?? 'watch error'),
                    code,
                    typeof object['reason'] === 'string' ? object['reason'] : undefined,
                  ),
                );
              return;
            }
            const rv = (object['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
            if (type === 'BOOKMARK') {
              if (rv !== undefined) this.resourceVersion = rv;
              return;
            }
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
              this.o.onEvent(type, object);
              if (rv !== undefined) this.resourceVersion = rv;
            }
          },
          (err) => finish(err ?? 'closed'),
        )
        .then(
          (handle) => {
            if (settled) handle.abort();
            else {
              this.handle = handle;
              this.setStatus('live');
            }
          },
          (err: unknown) => finish(err instanceof ApiError ? err : new ApiError(String(err), 0)),
        );
    });
  }

  private async loop(): Promise<void> {
    const initial = this.o.backoff?.initialMs ?? 500;
    const max = this.o.backoff?.maxMs ?? 10_000;
    let delay = initial;
    while (!this.flags.stopped) {
      try {
        if (this.resourceVersion === undefined) {
          await this.list();
          delay = initial;
        }
        if (!this.o.watch) {
          this.setStatus('live');
          return;
        }
        const started = Date.now();
        const result = await this.watchOnce();
        if (this.flags.stopped) return;
        if (result === 'gone') {
          this.resourceVersion = undefined; // relist
          continue;
        }
        if (result === 'closed') {
          delay = initial;
          // A watch that closes at once repeatedly (proxy, overloaded server) must not spin.
          if (Date.now() - started < 1000) await sleep(initial, this.flags);
          continue;
        }
        throw result;
      } catch (error) {
        if (this.flags.stopped) return;
        const e = error instanceof ApiError ? error : new ApiError(String(error), 0);
        const next = streamStatusAfterError(e.status, this.wasLive);
        if (next === 'forbidden') {
          this.setStatus('forbidden', e);
          this.resolveFirstList();
          return;
        }
        if (next === 'relist') {
          this.resourceVersion = undefined;
          continue;
        }
        this.setStatus(next, e);
        this.resolveFirstList();
        if (!this.o.watch) return;
        await sleep(delay, this.flags);
        delay = Math.min(max, delay * 2);
      }
    }
  }
}
