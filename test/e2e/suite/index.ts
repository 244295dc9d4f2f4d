// Mocha entry point VS Code calls in the extension host (`extensionTestsPath`). Works unchanged under desktop VS Code
// (@vscode/test-electron) and under the code-server harness.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** The real-cluster suite the setup file names (`suite: 'after-the-fact'`), else the live one. */
function liveSuite(): string {
  try {
    const setup = JSON.parse(fs.readFileSync(process.env.KPL_E2E_LIVE ?? '', 'utf8')) as { suite?: string };
    return setup.suite === 'after-the-fact'
      ? 'after-the-fact.test.js'
      : setup.suite === 'demo'
        ? 'demo-story.test.js'
        : 'live-cluster.test.js';
  } catch {
    return 'live-cluster.test.js';
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // The untrusted profile runs only the Restricted Mode checks; the default profile runs everything else.
  const untrusted = process.env.KPL_E2E_TRUST === '1';
  // KPL_E2E_LIVE (a JSON file written by test/real-cluster/vscode-live.test.ts): only the real-cluster suite.
  const live = (process.env.KPL_E2E_LIVE ?? '') !== '';
  // KPL_E2E_PRODUCTION=1 (test/e2e/run-production.js): the installed VSIX in production mode, only production.test.js.
  const production = process.env.KPL_E2E_PRODUCTION === '1';
  // KPL_E2E_RENDER=1 (scripts/e2e/run-all.js, workspace: a copy of examples/ci-preemption-helm): only rendered.test.js.
  const rendered = process.env.KPL_E2E_RENDER === '1';
  // KPL_E2E_KUEUE=1 (scripts/e2e/run-all.js, workspace: examples/ci-preemption-kueue): only kueue.test.js.
  const kueue = process.env.KPL_E2E_KUEUE === '1';
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (!f.endsWith('.test.js')) continue;
    if ((f === 'production.test.js') !== production) continue;
    if (production) {
      // the production suite alone
    } else if ((f === 'rendered.test.js') !== rendered) continue;
    else if (rendered) {
      // the rendered-chart suite alone
    } else if ((f === 'kueue.test.js') !== kueue) continue;
    else if (kueue) {
      // the Kueue example's suite alone
    } else if (live) {
      if (f !== liveSuite()) continue;
    } else if (f === 'live-cluster.test.js' || f === 'after-the-fact.test.js' || f === 'demo-story.test.js') continue;
    else if ((f === 'untrusted.test.js') !== untrusted) continue;
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        // Plain closing line the runner scripts parse.
        console.log(
          `e2e[extension-host${untrusted ? ', untrusted' : ''}${kueue ? ', Kueue example' : ''}${live ? ', live cluster' : ''}${production ? ', production mode' : ''}]: ${runner.stats?.passes ?? 0} passed, ${failures} failed`,
        );
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
    } catch (e) {
      console.log(`e2e[extension-host]: 0 passed, 1 failed`);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
