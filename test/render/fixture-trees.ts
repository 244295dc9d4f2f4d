// Small charts and kustomizations written into a temporary folder by the render suites (failing templates, missing
// dependencies, remote resources): each test states what it writes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** tree writes `files` (path → text) under a new temporary folder and returns it. */
export function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-render-test-'));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

export function removeTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const chartYaml = 'apiVersion: v2\nname: app\nversion: 0.1.0\n';

export function configMap(data: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${data}\n`;
}
