// ListWatch against a scripted fake API (no network): resume from the last resourceVersion, relist on 410 Gone,
// reconnect with backoff after errors, stop on 403.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../server/src/cluster/api';
import type { ApiClient } from '../../server/src/cluster/api';
import { readPaths } from '../../server/src/cluster/endpoints';
import { ListWatch } from '../../server/src/cluster/list-watch';
import type { StreamStatus } from '../../server/src/cluster/connection-state';
import type { ApiObject } from '../../server/src/core/index';

type WatchScript = (emit: (type: string, o: ApiObject) => void, done: (err: ApiError | undefined) => void) => void;

function fakeApi(lists: Array<ApiObject | ApiError>, watches: WatchScript[]) {
  const calls = { gets: [] as string[], watchQueries: [] as Array<Record<string, unknown>> };
  const api = {
    async get(p: string, query: Record<string, string> = {}): Promise<ApiObject> {
      const q = new URLSearchParams(query).toString();
      calls.gets.push(q === '' ? p : `${p}?${q}`);
      const next = lists.shift();
      if (next === undefined) throw new ApiError('no more lists', 0);
      if (next instanceof ApiError) throw next;
      return next;
    },
    async watch(
      _p: string,
      query: Record<string, unknown>,
      onEvent: (t: string, o: ApiObject) => void,
      done: (err: ApiError | undefined) => void,
    ) {
      calls.watchQueries.push(query);
      const script = watches.shift();
      let aborted = false;
      if (script === undefined) {
        // Hang like an idle watch until aborted.
        return { abort: () => (aborted = true) };
      }
      setTimeout(() => {
        if (!aborted) script(onEvent, done);
      }, 5);
      return { abort: () => (aborted = true) };
    },
  };
  return { api: api as unknown as ApiClient, calls };
}

const pod = (name: string, rv: string): ApiObject => ({ metadata: { name, uid: `uid-${name}`, resourceVersion: rv } });
const list = (rv: string, ...items: ApiObject[]): ApiObject => ({ metadata: { resourceVersion: rv }, items });
const until = async (pred: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('resumes from the last resourceVersion (bookmarks too), relists on 410, reconnects after errors', async () => {
  const { api, calls } = fakeApi(
    [list('10', pod('a', '5')), list('30', pod('a', '5'), pod('c', '25'))],
    [
      (emit, done) => {
        emit('ADDED', pod('b', '11'));
        emit('BOOKMARK', { metadata: { resourceVersion: '15' } });
        done(undefined); // server closed the watch (timeout): resume from 15
      },
      (emit, done) => {
        emit('MODIFIED', pod('b', '16'));
        done(new ApiError('connect ECONNREFUSED', 0)); // apiserver restart
      },
      (emit) => emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 16 (20)' }),
    ],
  );
  const lists: ApiObject[][] = [];
  const events: string[] = [];
  const statuses: StreamStatus[] = [];
  const lw = new ListWatch({
    api,
    path: readPaths.list('pods'),
    watch: true,
    backoff: { initialMs: 10, maxMs: 20 },
    onList: (items) => lists.push(items),
    onEvent: (t, o) => events.push(`${t} ${String((o['metadata'] as ApiObject)['name'])}`),
    onStatus: (s) => statuses.push(s),
  });
  await lw.start();
  await until(() => lists.length === 2 && lw.status === 'live');
  await lw.stop();
  assert.deepEqual(events, ['ADDED b', 'MODIFIED b']);
  assert.deepEqual(
    calls.watchQueries.map((q) => q['resourceVersion']),
    ['10', '15', '16', '30'],
  );
  assert.ok(calls.watchQueries.every((q) => q['allowWatchBookmarks'] === true));
  assert.equal(lw.lists, 2, 'one relist after 410');
  assert.deepEqual(
    lists[1]?.map((o) => (o['metadata'] as ApiObject)['name']),
    ['a', 'c'],
  );
  assert.ok(statuses.includes('reconnecting'), statuses.join(','));
  assert.equal(statuses[statuses.length - 1], 'stopped');
});

test('403 on list: forbidden, no retry loop', async () => {
  const { api, calls } = fakeApi([new ApiError('pods is forbidden: User "x" cannot list resource "pods"', 403)], []);
  const statuses: StreamStatus[] = [];
  const lw = new ListWatch({
    api,
    path: readPaths.list('pods'),
    watch: true,
    onList: () => undefined,
    onEvent: () => undefined,
    onStatus: (s) => statuses.push(s),
  });
  await lw.start();
  await lw.done();
  assert.equal(lw.status, 'forbidden');
  assert.equal(calls.gets.length, 1);
  assert.match(lw.lastError?.message ?? '', /forbidden/);
});

test('unreachable at start: offline, then retries with backoff until stopped', async () => {
  const { api, calls } = fakeApi(
    [new ApiError('connect ECONNREFUSED 127.0.0.1:1', 0), new ApiError('connect ECONNREFUSED 127.0.0.1:1', 0)],
    [],
  );
  const lw = new ListWatch({
    api,
    path: readPaths.list('pods'),
    watch: true,
    backoff: { initialMs: 10, maxMs: 10 },
    onList: () => undefined,
    onEvent: () => undefined,
    onStatus: () => undefined,
  });
  await lw.start();
  assert.equal(lw.status, 'offline');
  await until(() => calls.gets.length >= 3);
  await lw.stop();
  assert.equal(lw.status, 'stopped');
});

test('one-shot (watch: false) lists once, paginated', async () => {
  const { api, calls } = fakeApi(
    [{ metadata: { resourceVersion: '7', continue: 'tok' }, items: [pod('a', '1')] }, list('7', pod('b', '2'))],
    [],
  );
  let items: ApiObject[] = [];
  const lw = new ListWatch({
    api,
    path: readPaths.list('pods'),
    watch: false,
    pageSize: 1,
    onList: (i) => (items = i),
    onEvent: () => undefined,
    onStatus: () => undefined,
  });
  await lw.start();
  await lw.done();
  assert.equal(items.length, 2);
  assert.deepEqual(calls.gets, ['/api/v1/pods?limit=1', '/api/v1/pods?limit=1&continue=tok']);
  assert.equal(calls.watchQueries.length, 0);
});
