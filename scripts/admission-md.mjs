// `node scripts/admission-md.mjs REPORT.json [--write]`: turns the JSON report of the admission suite
// (KPL_ADMISSION_REPORT / `npm run test:admission -- --report FILE`) into the figures and the list of disagreements
// of test/scenarios/ADMISSION.md, each with its cause. Causes are classified from the apiserver's own message; a
// disagreement no rule explains is listed as "UNCLASSIFIED" for a human to read. --write replaces the generated part
// of ADMISSION.md (between the `<!-- generated -->` markers); without it the text goes to stdout.
import { readFileSync, writeFileSync } from 'node:fs';

const [reportFile, ...rest] = process.argv.slice(2);
if (!reportFile) {
  console.error('usage: node scripts/admission-md.mjs REPORT.json [--write]');
  process.exit(2);
}
const results = JSON.parse(readFileSync(reportFile, 'utf8'));
const FIELDS = ['verdict', 'message', 'priority', 'priorityClassName', 'preemptionPolicy', 'qosClass'];

/** [test on the apiserver's message (or the field), cause]. First match wins. */
const RULES = [
  [
    /no matches for kind/,
    'removed API version: the apiserver no longer serves it, kpl analyses it as served (issue 17 §1b "Removed API versions", h17-core)',
  ],
  [
    /spec\.selector: Required value|`selector` does not match template|containers: Required value|image: Required value|spec\.template\.spec\.containers: Required/,
    'partial manifest (a kustomize patch or an overlay/template fragment) whose containers all carry an image: kpl recognises a fragment by missing containers or images (R-D.11, rule partial-manifest), not by a missing selector, so it reads this one as a complete workload; rendered through its overlay it is complete',
  ],
  [
    /controller-uid/,
    "dump of a live Job: its template carries another Job's controller-uid labels, which the apiserver checks against this Job's uid; not creatable as written (Job selector generation is outside kpl's model)",
  ],
  [
    /quantities must match/,
    'unparseable quantity (a ${VAR} placeholder) in a field kpl does not read: the apiserver cannot decode the body',
  ],
  [/cannot be handled as a/, "wrong JSON type for a field the engine does not read (API decoding): outside kpl's model"],
  [
    /namespaces "[^"]*" not found/,
    'namespace is a placeholder (${VAR}), not a valid name: kpl validates Namespace object names (invalid-object-name, R-B.7) but not the metadata.namespace a workload refers to',
  ],
  [
    /metadata\.name: Invalid value|RFC 1123/,
    'invalid name (placeholder or not a DNS name) in a field kpl does not validate (issue 17 §1 name validation covers the kinds kpl reads; others are outside its model)',
  ],
  [/volumeMounts\[\d+\]\.name: Not found/, "volume mount without a matching volume (API validation outside kpl's model; often a fragment)"],
  [/defaultMode: Invalid value/, "volume defaultMode written as decimal 700/755/600 meaning octal (API validation outside kpl's model)"],
  [
    /fieldPath|protocol: Unsupported value|containerPort: Required value|serviceAccountToken: Forbidden|\.name: Required value/,
    "API validation of a field outside kpl's model",
  ],
];

/** Why an error finding met no rejection with its message: [rule id, test on the apiserver's message, cause]. */
const ERROR_RULES = [
  [
    'invalid-object-name',
    /cannot be handled as a/,
    "the apiserver stops at decoding a field kpl does not read (a ${VAR} quantity in a volume's capacity or a claim's storage request) and never reaches name validation; kpl's name cause is the apiserver's own (the rule's fixtures are judged by the real apiserver in admission-fixtures.test.ts)",
  ],
  [
    'limitrange-violation',
    /no PriorityClass with name .* was found/,
    "the Priority admission plugin refuses first: the class is not defined in the repository (kpl reports priority-class-not-found as a warning, since a cluster may define it); LimitRanger's validation would come after it",
  ],
];

function errorCause(e) {
  const msg = (e.realMessage ?? '').replace(/\s+/g, ' ').trim();
  if (!e.rejected) return `UNCLASSIFIED: the apiserver ${msg ? msg : 'accepted the object'}`;
  for (const [rule, re, text] of ERROR_RULES) if (rule === e.ruleId && re.test(msg)) return text;
  return `UNCLASSIFIED: ${msg}`;
}

function cause(r, w, field, v) {
  if (field === 'qosClass')
    return 'live-object dump whose recorded status.qosClass contradicts its spec; kpl keeps the recorded class, the apiserver computes it (issue 17 §1b "Recorded status that contradicts the spec": keep and report, h17-core)';
  if (field === 'message')
    return `kpl names one cause ("${String(v.kpl).slice(0, 80)}…"), the apiserver rejected the object for another one first`;
  const msg = (w.realMessage ?? '').replace(/\s+/g, ' ').trim();
  if (field === 'verdict' && v.kpl === false && v.real === true)
    return `kpl rejects, the apiserver admits: ${msg || '(no message)'} -- UNCLASSIFIED`;
  for (const [re, text] of RULES) if (re.test(msg)) return text;
  return `UNCLASSIFIED: ${msg}`;
}

