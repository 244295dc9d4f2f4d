// Every rule fixture replayed as edits through AnalysisHost, the way the language server analyses a workspace while
// files are opened, edited and deleted: after each step the findings of every file (kept from earlier steps for files
// that were not re-checked, as the server keeps them) must equal a fresh analysis of the same files.
//
// The host re-checks only the edited file when the file's summary (summarizeFile, the per-file facts other files
// depend on) is unchanged. A rule that reads another object's field which the summary leaves out would go stale in
// the editor without any error; here it fails, naming the edit. Steps per case:
//   add       the workspace without one of its files, then with it
//   delete    the workspace with all its files, then without one
//   swap      the case's file holding the rule's valid.yaml text, then the case, then valid.yaml again
//   split     each YAML document of the case in its own file, then for each document every small edit (an entry or a
//             list item removed, a scalar changed) and back: the edits that keep the summary are the ones that test it
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { AnalysisHost, parseFile, rules } from '../../server/src/core/index';
import type { Finding, ParsedFile, YNode } from '../../server/src/core/index';
import type { InputFile } from '../helpers/analyze';
import { applyEdits } from '../helpers/edits';
import type { PlainEdit } from '../helpers/edits';
import { baseName, clusterOf, decodeForCarets, kubernetesMinorOf, listCases, loadDirectoryCase } from '../helpers/rule-cases';
import type { CaseSpec } from '../helpers/rule-cases';

/** A workspace file: content to parse (as an editor's `didOpen`/`didChange`), or a file parsed elsewhere (walk problems). */
interface WorkspaceFile {
  path: string;
  content?: string | Uint8Array;
  parsed?: ParsedFile;
}

interface Setup {
  kubernetesMinor: number;
  cluster: readonly InputFile[] | undefined;
}

function put(host: AnalysisHost, file: WorkspaceFile): void {
  if (file.parsed !== undefined) host.addParsed(file.parsed);
  else host.setFile({ path: file.path, content: file.content ?? '' });
}

function newHost(setup: Setup): AnalysisHost {
  const host = new AnalysisHost({ kubernetesMinor: setup.kubernetesMinor }, { severities: {} });
  if (setup.cluster !== undefined) host.setClusterState(setup.cluster.map((c) => ({ path: c.path, content: c.content })));
  return host;
}

const shown = (f: Finding): string => `${f.ruleId} @${f.span.start}-${f.span.end}: ${f.message}${f.fix === undefined ? '' : ` [fix: ${JSON.stringify(f.fix)}]`}`;

/** Replay drives one AnalysisHost through edits and keeps each file's findings as the language server does. */
class Replay {
  private readonly host: AnalysisHost;
  private readonly files = new Map<string, WorkspaceFile>();
  private readonly published = new Map<string, Finding[]>();
  /** Steps whose edit kept every summary, so only the edited file was re-checked. */
  incrementalSteps = 0;

  constructor(
    private readonly setup: Setup,
    private readonly name: string,
    initial: readonly WorkspaceFile[],
  ) {
    this.host = newHost(setup);
    for (const f of initial) this.set(f);
    this.analyze();
  }

  set(file: WorkspaceFile): void {
    this.files.set(file.path, file);
    put(this.host, file);
  }

  remove(file: string): void {
    this.files.delete(file);
    this.host.removeFile(file);
    this.published.delete(file);
  }

  /** analyze runs the host; returns whether it rebuilt the model (a rebuild is a fresh analysis by construction). */
  analyze(): boolean {
    const result = this.host.analyze();
    for (const [file, findings] of result.findings) this.published.set(file, findings);
    if (!result.rebuilt) this.incrementalSteps++;
    return result.rebuilt;
  }

  /** check compares every file's findings with a fresh analysis of the same files in the same order. */
  check(step: string): void {
    const fresh = newHost(this.setup);
    for (const f of this.files.values()) put(fresh, f);
    const expected = fresh.analyze().findings;
    for (const file of this.files.keys()) {
      const want = (expected.get(file) ?? []).map(shown);
      const got = (this.published.get(file) ?? []).map(shown);
      if (JSON.stringify(want) === JSON.stringify(got)) continue;
      assert.fail(
        [
          `${this.name}: after ${step}, the findings of ${file} differ from a fresh analysis.`,
          `  fresh:       ${want.join('\n               ') || '(none)'}`,
          `  incremental: ${got.join('\n               ') || '(none)'}`,
          'A rule probably reads a field of another object that summarizeFile (the per-file summary of the analysis layer)',
          'leaves out, or a fact whose dependents WorkspaceModel.update does not name: add the field to the summary, or',
          'the dependents to update().',
        ].join('\n'),
      );
    }
  }

  /** step applies an edit, analyses and checks (also after a rebuild, unless `onlyIncremental`). */
  step(label: string, edit: () => void, onlyIncremental = false): void {
    edit();
    const rebuilt = this.analyze();
    if (!rebuilt || !onlyIncremental) this.check(label);
  }
}

interface LoadedCase {
  setup: Setup;
  files: WorkspaceFile[];
  /** The case's text, for file cases that are text. */
  text?: string;
}

async function load(spec: CaseSpec): Promise<LoadedCase> {
  if (spec.kind === 'dir') {
    const parsed = await loadDirectoryCase(spec.path ?? '');
    return { setup: { kubernetesMinor: kubernetesMinorOf(undefined), cluster: undefined }, files: parsed.map((p) => ({ path: p.file, parsed: p })) };
  }
  if (spec.kind === 'generated') {
    const g = spec.generated;
    assert.ok(g !== undefined);
    return { setup: { kubernetesMinor: kubernetesMinorOf(undefined), cluster: undefined }, files: [{ path: g.file, content: g.content() }] };
  }
  const file = spec.path ?? '';
  const bytes = new Uint8Array(fs.readFileSync(file));
  const text = decodeForCarets(bytes);
  return {
    setup: { kubernetesMinor: kubernetesMinorOf(text), cluster: clusterOf(file) },
    files: [{ path: path.basename(file), content: bytes }],
    ...(text === undefined ? {} : { text }),
  };
}

