// Contract tests of `kpl check` (and the top-level help/version), running the built dist/kpl.js as a child process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { rulesById } from '../../server/src/core/index';
import { repoRoot, yaml } from '../helpers/analyze';
import { parseJson, removeTree, runKpl, tempTree } from '../helpers/cli';

const classes = yaml(
  'apiVersion: scheduling.k8s.io/v1',
  'kind: PriorityClass',
  'metadata: {name: high}',
  'value: 1000',
  '---',
  'apiVersion: scheduling.k8s.io/v1',
  'kind: PriorityClass',
  'metadata: {name: unused-class}',
  'value: 5',
);
const guaranteed = '{requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}';
const web = yaml(
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: web, namespace: shop}',
  'spec:',
  '  priorityClassName: high',
  '  containers:',
  `    - {name: web, image: nginx, resources: ${guaranteed}}`,
);
const batch = yaml(
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: batch, namespace: shop}',
  'spec:',
  '  containers:',
  '    - {name: batch, image: batch}',
);
const typo = yaml(
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: typo, namespace: shop}',
  'spec:',
  '  priorityClassName: hgih',
  '  containers:',
  `    - {name: t, image: t, resources: ${guaranteed}}`,
);
const clean = yaml(
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: clean}',
  'spec:',
  '  containers:',
  `    - {name: c, image: c, resources: ${guaranteed}}`,
);
// An astral character (2 UTF-16 code units, 4 UTF-8 bytes) and a BMP accent before the finding on the same line.
const unicodeLine = '  nodeSelector: {zone: "zürich-😀"}, priorityClassName: nope, containers: [{name: c, image: i}]}';
const unicode = yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: unicode}', `spec: {${unicodeLine.trim()}`);

const trees: string[] = [];
function tree(files: Parameters<typeof tempTree>[0]): string {
  const root = tempTree(files);
  trees.push(root);
  return root;
}
after(() => trees.forEach(removeTree));

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  object?: string;
  fix?: { description: string; edits: Array<{ range: JsonFinding['range']; newText: string }> };
}

function checkJson(args: string[], cwd: string): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const r = runKpl(['check', '--format', 'json', ...args], cwd);
  const parsed = parseJson(r.stdout) as { findings: JsonFinding[] };
  return { status: r.status, findings: parsed.findings, stderr: r.stderr };
}

function assertRange(value: unknown, where: string): void {
  const r = value as JsonFinding['range'];
  assert.deepEqual(Object.keys(r).sort(), ['end', 'start'], where);
  for (const p of [r.start, r.end]) {
    assert.deepEqual(Object.keys(p).sort(), ['character', 'line'], where);
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.character) && p.character >= 0, where);
  }
}

describe('kpl --help and --version', () => {
  test('--help prints the usage and every command, exit 0', () => {
    const r = runKpl(['--help'], process.cwd());
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: kpl <command>/);
    assert.match(r.stdout, /\n {2}check {2,}/);
    assert.match(r.stdout, /\n {2}explain {2,}/);
    assert.equal(r.stderr, '');
  });
  test('--version prints the package version, exit 0', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    const r = runKpl(['--version'], process.cwd());
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });
  test('check --help prints the command usage, exit 0', () => {
    const r = runKpl(['check', '--help'], process.cwd());
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: kpl check \[--format text\|json\|sarif\] \[--cluster-state PATH\]\.\.\./);
  });
  test('no command is a usage error, exit 2', () => assert.equal(runKpl([], process.cwd()).status, 2));
  test('an unknown command is a usage error on stderr, exit 2', () => {
    const r = runKpl(['lint'], process.cwd());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^kpl: unknown command "lint"/);
  });
});

