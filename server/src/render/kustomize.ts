// Kustomize: the tree a kustomization reaches (for the preflight, the cache key and the patch locator), the wrapper
// kustomization outside the workspace that asks for origin annotations without touching the user's files, the
// output split into documents with their origins (annotations stripped before analysis), and error locations.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isWithin } from './files';
import { loadKustomization } from './kustomization';
import type { Kustomization, KustomizationRef } from './kustomization';
import type { Tool } from './runner';
import type { RenderedDocument } from './types';
import { identityOf } from './documents';

/** Kustomizations one build reaches: the root, its bases and components, transitively. */
export interface KustomizeTree {
  root: Kustomization;
  /** Every kustomization reached, by folder (absolute), the root first. */
  nodes: Map<string, Kustomization>;
  /** Folders each kustomization includes (resources that are folders, and components). */
  children: Map<string, string[]>;
}

const maxTreeNodes = 2000;

/** readKustomizeTree follows local folder references from `root` (bounded; loops and missing folders are skipped). */
export function readKustomizeTree(root: Kustomization): KustomizeTree {
  const tree: KustomizeTree = { root, nodes: new Map([[root.dir, root]]), children: new Map() };
  const queue = [root];
  while (queue.length > 0 && tree.nodes.size < maxTreeNodes) {
    const k = queue.shift();
    if (k === undefined) break;
    const kids: string[] = [];
    for (const r of [...k.resources, ...k.components]) {
      const dir = path.resolve(k.dir, r.value);
      const existing = tree.nodes.get(dir);
      if (existing !== undefined) {
        kids.push(dir);
        continue;
      }
      const child = loadKustomization(dir);
      if (child === undefined) continue; // a file, or a folder kustomize will complain about
      tree.nodes.set(dir, child);
      kids.push(dir);
      queue.push(child);
    }
    tree.children.set(k.dir, kids);
  }
  return tree;
}

/** What a build would fetch or inflate: every remote reference and `helmCharts` entry of the tree. */
export function fetchedReferences(tree: KustomizeTree): Array<{ kustomization: Kustomization; ref: KustomizationRef; helm: boolean }> {
  const out: Array<{ kustomization: Kustomization; ref: KustomizationRef; helm: boolean }> = [];
  for (const k of tree.nodes.values()) {
    for (const ref of k.remote) out.push({ kustomization: k, ref, helm: false });
    for (const ref of k.helmCharts) out.push({ kustomization: k, ref, helm: true });
  }
  return out;
}

/** kustomizeArgs: the whole argv for building `dir` (no flags: kustomize's defaults restrict loading to the tree). */
export function kustomizeArgs(tool: Tool, dir: string): string[] {
  return tool.kind === 'kubectl' ? ['kustomize', dir] : ['build', dir];
}

/**
 * writeWrapper creates, outside the workspace, a kustomization that includes the user's folder and sets
 * `buildMetadata: [originAnnotations]`, so every object says which file it came from. Kustomize wants a relative path.
 */
export async function writeWrapper(userDir: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kpl-kustomize-'));
  const rel = path.relative(dir, userDir).split(path.sep).join('/');
  const text = `# Written by Kube Priority Lens to learn each object's origin; the user's files are not modified.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`;
  await fs.writeFile(path.join(dir, 'kustomization.yaml'), text, { mode: 0o600 });
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

const originKey = 'config.kubernetes.io/origin:';

/**
 * stripOrigin removes the `config.kubernetes.io/origin` annotation (and an `annotations:` left empty) from one
 * document of kustomize's output, and returns what it said. Kustomize prints it as a literal block.
 */
export function stripOrigin(text: string): { text: string; path?: string; configuredIn?: string } {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trimStart().startsWith(originKey));
  if (at === -1) return { text };
  const indent = (l: string) => l.length - l.trimStart().length;
  const keyIndent = indent(lines[at] ?? '');
  let end = at + 1;
  while (end < lines.length && (lines[end] ?? '').trim() !== '' && indent(lines[end] ?? '') > keyIndent) end++;
  const block = lines.slice(at + 1, end).map((l) => l.trim());
  const inline = (lines[at] ?? '').trimStart().slice(originKey.length).trim();
  const field = (name: string) => {
    const line = [inline, ...block].find((l) => l.startsWith(`${name}: `));
    return line?.slice(name.length + 2).trim();
  };
  let from = at;
  const prev = lines[at - 1] ?? '';
  const next = lines[end];
  if (prev.trim() === 'annotations:' && indent(prev) < keyIndent && (next === undefined || indent(next) <= indent(prev))) from = at - 1;
  lines.splice(from, end - from);
  return { text: lines.join('\n'), path: field('path'), configuredIn: field('configuredIn') };
}

/** splitDocuments: kustomize's output documents (separated by `---` lines), empty ones dropped. */
export function splitYamlStream(stdout: string): string[] {
  const docs: string[] = [];
  let current: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '---' || line.startsWith('--- ')) {
      docs.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  docs.push(current.join('\n'));
  return docs.filter((d) => d.trim() !== '').map((d) => (d.endsWith('\n') ? d : `${d}\n`));
}

/** splitKustomizeOutput: documents with their origin files resolved from the wrapper's folder. */
export function splitKustomizeOutput(stdout: string, wrapperDir: string): RenderedDocument[] {
  return splitYamlStream(stdout).map((raw) => {
    const stripped = stripOrigin(raw);
    const id = identityOf(stripped.text);
    const doc: RenderedDocument = {
      text: stripped.text,
      sourceFile: stripped.path === undefined ? undefined : path.resolve(wrapperDir, stripped.path),
      kind: id.kind,
      name: id.name,
    };
    if (stripped.configuredIn !== undefined) doc.configuredIn = path.resolve(wrapperDir, stripped.configuredIn);
    return doc;
  });
}

/** cleanKustomizeError: the message without `Error: `, with the wrapper's paths written as the user's. */
export function cleanKustomizeError(stderr: string, wrapperDir: string, userDir: string): string {
  const rel = path.relative(wrapperDir, userDir).split(path.sep).join('/');
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ')
    .replace(/^Error: /, '')
    .replaceAll(rel, userDir)
    .replaceAll(wrapperDir, '<wrapper>')
    .slice(0, 2000);
}

/** errorLocation: the kustomization entry an error names (a resource or patch path), else the deepest kustomization it names, else the root. */
export function errorLocation(message: string, tree: KustomizeTree): { file: string; start: number; end: number } {
  const nodes = [...tree.nodes.values()].sort((a, b) => b.dir.length - a.dir.length);
  for (const k of nodes) {
    for (const r of [...k.resources, ...k.components]) {
      const abs = path.resolve(k.dir, r.value);
      if (message.includes(`'${r.value}'`) || message.includes(abs)) return { file: k.file, start: r.start, end: r.end };
    }
  }
  for (const k of nodes) {
    if (message.includes(k.dir)) return { file: k.file, start: 0, end: 0 };
  }
  return { file: tree.root.file, start: 0, end: 0 };
}

/** treeInputs: every file below the folders of the tree (what a build can read: the load restrictor keeps it there). */
export async function treeInputs(tree: KustomizeTree, limit = 20_000): Promise<string[]> {
  const files = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (files.size >= limit || depth > 32) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full, depth + 1);
      else if (e.isFile()) files.add(full);
    }
  };
  // A folder below another one of the tree is walked with it.
  const dirs = [...tree.nodes.keys()].sort();
  const tops = dirs.filter((d, i) => !dirs.slice(0, i).some((p) => isWithin(d, p)));
  for (const dir of tops) await walk(dir, 0);
  return [...files].sort();
}
