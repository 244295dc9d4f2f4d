// Issue 14: a string from a manifest or a cluster never becomes live Markdown. Hostile names, namespaces, class names,
// descriptions and messages (images, raw HTML, `command:` links, every linkify form, backticks, pipes, line breaks)
// go through the real language server (hover, completion docs, explainWorkload, Diagnose Pod without a cluster), the
// Diagnose Pod report renderer and the live view's "Copy as Markdown". The Markdown is rendered by a real markdown-it
// 14 with HTML and linkify on (fuzzy links and e-mails included, stricter than VS Code's preview, which turns fuzzy
// links off) and the HTML must have no image, no raw tag, no event handler and no link except the server's own links
// to workspace files, while the hostile text is still shown literally.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as ts from 'typescript';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CompletionItem, Hover } from 'vscode-languageserver-protocol/node';
import { rowToMarkdown } from '../../media/src/live-events-model';
import { buildDiagnoseReport, codeSpan, escapeMarkdown, renderDiagnoseMarkdown } from '../../server/src/core/index';
import type { ApiObject, EventRecord, PodRecord } from '../../server/src/core/index';
import type { LiveEventRow } from '../../server/src/protocol/index';
import { repoRoot } from '../helpers/analyze';
import { TestClient } from '../lsp/harness';

interface MarkdownIt {
  render(src: string): string;
  linkify: { set(o: object): void };
}
// markdown-it 14.3.3 comes with @vscode/vsce (package-lock.json); a missing one fails here, it is never skipped.
const MarkdownItCtor = createRequire(__filename)('markdown-it') as new (o: object) => MarkdownIt;
const strict = new MarkdownItCtor({ html: true, linkify: true });
const preview = new MarkdownItCtor({ html: true, linkify: true });
preview.linkify.set({ fuzzyLink: false }); // what VS Code's Markdown preview configures

/** One payload per Markdown feature that could turn text into markup or a request. */
export const HOSTILE: Record<string, string> = {
  image: '![x](https://host.example/p.png)',
  'image, relative': '![x](p)',
  html: '<img src=x onerror=alert(1)>',
  'html entity': '&#60;img src=x onerror=alert(1)&#62;',
  'command link': '[click](command:workbench.action.terminal.new)',
  'command link, short': '[run](command:x)',
  'command autolink': '<command:workbench.action.terminal.new>',
  'web autolink': '<https://host.example/x>',
  'protocol-relative': 'see //host/x //localhost/x (//host.example/p)',
  'protocol-relative link': '[a](//host/x)',
  'www link': 'www.evil.com',
  'fuzzy link': 'example.com/path',
  'unicode fuzzy link': 'пример.рф',
  'punycode fuzzy link': 'xn--p1ai.xn--p1ai',
  'scheme link': 'https://evil.example/x',
  'ftp link': 'ftp://evil.example',
  email: 'admin@evil.example',
  mailto: 'mailto:admin@evil.example',
  'reference definition': '[x]: https://evil.example',
  backticks: 'a`b``c```d',
  'backtick fence': '```\nfenced',
  pipes: 'a | b | c',
  'line breaks': 'one\n# heading\n- item\n> quote\n\n    code',
  emphasis: '**bold** _it_ ~~gone~~',
  'math and icons': '$x^2$ $(zap)',
  'list marker': '1. first',
  'link in parentheses': '(see example.com).',
};