const perField = Object.fromEntries(FIELDS.map((f) => [f, [0, 0]]));
// The same figures per source: the corpus's repositories, and ../shared/rendered's charts and kustomization roots
// (repositories named rendered__<tool>__<root> by test/real-cluster/admission-rendered.ts).
const sources = { corpus: { repos: 0, workloads: 0, agree: Object.fromEntries(FIELDS.map((f) => [f, [0, 0]])) } };
sources.rendered = { repos: 0, workloads: 0, agree: Object.fromEntries(FIELDS.map((f) => [f, [0, 0]])) };
const sourceOf = (r) => (r.repo.startsWith('rendered__') ? sources.rendered : sources.corpus);
const lines = [];
const byCause = new Map();
let workloads = 0;
let skipped = 0;
let syntax = 0;
const errs = { total: 0, rejected: 0, matches: 0, list: [] };
const skippedBy = new Map();
for (const r of results) {
  const src = sourceOf(r);
  src.repos++;
  syntax += r.syntaxErrorDocs;
  skipped += r.skipped.length;
  for (const s of r.skipped) {
    const k = s.why.replace(/apiVersion \S+ is not a built-in group: a custom resource, not a \S+/, 'custom resource (group not built in)');
    skippedBy.set(k, (skippedBy.get(k) ?? 0) + 1);
  }
  for (const w of r.workloads) {
    workloads++;
    src.workloads++;
    for (const f of FIELDS) {
      const v = w.fields[f];
      if (!v) continue;
      perField[f][1]++;
      src.agree[f][1]++;
      if (v.agree) src.agree[f][0]++;
      if (v.agree) {
        perField[f][0]++;
        continue;
      }
      const c = cause(r, w, f, v);
      byCause.set(c, (byCause.get(c) ?? 0) + 1);
      lines.push(`- \`${r.repo}/${w.file} ${w.id} ${f}\`: ${c}`);
    }
  }
  for (const e of r.errorFindings) {
    errs.total++;
    if (e.rejected) errs.rejected++;
    if (e.messageMatches) errs.matches++;
    else
      errs.list.push(
        `- ${r.repo}/${e.file} ${e.object} \`${e.ruleId}\`: ${errorCause(e)}. kpl: "${e.kplMessage}"; apiserver: ${e.rejected ? `"${e.realMessage}"` : (e.realMessage ?? 'accepted')}`,
      );
  }
}
const pct = (a, n) => (n === 0 ? '-' : `${((100 * a) / n).toFixed(1)}%`);
const out = [
  '<!-- generated by scripts/admission-md.mjs from the JSON report; do not edit by hand -->',
  '',
  `Workloads submitted: **${workloads}** in ${results.length} repositories; not submitted: ${skipped}; YAML documents with syntax errors (counted apart, not submitted): ${syntax}.`,
  '',
  '| field | agree | compared | agreement |',
  '| --- | ---: | ---: | ---: |',
  ...FIELDS.map((f) => `| ${f} | ${perField[f][0]} | ${perField[f][1]} | ${pct(perField[f][0], perField[f][1])} |`),
  '',
  'Per source (corpus: `../shared/corpus`, one repository each; rendered: each chart and kustomization root of',
  '`../shared/rendered` rendered with helm and kustomize as `kpl check` renders it):',
  '',
  `| field | corpus (${sources.corpus.workloads} workloads, ${sources.corpus.repos} repositories) | rendered (${sources.rendered.workloads} workloads, ${sources.rendered.repos} charts and kustomizations) |`,
  '| --- | ---: | ---: |',
  ...FIELDS.map(
    (f) =>
      `| ${f} | ${sources.corpus.agree[f][0]}/${sources.corpus.agree[f][1]} (${pct(sources.corpus.agree[f][0], sources.corpus.agree[f][1])}) | ${sources.rendered.agree[f][0]}/${sources.rendered.agree[f][1]} (${pct(sources.rendered.agree[f][0], sources.rendered.agree[f][1])}) |`,
  ),
  '',
  `Error findings of \`kpl check\`: **${errs.total}**; met a rejection: ${errs.rejected}; with a matching message: ${errs.matches}.`,
  '',
  '### Not submitted',
  '',
  ...[...skippedBy.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `- ${n}: ${k}`),
  '',
  '### Disagreements by cause',
  '',
  ...[...byCause.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `- ${n}: ${k}`),
  '',
  '### Error findings without a matching rejection',
  '',
  ...(errs.list.length > 0 ? errs.list : ['(none)']),
  '',
  '## Known disagreements',
  '',
  'One line per disagreement (`<repository>/<file> <kind/namespace/name> <field>`: cause); admission.test.ts fails on any',
  'disagreement not listed here.',
  '',
  ...lines,
  '',
  '<!-- end generated -->',
].join('\n');
if (rest.includes('--write')) {
  const file = 'test/scenarios/ADMISSION.md';
  const md = readFileSync(file, 'utf8');
  const start = md.indexOf('<!-- generated');
  const end = md.indexOf('<!-- end generated -->');
  if (start < 0 || end < 0) {
    console.error(`${file}: generated markers missing`);
    process.exit(1);
  }
  writeFileSync(file, md.slice(0, start) + out + md.slice(end + '<!-- end generated -->'.length));
} else process.stdout.write(`${out}\n`);
