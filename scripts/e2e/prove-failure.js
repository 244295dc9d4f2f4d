#!/usr/bin/env node
// Proves the e2e suite is not vacuous: pointed at a folder that is not this extension (so it never activates), the
// extension-host suite must fail with exit 1. Prints `e2e[prove-failure]: 1 passed, 0 failed` when that holds.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const wrong = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-not-the-extension-'));
// A valid but different extension: loads fine, contributes nothing, so ours is missing.
fs.writeFileSync(
  path.join(wrong, 'package.json'),
  JSON.stringify({ name: 'decoy', publisher: 'nobody', version: '0.0.0', engines: { vscode: '*' } }),
);
const r = spawnSync(process.execPath, [path.join(root, 'test', 'e2e', 'run-tests.js')], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, KPL_E2E_EXTENSION_PATH: wrong, E2E_TIMEOUT_MS: '120000' },
});
fs.rmSync(wrong, { recursive: true, force: true });
const out = `${r.stdout}${r.stderr}`;
const summary = /e2e\[extension-host\]: (\d+) passed, (\d+) failed/.exec(out);
const ok = r.status === 1 && !!summary && Number(summary[2]) > 0 && /not installed in this VS Code/.test(out);
console.log(`suite against a wrong extension path: exit ${r.status}, summary "${summary?.[0] ?? 'none'}"`);
if (!ok) console.log(out.split('\n').slice(-40).join('\n'));
console.log(`e2e[prove-failure]: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
