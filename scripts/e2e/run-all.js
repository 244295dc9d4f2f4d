#!/usr/bin/env node
// `npm run test:e2e`: install code-server (cached), build, package the VSIX, then run
//   1. the extension-host mocha suite (trusted profile) through @vscode/test-electron + the code-server harness,
//   2. the same suite's Restricted Mode part (untrusted profile), then the rendered Helm example and the Kueue example,
//   3. the installed VSIX in production mode, driven by another extension (test-only command arguments ignored),
//   4. the playwright UI suite against the installed VSIX.
// Ends with one plain line: `e2e: N passed, M failed`. Exit 1 if anything failed or a suite died without a summary.
// Options: --skip-install, --skip-ui, --prove-failure (also run scripts/e2e/prove-failure.js).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const timings = [];

function step(name, cmd, args, env) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  timings.push([name, Date.now() - t0]);
  if (r.status !== 0) {
    console.error(`${name} failed (exit ${r.status ?? r.signal})`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  }
}

/** Runs a suite, streams its output, and reads its `e2e[...]: N passed, M failed` line. */
function suite(name, cmd, args, env) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => {
      timings.push([name, Date.now() - t0]);
      const m = [...out.matchAll(/^e2e\[[^\]]*\]: (\d+) passed, (\d+) failed/gm)].pop();
      const passed = m ? Number(m[1]) : 0;
      let failed = m ? Number(m[2]) : 0;
      // A suite that crashed, timed out or never activated has no (or a contradicting) summary: count it as a failure.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ name, passed, failed, code });
    });
  });
}

(async () => {
  if (!argv.includes('--skip-install')) step('install code-server', 'bash', [path.join(__dirname, 'install-code-server.sh')]);
  step('package (production build + vsce)', 'npm', ['run', '--silent', 'package']);
  step('build (with tests)', process.execPath, ['esbuild.mjs']);
  const results = [];
  results.push(await suite('extension host', process.execPath, ['test/e2e/run-tests.js']));
  results.push(await suite('extension host, untrusted', process.execPath, ['test/e2e/run-tests.js'], { KPL_E2E_TRUST: '1' }));
  {
    // The rendered Helm example in a temporary copy (the suite applies a quick fix), helm from scripts/render/build.sh
    // named by the machine-scoped setting, as a user would set it.
    const bin = spawnSync('bash', ['scripts/render/build.sh', '--print-bin-dir'], { cwd: root, encoding: 'utf8' }).stdout.trim();
    step('build helm and kustomize (cached)', 'bash', ['scripts/render/build.sh']);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-e2e-helm-'));
    fs.cpSync(path.join(root, 'examples', 'ci-preemption-helm'), copy, { recursive: true });
    const settings = { 'kubePriorityLens.render.helmPath': path.join(bin, 'helm') };
    results.push(
      await suite('extension host, rendered chart', process.execPath, ['test/e2e/run-tests.js'], {
        KPL_E2E_RENDER: '1',
        KPL_E2E_WORKSPACE: copy,
        KPL_E2E_SETTINGS: JSON.stringify(settings),
      }),
    );
    fs.rmSync(copy, { recursive: true, force: true });
  }
  results.push(
    await suite('extension host, Kueue example', process.execPath, ['test/e2e/run-tests.js'], {
      KPL_E2E_KUEUE: '1',
      KPL_E2E_WORKSPACE: 'examples/ci-preemption-kueue',
    }),
  );
  results.push(await suite('extension host, production mode', process.execPath, ['test/e2e/run-production.js']));
  if (!argv.includes('--skip-ui')) results.push(await suite('ui', process.execPath, ['test/e2e/ui/run-ui.js']));
  if (argv.includes('--prove-failure')) results.push(await suite('prove failure', process.execPath, ['scripts/e2e/prove-failure.js']));
  console.log('\ntimings:');
  for (const [n, ms] of timings) console.log(`  ${n.padEnd(36)} ${(ms / 1000).toFixed(1)} s`);
  for (const r of results) console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed (exit ${r.code})`);
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
})();
