#!/usr/bin/env node
// Production-mode proof in real VS Code (code-server): the packaged VSIX is installed (so the extension runs in
// ExtensionMode.Production, as users get it) and a stand-in extension under test runs suite/production.test.ts, acting
// as any other extension or a command link would: it calls Export/Clear Preemption History with the test-only
// arguments (`{path}`, `{confirm: false}`) and revealWorkloads with a file outside the workspace. None may take effect.
// The history the server would clear is seeded first (the extension's global storage, where it keeps it).
// Prints `e2e[extension-host, production mode]: N passed, M failed`; exit code = result.
// Prerequisites: scripts/e2e/install-code-server.sh, `npm run package` (dist/kube-priority-lens.vsix), `node esbuild.mjs`.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { installExtension } = require('./harness/code-server-run.js');

const root = path.resolve(__dirname, '..', '..');
const VSIX = process.env.KPL_VSIX || path.join(root, 'dist', 'kube-priority-lens.vsix');
const EXTENSION_ID = 'kube-priority-lens.kube-priority-lens';

function main() {
  const testsPath = path.join(root, 'out', 'test', 'e2e', 'suite', 'index.js');
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} missing: run \`npm run package\``);
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} missing: run \`node esbuild.mjs\``);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-production-'));
  const extensionsDir = path.join(base, 'ext');
  const userDataDir = path.join(base, 'ud');
  installExtension(VSIX, extensionsDir, userDataDir);
  // The extension's globalStorageUri in code-server: <user-data-dir>/User/globalStorage/<id>; the server keeps its
  // history there (history.jsonl). One recorded preemption, recent enough to survive the retention on load.
  const historyDir = path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID);
  fs.mkdirSync(historyDir, { recursive: true });
  const at = new Date().toISOString();
  const event = {
    uid: 'kpl-production-seeded-event',
    resourceVersion: '1',
    reason: 'Preempted',
    note: 'Preempted by pod 29a25210-aaaa-bbbb-cccc-0123456789ab on node node-a',
    time: at,
    regarding: { kind: 'Pod', namespace: 'ci', name: 'seeded-victim', uid: 'seeded-victim-uid' },
  };
  fs.writeFileSync(
    path.join(historyDir, 'history.jsonl'),
    `${JSON.stringify({ 'kube-priority-lens-history': 1 })}\n${JSON.stringify({ type: 'event', at, event })}\n`,
  );
  // The stand-in extension under test: contributes nothing, only hosts the suite (like a third-party extension).
  const prober = path.join(base, 'prober');
  fs.mkdirSync(prober);
  fs.writeFileSync(
    path.join(prober, 'package.json'),
    JSON.stringify({ name: 'kpl-production-prober', publisher: 'test', version: '0.0.0', engines: { vscode: '*' } }),
  );
  const workspace = path.resolve(root, process.env.KPL_E2E_WORKSPACE || 'examples/ci-preemption');
  const r = spawnSync(
    process.execPath,
    [
      path.join(__dirname, 'harness', 'code-server-run.js'),
      `--extensionDevelopmentPath=${prober}`,
      `--extensionTestsPath=${testsPath}`,
      `--extensions-dir=${extensionsDir}`,
      `--user-data-dir=${userDataDir}`,
      workspace,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        KPL_E2E_PRODUCTION: '1',
        KPL_E2E_EXTENSIONS_DIR: extensionsDir,
        KPL_E2E_HISTORY_FILE: path.join(historyDir, 'history.jsonl'),
        KPL_E2E_SCRATCH: base,
        // Never a developer's own cluster.
        KUBECONFIG: path.join(base, 'no-kubeconfig'),
      },
    },
  );
  if (r.status === 0 && !process.env.KPL_E2E_KEEP_LOGS) fs.rmSync(base, { recursive: true, force: true });
  else console.error(`production-mode run files: ${base}`);
  return r.status ?? 1;
}

try {
  process.exit(main());
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  console.log('e2e[extension-host, production mode]: 0 passed, 1 failed');
  process.exit(1);
}