/** The text a reader sees: inline tags dropped, block tags as spaces, entities decoded, whitespace collapsed. */
const textOf = (html: string): string => flat(decode(html.replace(/<\/?(?:code|a|strong|em|s)\b[^>]*>/g, '').replace(/<[^>]*>/g, ' ')));
const decode = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const flat = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Rendered by both markdown-it configurations: no markup from the text, only server-built file links. */
export function assertInert(markdown: string, where: string, literals: readonly string[] = []): void {
  for (const [name, md] of [
    ['markdown-it (linkify, fuzzy)', strict],
    ["VS Code preview's markdown-it settings", preview],
  ] as const) {
    const html = md.render(markdown);
    const ctx = `${where}, ${name}:\n${html.slice(0, 600)}`;
    assert.doesNotMatch(
      html,
      /<(img|script|svg|iframe|object|embed|video|audio|source|style|link|form|input|textarea)\b/i,
      `markup element in ${ctx}`,
    );
    assert.doesNotMatch(html, /<[a-z][^>]*\s(on[a-z]+|src|srcset|style)=/i, `attribute in ${ctx}`);
    for (const m of html.matchAll(/<a\b[^>]*>/gi)) {
      const href = /href="([^"]*)"/.exec(m[0])?.[1] ?? '';
      assert.match(href, /^file:\/\/\//, `a link that the server did not build (${href}) in ${ctx}`);
    }
    assert.doesNotMatch(html, /command:[^\s<]*"/i, `command: link in ${ctx}`);
    assert.doesNotMatch(
      html,
      /<h[1-6]>(?!Diagnosis of pod|What happened|Who preempted it|Eviction|Job consequence|PodDisruptionBudgets|Fixes|Events|Data|Explanation|Predicted risks|Pods in the cluster)/,
      `injected heading in ${ctx}`,
    );
    const text = textOf(html);
    for (const l of literals)
      assert.ok(text.includes(flat(l)), `${where}, ${name}: the text ${JSON.stringify(l)} is not shown literally in ${text.slice(0, 400)}`);
  }
}

// One test per payload: each linkify form (fuzzy, unicode and punycode hosts, www, schemes, e-mail, mailto:, `//`)
// is its own case, so a regression names the form it lets through.
for (const [name, evil] of Object.entries(HOSTILE)) {
  test(`escapeMarkdown and codeSpan keep a hostile string literal and inert: ${name}`, () => {
    assertInert(`- ${escapeMarkdown(evil)}`, `escapeMarkdown(${name})`, [evil]);
    assertInert(`Evidence: ${escapeMarkdown(evil)} and ${escapeMarkdown(`x ${evil} y`)}`, `escapeMarkdown mid-line (${name})`, [evil]);
    assertInert(
      `Pod **${escapeMarkdown(`ns/${evil}`)}** in [${escapeMarkdown(evil)}](file:///w/x.yaml#L1)`,
      `escapeMarkdown in bold and link text (${name})`,
      [evil],
    );
    assertInert(`- class ${codeSpan(evil)}`, `codeSpan(${name})`, [evil]);
    assert.doesNotMatch(escapeMarkdown(evil), /\n/, 'no line break survives');
  });
}

test('rowToMarkdown (live view "Copy as Markdown") quotes every cluster string inertly', () => {
  for (const [name, evil] of Object.entries(HOSTILE)) {
    const row: LiveEventRow = {
      id: 'r',
      time: `2026-11-20T10:00:00Z${evil}`,
      reason: `Preempted${evil}`,
      type: 'preemption',
      message: `Preempted by pod ${evil} on node ${evil}`,
      namespace: `ns${evil}`,
      node: `node${evil}`,
      victim: {
        name: `victim${evil}`,
        uid: 'u',
        priority: 0,
        priorityClassName: `low${evil}`,
        qosClass: `BestEffort${evil}` as LiveEventRow['victim']['qosClass'],
        owner: `Job/owner${evil}`,
      },
      preemptor: {
        uid: `uid${evil}`,
        name: `preemptor${evil}`,
        namespace: `pns${evil}`,
        priority: 1000,
        priorityClassName: `high${evil}`,
        owner: `Job/p${evil}`,
        resolved: true,
      },
      priorityGap: 1000,
    };
    assertInert(rowToMarkdown(row), `rowToMarkdown(${name})`, [
      `Preempted${evil}`,
      `Preempted by pod ${evil} on node ${evil}`,
      `ns${evil}/victim${evil}`,
      `low${evil}`,
    ]);
    assertInert(rowToMarkdown({ ...row, preemptor: { uid: `uid${evil}`, resolved: false } }), `rowToMarkdown unresolved (${name})`, [
      `uid${evil}`,
    ]);
    const kueue = {
      workload: `ns/wl${evil}`,
      reason: `InClusterQueue${evil}`,
      reasonText: `words${evil}`,
      preemptorPath: `/co${evil}/cq`,
      preempteePath: `/cq${evil}`,
      source: 'event' as const,
    };
    assertInert(rowToMarkdown({ ...row, type: 'kueue-preemption', kueue }), `rowToMarkdown Kueue row (${name})`, [
      `ns/wl${evil}`,
      `words${evil}`,
      `/cq${evil}`,
    ]);
  }
});

