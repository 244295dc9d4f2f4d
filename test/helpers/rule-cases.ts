// The rule fixtures of test/rules/<rule-id>/: which files are cases, and how each case becomes a workspace. Shared by
// test/rules/*.test.ts and the golden surfaces dump (bench/golden-surfaces.ts), so a new kind of companion file
// cannot turn into a case by accident.
//   <case>.yaml|.yml|.json          a case: a one-file workspace
//   <case>.cluster.yaml|.yml        the cluster state of <case> (origin 'cluster')
//   <case>.expect.json              sidecar expectations of <case> (binary, JSON, column 0, directory cases)
//   <case>.fixed.yaml|.yml|.json    <case> with every quick fix of the folder's rule applied (UPDATE_FIXTURES=1)
//   <case>/                         a directory case, walked like `kpl check` after creating the symlinks of its
//                                   `.symlinks.json` ({"link": "target"}) and sparse files of `.sparse.json`
//   generated cases                 below (`generatedCases`), for inputs too big to commit
// A comment `# kpl-test-kubernetes-version: 1.N` anywhere in a fixture selects the modelled Kubernetes version.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newestKubernetesMinor, parseFile, unreadFile } from '../../server/src/core/index';
import type { ParsedFile } from '../../server/src/core/index';
import { FileReader, isTooLarge, tooLargeMessage } from '../../server/src/workspace/read';
import { walkPaths, walkProblemFile } from '../../server/src/workspace/walk';
import { defaultVariant, discover, problemFiles, Renderer } from '../../server/src/render/index';
import { repoRoot } from './analyze';
import type { InputFile } from './analyze';
import type { SidecarExpectation } from './expectations';

export const rulesDir = path.join(repoRoot(), 'test', 'rules');

/** A case file name: `<case>.yaml|.yml|.json`; the stem is group 1, the extension group 2. */
export const caseFile = /^(.*)\.(ya?ml|json)$/i;

/** isCompanionFile tells the files that belong to a case without being one. */
export function isCompanionFile(name: string): boolean {
  return /\.cluster\.ya?ml$/i.test(name) || /\.expect\.json$/i.test(name) || /\.fixed\.(ya?ml|json)$/i.test(name);
}

/** isRuleCaseFile tells whether a file (not a directory) of a rule's fixture folder is a case. */
export function isRuleCaseFile(name: string): boolean {
  return caseFile.test(name) && !isCompanionFile(name);
}

/** fixedFileOf names the file holding a case after its fixes: `invalid.yaml` → `invalid.fixed.yaml`. */
export function fixedFileOf(caseName: string): string {
  return caseName.replace(caseFile, '$1.fixed.$2');
}

export interface GeneratedCase {
  name: string;
  file: string;
  content: () => string;
  expect: SidecarExpectation[];
}

/** Inputs too large to commit: built at test time. */
export const generatedCases: Record<string, GeneratedCase[]> = {
  'document-too-large': [
    {
      name: 'invalid (generated: a 17 MiB kind: List document after a small Pod)',
      file: 'invalid.yaml',
      content: () => {
        const head =
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: small\nspec:\n  containers:\n  - name: app\n    image: nginx\n---\napiVersion: v1\nkind: List\nitems:\n';
        const item = '- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}\n';
        return head + item.repeat(Math.ceil((17 * 1024 * 1024) / item.length));
      },
      expect: [{ line: 8, character: 0, message: 'Document 2 (List) is larger than 16 MiB and was not analysed.' }],
    },
  ],
};

/** The fixture folders, sorted: one per rule id. */
export function listRuleFolders(): string[] {
  return fs
    .readdirSync(rulesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export interface CaseSpec {
  name: string;
  kind: 'file' | 'dir' | 'generated';
  /** absolute path of the file or directory */
  path?: string;
  generated?: GeneratedCase;
}

export function listCases(ruleId: string): CaseSpec[] {
  const dir = path.join(rulesDir, ruleId);
  const cases: CaseSpec[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) cases.push({ name: entry.name, kind: 'dir', path: full });
    else if (isRuleCaseFile(entry.name)) cases.push({ name: entry.name, kind: 'file', path: full });
  }
  for (const g of generatedCases[ruleId] ?? []) cases.push({ name: g.name, kind: 'generated', generated: g });
  return cases;
}

/** baseName is a case's name without extension: `valid`, `invalid`, `from-cluster`. */
export function baseName(c: CaseSpec): string {
  if (c.kind === 'generated') return (c.generated?.file ?? '').replace(caseFile, '$1');
  return path.basename(c.path ?? '').replace(caseFile, '$1');
}

/** The text the engine sees: strict UTF-8 with a BOM replaced by a space (as parseFile does); undefined for binary. */
export function decodeForCarets(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  } catch {
    return undefined;
  }
}

