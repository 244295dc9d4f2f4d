// Mocha entry point (`extensionTestsPath`) of the hostile-cluster-data run: test/real-cluster/vscode-hostile.test.ts starts
// code-server with this file and KPL_E2E_HOSTILE = its setup file. Only hostile-cluster.js runs (its name does not
// end in .test.js, so the regular entry point index.js never picks it up).
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'hostile-cluster.js'));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        console.log(`e2e[extension-host, hostile cluster]: ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
    } catch (e) {
      console.log('e2e[extension-host, hostile cluster]: 0 passed, 1 failed');
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
