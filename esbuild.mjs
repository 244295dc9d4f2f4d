// Bundles every entry point of the project: extension client, language server, CLI, webview and tests.
// One script so that `npm run build` is the only build step; tests are bundled too, so no TS loader is needed at run time.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every `*.test.ts` (and e2e suite file) below a folder, so new tests need no build change. */
function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts') || (p.includes(join('e2e', 'suite')) && name.endsWith('.ts'))) out.push(p);
  }
  return out;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const define = { 'process.env.KPL_VERSION': JSON.stringify(pkg.version), 'process.env.KPL_REPOSITORY': JSON.stringify(pkg.repository?.url ?? '') };
const common = { define, bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'node20', legalComments: 'none' };
const node = { ...common, platform: 'node', format: 'cjs', mainFields: ['module', 'main'] };

const builds = [
  { ...node, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { server: 'server/src/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { kpl: 'server/src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { webview: 'media/src/main.ts' }, outdir: 'dist' },
];
// Test programs that are not test files themselves: the local cluster's CLI (npm run cluster:up, the demo).
const testPrograms = ['test/cluster/cli.ts'].filter((f) => existsSync(f));
const testEntries = [...findTests('test'), ...testPrograms];
const benchEntries = existsSync('bench') ? readdirSync('bench').filter((f) => f.endsWith('.ts')).map((f) => join('bench', f)) : [];
const toEntryMap = (files) => Object.fromEntries(files.map((f) => [relative('.', f).replace(/\.ts$/, ''), f]));
if (testEntries.length > 0) {
  builds.push({ ...node, entryPoints: toEntryMap(testEntries), outdir: 'out', external: ['vscode', 'mocha', 'playwright-core', 'yaml-language-server', 'fast-check', 'js-yaml', 'typescript', 'recheck', 'markdown-it'] });
}
if (benchEntries.length > 0) {
  builds.push({ ...node, entryPoints: toEntryMap(benchEntries), outdir: 'out', external: ['yaml-language-server', 'js-yaml'] });
}

const existing = builds.filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));
if (watch) {
  for (const b of existing) (await esbuild.context(b)).watch();
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
  if (existsSync('dist/kpl.js')) chmodSync('dist/kpl.js', 0o755);
}
