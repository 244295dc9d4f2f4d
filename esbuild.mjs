// Bundles every entry point of the project: extension client, language server, CLI, webview and tests.
// One script so that `npm run build` is the only build step; tests are bundled too, so no TS loader is needed at run time.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

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

/**
 * @kubernetes/client-node declares no `sideEffects`, so esbuild keeps every module of it that is reached, i.e. the
 * whole generated API (about 700 modules), although the project uses KubeConfig and Watch only (deep imports in
 * server/src/cluster/api.ts and kubeconfig.ts). Its modules are declarations: marking them side-effect free lets
 * tree-shaking drop what is unused. test/read-only.test.ts checks what remains (dist/*.meta.json) and that exec,
 * attach, port-forward and cp are not in the bundles.
 */
const clientNodeSideEffectFree = {
  name: 'client-node-side-effect-free',
  setup(build) {
    const inClientNode = (p) => p.includes(`${sep}@kubernetes${sep}client-node${sep}`) || p.includes('/@kubernetes/client-node/');
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'client-node-resolve') return undefined;
      if (!args.path.startsWith('@kubernetes/client-node') && !inClientNode(args.importer)) return undefined;
      const r = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'client-node-resolve',
      });
      if (r.errors.length > 0 || r.external || !inClientNode(r.path)) return undefined;
      return { path: r.path, namespace: r.namespace, sideEffects: false };
    });
  },
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const define = {
  'process.env.KPL_VERSION': JSON.stringify(pkg.version),
  'process.env.KPL_REPOSITORY': JSON.stringify(pkg.repository?.url ?? ''),
};
const common = {
  define,
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  target: 'node20',
  legalComments: 'none',
};
const node = { ...common, platform: 'node', format: 'cjs', mainFields: ['module', 'main'], plugins: [clientNodeSideEffectFree] };
// The bundles that ship: their module lists (esbuild metafile) are written next to them for test/read-only.test.ts.
const shipped = { ...node, metafile: true };

const builds = [
  { ...shipped, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...shipped, entryPoints: { server: 'server/src/main.ts' }, outdir: 'dist' },
  { ...shipped, entryPoints: { kpl: 'server/src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // kpl's parse workers (server/src/io/parse-pool.ts): the core and the file reader only, so each starts fast.
  { ...shipped, entryPoints: { 'kpl-parse-worker': 'server/src/io/parse-worker.ts' }, outdir: 'dist' },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { webview: 'media/src/main.ts' }, outdir: 'dist' },
];
// Test programs that are not test files themselves: the local cluster's CLI (npm run cluster:up, the demo) and the
// render corpus run (npm run corpus).
const testPrograms = ['test/real-cluster/cli.ts', 'test/render/corpus-run.ts'].filter((f) => existsSync(f));
const testEntries = [...findTests('test'), ...testPrograms];
// Bench programs: bench/*.ts, the live-side bench bench/live/*.ts and the one-off probes of bench/probes/*.ts (out/bench/…).
const benchEntries = ['bench', join('bench', 'probes'), join('bench', 'live')].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f))
    : [],
);
const toEntryMap = (files) => Object.fromEntries(files.map((f) => [relative('.', f).replace(/\.ts$/, ''), f]));
if (testEntries.length > 0) {
  builds.push({
    ...node,
    entryPoints: toEntryMap(testEntries),
    outdir: 'out',
    external: [
      'vscode',
      'mocha',
      'playwright-core',
      'yaml-language-server',
      'fast-check',
      'js-yaml',
      'typescript',
      'recheck',
      'markdown-it',
    ],
  });
}
if (benchEntries.length > 0) {
  builds.push({
    ...node,
    entryPoints: toEntryMap(benchEntries),
    outdir: 'out',
    external: ['yaml-language-server', 'js-yaml', 'playwright-core'],
  });
}

const existing = builds.filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));
if (watch) {
  for (const b of existing) (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(existing.map((b) => esbuild.build(b)));
  existing.forEach((b, i) => {
    // dist/<entry>.meta.json (not packaged: .vscodeignore is an allow-list).
    if (b.metafile)
      for (const name of Object.keys(b.entryPoints))
        writeFileSync(join(b.outdir, `${name}.meta.json`), JSON.stringify(results[i].metafile));
  });
  if (existsSync('dist/kpl.js')) chmodSync('dist/kpl.js', 0o755);
}
