import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HistoryStore } from '../../server/src/cluster/history';
import type { HistoryRecord } from '../../server/src/cluster/history';
import type { EventRecord, PodRecord } from '../../server/src/core/index';

function ev(
  i: number,
  at = '2026-11-20T10:00:00Z',
  note = `Preempted by pod 29a25210-aaaa-bbbb-cccc-0123456789ab on node node-${i}`,
): HistoryRecord {
  const event: EventRecord = {
    uid: `ev-${i}`,
    resourceVersion: String(i),
    reason: 'Preempted',
    type: 'Normal',
    note,
    time: at,
    regarding: { kind: 'Pod', namespace: 'ci', name: `p-${i}`, uid: `uid-${i}` },
  };
  return { type: 'event', at, event };
}
function podRec(uid: string, at: string): HistoryRecord {
  const pod: PodRecord = {
    uid,
    name: `pod-${uid}`,
    namespace: 'ci',
    priority: 100,
    priorityClassName: 'ci-default',
    owners: [{ kind: 'Job', name: 'j' }],
    deletedAt: at,
  };
  return { type: 'pod', at, pod };
}
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-history-'));

// Child mode: append records in a tight loop until killed (spawned by the SIGKILL test below).
const childDir = process.env['KPL_HISTORY_CHILD'];
if (childDir !== undefined) {
  void (async () => {
    const store = await HistoryStore.open({ dir: childDir, now: () => Date.parse('2026-11-20T12:00:00Z') });
    // Notes are capped at 4 KiB (issue 14): ~200 KB per append comes from 50 records of ~4 KB each.
    const big = 'x'.repeat(4000);
    for (let i = 0; ; i++) {
      await store.append(Array.from({ length: 50 }, (_, k) => ev(i * 50 + k, '2026-11-20T11:00:00Z', `${big}${i}`)));
      if (i === 3) process.stdout.write('ready\n');
    }
  })();
} else {
  const now = () => Date.parse('2026-11-21T00:00:00Z');

  test('append, reload, dedupe by uid + resourceVersion', async () => {
    const dir = tmp();
    const s = await HistoryStore.open({ dir, now });
    await s.append([ev(1), ev(2), podRec('a', '2026-11-20T10:00:00Z')]);
    await s.append([ev(1), ev(2)]); // same resourceVersion: not written again
    await s.flush();
    const lines = fs.readFileSync(s.file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 4, 'header + 3 records');
    const updated = ev(1);
    if (updated.type === 'event') updated.event.resourceVersion = '99';
    await s.append([updated]);
    await s.flush();
    const again = await HistoryStore.open({ dir, now });
    assert.equal(again.events().length, 2);
    assert.equal(again.events().find((e) => e.uid === 'ev-1')?.resourceVersion, '99');
    assert.equal(again.pods()[0]?.name, 'pod-a');
    assert.deepEqual(again.messages, []);
  });

  test('retention (days) and maxRecords bound the store; compaction is atomic (no temp file left)', async () => {
    const dir = tmp();
    const s = await HistoryStore.open({ dir, now, retentionDays: 30, maxRecords: 100 });
    await s.append([ev(0, '2026-09-01T00:00:00Z')]); // older than 30 days
    const many: HistoryRecord[] = [];
    for (let i = 1; i <= 150; i++)
      many.push(ev(i, `2026-11-20T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`));
    await s.append(many);
    await s.compact();
    assert.equal(s.size, 100);
    assert.ok(!s.events().some((e) => e.uid === 'ev-0'));
    assert.ok(
      s.events().some((e) => e.uid === 'ev-150'),
      'newest kept',
    );
    assert.ok(!s.events().some((e) => e.uid === 'ev-1'), 'oldest dropped');
    assert.deepEqual(fs.readdirSync(dir), ['history.jsonl']);
    const reopened = await HistoryStore.open({ dir, now, retentionDays: 30, maxRecords: 100 });
    assert.equal(reopened.size, 100);
  });

  test('a partial last line (interrupted write) is dropped, the rest loads', async () => {
    const dir = tmp();
    const s = await HistoryStore.open({ dir, now });
    await s.append([ev(1), ev(2)]);
    await s.flush();
    fs.appendFileSync(s.file, JSON.stringify(ev(3)).slice(0, 40));
    const again = await HistoryStore.open({ dir, now });
    assert.equal(again.size, 2);
    assert.match(again.messages[0] ?? '', /incomplete last record/);
    assert.ok(fs.readFileSync(again.file, 'utf8').endsWith('\n'), 'repaired');
  });

  test('a corrupted file is moved aside with a message; readable records are kept', async () => {
    const dir = tmp();
    const s = await HistoryStore.open({ dir, now });
    await s.append([ev(1), ev(2)]);
    await s.flush();
    const text = fs.readFileSync(s.file, 'utf8').split('\n');
    text.splice(2, 0, '\u0000\u0001garbage{');
    fs.writeFileSync(s.file, text.join('\n'));
    const again = await HistoryStore.open({ dir, now });
    assert.equal(again.size, 2);
    assert.match(again.messages[0] ?? '', /was corrupted \(1 unreadable line\); moved it to .*history\.jsonl\.corrupt-/);
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1);
    // A file that is not a history file at all.
    const dir2 = tmp();
    fs.writeFileSync(path.join(dir2, 'history.jsonl'), 'hello world\n');
    const other = await HistoryStore.open({ dir: dir2, now });
    assert.equal(other.size, 0);
    assert.match(other.messages[0] ?? '', /corrupted/);
  });

  test('export JSON and CSV (escaped, formula-safe), clear', async () => {
    const dir = tmp();
    const s = await HistoryStore.open({ dir, now });
    await s.append([ev(1, '2026-11-20T10:00:00Z', '=cmd|"quoted", comma'), podRec('uid-1', '2026-11-20T10:00:00Z')]);
    const json = JSON.parse(s.exportJson()) as { events: EventRecord[]; pods: PodRecord[] };
    assert.equal(json.events.length, 1);
    assert.equal(json.pods.length, 1);
    const csv = s.exportCsv().trim().split('\n');
    assert.equal(csv[0], 'time,reason,type,namespace,kind,name,uid,priority,priorityClassName,node,related,count,note');
    assert.equal(csv[1], `2026-11-20T10:00:00Z,Preempted,Normal,ci,Pod,p-1,uid-1,100,ci-default,,,,"'=cmd|""quoted"", comma"`);
    await s.clear();
    assert.equal(s.size, 0);
    assert.equal((await HistoryStore.open({ dir, now })).size, 0);
  });

  const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;

  test(
    'modes: directory 0700, files 0600 whatever the umask; the temp file is created exclusively',
    { skip: process.platform === 'win32' ? 'no POSIX modes' : false },
    async () => {
      const root = tmp();
      const previous = process.umask(0); // modes must not come from the umask (0 would give 0777/0666)
      try {
        const dir = path.join(root, 'globalStorage', 'history');
        const s = await HistoryStore.open({ dir, now, maxRecords: 100 });
        await s.append([ev(1), podRec('a', '2026-11-20T10:00:00Z')]);
        await s.flush();
        assert.equal(modeOf(dir).toString(8), '700');
        assert.equal(modeOf(path.join(root, 'globalStorage')).toString(8), '700', 'parents created on the way too');
        assert.equal(modeOf(s.file).toString(8), '600', 'the appended file');
        // A link planted at the temp path is not written through: compaction removes it and writes a fresh file.
        const victim = path.join(root, 'victim.txt');
        fs.writeFileSync(victim, 'untouched');
        const tmpPath = `${s.file}.tmp-${process.pid}`;
        fs.symlinkSync(victim, tmpPath);
        await s.compact();
        assert.equal(fs.readFileSync(victim, 'utf8'), 'untouched');
        assert.ok(!fs.existsSync(tmpPath));
        assert.equal(modeOf(s.file).toString(8), '600', 'the compacted file');
        assert.equal((await HistoryStore.open({ dir, now })).size, 2);
        // A corrupted file moved aside stays private too.
        fs.appendFileSync(s.file, 'not json\n');
        const reopened = await HistoryStore.open({ dir, now });
        const aside = fs.readdirSync(dir).filter((n) => n.includes('.corrupt-'));
        assert.equal(aside.length, 1, reopened.messages.join('\n'));
        assert.equal(modeOf(path.join(dir, aside[0] ?? '')).toString(8), '600');
      } finally {
        process.umask(previous);
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  );

  test(
    'modes: a store left world-readable by an earlier version is tightened; a shared directory keeps its mode',
    { skip: process.platform === 'win32' ? 'no POSIX modes' : false },
    async () => {
      const own = tmp();
      const shared = tmp();
      try {
        for (const dir of [own, shared]) {
          fs.chmodSync(dir, 0o755);
          fs.writeFileSync(
            path.join(dir, 'history.jsonl'),
            `${JSON.stringify({ 'kube-priority-lens-history': 1 })}\n${JSON.stringify(ev(1))}\n`,
            { mode: 0o644 },
          );
          fs.chmodSync(path.join(dir, 'history.jsonl'), 0o644);
        }
        fs.writeFileSync(path.join(shared, 'notes.txt'), 'mine');
        fs.chmodSync(path.join(shared, 'notes.txt'), 0o644);
        assert.equal((await HistoryStore.open({ dir: own, now })).size, 1);
        assert.equal((await HistoryStore.open({ dir: shared, now })).size, 1);
        assert.equal(modeOf(own).toString(8), '700', "the store's own directory");
        assert.equal(modeOf(path.join(own, 'history.jsonl')).toString(8), '600');
        assert.equal(modeOf(shared).toString(8), '755', "a directory with other files is not the store's to change");
        assert.equal(modeOf(path.join(shared, 'history.jsonl')).toString(8), '600');
        assert.equal(modeOf(path.join(shared, 'notes.txt')).toString(8), '644', 'other files untouched');
      } finally {
        fs.rmSync(own, { recursive: true, force: true });
        fs.rmSync(shared, { recursive: true, force: true });
      }
    },
  );

  test('a writer killed with SIGKILL mid-write leaves a store that loads', async (t) => {
    const dir = tmp();
    const child = spawn(process.execPath, [__filename], {
      env: { ...process.env, KPL_HISTORY_CHILD: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early: ${code}`)));
    });
    // Let it write a while, then kill it at an arbitrary point.
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 100)));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const file = path.join(dir, 'history.jsonl');
    const size = fs.statSync(file).size;
    const endsClean = fs.readFileSync(file, 'utf8').endsWith('\n');
    const s = await HistoryStore.open({ dir, now: () => Date.parse('2026-11-20T12:00:00Z') });
    t.diagnostic(
      `file ${size} bytes when killed; ends with newline: ${endsClean}; loaded ${s.size} records; messages: ${JSON.stringify(s.messages)}`,
    );
    assert.ok(s.size >= 4, 'records written before the kill are there');
    for (const e of s.events()) assert.ok(e.note.startsWith('xxx'), 'every loaded record is complete');
    // Still writable after recovery.
    await s.append([ev(1_000_000)]);
    await s.flush();
    assert.equal((await HistoryStore.open({ dir, now: () => Date.parse('2026-11-20T12:00:00Z') })).size, s.size);
  });
}