test('the Diagnose Pod report from hostile cluster data renders inertly (names, classes, messages, notes)', () => {
  for (const [name, evil] of Object.entries(HOSTILE)) {
    const victim: PodRecord = {
      uid: 'v-uid',
      name: `victim${evil}`,
      namespace: `ns${evil}`,
      priority: 0,
      priorityClassName: `low${evil}`,
      owners: [{ kind: 'Job', name: `owner${evil}` }],
      node: `node${evil}`,
      phase: 'Failed',
      labels: { app: 'x' },
      requests: { cpu: '1' },
      startTime: '2026-11-20T09:00:00Z',
      deletedAt: '2026-11-20T10:05:01Z',
      message: evil,
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${evil} preempted` }],
    };
    const preemptor: PodRecord = {
      uid: 'p-uid',
      name: `preemptor${evil}`,
      namespace: `pns${evil}`,
      priority: 1000,
      priorityClassName: `high${evil}`,
      owners: [{ kind: 'Job', name: `powner${evil}` }],
      node: `node${evil}`,
      requests: { cpu: '1' },
    };
    const regarding = { kind: 'Pod', namespace: victim.namespace, name: victim.name, uid: victim.uid };
    const events: EventRecord[] = [
      { uid: 'e1', reason: 'Preempted', note: 'Preempted by pod p-uid on node node-x', time: '2026-11-20T10:05:00Z', regarding },
      { uid: 'e2', reason: 'Killing', note: `Stopping container ${evil}`, time: '2026-11-20T10:05:01Z', regarding },
    ];
    const classes: ApiObject[] = [
      { metadata: { name: `low${evil}` }, value: 0, globalDefault: true },
      { metadata: { name: `high${evil}` }, value: 1000 },
    ];
    const pdbs: ApiObject[] = [
      {
        metadata: { name: `pdb${evil}`, namespace: victim.namespace },
        spec: { selector: { matchLabels: { app: 'x' } } },
        status: { disruptionsAllowed: 0 },
      },
    ];
    const nodes: ApiObject[] = [
      {
        metadata: { name: `node${evil}` },
        status: { allocatable: { cpu: '1', pods: '10' }, conditions: [{ type: 'MemoryPressure', status: 'True', message: evil }] },
      },
    ];
    const r = buildDiagnoseReport({
      target: { namespace: victim.namespace, name: victim.name },
      pods: [victim, preemptor],
      events,
      priorityClasses: classes,
      pdbs,
      nodes,
    });
    assert.equal(r.preemptor?.name, `preemptor${evil}`, 'the preemptor is resolved (the report is not vacuous)');
    assertInert(renderDiagnoseMarkdown(r), `Diagnose report (${name})`, [
      `pns${evil}/preemptor${evil}`,
      `pdb${evil}`,
      `Stopping container ${evil}`,
    ]);
  }
});

/** A manifest per payload: class (name and description), workload (name, namespace, class), PDB and a class user to complete. */
function hostileManifest(i: number, evil: string): string {
  const q = (s: string): string => JSON.stringify(s); // JSON strings are YAML double-quoted scalars
  return [
    'apiVersion: scheduling.k8s.io/v1',
    'kind: PriorityClass',
    'metadata:',
    `  name: ${q(`class${i}${evil}`)}`,
    `value: ${1000 + i}`,
    `description: ${q(`described ${evil}`)}`,
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${q(`web${i}${evil}`)}`,
    `  namespace: ${q(`ns${i}${evil}`)}`,
    'spec:',
    `  selector: {matchLabels: {app: w${i}}}`,
    '  template:',
    `    metadata: {labels: {app: w${i}}}`,
    '    spec:',
    `      priorityClassName: ${q(`class${i}${evil}`)}`,
    '      containers: [{name: c, image: i, resources: {requests: {cpu: 100m}}}]',
    '---',
    'apiVersion: policy/v1',
    'kind: PodDisruptionBudget',
    'metadata:',
    `  name: ${q(`pdb${i}${evil}`)}`,
    `  namespace: ${q(`ns${i}${evil}`)}`,
    'spec:',
    '  maxUnavailable: 0',
    `  selector: {matchLabels: {app: w${i}}}`,
    '---',
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: low${i}`,
    '  namespace: plain',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    `      priorityClassName: ${q(`missing${i}${evil}`)}`,
    '      containers: [{name: c, image: i}]',
    '---',
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: pick${i}`,
    '  namespace: plain',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      priorityClassName: ',
    '      containers: [{name: c, image: i}]',
    '',
  ].join('\n');
}

function hoverValue(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  const c = h.contents;
  return typeof c === 'string' ? c : 'value' in c ? c.value : c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
}

describe('the language server quotes hostile manifests inertly (real server over stdio)', () => {
  let client: TestClient;
  let folder: string;
  const entries = Object.entries(HOSTILE);
  const file = (i: number): string => `hostile-${i}.yaml`;

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-md-'));
    entries.forEach(([, evil], i) => fs.writeFileSync(path.join(folder, file(i)), hostileManifest(i, evil)));
    client = await TestClient.start({ folder });
    await client.waitFor(
      'diagnostics of every hostile file',
      () => entries.every((_, i) => client.diagnostics.has(client.uri(file(i)))),
      60_000,
    );
  });
  after(async () => {
    await client.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('hover on the workload, the rejected workload and the PriorityClass', async () => {
    for (const [i, [name, evil]] of entries.entries()) {
      await client.open(file(i));
      const uri = client.uri(file(i));
      const workload = hoverValue(
        await client.request<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: client.positionOf(file(i), 'kind: Deployment', 2),
        }),
      );
      assertInert(workload, `workload hover (${name})`, [`ns${i}${evil}/web${i}${evil}`, `pdb${i}${evil}`]);
      const rejected = hoverValue(
        await client.request<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: client.positionOf(file(i), `name: low${i}`, 8),
        }),
      );
      assertInert(rejected, `rejected workload hover (${name})`, [`missing${i}${evil}`]);
      const cls = hoverValue(
        await client.request<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: client.positionOf(file(i), 'kind: PriorityClass', 2),
        }),
      );
      assertInert(cls, `PriorityClass hover (${name})`, [`class${i}${evil}`, `web${i}${evil}`]);
    }
  });

  test('completion docs of hostile classes (description and name)', async () => {
    await client.open(file(0));
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: client.uri(file(0)) },
      position: client.positionOf(file(0), 'priorityClassName: \n', 'priorityClassName: '.length),
    });
    for (const [i, [name, evil]] of entries.entries()) {
      const item = items.find((x) => x.label === `class${i}${evil}`);
      assert.ok(item, `completion item of class${i} (${name})`);
      const doc = item.documentation;
      assert.ok(doc !== undefined && typeof doc !== 'string' && doc.kind === 'markdown');
      assertInert(doc.value, `completion docs (${name})`, [`described ${evil}`]);
    }
  });

  test('code lens titles and reveal labels keep a `$(icon)` in a name literal (escaped as \\$()', async () => {
    const i = entries.findIndex(([name]) => name === 'math and icons');
    const evil = entries[i]?.[1] ?? '';
    await client.open(file(i));
    const lenses = await client.request<Array<{ command?: { title: string; arguments?: unknown[] } }>>('textDocument/codeLens', {
      textDocument: { uri: client.uri(file(i)) },
    });
    const texts = lenses.flatMap((l) => [l.command?.title ?? '', JSON.stringify(l.command?.arguments ?? [])]);
    assert.ok(
      texts.some((t) => t.includes(`class${i}`)),
      `a lens names the hostile class: ${JSON.stringify(texts)}`,
    );
    for (const t of texts) assert.doesNotMatch(t.replace(/\\\\/g, '\\'), /(^|[^\\])\$\(/, `an unescaped $( in ${t}`);
    assert.ok(evil.includes('$('));
  });

  test('explainWorkload and Diagnose Pod without a cluster (static explanation markdown)', async () => {
    for (const [i, [name, evil]] of entries.entries()) {
      const id = `Deployment/ns${i}${evil}/web${i}${evil}`;
      const explained = await client.request<{ markdown: string } | null>('kubePriorityLens/explainWorkload', { id });
      assert.ok(explained, `explanation of ${id}`);
      assertInert(explained.markdown, `explainWorkload (${name})`, [`web${i}${evil}`]);
      const diagnosed = await client.request<{ markdown: string }>('kubePriorityLens/diagnosePod', { target: id });
      assertInert(diagnosed.markdown, `Diagnose Pod without a cluster (${name})`, [`ns${i}${evil}/web${i}${evil}`]);
    }
  });
});

