// Runs every bundled unit/integration test (out/test/**/*.test.js) except the e2e, real-cluster and rendering suites,
// which have their own scripts (`npm run test:e2e`, `npm run test:cluster`, `npm run test:render`).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

const excluded = [join('out', 'test', 'e2e'), join('out', 'test', 'real-cluster'), join('out', 'test', 'render')];
function find(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (excluded.some((e) => p === e || p.startsWith(e + sep))) continue; // out/test/render, not out/test/render-unit
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const only = process.argv.slice(2);
const files = find(join('out', 'test')).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under out/test: run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