describe('kpl check --format json', () => {
  const root = tree({
    'manifests/classes.yaml': classes,
    'manifests/apps/web.yaml': web,
    'manifests/apps/batch.yaml': batch,
    'manifests/typo.yaml': typo,
    'unicode.yaml': unicode,
  });

  test('the output is exactly {"findings": [...]} with the contract\'s keys and types', () => {
    const r = runKpl(['check', '--format', 'json', 'manifests'], root);
    const parsed = parseJson(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['findings']);
    const findings = parsed['findings'] as Array<Record<string, unknown>>;
    assert.ok(findings.length > 0);
    for (const f of findings) {
      const where = JSON.stringify(f);
      const keys = Object.keys(f);
      for (const k of ['ruleId', 'severity', 'message', 'file', 'range']) assert.ok(keys.includes(k), `${k} missing in ${where}`);
      assert.deepEqual(
        keys.filter((k) => !['ruleId', 'severity', 'message', 'file', 'range', 'object', 'fix'].includes(k)),
        [],
        where,
      );
      assert.ok(rulesById.has(f['ruleId'] as string), where);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(f['severity'] as string), where);
      assert.equal(typeof f['message'], 'string');
      assertRange(f['range'], where);
      if (f['object'] !== undefined) assert.match(f['object'] as string, /^[A-Za-z]+\/([a-z0-9.-]+\/)?[^/]+$/, where);
      if (f['fix'] !== undefined) {
        const fix = f['fix'] as Record<string, unknown>;
        assert.deepEqual(Object.keys(fix).sort(), ['description', 'edits'], where);
        for (const e of fix['edits'] as Array<Record<string, unknown>>) {
          assert.deepEqual(Object.keys(e).sort(), ['newText', 'range'], where);
          assertRange(e['range'], where);
          assert.equal(typeof e['newText'], 'string');
        }
      }
    }
  });

  test('paths are relative to the working directory, with "/" separators', () => {
    const { findings } = checkJson(['manifests'], root);
    const files = [...new Set(findings.map((f) => f.file))].sort();
    assert.deepEqual(files, ['manifests/apps/batch.yaml', 'manifests/classes.yaml', 'manifests/typo.yaml']);
  });

  test('findings are sorted by file, then position', () => {
    const { findings } = checkJson(['manifests'], root);
    const keys = findings.map((f) => [f.file, f.range.start.line, f.range.start.character] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    assert.deepEqual(keys, sorted);
  });

  test('findings stay sorted by file when PATH arguments are given in reverse order', () => {
    const { findings } = checkJson(['manifests/typo.yaml', 'manifests/classes.yaml', 'manifests/apps'], root);
    const files = findings.map((f) => f.file);
    assert.deepEqual(files, [...files].sort());
  });

  test('a cluster-scoped object is written Kind/name, a namespaced one Kind/namespace/name', () => {
    const { findings } = checkJson(['manifests'], root);
    assert.equal(findings.find((f) => f.ruleId === 'priority-class-unused')?.object, 'PriorityClass/unused-class');
    assert.equal(findings.find((f) => f.ruleId === 'priority-class-not-found')?.object, 'Pod/shop/typo');
  });

  test('positions are 0-based; the fix carries its description and edits', () => {
    const { findings } = checkJson(['manifests/typo.yaml', 'manifests/classes.yaml'], root);
    const f = findings.find((x) => x.ruleId === 'priority-class-not-found');
    assert.deepEqual(f?.range, { start: { line: 4, character: 21 }, end: { line: 4, character: 25 } });
    assert.deepEqual(f?.fix, {
      description: 'Change priorityClassName to "high"',
      edits: [{ range: { start: { line: 4, character: 21 }, end: { line: 4, character: 25 } }, newText: 'high' }],
    });
    assert.equal(f?.severity, 'error');
  });

  test('characters are UTF-16 code units: a non-ASCII and an astral character before the finding on the same line', () => {
    const { findings } = checkJson(['unicode.yaml'], root);
    const f = findings.find((x) => x.ruleId === 'priority-class-not-found');
    const line = unicode.split('\n')[3] ?? '';
    assert.deepEqual(f?.range.start, { line: 3, character: line.indexOf('nope') });
    assert.equal(f?.range.end.character, line.indexOf('nope') + 4);
    assert.notEqual(line.indexOf('nope'), [...line.slice(0, line.indexOf('nope'))].length, 'the fixture must tell UTF-16 from code points');
  });
});

