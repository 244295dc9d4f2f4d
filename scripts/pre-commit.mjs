// Pre-commit hook (installed by `npm ci` through simple-git-hooks): format check and lint of the staged TypeScript and
// JavaScript files, and the type check, so a commit that `npm test` would reject for style or types never lands.
// Skip once with `git commit --no-verify`; `npm run format` fixes formatting.
import { spawnSync } from 'node:child_process';

const staged = spawnSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z'], { encoding: 'utf8' })
  .stdout.split('\0')
  .filter((f) => /\.(ts|mjs|js)$/.test(f));
if (staged.length === 0) process.exit(0);

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps = [
  ['format', [npx, 'prettier', '--check', '--log-level', 'warn', ...staged]],
  ['lint', [npx, 'eslint', '--max-warnings', '0', '--no-warn-ignored', ...staged]],
  ['typecheck', [npx, 'tsc', '-b']],
];
for (const [name, [command, ...args]] of steps) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `pre-commit: ${name} failed${name === 'format' ? ' (npm run format fixes it)' : ''}; commit with --no-verify to skip once`,
    );
    process.exit(1);
  }
}