/** YAML documents of a text, split at `---` lines (each with its own lines, so positions stay meaningful). */
function documents(text: string): string[] {
  return text.split(/^---[ \t]*\r?$\n?/m).filter((d) => /^[^#\s]/m.test(d));
}

/**
 * smallEdits lists single edits of one document: each block-map entry and block-list item removed (when nothing else
 * shares its lines) and each plain scalar changed (numbers +1, booleans flipped, other strings extended).
 */
function smallEdits(text: string, nodes: readonly YNode[]): Array<{ label: string; edits: PlainEdit[] }> {
  const out: Array<{ label: string; edits: PlainEdit[] }> = [];
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const removeLines = (start: number, end: number, label: string): void => {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (text.slice(lineStart, start).trim() !== '') return;
    const lineEnd = text.indexOf('\n', end);
    const after = text.slice(end, lineEnd === -1 ? text.length : lineEnd).trim();
    if (after !== '' && !after.startsWith('#')) return;
    out.push({ label, edits: [{ span: { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1 }, newText: '' }] });
  };
  const visit = (node: YNode, where: string): void => {
    switch (node.type) {
      case 'map':
        for (const e of node.entries) {
          if (!node.flow) removeLines(e.keySpan.start, e.value.span.end, `removing ${where}${e.key} (line ${lineOf(e.keySpan.start)})`);
          visit(e.value, `${where}${e.key}.`);
        }
        break;
      case 'seq':
        node.items.forEach((item, i) => {
          const dash = text.lastIndexOf('-', item.span.start);
          if (!node.flow && dash !== -1 && text.slice(dash + 1, item.span.start).trim() === '')
            removeLines(dash, item.span.end, `removing ${where}[${i}] (line ${lineOf(dash)})`);
          visit(item, `${where}[${i}].`);
        });
        break;
      case 'scalar': {
        if (node.quoted || node.span.end <= node.span.start) break;
        const source = text.slice(node.span.start, node.span.end);
        const number = /^(\d+)(.*)$/.exec(source);
        const changed =
          number !== null
            ? `${Number(number[1]) + 1}${number[2] ?? ''}`
            : source === 'true'
              ? 'false'
              : source === 'false'
                ? 'true'
                : `${source}x`;
        out.push({ label: `changing ${where.slice(0, -1)} from ${source} to ${changed} (line ${lineOf(node.span.start)})`, edits: [{ span: node.span, newText: changed }] });
        break;
      }
    }
  };
  for (const n of nodes) visit(n, '');
  return out;
}

/** The text of the rule's valid.yaml, for the swap step. */
function validText(ruleId: string): Uint8Array | undefined {
  const valid = listCases(ruleId).find((c) => c.kind === 'file' && baseName(c) === 'valid');
  return valid?.path === undefined ? undefined : new Uint8Array(fs.readFileSync(valid.path));
}

let incrementalSteps = 0;
let smallEditCount = 0;

for (const rule of rules) {
  describe(`rule ${rule.id}`, () => {
    for (const spec of listCases(rule.id)) {
      test(`case ${spec.name} replayed as edits`, async () => {
        const loaded = await load(spec);
        const name = `${rule.id}/${spec.name}`;
        const all = loaded.files;

        for (const file of all) {
          const replay = new Replay(loaded.setup, name, all.filter((f) => f !== file));
          replay.step(`adding ${file.path}`, () => replay.set(file));
          replay.step(`deleting ${file.path}`, () => replay.remove(file.path));
        }

        const valid = validText(rule.id);
        const caseFile = all[0];
        if (spec.kind === 'file' && baseName(spec) !== 'valid' && valid !== undefined && caseFile !== undefined) {
          const replay = new Replay(loaded.setup, name, [{ path: caseFile.path, content: valid }]);
          replay.step(`changing ${caseFile.path} from valid.yaml to the case`, () => replay.set(caseFile));
          replay.step(`changing ${caseFile.path} back to valid.yaml`, () => replay.set({ path: caseFile.path, content: valid }));
          incrementalSteps += replay.incrementalSteps;
        }

        if (loaded.text === undefined || /\.json$/i.test(spec.name)) return;
        const docs = documents(loaded.text).map((text, i) => ({ path: `doc-${i + 1}.yaml`, content: text }));
        const replay = new Replay(loaded.setup, `${name} (one file per document)`, docs);
        for (const doc of docs) {
          const text = doc.content;
          const nodes = parseFile({ path: doc.path, content: text }).objects.map((o) => o.node);
          for (const edit of smallEdits(text, nodes)) {
            smallEditCount++;
            replay.step(`${edit.label} in ${doc.path}`, () => replay.set({ path: doc.path, content: applyEdits(text, edit.edits) }), true);
            replay.step(`undoing ${edit.label} in ${doc.path}`, () => replay.set(doc), true);
          }
        }
        incrementalSteps += replay.incrementalSteps;
      });
    }
  });
}

test('the replay exercised incremental steps (edits that keep every summary)', (t) => {
  // Guards the test itself: if every edit rebuilt the model, nothing above would test the summary.
  t.diagnostic(`${smallEditCount} small edits, ${incrementalSteps} incremental steps`);
  assert.ok(incrementalSteps > 100, `only ${incrementalSteps} incremental steps`);
});
