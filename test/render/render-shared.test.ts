// Every chart and kustomization root of ../shared/rendered, rendered with the real tools (default values, or the values
// file SOURCES.md names): each renders, every document names its source file, origin annotations never reach the
// analysis, and the output equals upstream's own generated output where the corpus has it (opentelemetry-collector's
// examples/*/rendered, argo-cd's namespace-install.yaml), and `kubectl kustomize` builds what `kustomize build` builds.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cliVariant, defaultVariant, discover, toRenderedInput } from '../../server/src/render/index';
import type { HelmVariant } from '../../server/src/render/index';
import { renderer } from './analyse';
import { kubectlPath, sharedRendered } from './tools';

const r = renderer();

function valuesFor(chartDir: string): HelmVariant {
  const owner = path.relative(sharedRendered, chartDir).split(path.sep)[0] ?? '';
  const file = path.join(sharedRendered, '_values', `${owner}__${path.basename(chartDir)}.yaml`);
  return fs.existsSync(file) ? cliVariant([file], []) : defaultVariant;
}

describe('rendering ../shared/rendered', () => {
  test('every chart renders, and every document names a template of the chart', async () => {
    const found = await discover([sharedRendered]);
    const charts = found.charts.filter((c) => c.rendered);
    assert.equal(charts.length, 14);
    let documents = 0;
    for (const c of charts) {
      const result = await r.render({ tool: 'helm', dir: c.dir, display: c.display, variant: valuesFor(c.dir) });
      assert.deepEqual(result.problems, [], c.display);
      assert.ok(result.documents.length > 0, `${c.display} renders documents`);
      assert.match(result.tool ?? '', /^helm v4\.3\.2$/);
      for (const d of result.documents) {
        assert.ok(d.sourceFile !== undefined && fs.existsSync(d.sourceFile), `${c.display}: source ${d.sourceFile} exists`);
        assert.ok(d.sourceFile.startsWith(c.dir + path.sep), `${c.display}: source inside the chart`);
        assert.ok(!d.text.startsWith('# Source:'), 'the # Source line is not part of the document');
      }
      documents += result.documents.length;
    }
    assert.ok(documents > 250, `${documents} documents`);
  });

  test('opentelemetry-collector without the values file fails in NOTES.txt, reported at that line', async () => {
    const dir = path.join(sharedRendered, 'open-telemetry__opentelemetry-helm-charts', 'charts', 'opentelemetry-collector');
    const result = await r.render({ tool: 'helm', dir, display: 'otel', variant: defaultVariant });
    assert.equal(result.documents.length, 0);
    assert.equal(result.problems.length, 1);
    const [p] = result.problems;
    assert.equal(p?.kind, 'render-failed');
    assert.equal(p?.location.file, path.join(dir, 'templates', 'NOTES.txt'));
    assert.equal(p?.location.line, 1, 'NOTES.txt:2:3 is 0-based line 1');
    assert.match(p?.message ?? '', /'image\.repository' must be set/);
    assert.doesNotMatch(p?.message ?? '', /Use --debug/);
  });

  test("opentelemetry-collector's examples render exactly as upstream's rendered/ files", async () => {
    const chart = path.join(sharedRendered, 'open-telemetry__opentelemetry-helm-charts', 'charts', 'opentelemetry-collector');
    // The examples rendered from one values.yaml (the others combine several files).
    const examples = fs
      .readdirSync(path.join(chart, 'examples'))
      .filter(
        (e) => fs.existsSync(path.join(chart, 'examples', e, 'rendered')) && fs.existsSync(path.join(chart, 'examples', e, 'values.yaml')),
      );
    assert.ok(examples.length >= 15, `${examples.length} examples`);
    for (const example of examples) {
      const variant: HelmVariant = {
        name: example,
        releaseName: 'example',
        namespace: 'default',
        kubeVersion: '1.29',
        valuesFiles: [path.join(chart, 'examples', example, 'values.yaml')],
        set: [],
        apiVersions: [],
      };
      const result = await r.render({ tool: 'helm', dir: chart, display: 'otel', variant });
      assert.deepEqual(result.problems, [], example);
      // upstream writes one file per template: `---` + `# Source:` + document, per document of that template.
      const byTemplate = new Map<string, string>();
      for (const d of result.documents) {
        const name = path.basename(d.sourceFile ?? '');
        const rel = path
          .relative(chart, d.sourceFile ?? '')
          .split(path.sep)
          .join('/');
        byTemplate.set(name, `${byTemplate.get(name) ?? ''}---\n# Source: opentelemetry-collector/${rel}\n${d.text}`);
      }
      const expected = fs.readdirSync(path.join(chart, 'examples', example, 'rendered')).sort();
      assert.deepEqual([...byTemplate.keys()].sort(), expected, `${example}: the same templates render`);
      for (const file of expected) {
        const want = fs.readFileSync(path.join(chart, 'examples', example, 'rendered', file), 'utf8');
        assert.equal(byTemplate.get(file)?.trim(), want.trim(), `${example}/${file}`);
      }
    }
  });

  test('every kustomization root builds; origins are files of the tree and the annotation is stripped', async () => {
    const found = await discover([sharedRendered]);
    const roots = found.kustomizations.filter((k) => k.rendered);
    assert.equal(roots.length, 25);
    for (const k of roots) {
      const result = await r.render({ tool: 'kustomize', dir: k.dir, display: k.display });
      assert.deepEqual(result.problems, [], k.display);
      assert.ok(result.documents.length > 0, k.display);
      for (const d of result.documents) {
        assert.doesNotMatch(d.text, /config\.kubernetes\.io\/origin/, `${k.display}: origin annotation stripped`);
        const origin = d.sourceFile ?? d.configuredIn;
        assert.ok(origin !== undefined && fs.existsSync(origin), `${k.display}: ${d.kind}/${d.name} has an origin (${origin})`);
        assert.ok(origin.startsWith(path.dirname(path.dirname(k.dir))), `${k.display}: origin ${origin} is in the repository's tree`);
      }
    }
  });

  test("argo-cd's namespace-install builds exactly as upstream's generated bundle (annotations stripped byte for byte)", async () => {
    const dir = path.join(sharedRendered, 'argoproj__argo-cd', 'manifests');
    const result = await r.render({ tool: 'kustomize', dir: path.join(dir, 'namespace-install'), display: 'namespace-install' });
    assert.deepEqual(result.problems, []);
    const bundle = fs.readFileSync(path.join(dir, 'namespace-install.yaml'), 'utf8');
    const expected = bundle.slice(bundle.indexOf('\n') + 1); // upstream added one header line
    assert.equal(toRenderedInput(result).text, expected);
  });

  test('kubectl kustomize builds what kustomize build builds', async () => {
    const kubectl = kubectlPath();
    assert.ok(kubectl !== undefined, 'the control plane kubectl is built (scripts/cluster/build.sh)');
    const viaKubectl = renderer({ kustomize: { kind: 'kubectl', path: kubectl } });
    for (const rel of [
      'kubernetes-sigs__kustomize/examples/springboot/overlays/production',
      'kubeflow__manifests/common/knative/knative-serving/overlays/gateways',
    ]) {
      const dir = path.join(sharedRendered, rel);
      const a = await r.render({ tool: 'kustomize', dir, display: rel });
      const b = await viaKubectl.render({ tool: 'kustomize', dir, display: rel });
      assert.match(b.tool ?? '', /^kubectl v1\.36\.3$/);
      assert.deepEqual(b.problems, []);
      assert.deepEqual(b.documents, a.documents, rel);
    }
  });
});
