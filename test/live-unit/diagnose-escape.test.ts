// Issue 9: strings from the cluster in a Diagnose Pod report never become markup, links or block structure.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { escapeMarkdown, renderDiagnoseMarkdown } from '../../server/src/core/index';
import { buildDiagnoseReport } from './golden-record';
import type { ApiObject, EventRecord, PodRecord } from '../../server/src/core/index';

const HOSTILE = [
  '<img src=x onerror=window.__xss=1>',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  '[click](javascript:alert(1))',
  '![x](http://evil.example/x.png)',
  'line\n# Injected heading\n```\nfence',
  'see https://evil.example and www.evil.example',
  'mail admin@evil.example or <img src=x onerror="fetch(\'http://evil.example/x\')">',
];

function hostileReport(evil: string) {
  const pUid = 'p-uid';
  const victim: PodRecord = {
    uid: 'v-uid',
    name: `victim${evil}`,
    namespace: `ns${evil}`,
    priority: 0,
    priorityClassName: `low${evil}`,
    owners: [{ kind: 'Job', name: `owner${evil}` }],
    node: `node${evil}`,
    phase: 'Failed',
    labels: { app: evil },
    requests: { cpu: '1' },
    startTime: '2026-11-20T09:00:00Z',
    deletedAt: '2026-11-20T10:05:01Z',
    message: evil,
    conditions: [
      { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${evil} preempted by pod ${evil}` },
    ],
  };
  const preemptor: PodRecord = {
    uid: pUid,
    name: `preemptor${evil}`,
    namespace: `pns${evil}`,
    priority: 1000,
    priorityClassName: `high${evil}`,
    owners: [{ kind: 'Job', name: `powner${evil}` }],
    node: `node${evil}`,
    requests: { cpu: '1' },
  };
  const events: EventRecord[] = [
    {
      uid: 'e1',
      reason: 'Preempted',
      note: `Preempted by pod ${pUid} on node node-x`,
      time: '2026-11-20T10:05:00Z',
      regarding: { kind: 'Pod', namespace: victim.namespace, name: victim.name, uid: victim.uid },
    },
  ];
  const classes: ApiObject[] = [
    { metadata: { name: `low${evil}` }, value: 0, globalDefault: true },
    { metadata: { name: `high${evil}` }, value: 1000 },
  ];
  const pdbs: ApiObject[] = [
    {
      metadata: { name: `pdb${evil}`, namespace: victim.namespace },
      spec: { selector: { matchLabels: { app: evil } } },
      status: { disruptionsAllowed: 0 },
    },
  ];
  const nodes: ApiObject[] = [
    {
      metadata: { name: `node${evil}` },
      status: { allocatable: { cpu: '1', pods: '10' }, conditions: [{ type: 'MemoryPressure', status: 'True', message: evil }] },
    },
  ];
  return buildDiagnoseReport({
    target: { namespace: victim.namespace, name: victim.name },
    pods: [victim, preemptor],
    events,
    priorityClasses: classes,
    pdbs,
    nodes,
  });
}

test('escapeMarkdown: HTML as entities, link syntax escaped, linkable words as code spans, no line breaks', () => {
  assert.equal(escapeMarkdown('<img src=x onerror=a>'), '&lt;img src=x onerror=a&gt;');
  assert.equal(escapeMarkdown('[a](b)'), '\\[a\\](b)');
  assert.equal(escapeMarkdown('a\n# h'), 'a # h');
  // Backslash escapes do not stop VS Code's bundled markdown-it (older than 13) from linkifying: such words become code spans.
  assert.equal(escapeMarkdown('see https://x.io www.y.io a@b.io, x'), 'see `https://x.io` `www.y.io` `a@b.io`, x');
  assert.equal(escapeMarkdown("fetch('http://x/`a`');<b>"), "``fetch('http://x/`a`');<b>``");
  assert.equal(escapeMarkdown('`http://x`'), '`` `http://x` ``');
});

for (const evil of HOSTILE) {
  test(`Diagnose markdown from hostile cluster data stays inert: ${JSON.stringify(evil).slice(0, 40)}`, () => {
    const r = hostileReport(evil);
    assert.equal(r.happened.kind, 'preempted-by-scheduler');
    assert.equal(r.preemptor?.name, `preemptor${evil}`, 'the preemptor is resolved');
    const md = renderDiagnoseMarkdown(r);
    for (const line of md.split('\n')) {
      if (line.startsWith('#')) assert.match(line, /^(# Diagnosis of pod `|## )/, `injected heading: ${line}`);
    }
    // Everything outside code spans/fences: no unescaped [ or ] (links/images) and no raw autolink.
    // (Code spans and fences show their content literally.)
    const prose = md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    assert.doesNotMatch(prose, /<(img|script|svg)/i, 'raw HTML tag in the markdown');
    assert.doesNotMatch(prose, /(^|[^\\])[[\]]/m, 'unescaped link bracket');
    // Not even escaped (`http\://`): VS Code's markdown-it merges escapes back before linkify.
    assert.doesNotMatch(prose, /:\\?\/\/|@[^\s@]*\\?\./, 'a URL or e-mail outside a code span would be auto-linked');
    // Rendered as VS Code's preview does (markdown-it with HTML and linkify on), when markdown-it is installed.
    let MarkdownIt: (new (o: object) => { render(s: string): string }) | undefined;
    try {
      MarkdownIt = createRequire(__filename)(['markdown', 'it'].join('-')) as typeof MarkdownIt;
    } catch {
      MarkdownIt = undefined;
    }
    if (MarkdownIt !== undefined) {
      const html = new MarkdownIt({ html: true, linkify: true }).render(md);
      assert.doesNotMatch(html, /<(img|script|svg|a |iframe)/i, `markup in the rendered report: ${html.slice(0, 200)}`);
      assert.match(html, /&lt;|\\|evil|fence/, 'the hostile text is shown as text');
    }
  });
}
