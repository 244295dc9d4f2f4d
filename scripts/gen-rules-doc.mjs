// Regenerates what is generated from the rule registry: docs/rules.md (tidy test in update mode; renderer
// test/helpers/rules-doc.ts) and the per-rule severity settings of package.json (settings test in update mode).
// Builds the bundles first. The same tests fail in `npm test` whenever a committed file differs from its rendering.
import { spawnSync } from 'node:child_process';

const run = (args, env = {}) => {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(['esbuild.mjs']);
run(['scripts/unit-tests.mjs', 'tidy'], { UPDATE_DOCS: '1' });
run(['scripts/unit-tests.mjs', 'settings'], { UPDATE_SETTINGS: '1' });