/** Source files of a product directory, parsed. */
function sources(dir: string): ts.SourceFile[] {
  const out: ts.SourceFile[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) out.push(ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true));
    }
  };
  walk(path.join(repoRoot(), dir));
  return out;
}

test("client/src trusts no Markdown beyond the project's own commands; the language client sets it explicitly", () => {
  const offenders: string[] = [];
  let clientOptions = '';
  for (const sf of sources('client/src')) {
    const where = (n: ts.Node): string => `${path.basename(sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      let name: string | undefined;
      let value: ts.Expression | undefined;
      if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)))
        [name, value] = [n.name.text, n.initializer];
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left))
        [name, value] = [n.left.name.text, n.right];
      if (name === 'isTrusted' && value !== undefined) {
        const ok =
          value.kind === ts.SyntaxKind.FalseKeyword ||
          (ts.isObjectLiteralExpression(value) &&
            value.properties.every(
              (p) =>
                ts.isPropertyAssignment(p) &&
                p.name.getText(sf) === 'enabledCommands' &&
                ts.isArrayLiteralExpression(p.initializer) &&
                p.initializer.elements.every((e) => ts.isStringLiteral(e) && e.text.startsWith('kubePriorityLens.')),
            ));
        if (!ok) offenders.push(`${where(n)}: isTrusted = ${value.getText(sf)}`);
      }
      if (name === 'supportHtml' && value !== undefined && value.kind !== ts.SyntaxKind.FalseKeyword)
        offenders.push(`${where(n)}: supportHtml = ${value.getText(sf)}`);
      if (name === 'markdown' && value !== undefined && ts.isObjectLiteralExpression(value) && sf.fileName.endsWith('language-client.ts'))
        clientOptions = value.getText(sf);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  assert.deepEqual(offenders, [], "trusted Markdown or HTML outside the project's own commands");
  assert.match(
    clientOptions,
    /isTrusted:\s*false/,
    'LanguageClientOptions.markdown.isTrusted is set (false) in client/src/language-client.ts',
  );
  assert.match(clientOptions, /supportHtml:\s*false/, 'LanguageClientOptions.markdown.supportHtml is set (false)');
});

test('the server builds no command: link into any Markdown (string and template literals of server/src)', () => {
  const found: string[] = [];
  for (const sf of sources('server/src')) {
    const visit = (n: ts.Node): void => {
      if (
        ts.isStringLiteral(n) ||
        ts.isNoSubstitutionTemplateLiteral(n) ||
        ts.isTemplateHead(n) ||
        ts.isTemplateMiddle(n) ||
        ts.isTemplateTail(n)
      ) {
        if (/\]\(\s*<?\s*command:|<command:|href=["']?command:/i.test(n.text))
          found.push(`${path.basename(sf.fileName)}: ${n.text.slice(0, 80)}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  assert.deepEqual(found, []);
});