describe('kpl check exit codes and errors', () => {
  const root = tree({ 'clean.yaml': clean, 'classes.yaml': classes, 'typo.yaml': typo, 'batch.yaml': batch, 'web.yaml': web });

  test('no finding at or above error: exit 0', () => assert.equal(runKpl(['check', 'clean.yaml'], root).status, 0));
  test('an error finding: exit 1', () => assert.equal(runKpl(['check', 'typo.yaml', 'classes.yaml'], root).status, 1));
  test('warnings only: exit 0 by default', () => {
    const { status, findings } = checkJson(['batch.yaml'], root);
    assert.ok(findings.some((f) => f.severity === 'warning') && !findings.some((f) => f.severity === 'error'));
    assert.equal(status, 0);
  });
  test('warnings only with --fail-on warning: exit 1', () =>
    assert.equal(runKpl(['check', '--fail-on', 'warning', 'batch.yaml'], root).status, 1));
  test('--fail-on error explicitly: warnings exit 0', () =>
    assert.equal(runKpl(['check', '--fail-on=error', 'batch.yaml'], root).status, 0));

  test('an unreadable PATH: one stderr line, findings of the readable paths still printed, exit 2', () => {
    const r = runKpl(['check', '--format', 'json', 'typo.yaml', 'does-not-exist.yaml', 'classes.yaml'], root);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'kpl: does-not-exist.yaml: no such file or directory\n');
    const findings = (parseJson(r.stdout) as { findings: JsonFinding[] }).findings;
    assert.ok(findings.some((f) => f.file === 'typo.yaml' && f.ruleId === 'priority-class-not-found'));
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['check', '--colour', 'clean.yaml'], /^kpl check: unknown flag --colour\nUsage: kpl check/],
    ['a bad --format value', ['check', '--format', 'xml', 'clean.yaml'], /--format must be one of text, json, sarif \(got "xml"\)/],
    ['a bad --fail-on value', ['check', '--fail-on', 'info', 'clean.yaml'], /--fail-on must be one of error, warning/],
    ['a flag without its value', ['check', 'clean.yaml', '--format'], /--format needs a value/],
    ['no PATH', ['check'], /no PATH given/],
    [
      'a --kubernetes-version that is not a version',
      ['check', '--kubernetes-version', 'latest', 'clean.yaml'],
      /--kubernetes-version must be 1\.\d+ to 1\.\d+ \(got "latest"\)/,
    ],
    [
      'a --kubernetes-version out of the supported range',
      ['check', '--kubernetes-version', '1.99', 'clean.yaml'],
      /--kubernetes-version must be 1\.\d+ to 1\.\d+ \(got "1\.99"\)/,
    ],
    ['--format given twice', ['check', '--format', 'json', '--format', 'text', 'clean.yaml'], /--format given more than once/],
  ];
  for (const [name, args, message] of usage) {
    test(`${name} is a usage error: message on stderr, no stack trace, exit 2`, () => {
      const r = runKpl(args, root);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    });
  }

  test('--kubernetes-version accepts 1.N, v1.N and 1.N.P', () => {
    for (const v of ['1.33', 'v1.34', '1.36.2'])
      assert.equal(runKpl(['check', '--kubernetes-version', v, 'clean.yaml'], root).status, 0, v);
  });

  test('the text format prints file:line:column (1-based), severity, rule and a summary line', () => {
    const r = runKpl(['check', 'typo.yaml', 'classes.yaml'], root);
    assert.match(
      r.stdout,
      /^typo\.yaml:5:22: error priority-class-not-found: pods "typo" is forbidden: no PriorityClass with name hgih was found/m,
    );
    assert.match(r.stdout, /^ {2}fix: Change priorityClassName to "high"$/m);
    assert.match(r.stdout, /2 file\(s\), \d+ object\(s\), 1 workload\(s\) analysed[^:\n]*: 1 error, /);
  });
});

