// Regenerates docs/rules.md from the rule registry: builds the bundles, then runs the tidy test in update mode.
// The renderer is test/helpers/rules-doc.ts; the tidy test fails whenever the committed file differs from it.
import { spawnSync } from 'node:child_process';

const run = (args, env = {}) => {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(['esbuild.mjs']);
run(['scripts/unit-tests.mjs', 'tidy'], { UPDATE_DOCS: '1' });
