#!/usr/bin/env node
// `npm run screenshots`: docs/images/{problems,hover,priority-map,live-events}.png from the real workbench, through the
// e2e harness. The extension is loaded in development mode so the live view can show fixture rows
// (KPL_LIVE_EVENTS_FIXTURE is ignored in production). Needs: install-code-server.sh and `node esbuild.mjs`.
// `npm run screenshots -- --cluster`: docs/images/{live-events,diagnose-pod}.png on the real local control plane
// instead: the cluster is started (out/test/real-cluster/cli.js up), the extension pointed at it, and once it reports
// the cluster live the demo's story plays (examples/ci-preemption's manifests, real kube-scheduler preemptions); then
// the live view and a Diagnose Pod report of a preempted test pod are taken. The live view's layout is measured
// first (test/e2e/ui/live-layout.js): a cut pill or a wrapped node name fails the run instead of reaching the README.
// Needs scripts/cluster/build.sh as well.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startCodeServer, launchBrowser, workbenchUrl } = require('../../test/e2e/harness/code-server-run.js');
const { measureLiveLayout, liveLayoutProblems } = require('../../test/e2e/ui/live-layout.js');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'docs', 'images');
const workspace = path.join(root, 'examples', 'ci-preemption');

async function main() {
  if (process.argv.includes('--cluster')) return clusterShots();
  const fixtureModule = path.join(root, 'out', 'test', 'e2e', 'suite', 'live-fixture.js');
  if (!fs.existsSync(fixtureModule)) throw new Error('build first: node esbuild.mjs');
  const { makeLiveRows } = require(fixtureModule);
  const fixture = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-shots-')), 'live.json');
  fs.writeFileSync(fixture, JSON.stringify(makeLiveRows(1200, 240)));
  fs.mkdirSync(out, { recursive: true });

  const cs = await startCodeServer({
    workspace,
    env: { KPL_LIVE_EVENTS_FIXTURE: fixture },
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(cs.host, workspace, { devPaths: [root] }));
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    const command = async (title) => {
      await page.locator('.part.sidebar .title-label').first().click();
      await page.keyboard.press('F1');
      await page.keyboard.type(title);
      await page
        .locator(`.quick-input-list .monaco-list-row:visible:has-text(${JSON.stringify(title)})`)
        .first()
        .waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
    };
    const frameWith = async (selector) => {
      for (let i = 0; i < 100; i++) {
        for (const f of page.frames()) if (await f.$(selector).catch(() => null)) return f;
        await page.waitForTimeout(200);
      }
      throw new Error(`no frame with ${selector}`);
    };

    // Problems
    await page.keyboard.press('Control+P');
    await page.keyboard.type('test-job.yaml');
    await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="test-job.yaml"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .view-lines:has-text("integration-tests")');
    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 45_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(out, 'problems.png') });

    // Hover on the Job's name
    await page.keyboard.press('Control+Shift+M');
    const span = page
      .locator('.monaco-editor .view-line', { hasText: 'name: integration-tests' })
      .first()
      .locator('span span', { hasText: 'integration-tests' })
      .first();
    for (let i = 0; i < 6; i++) {
      await page.mouse.move(0, 0);
      await span.hover();
      if (
        await page
          .locator('.monaco-hover-content:visible')
          .first()
          .waitFor({ timeout: 4000 })
          .then(
            () => true,
            () => false,
          )
      )
        break;
    }
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, 'hover.png') });
    await page.mouse.move(0, 0);

    // Priority Map, with the panel closed for room
    await command('View: Toggle Panel Visibility');
    await command('Kube Priority Lens: Show Priority Map');
    await frameWith('.ladder .rung');
    await page.waitForTimeout(1200);
    await page.screenshot({ path: path.join(out, 'priority-map.png') });

    // Live Preemptions & Evictions (fixture rows), alone in the window
    await page.keyboard.press('Escape');
    await command('View: Close All Editors');
    await command('Kube Priority Lens: Show Live Preemptions & Evictions');
    const live = await frameWith('.viewport .ev-row');
    await command('View: Toggle Primary Side Bar Visibility');
    await page.waitForTimeout(800);
    await live
      .locator('.ev-row')
      .nth(2)
      .click()
      .catch(() => {});
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, 'live-events.png') });
    console.log(`screenshots written to ${path.relative(root, out)}/`);
  } finally {
    await browser.close().catch(() => {});
    await cs.stop();
    fs.rmSync(path.dirname(fixture), { recursive: true, force: true });
  }
}