describe('kpl check --cluster-state, --config and .kpl.yaml', () => {
  const usesBoth = yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: p}',
    'spec:',
    '  priorityClassName: alpha',
    '  containers: [{name: c, image: i}]',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: q}',
    'spec:',
    '  priorityClassName: beta',
    '  containers: [{name: c, image: i}]',
  );
  const classFile = (name: string): string =>
    yaml('apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', `metadata: {name: ${name}}`, 'value: 10');
  const root = tree({
    'project/.kpl.yaml': 'rules:\n  priority-class-not-found: warning\n  missing-requests: off\n',
    'project/deploy/app/typo.yaml': typo,
    'project/deploy/app/classes.yaml': classes,
    'project/deploy/both.yaml': usesBoth,
    'cluster/a.yaml': classFile('alpha'),
    'cluster/more/b.yaml': classFile('beta'),
    'other/strict.yaml': 'rules:\n  priority-class-not-found: error\n',
    'other/bad.yaml': 'rules:\n  no-such-rule: off\n',
    'other/old.yaml': 'kubernetesVersion: "1.33"\n',
    'podlevel.yaml': yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: pl}',
      'spec:',
      '  resources: {requests: {cpu: "1", memory: 1Gi}}',
      '  containers: [{name: a, image: a}]',
    ),
  });

  test('--cluster-state may be repeated (files and directories); classes from all of them are known', () => {
    const without = checkJson(['project/deploy/both.yaml'], root);
    assert.equal(without.findings.filter((f) => f.ruleId === 'priority-class-not-found').length, 2);
    const withBoth = checkJson(['--cluster-state', 'cluster/a.yaml', '--cluster-state', 'cluster/more', 'project/deploy/both.yaml'], root);
    assert.deepEqual(
      withBoth.findings.filter((f) => f.ruleId === 'priority-class-not-found'),
      [],
    );
  });

  test('cluster-state objects produce no findings of their own', () => {
    const { findings } = checkJson(['--cluster-state', 'project/deploy/app', 'project/deploy/both.yaml'], root);
    assert.ok(findings.every((f) => f.file === 'project/deploy/both.yaml'));
  });

  test('an unreadable --cluster-state PATH exits 2 with a message', () => {
    const r = runKpl(['check', '--cluster-state', 'cluster/nope.yaml', 'project/deploy/both.yaml'], root);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cluster\/nope\.yaml: no such file or directory/);
  });

  test('.kpl.yaml is found upward from the PATH and sets rule severities', () => {
    const { findings } = checkJson(['project/deploy/app'], root);
    assert.equal(findings.find((f) => f.ruleId === 'priority-class-not-found')?.severity, 'warning');
    assert.ok(!findings.some((f) => f.ruleId === 'missing-requests'));
  });

  test('.kpl.yaml is found upward when kpl runs inside a subdirectory too', () => {
    const { findings, status } = checkJson(['.'], path.join(root, 'project', 'deploy', 'app'));
    assert.equal(findings.find((f) => f.ruleId === 'priority-class-not-found')?.file, 'typo.yaml');
    assert.equal(findings.find((f) => f.ruleId === 'priority-class-not-found')?.severity, 'warning');
    assert.equal(status, 0, 'the only error was lowered to a warning');
  });

  test('--config replaces the upward search', () => {
    const { findings } = checkJson(['--config', 'other/strict.yaml', 'project/deploy/app'], root);
    assert.equal(findings.find((f) => f.ruleId === 'priority-class-not-found')?.severity, 'error');
  });

  test('a config naming an unknown rule is a usage error, exit 2', () => {
    const r = runKpl(['check', '--config', 'other/bad.yaml', 'project/deploy/app'], root);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown rule "no-such-rule"/);
  });

  test('a missing --config file is a usage error, exit 2', () => {
    const r = runKpl(['check', '--config', 'other/missing.yaml', 'project/deploy/app'], root);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read config/);
  });

  test('kubernetesVersion in the config selects the modelled version (pod-level resources off before 1.34)', () => {
    const newest = checkJson(['podlevel.yaml'], root).findings.filter((f) => f.ruleId === 'missing-requests');
    const old = checkJson(['--config', 'other/old.yaml', 'podlevel.yaml'], root).findings.filter((f) => f.ruleId === 'missing-requests');
    assert.deepEqual([newest.length, old.length], [0, 1]);
  });

  test('--kubernetes-version overrides the config', () => {
    const r = checkJson(['--config', 'other/old.yaml', '--kubernetes-version', '1.35', 'podlevel.yaml'], root);
    assert.equal(r.findings.filter((f) => f.ruleId === 'missing-requests').length, 0);
  });
});

describe('kpl check on directories', () => {
  const root = tree({
    'repo/a.yaml': typo,
    'repo/nested/classes.yaml': classes,
    'repo/nested/loop': { symlink: '..' },
    'repo/self.yaml': { symlink: 'self.yaml' },
    'repo/node_modules/x.yaml': typo,
    'repo/notes.txt': 'kind: Pod\n',
  });

  test('a symlink loop inside a directory is a path-symlink-loop finding, not an error exit', () => {
    const r = runKpl(['check', '--format', 'json', 'repo'], root);
    const findings = (parseJson(r.stdout) as { findings: JsonFinding[] }).findings;
    const loops = findings.filter((f) => f.ruleId === 'path-symlink-loop');
    assert.deepEqual(loops.map((f) => f.file).sort(), ['repo/nested/loop', 'repo/self.yaml']);
    for (const f of loops) assert.deepEqual(f.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1, 'exit 1 comes from the error finding of a.yaml');
  });

  test('node_modules and non-manifest files are not walked', () => {
    const { findings } = checkJson(['repo'], root);
    assert.ok(!findings.some((f) => f.file.includes('node_modules') || f.file.endsWith('.txt')));
  });
});

