#!/usr/bin/env node
// Runs the extension-host e2e suite (test/e2e/suite → out/test/e2e/suite) through @vscode/test-electron's runTests.
//
// Here (offline, headless) `vscodeExecutablePath` is the code-server harness, which takes the desktop `code` CLI
// arguments. On a machine with desktop VS Code, run the same suite in Electron with:
//   VSCODE_EXECUTABLE=/path/to/code node test/e2e/run-tests.js        (on headless Linux: xvfb-run -a ...)
// or unset VSCODE_EXECUTABLE and set KPL_E2E_DOWNLOAD=1 to let test-electron download a VS Code build (needs internet).
//
// Environment:
//   KPL_E2E_WORKSPACE       folder to open (default examples/ci-preemption)
//   KPL_E2E_EXTENSION_PATH  extension under test (default: the repo). Point it elsewhere to prove the suite fails.
//   KPL_E2E_TRUST=1         untrusted profile (workspace trust on): runs only suite/untrusted.test.js
//   KPL_E2E_KUEUE=1         with KPL_E2E_WORKSPACE=examples/ci-preemption-kueue: only suite/kueue.test.js
//   KPL_E2E_LIVE=FILE       real-cluster run: only suite/live-cluster.test.js, FILE = {kubeconfig, context, preemptions}
//                           (started by test/real-cluster/vscode-live.test.ts in `npm run test:cluster`)
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');

async function main() {
  const extensionTestsPath = path.join(root, 'out', 'test', 'e2e', 'suite', 'index.js');
  if (!fs.existsSync(extensionTestsPath)) throw new Error(`${extensionTestsPath} missing: run \`node esbuild.mjs\` first`);
  const workspace = path.resolve(root, process.env.KPL_E2E_WORKSPACE || 'examples/ci-preemption');
  const desktop = process.env.VSCODE_EXECUTABLE || (process.env.KPL_E2E_DOWNLOAD === '1' ? undefined : null);
  const options = {
    extensionDevelopmentPath: path.resolve(process.env.KPL_E2E_EXTENSION_PATH || root),
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions'],
    extensionTestsEnv: {
      KPL_E2E: '1',
      KPL_E2E_TRUST: process.env.KPL_E2E_TRUST || '',
      KPL_E2E_LIVE: process.env.KPL_E2E_LIVE || '',
      KPL_E2E_RENDER: process.env.KPL_E2E_RENDER || '',
      KPL_E2E_KUEUE: process.env.KPL_E2E_KUEUE || '',
      KPL_DEMO_DIR: process.env.KPL_DEMO_DIR || '',
    },
  };
  if (desktop === null) options.vscodeExecutablePath = path.join(__dirname, 'harness', 'code-server-run.js');
  else if (desktop) options.vscodeExecutablePath = desktop;
  return runTests(options);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Failed to run tests: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