/** Runs a command from the palette (focus first out of any webview: they swallow F1). */
async function paletteCommand(page, title) {
  await page.locator('.part.sidebar .title-label').first().click();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input:visible').first();
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page
    .locator(`.quick-input-list .monaco-list-row:visible:has-text(${JSON.stringify(title)})`)
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The frame (webviews are nested iframes) holding `selector` whose text includes `text`. */
async function frameWithText(page, selector, text, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      const ok = await f
        .evaluate(([s, t]) => [...document.querySelectorAll(s)].some((e) => (e.textContent || '').includes(t)), [selector, text])
        .catch(() => false);
      if (ok) return f;
    }
    await page.waitForTimeout(300);
  }
  throw new Error(`no frame with ${selector} containing ${JSON.stringify(text)} after ${timeoutMs} ms`);
}

async function clusterShots() {
  const cli = path.join(root, 'out', 'test', 'real-cluster', 'cli.js');
  if (!fs.existsSync(cli) || !fs.existsSync(path.join(root, 'dist', 'client.js'))) throw new Error('build first: node esbuild.mjs');
  const build = spawnSync('bash', [path.join(root, 'scripts', 'cluster', 'build.sh')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/cluster/build.sh failed');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-shots-cluster-'));
  const clusterDir = path.join(tmp, 'cluster');
  const markers = path.join(tmp, 'markers');
  fs.mkdirSync(markers);
  fs.mkdirSync(out, { recursive: true });
  // The demo's cluster: nodes of 2500m CPU (example-story.ts).
  const up = spawnSync(process.execPath, [cli, 'up', '--nodes', '3', '--cpu', '2500m', '--memory', '16Gi', '--dir', clusterDir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (up.status !== 0) throw new Error('the local cluster did not start (cli.js up)');
  const kubeconfig = up.stdout.split('\n')[0].trim();
  let cs;
  let browser;
  try {
    cs = await startCodeServer({
      workspace,
      env: { KPL_DEMO_DIR: markers },
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        'editor.minimap.enabled': false,
        'kubePriorityLens.kubeconfig': kubeconfig,
      },
    });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(cs.host, workspace, { devPaths: [root] }));
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    // The view is open before the story, as for a user; the story starts when the extension reports the cluster live.
    await paletteCommand(page, 'Kube Priority Lens: Show Live Preemptions & Evictions');
    const end = Date.now() + 90_000;
    while (!fs.existsSync(path.join(markers, 'live'))) {
      if (Date.now() > end) throw new Error('the extension never reported the cluster live');
      await page.waitForTimeout(500);
    }
    console.log('screenshots: cluster live; playing the demo story…');
    const story = spawnSync(process.execPath, [cli, 'example-story', '--dir', clusterDir], { cwd: root, encoding: 'utf8' });
    if (story.status !== 0) throw new Error(`example-story failed: ${story.stderr}`);
    const facts = JSON.parse(story.stdout);
    const victim = facts.preemptions[0]?.victim;
    if (!victim) throw new Error(`the story preempted nothing: ${story.stdout}`);
    const live = await frameWithText(page, '.viewport .ev-row', victim, 60_000);
    await page.waitForTimeout(2500); // the Job's BackoffLimitExceeded and later rows
    const problems = liveLayoutProblems(await measureLiveLayout(live), 1280);
    if (problems.length > 0) throw new Error(`live view layout:\n${problems.join('\n')}`);
    await page.screenshot({ path: path.join(out, 'live-events.png') });

    // Diagnose Pod of the preempted test pod, picked from the quick pick by typing its name.
    await paletteCommand(page, 'Kube Priority Lens: Diagnose Pod');
    const pick = page.locator('.quick-input-widget input:visible').first();
    await pick.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1500); // the victims are listed first
    await page.screenshot({ path: path.join(tmp, 'picker.png') });
    await pick.fill(`ci/${victim}`);
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    await frameWithText(page, 'h1, h2, p', 'Preempted by', 60_000);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(out, 'diagnose-pod.png') });
    console.log(`screenshots written to ${path.relative(root, out)}/ (live-events.png, diagnose-pod.png; victim ci/${victim})`);
  } finally {
    await browser?.close().catch(() => {});
    await cs?.stop();
    spawnSync(process.execPath, [cli, 'down', '--dir', clusterDir], { cwd: root, stdio: 'inherit' });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