describe('kpl check and explain: symbolic links out of the PATH arguments are not followed', () => {
  // A pull request's tree linking to files of the CI machine: none of them may reach the report.
  const secret = yaml(
    '# SECRET-MARKER-7f3a',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: outside-secret-pod}',
    'spec:',
    '  priorityClassName: nope',
    '  containers:',
    `    - {name: c, image: c, resources: ${guaranteed}}`,
  );
  const root = tree({
    'outside/secret.yaml': secret,
    'outside/nested/more.yaml': secret.replace('outside-secret-pod', 'outside-nested-pod'),
    'repo/a.yaml': typo,
    'repo/inside/real.yaml': clean,
  });
  fs.symlinkSync('../outside/secret.yaml', path.join(root, 'repo', 'evil.yaml'));
  fs.symlinkSync(path.join(root, 'outside', 'secret.yaml'), path.join(root, 'repo', 'absolute.yaml'));
  fs.symlinkSync('../outside', path.join(root, 'repo', 'dir-link'));
  fs.symlinkSync('inside/real.yaml', path.join(root, 'repo', 'alias.yaml'));
  const leaked = (text: string) =>
    text.includes('outside-secret-pod') || text.includes('outside-nested-pod') || text.includes('SECRET-MARKER');

  test('SARIF and JSON hold no byte of the outside files; a path-symlink-outside warning names each link', () => {
    for (const format of ['sarif', 'json', 'text']) {
      const r = runKpl(['check', '--format', format, 'repo'], root);
      assert.ok(!leaked(r.stdout), `${format} output holds the outside file`);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 1, 'exit 1 from the error of a.yaml, not 2');
    }
    const { findings } = checkJson(['repo'], root);
    const outside = findings.filter((f) => f.ruleId === 'path-symlink-outside');
    assert.deepEqual(
      outside.map((f) => f.file),
      ['repo/absolute.yaml', 'repo/dir-link', 'repo/evil.yaml'],
    );
    for (const f of outside) assert.equal(f.severity, 'warning');
    assert.equal(
      outside.find((f) => f.file === 'repo/evil.yaml')?.message,
      'repo/evil.yaml is a symbolic link to ../outside/secret.yaml, outside the PATH arguments; it was not followed (pass --follow-symlinks to follow it).',
    );
    // The rest is analysed, links inside the tree included.
    assert.ok(findings.some((f) => f.file === 'repo/a.yaml' && f.ruleId === 'priority-class-not-found'));
    assert.ok(!findings.some((f) => f.file === 'repo/alias.yaml' && f.ruleId === 'path-symlink-outside'));
    const explain = runKpl(['explain', '--format', 'json', 'repo'], root);
    assert.equal(explain.status, 0);
    assert.ok(!leaked(explain.stdout) && !leaked(explain.stderr));
    assert.ok(explain.stdout.includes('"name": "clean"'), 'the file linked inside the tree is explained');
    assert.match(
      explain.stderr,
      /^kpl: note: repo\/absolute\.yaml is a symbolic link to .*, outside the PATH arguments; it was not followed \(pass --follow-symlinks to follow it\)$/m,
    );
    assert.equal(explain.stderr.split('\n').filter((l) => l.startsWith('kpl: note:')).length, 3);
  });

  test('--follow-symlinks follows them; the target named as a PATH argument is a root too', () => {
    const followed = checkJson(['--follow-symlinks', 'repo'], root);
    assert.ok(followed.findings.some((f) => f.file === 'repo/evil.yaml' && f.ruleId === 'priority-class-not-found'));
    assert.ok(followed.findings.some((f) => f.file === 'repo/dir-link/nested/more.yaml'));
    assert.ok(!followed.findings.some((f) => f.ruleId === 'path-symlink-outside'));
    assert.ok(runKpl(['explain', '--follow-symlinks', 'repo'], root).stdout.includes('outside-secret-pod'));
    const both = checkJson(['repo', 'outside'], root);
    assert.deepEqual(
      both.findings.filter((f) => f.ruleId === 'path-symlink-outside'),
      [],
      'the links lead into another PATH argument',
    );
  });
});

