// Read-only by construction, checked on the artefacts:
//  - the shipped bundles (dist/server.js, dist/kpl.js, dist/client.js, built by `npm run build` with their esbuild
//    metafiles) contain no exec, attach, port-forward or cp code of @kubernetes/client-node, no WebSocket transport,
//    and only the client modules listed below, each for a stated reason;
//  - no code outside server/src/cluster/api.ts and kubeconfig.ts holds a KubeConfig (the credentials and every verb of
//    the client), and their exported API hands one out only through openKubeconfig (lint-restricted to api.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from './helpers/analyze';

const root = repoRoot();

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }>; bytes: number }>;
}

/** The input files that contribute code to `dist/<name>.js`, relative to node_modules (or the repository). */
function bundledModules(name: string): string[] {
  const metaFile = path.join(root, 'dist', `${name}.meta.json`);
  assert.ok(fs.existsSync(metaFile), `${metaFile} missing: run \`npm run build\``);
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Metafile;
  const output = meta.outputs[`dist/${name}.js`];
  assert.ok(output, `dist/${name}.js is not an output of ${metaFile}`);
  return Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([k]) => k.replace(/^.*node_modules\//, ''));
}

const clientNodeDist = '@kubernetes/client-node/dist/';

/**
 * Every module of @kubernetes/client-node allowed in the server and CLI bundles, and why. A client upgrade that pulls
 * in anything else fails here and has to be looked at.
 */
const allowedClientModules: Record<string, string> = {
  'config.js': 'KubeConfig: loads the kubeconfig, applies its credentials to our GET requests',
  'config_types.js': 'kubeconfig parsing (clusters, users, contexts)',
  'watch.js': 'Watch: GET with watch=true on the allow-listed event and pod collections',
  'exec_auth.js': 'exec credential plugins of the kubeconfig (refused when untrusted: kubeconfig.ts)',
  'azure_auth.js': 'legacy auth-provider "azure" of the kubeconfig',
  'gcp_auth.js': 'legacy auth-provider "gcp" of the kubeconfig (its cmd-path is refused when untrusted)',
  'oidc_auth.js': 'auth-provider "oidc" of the kubeconfig',
  'file_auth.js': 'tokenFile credentials of the kubeconfig',
  'gen/configuration.js': 'request configuration KubeConfig builds (its makeApiClient is never called)',
  'gen/servers.js': 'server URL template used by that configuration',
  'gen/auth/auth.js': 'authentication hook of that configuration',
  'gen/middleware.js': 'middleware type of that configuration',
  'gen/http/http.js': 'request context types of that configuration',
  'gen/http/isomorphic-fetch.js': 'fetch wrapper of that configuration',
  'gen/rxjsStub.js': 'promise shim of that configuration',
};

/** Modules that carry exec, attach, port-forward, cp or other non-read features: never in a shipped bundle. */
const forbiddenClientModules = [
  'exec.js',
  'attach.js',
  'portforward.js',
  'cp.js',
  'web-socket-handler.js',
  'terminal-size-queue.js',
  'log.js',
  'top.js',
  'metrics.js',
  'informer.js',
  'cache.js',
  'object.js',
  'patch.js',
  'health.js',
  'proto-client.js',
  'api.js',
  'gen/index.js',
];
/** Packages only those features use (WebSocket streams, tar for cp). */
const forbiddenPackages = ['ws', 'isomorphic-ws', 'tar-fs', 'tar-stream', 'stream-buffers', 'form-data'];

for (const name of ['server', 'kpl']) {
  test(`dist/${name}.js: no exec/attach/port-forward/cp code of the Kubernetes client, only the modules that read`, () => {
    const modules = bundledModules(name);
    const client = modules.filter((m) => m.startsWith(clientNodeDist)).map((m) => m.slice(clientNodeDist.length));
    assert.ok(client.includes('config.js') && client.includes('watch.js'), `the bundle uses the client: ${client.join(', ')}`);
    for (const m of forbiddenClientModules) assert.ok(!client.includes(m), `dist/${name}.js contains @kubernetes/client-node/dist/${m}`);
    assert.deepEqual(
      client.filter((m) => m.startsWith('gen/apis/') || m.startsWith('gen/models/')),
      [],
      'no generated API client (its CoreV1Api has exec, attach, proxy and every write)',
    );
    assert.deepEqual(
      client.filter((m) => allowedClientModules[m] === undefined).sort(),
      [],
      `client modules in dist/${name}.js without a reason in allowedClientModules`,
    );
    const packages = new Set(modules.map((m) => (m.startsWith('@') ? m.split('/').slice(0, 2).join('/') : (m.split('/')[0] ?? ''))));
    for (const p of forbiddenPackages) assert.ok(!packages.has(p), `dist/${name}.js bundles ${p}`);
    // The text too: the exec/attach stream protocol and the WebSocket transport appear nowhere.
    const text = fs.readFileSync(path.join(root, 'dist', `${name}.js`), 'utf8');
    for (const s of ['v4.channel.k8s.io', 'channel.k8s.io', 'WebSocket', '/portforward', '/exec?', '/attach?'])
      assert.ok(!text.includes(s), `dist/${name}.js contains "${s}"`);
  });
}

test('dist/client.js (the VS Code extension) contains no Kubernetes client at all', () => {
  const modules = bundledModules('client');
  assert.deepEqual(
    modules.filter((m) => m.startsWith('@kubernetes/') || m.startsWith('ws/')),
    [],
  );
});

/** Does `type` (or a union/intersection member, or an array element) name KubeConfig? */
function isKubeConfig(checker: ts.TypeChecker, type: ts.Type, depth = 0): boolean {
  if (depth > 4) return false;
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (symbol?.getName() === 'KubeConfig') return true;
  if (type.isUnionOrIntersection()) return type.types.some((t) => isKubeConfig(checker, t, depth + 1));
  if (checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference).some((t) => isKubeConfig(checker, t, depth + 1));
  return false;
}

const isPrivate = (d: ts.Declaration | undefined): boolean =>
  (d !== undefined && (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) ||
  (d !== undefined && 'name' in d && ts.isPrivateIdentifier((d as ts.NamedDeclaration).name as ts.Node));

/** Where the public surface of `type` exposes a KubeConfig: call/construct signatures and public properties. */
function exposures(checker: ts.TypeChecker, type: ts.Type, where: string, depth = 0, seen = new Set<ts.Type>()): string[] {
  if (depth > 3 || seen.has(type)) return [];
  seen.add(type);
  if (isKubeConfig(checker, type)) return [where];
  const out: string[] = [];
  for (const kind of [ts.SignatureKind.Call, ts.SignatureKind.Construct]) {
    for (const sig of checker.getSignaturesOfType(type, kind)) {
      if (isPrivate(sig.getDeclaration())) continue;
      for (const p of sig.getParameters())
        out.push(...exposures(checker, checker.getTypeOfSymbol(p), `${where}(${p.getName()})`, depth + 1, seen));
      out.push(...exposures(checker, sig.getReturnType(), `${where}() result`, depth + 1, seen));
    }
  }
  if (type.isClassOrInterface() || (type.flags & ts.TypeFlags.Object) !== 0) {
    for (const prop of checker.getPropertiesOfType(type)) {
      if (prop.getDeclarations()?.some(isPrivate) === true) continue;
      out.push(...exposures(checker, checker.getTypeOfSymbol(prop), `${where}.${prop.getName()}`, depth + 1, seen));
    }
  }
  return out;
}

test('no code outside server/src/cluster/api.ts and kubeconfig.ts holds a KubeConfig; their exports do not hand one out', () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'server', 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) },
  );
  assert.ok(config);
  const program = ts.createProgram({
    rootNames: [path.join(root, 'server', 'src', 'main.ts'), path.join(root, 'server', 'src', 'cli.ts')],
    options: { ...config.options, noEmit: true, composite: false, declaration: false, emitDeclarationOnly: false },
  });
  const checker = program.getTypeChecker();
  const owners = new Set(['server/src/cluster/api.ts', 'server/src/cluster/kubeconfig.ts']);
  const ours = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && path.relative(root, f.fileName).split(path.sep)[0] === 'server');
  assert.ok(ours.length > 50, `${ours.length} source files`);
  const holders: string[] = [];
  for (const file of ours) {
    const rel = path.relative(root, file.fileName).split(path.sep).join('/');
    if (owners.has(rel)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isExpression(node) || ts.isIdentifier(node)) {
        const type = checker.getTypeAtLocation(node);
        if (isKubeConfig(checker, type))
          holders.push(`${rel}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.getText().slice(0, 60)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  assert.deepEqual(holders, [], 'expressions of type KubeConfig outside api.ts/kubeconfig.ts');
  const leaks: string[] = [];
  for (const rel of owners) {
    const file = program.getSourceFile(path.join(root, rel));
    assert.ok(file, rel);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    assert.ok(moduleSymbol, rel);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      // The one hand-over, restricted by eslint.config.mjs to api.ts.
      if (rel === 'server/src/cluster/kubeconfig.ts' && exported.getName() === 'openKubeconfig') continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.valueDeclaration ?? symbol.getDeclarations()?.[0];
      if (decl === undefined) continue;
      const type =
        symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)
          ? checker.getDeclaredTypeOfSymbol(symbol)
          : checker.getTypeOfSymbolAtLocation(symbol, decl);
      leaks.push(...exposures(checker, type, `${rel}: ${exported.getName()}`));
      if (symbol.flags & ts.SymbolFlags.Class)
        leaks.push(...exposures(checker, checker.getDeclaredTypeOfSymbol(symbol), `${rel}: ${exported.getName()} instance`));
    }
  }
  assert.deepEqual(leaks, [], 'exported API that hands out a KubeConfig');
});
