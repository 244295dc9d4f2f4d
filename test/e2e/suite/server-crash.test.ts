// The language server killed under the editor: the client restarts it (BoundedRestartErrorHandler) and every feature
// comes back without user action. Linux: the server process is found through /proc as a child of this extension host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { api, findingWithCode, EXPECTED_CODES, waitFor, workloadHover } from './helpers';

/** PIDs of this extension host's children running the bundled language server. */
function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((a) => a.endsWith('dist/server.js'))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe('language server crash', () => {
  before(async () => {
    await (await api()).whenServerStarted();
    await findingWithCode(EXPECTED_CODES);
  });

  it('is restarted by the client, and findings and hovers come back', async () => {
    assert.equal(process.platform, 'linux', 'this test finds the server process through /proc');
    const [before] = await waitFor('the language server process', () => (serverPids().length === 1 ? serverPids() : undefined));
    assert.ok(before !== undefined);
    process.kill(before, 'SIGKILL');
    const [after] = await waitFor(
      'a restarted language server process',
      () => {
        const pids = serverPids().filter((p) => p !== before);
        return pids.length === 1 ? pids : undefined;
      },
      60_000,
    );
    assert.ok(after !== undefined && after !== before);
    // The new server indexes the workspace again and serves every feature.
    await findingWithCode(EXPECTED_CODES, 60_000);
    assert.match(await workloadHover(60_000), /priorit/i);
    assert.deepEqual(serverPids(), [after], 'exactly one server runs after the restart');
  });
});
