// Runs the built CLI (dist/kpl.js) as a child process, on file trees written to temporary directories.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './analyze';

export interface KplResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function kplPath(): string {
  const p = path.join(repoRoot(), 'dist', 'kpl.js');
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: run \`node esbuild.mjs\` first`);
  return p;
}

export function runKpl(args: readonly string[], cwd: string): KplResult {
  const result = spawnSync(process.execPath, [kplPath(), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** tempTree writes files (paths with `/`) below a new temporary directory and returns it; symlinks as `{ symlink: target }`. */
export function tempTree(files: Record<string, string | Uint8Array | { symlink: string }>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cli-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(root, ...name.split('/'));
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (typeof content === 'object' && !(content instanceof Uint8Array)) fs.symlinkSync(content.symlink, full);
    else fs.writeFileSync(full, content);
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`stdout is not JSON (${String(error)}):\n${text.slice(0, 2000)}`);
  }
}