export function kubernetesMinorOf(text: string | undefined): number {
  const match = text === undefined ? null : /^# kpl-test-kubernetes-version: 1\.(\d+)\s*$/m.exec(text);
  return match === null ? newestKubernetesMinor : Number(match[1]);
}

/** clusterOf reads `<case>.cluster.yaml` beside a case file, when there is one. */
export function clusterOf(file: string): InputFile[] | undefined {
  const stem = file.replace(caseFile, '$1');
  for (const ext of ['.cluster.yaml', '.cluster.yml']) {
    const p = stem + ext;
    if (fs.existsSync(p)) return [{ path: path.basename(p), content: new Uint8Array(fs.readFileSync(p)) }];
  }
  return undefined;
}

/**
 * loadDirectoryCase loads a directory case as `kpl check` loads a directory: it is copied to a temporary folder (with
 * its symlinks and sparse files created), walked, and its files parsed; problems found while walking become
 * pseudo-files. Paths are relative to the case's folder.
 */
export async function loadDirectoryCase(source: string): Promise<ParsedFile[]> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-rule-case-'));
  try {
    const root = path.join(temp, path.basename(source));
    fs.cpSync(source, root, { recursive: true });
    const linksFile = path.join(root, '.symlinks.json');
    if (fs.existsSync(linksFile)) {
      const links = JSON.parse(fs.readFileSync(linksFile, 'utf8')) as Record<string, string>;
      for (const [link, target] of Object.entries(links)) {
        // git keeps no empty folders: a link may be the only thing its folder holds.
        fs.mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
        fs.symlinkSync(target, path.join(root, link));
      }
    }
    const sparseFile = path.join(root, '.sparse.json');
    if (fs.existsSync(sparseFile)) {
      for (const [file, size] of Object.entries(JSON.parse(fs.readFileSync(sparseFile, 'utf8')) as Record<string, number>)) {
        fs.closeSync(fs.openSync(path.join(root, file), 'w'));
        fs.truncateSync(path.join(root, file), size);
      }
    }
    const walked = await walkPaths([root]);
    const prefix = `${root.split(path.sep).join('/')}/`;
    const rel = (p: string): string => (p.startsWith(prefix) ? p.slice(prefix.length) : p);
    const files: ParsedFile[] = [];
    const reader = new FileReader();
    for (const f of walked.files) {
      const content = reader.read(f.absolute);
      if (isTooLarge(content))
        files.push(
          unreadFile(
            rel(f.path),
            'file-too-large',
            tooLargeMessage(rel(f.path), content.size, reader.maxBytes, 'raise the limit with --max-file-size MiB'),
          ),
        );
      else files.push(parseFile({ path: rel(f.path), content }));
    }
    for (const p of walked.problems) files.push(walkProblemFile({ ...p, message: p.message.split(prefix).join('') }, rel(p.path)));
    // `.render.json` ({"trusted": bool}): render the case's charts and kustomizations with no tool available, as the
    // CLI and the language server do before any tool runs (restricted mode, preflight checks, a missing tool).
    const renderFile = path.join(root, '.render.json');
    if (fs.existsSync(renderFile)) {
      const { trusted } = JSON.parse(fs.readFileSync(renderFile, 'utf8')) as { trusted: boolean };
      const found = await discover([root]);
      const renderer = new Renderer({ helm: undefined, kustomize: undefined, trusted, kubeVersion: `v1.${newestKubernetesMinor}.0` });
      const renders = await Promise.all([
        ...found.charts
          .filter((c) => c.rendered)
          .map((c) => renderer.render({ tool: 'helm', dir: c.dir, display: rel(c.dir), variant: defaultVariant })),
        ...found.kustomizations
          .filter((k) => k.rendered)
          .map((k) => renderer.render({ tool: 'kustomize', dir: k.dir, display: rel(k.dir) })),
      ]);
      const plain = new Map(files.map((f) => [f.file, f]));
      for (const p of problemFiles({ plain, renders, display: (_r, absolute) => rel(absolute.split(path.sep).join('/')) }))
        plain.set(p.file, p);
      return [...plain.values()];
    }
    return files;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
