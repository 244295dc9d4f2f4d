// Every `kpl check` output quoted in README.md and the examples' READMEs is what kpl prints today: each quote is
// "`kpl check <args>` prints:" followed by a ```text block. The commands run from the repository root with the real
// helm and kustomize on PATH (test:render builds them). `UPDATE_README=1` rewrites stale quotes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { kplPath } from '../helpers/cli';
import { binDir, root } from './tools';

const quote = /`kpl check ([^`]+)` prints:\n\n```text\n([\s\S]*?)```/g;

const readmes = ['README.md', ...fs.readdirSync(path.join(root, 'examples')).map((d) => path.join('examples', d, 'README.md'))].filter(
  (f) => fs.existsSync(path.join(root, f)),
);

function run(args: string): string {
  const r = spawnSync(process.execPath, [kplPath(), 'check', ...args.split(' ')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', PATH: `${binDir()}${path.delimiter}${process.env['PATH'] ?? ''}` },
  });
  assert.ok(r.status === 0 || r.status === 1, `kpl check ${args} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

test('README quotes of `kpl check` are current (UPDATE_README=1 rewrites them)', () => {
  let quotes = 0;
  const stale: string[] = [];
  for (const readme of readmes) {
    const file = path.join(root, readme);
    const text = fs.readFileSync(file, 'utf8');
    const updated = text.replace(quote, (whole, args: string, shown: string) => {
      quotes++;
      const actual = run(args);
      if (actual === shown) return whole;
      stale.push(`${readme}: kpl check ${args}\n--- quoted\n${shown}--- actual\n${actual}`);
      return `\`kpl check ${args}\` prints:\n\n\`\`\`text\n${actual}\`\`\``;
    });
    if (process.env['UPDATE_README'] === '1' && updated !== text) fs.writeFileSync(file, updated);
  }
  assert.ok(quotes >= 3, `found ${quotes} quoted outputs (README.md and the two rendered examples at least)`);
  if (process.env['UPDATE_README'] !== '1') assert.deepEqual(stale, [], 'stale README quotes: run with UPDATE_README=1');
});