describe('kpl check: a hostile .kpl.yaml', () => {
  test(
    'a .kpl.yaml linked to /dev/zero, a FIFO or a giant file is a usage error at once, not a hang',
    { skip: process.platform === 'win32' ? 'no /dev/zero or mkfifo' : false },
    () => {
      for (const make of [
        (f: string) => fs.symlinkSync('/dev/zero', f),
        (f: string) => execFileSync('mkfifo', [f]),
        (f: string) => fs.writeFileSync(f, `rules: {}\n#${'x'.repeat(1024 * 1024)}\n`),
      ]) {
        const root = tree({ 'repo/a.yaml': clean });
        make(path.join(root, 'repo', '.kpl.yaml'));
        const started = Date.now();
        const r = runKpl(['check', 'repo'], root);
        assert.equal(r.status, 2, r.stderr);
        assert.match(
          r.stderr,
          /^kpl check: (cannot read config .*\.kpl\.yaml: not a regular file|config .*\.kpl\.yaml is larger than 1 MiB)\n/,
        );
        assert.ok(Date.now() - started < 30_000);
      }
    },
  );
});

describe('kpl check: files over the size limit are not read', () => {
  const root = tree({ 'repo/a.yaml': typo, 'repo/mid.yaml': `${batch}#${'x'.repeat(1.5 * 1024 * 1024)}\n` });
  // A sparse file of 65 MiB: cheap on disk, and nothing of it is read.
  fs.closeSync(fs.openSync(path.join(root, 'repo', 'big.yaml'), 'w'));
  fs.truncateSync(path.join(root, 'repo', 'big.yaml'), 65 * 1024 * 1024);

  test('one file-too-large info finding names the file and the 64 MiB bound; the other files are analysed', () => {
    const { status, findings, stderr } = checkJson(['repo'], root);
    assert.equal(stderr, '');
    assert.equal(status, 1, 'a.yaml has an error finding');
    const large = findings.filter((f) => f.ruleId === 'file-too-large');
    assert.deepEqual(
      large.map((f) => [f.file, f.severity, f.message]),
      [
        [
          'repo/big.yaml',
          'info',
          'repo/big.yaml is 65 MiB (68157440 bytes), larger than the 64 MiB limit for one file; it was not read (raise the limit with --max-file-size MiB).',
        ],
      ],
    );
    assert.ok(findings.some((f) => f.file === 'repo/a.yaml'));
    assert.ok(findings.some((f) => f.file === 'repo/mid.yaml' && f.ruleId === 'missing-requests'));
    assert.ok(!findings.some((f) => f.file === 'repo/big.yaml' && f.ruleId !== 'file-too-large'));
  });

  test('--max-file-size MiB sets the bound; a bad value is a usage error', () => {
    const one = checkJson(['--max-file-size', '1', 'repo'], root);
    assert.deepEqual(
      one.findings.filter((f) => f.ruleId === 'file-too-large').map((f) => f.file),
      ['repo/big.yaml', 'repo/mid.yaml'],
    );
    assert.match(one.findings.find((f) => f.file === 'repo/mid.yaml')?.message ?? '', /larger than the 1 MiB limit/);
    const two = checkJson(['--max-file-size=2', 'repo'], root);
    assert.ok(two.findings.some((f) => f.file === 'repo/mid.yaml' && f.ruleId === 'missing-requests'));
    for (const bad of ['0', 'x', '5000']) {
      const r = runKpl(['check', '--max-file-size', bad, 'repo'], root);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--max-file-size must be a number of MiB from 1 to 4096/);
    }
    const explain = runKpl(['explain', '--max-file-size', '1', '--format', 'json', 'repo'], root);
    assert.equal(explain.status, 0);
    assert.ok(!explain.stdout.includes('"name": "batch"'), 'explain skips the file over the bound too');
    assert.match(
      explain.stderr,
      /^kpl: note: repo\/mid\.yaml is 1\.5 MiB \(\d+ bytes\), larger than the 1 MiB limit for one file; it was not read/m,
    );
  });
});
