#!/usr/bin/env node
// Runs an extension test suite (`run()` from --extensionTestsPath) inside code-server's Node extension host, driven by
// headless Chromium; the exit code is the suite's result. Same CLI shape as desktop `code`, so @vscode/test-electron's
// runTests can use this file as `vscodeExecutablePath`. Recipe: /work/shared/vscode-e2e.md step 6.
//
// Also a module: startCodeServer/launchBrowser/workbenchUrl are reused by the UI test, the demo and the screenshots.
//
// Environment:
//   CODE_SERVER_ENTRY   code-server's out/node/entry.js (default: the install dir of scripts/e2e/install-code-server.sh)
//   KPL_E2E_TRUST=1     profile with workspace trust ON and no startup prompt: the folder opens in Restricted Mode
//   E2E_TIMEOUT_MS      overall timeout (default 180000)
//   CS_PORT             fixed port instead of a free one
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const CS_VERSION = '4.100.3';

function defaultInstallDir() {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return process.env.KPL_CODE_SERVER_DIR || path.join(cache, 'kube-priority-lens', 'code-server');
}

function codeServerEntry() {
  const entry = process.env.CODE_SERVER_ENTRY || path.join(defaultInstallDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(entry)) throw new Error(`code-server not found at ${entry}: run scripts/e2e/install-code-server.sh`);
  return entry;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** User settings that remove the trust dialog, the welcome page and network noise (recipe step 7). */
function userSettings(trust, extra) {
  return {
    'security.workspace.trust.enabled': !!trust,
    // With trust on, never prompt: the folder simply stays in Restricted Mode, which is what the untrusted tests need.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'git.enabled': false,
    'update.mode': 'none',
    'workbench.enableExperiments': false,
    ...extra,
  };
}

/**
 * Starts code-server in its own process group. Options: workspace, trust, settings (extra user settings),
 * extensionsDir, userDataDir, port, env, logToConsole.
 */
async function startCodeServer(opts = {}) {
  const entry = codeServerEntry();
  const port = opts.port || Number(process.env.CS_PORT) || (await freePort());
  const host = `127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cs-'));
  const userDataDir = opts.userDataDir || path.join(tmp, 'ud');
  const extensionsDir = opts.extensionsDir || path.join(tmp, 'ext');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(opts.trust, opts.settings), null, 2));
  // Machine-scoped settings a suite wrote (the real-cluster suites set kubePriorityLens.kubeconfig/context as a user
  // would) land in Machine/settings.json of the shared .vscode-test profile: every start begins without them.
  fs.rmSync(path.join(userDataDir, 'Machine', 'settings.json'), { force: true });
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    host,
    '--config',
    path.join(tmp, 'config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--ignore-last-opened',
    '--disable-getting-started-override',
  ];
  if (!opts.trust) args.push('--disable-workspace-trust');
  if (opts.workspace) args.push(opts.workspace);
  const log = path.join(tmp, 'server.log');
  const server = spawn(process.execPath, args, {
    detached: true, // own process group: the file watcher child outlives the server otherwise
    stdio: ['ignore', fs.openSync(log, 'w'), opts.logToConsole ? 'inherit' : fs.openSync(path.join(tmp, 'server.err'), 'w')],
    env: { EXTENSIONS_GALLERY: '{}', ...process.env, ...opts.env },
  });
  let exited = false;
  server.on('exit', () => {
    exited = true;
  });
  let healthy = false;
  for (let i = 0; i < 240 && !exited; i++) {
    if (
      await fetch(`http://${host}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      healthy = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    for (const sig of ['SIGTERM', 'SIGKILL']) {
      try {
        process.kill(-server.pid, sig);
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, sig === 'SIGTERM' ? 1500 : 200));
    }
  };
  if (!healthy) {
    await stop();
    throw new Error(`code-server did not become healthy; logs in ${tmp}`);
  }
  return { host, port, tmp, userDataDir, extensionsDir, server, stop, entry };
}

/** Installs a VSIX into `extensionsDir` (under a second, like the desktop CLI): the extension then runs in production mode. */
function installExtension(vsix, extensionsDir, userDataDir) {
  execFileSync(
    process.execPath,
    [
      codeServerEntry(),
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--config',
      path.join(path.dirname(extensionsDir), 'config.yaml'),
      '--install-extension',
      vsix,
    ],
    { stdio: 'pipe' },
  );
}

/** Workbench URL for `folder`, with an optional payload (extension development/test paths must be vscode-remote URIs). */
function workbenchUrl(host, folder, { devPaths = [], testsPath } = {}) {
  const payload = [...devPaths.map((p) => ['extensionDevelopmentPath', `vscode-remote://${host}${path.resolve(p)}`])];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${path.resolve(testsPath)}`]);
  payload.push(['skipWelcome', 'true']);
  return `http://${host}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function launchBrowser() {
  const { chromium } = require('playwright-core');
  const executablePath = process.env.CHROMIUM_PATH || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error('chromium not found: run scripts/e2e/install-code-server.sh (it apt-installs chromium)');
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * `code`-style CLI: [--extensionDevelopmentPath=P]... --extensionTestsPath=T [--extensions-dir=D] [--user-data-dir=U]
 * [folder]. With --extensions-dir, the extensions installed there (e.g. a VSIX: production mode) load next to P.
 */
async function main(argv) {
  const arg = (n) => argv.filter((a) => a.startsWith(`--${n}=`)).map((a) => path.resolve(a.slice(n.length + 3)));
  const devPaths = arg('extensionDevelopmentPath');
  const [testsPath] = arg('extensionTestsPath');
  const [extensionsDir] = arg('extensions-dir');
  const [userDataDir] = arg('user-data-dir');
  if (!testsPath) {
    console.error('usage: code-server-run.js --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [folder]');
    return 2;
  }
  const workspace = path.resolve(argv.find((a) => !a.startsWith('-')) || '.');
  const trust = process.env.KPL_E2E_TRUST === '1';
  let cs;
  let browser;
  let code = 1;
  try {
    // KPL_E2E_SETTINGS: extra user (machine) settings as JSON, e.g. kubePriorityLens.render.helmPath for the render suite.
    const settings = process.env.KPL_E2E_SETTINGS ? JSON.parse(process.env.KPL_E2E_SETTINGS) : undefined;
    cs = await startCodeServer({ workspace, trust, extensionsDir, userDataDir, settings });
    browser = await launchBrowser();
    const page = await browser.newPage();
    let timer;
    const done = new Promise((resolve, reject) => {
      // Expose before navigating, or the workbench never sees them (recipe gotcha 6).
      void page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...args));
      void page.exposeFunction('codeAutomationExit', resolve);
      timer = setTimeout(
        () => reject(new Error(`timeout after ${process.env.E2E_TIMEOUT_MS || 180000} ms`)),
        Number(process.env.E2E_TIMEOUT_MS || 180000),
      );
    });
    await page.goto(workbenchUrl(cs.host, workspace, { devPaths, testsPath }));
    code = await done;
    clearTimeout(timer);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    code = 1;
  } finally {
    await browser?.close().catch(() => {});
    await cs?.stop();
    if (cs) {
      if (code === 0 && !process.env.KPL_E2E_KEEP_LOGS) fs.rmSync(cs.tmp, { recursive: true, force: true });
      else console.error(`code-server logs: ${cs.tmp}`);
    }
  }
  return code;
}

module.exports = {
  CS_VERSION,
  codeServerEntry,
  defaultInstallDir,
  startCodeServer,
  installExtension,
  launchBrowser,
  workbenchUrl,
  userSettings,
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (c) => process.exit(c),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
