#!/usr/bin/env node
// `npm run screenshots`: docs/images/{problems,hover,priority-map,live-events}.png from the real workbench, through the
// e2e harness. The extension is loaded in development mode so the live view can show fixture rows
// (KPL_LIVE_EVENTS_FIXTURE is ignored in production). Needs: install-code-server.sh and `node esbuild.mjs`.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startCodeServer, launchBrowser, workbenchUrl } = require('../../test/e2e/harness/code-server-run.js');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'docs', 'images');
const workspace = path.join(root, 'examples', 'ci-preemption');

async function main() {
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
