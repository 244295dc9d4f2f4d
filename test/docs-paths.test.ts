// The docs a newcomer reads first stay true to the tree: ARCHITECTURE.md names every folder of the product and of
// test/, and every repository path quoted in ARCHITECTURE.md, CONTRIBUTING.md, README.md and SECURITY.md exists.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers/analyze';

const root = repoRoot();
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** Folders below `dir` (relative paths with `/`), `depth` levels deep at most. */
function folders(dir: string, depth: number): string[] {
  const out: string[] = [];
  const visit = (rel: string, level: number): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const child = `${rel}/${entry.name}`;
      out.push(child);
      if (level < depth) visit(child, level + 1);
    }
  };
  if (fs.existsSync(path.join(root, dir))) visit(dir, 1);
  return out;
}

/** Backquoted tokens of a Markdown text, without a trailing slash. */
function codeTokens(text: string): Set<string> {
  return new Set([...text.matchAll(/`([^`\s]+)`/g)].map((m) => (m[1] ?? '').replace(/\/$/, '')));
}

test('ARCHITECTURE.md names every folder of server/src, client/src, media/src, bench, scripts and test', () => {
  const tokens = codeTokens(read('ARCHITECTURE.md'));
  const all = [
    ...folders('server/src', 4),
    ...folders('client/src', 2),
    ...folders('media/src', 2),
    ...folders('bench', 1),
    ...folders('scripts', 1),
    ...folders('test', 1),
  ];
  assert.ok(all.length > 30, `scanned ${all.length} folders`);
  // Named by its full path, by a tail of it (`core/rules/support`, `rules/support`), or by its name with a slash.
  const text = read('ARCHITECTURE.md');
  const named = (folder: string): boolean => {
    const parts = folder.split('/');
    for (let i = 0; i < parts.length - 1; i++) if (tokens.has(parts.slice(i).join('/'))) return true;
    return text.includes(`\`${parts[parts.length - 1]}/\``);
  };
  assert.deepEqual(
    all.filter((f) => !named(f)),
    [],
    'describe these folders in ARCHITECTURE.md (the code map), by path or as `name/`',
  );
});

test('every repository path quoted in ARCHITECTURE.md, CONTRIBUTING.md, README.md and SECURITY.md exists', () => {
  const missing: string[] = [];
  let checked = 0;
  for (const doc of ['ARCHITECTURE.md', 'CONTRIBUTING.md', 'README.md', 'SECURITY.md']) {
    for (const token of codeTokens(read(doc))) {
      const p = token.replace(/[:#].*$/, '');
      if (/[*<>{}$]|\.\.\./.test(p)) continue; // patterns and placeholders
      let file: string | undefined;
      if (/^(server|client|media|test|bench|scripts|docs|examples|syntaxes|\.ci)\//.test(p)) file = p;
      else if (/^(core|lsp|cli|cluster|workspace|protocol)\/[\w.-]+\.(ts|json)$/.test(p)) file = `server/src/${p}`;
      if (file === undefined) continue;
      checked++;
      if (!fs.existsSync(path.join(root, file))) missing.push(`${doc}: \`${token}\``);
    }
  }
  assert.ok(checked > 50, `checked ${checked} paths`);
  assert.deepEqual(missing, [], 'these quoted paths do not exist (moved or renamed?): update the docs');
});
