// Discovery over ../shared/rendered (14 charts, 6 kustomize trees, SOURCES.md) and over small trees made here:
// subcharts (folders and real `helm package` archives) belong to their chart, library charts are not rendered,
// bases and components are rendered only through the kustomizations that include them, unless configured.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { discover, parseRenderConfig } from '../../server/src/render/index';
import { realTools, sharedRendered } from './tools';

/** The chart folders of SOURCES.md's Helm table (first column). */
function sourcesCharts(): string[] {
  const text = fs.readFileSync(path.join(sharedRendered, 'SOURCES.md'), 'utf8');
  const section = text.slice(text.indexOf('## Helm charts'), text.indexOf('## Kustomize trees'));
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? '').sort();
}

describe('discovery over ../shared/rendered', () => {
  test('finds the 14 charts SOURCES.md lists, each rendered on its own', async () => {
    const found = await discover([sharedRendered]);
    const rendered = found.charts
      .filter((c) => c.rendered)
      .map((c) => path.relative(sharedRendered, c.dir))
      .sort();
    assert.equal(sourcesCharts().length, 14);
    assert.deepEqual(rendered, sourcesCharts());
    for (const c of found.charts)
      assert.ok(c.chart.apiVersion === 'v1' || c.chart.apiVersion === 'v2', `${c.display}: apiVersion ${c.chart.apiVersion}`);
    assert.ok(
      found.charts.some((c) => c.chart.apiVersion === 'v1'),
      'chart apiVersion v1 (descheduler, prometheus-adapter) is read',
    );
  });

  test('renders the kustomization roots only: bases and components through what includes them', async () => {
    const found = await discover([sharedRendered]);
    const roots = found.kustomizations
      .filter((k) => k.rendered)
      .map((k) => path.relative(sharedRendered, k.dir))
      .sort();
    assert.deepEqual(roots, [
      'GoogleCloudPlatform__microservices-demo/kustomize',
      'GoogleCloudPlatform__microservices-demo/kustomize/tests/memorystore-with-all-components',
      'GoogleCloudPlatform__microservices-demo/kustomize/tests/service-mesh-istio-with-all-components',
      'GoogleCloudPlatform__microservices-demo/kustomize/tests/spanner-with-all-components',
      'argoproj__argo-cd/manifests/cluster-install',
      'argoproj__argo-cd/manifests/core-install',
      'argoproj__argo-cd/manifests/ha/cluster-install',
      'kubeflow__manifests/common/knative/knative-serving/overlays/gateways',
      'kubernetes-sigs__descheduler/kubernetes/cronjob',
      'kubernetes-sigs__descheduler/kubernetes/deployment',
      'kubernetes-sigs__descheduler/kubernetes/job',
      'kubernetes-sigs__kueue/config/alpha-enabled',
      'kubernetes-sigs__kueue/config/components/certmanager',
      'kubernetes-sigs__kueue/config/components/map',
      'kubernetes-sigs__kueue/config/dev',
      'kubernetes-sigs__kueue/config/kueueviz',
      'kubernetes-sigs__kueue/config/prometheus',
      'kubernetes-sigs__kueue/config/visibility-apf',
      'kubernetes-sigs__kustomize/examples/helloWorld',
      'kubernetes-sigs__kustomize/examples/ldap/overlays/production',
      'kubernetes-sigs__kustomize/examples/ldap/overlays/staging',
      'kubernetes-sigs__kustomize/examples/multibases',
      'kubernetes-sigs__kustomize/examples/springboot/overlays/production',
      'kubernetes-sigs__kustomize/examples/springboot/overlays/staging',
      'kubernetes-sigs__kustomize/examples/wordpress',
    ]);
    const byDir = new Map(found.kustomizations.map((k) => [path.relative(sharedRendered, k.dir), k]));
    // argo-cd's namespace-install is a base of cluster-install: not rendered on its own.
    const ns = byDir.get('argoproj__argo-cd/manifests/namespace-install');
    assert.equal(ns?.rendered, false);
    assert.deepEqual(
      ns?.referencedBy.map((d) => path.relative(sharedRendered, d)),
      ['argoproj__argo-cd/manifests/cluster-install'],
    );
    // microservices-demo's components are `kind: Component`: never rendered alone.
    const components = found.kustomizations.filter((k) => k.kustomization.kind === 'Component');
    assert.equal(components.length, 15);
    assert.ok(components.every((k) => k.display.includes('microservices-demo/kustomize/components/')));
    assert.deepEqual(
      components.filter((k) => k.rendered),
      [],
    );
  });

  test('.kpl.yaml can render a base on its own and skip a root', async () => {
    const dir = path.join(sharedRendered, 'kubernetes-sigs__kustomize', 'examples', 'ldap');
    const { config, errors } = parseRenderConfig(
      'render:\n  kustomizations:\n    base: {enabled: true}\n    overlays/staging: {enabled: false}\n',
      dir,
    );
    assert.deepEqual(errors, []);
    const found = await discover([dir], config);
    assert.deepEqual(
      found.kustomizations
        .filter((k) => k.rendered)
        .map((k) => k.display)
        .sort(),
      [`${dir}/base`, `${dir}/overlays/production`].map((d) => d.split(path.sep).join('/')),
    );
  });
});

describe('discovery of subcharts and library charts', () => {
  test('a subchart folder and a packaged .tgz belong to their chart; a library chart is not rendered', async () => {
    const tools = realTools();
    assert.ok(tools !== undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-discover-'));
    try {
      const chart = (d: string, name: string, extra = '') => {
        fs.mkdirSync(path.join(d, 'templates'), { recursive: true });
        fs.writeFileSync(path.join(d, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`);
      };
      chart(
        path.join(dir, 'app'),
        'app',
        'dependencies:\n  - name: folder-sub\n    version: 0.1.0\n  - name: packed\n    version: 0.1.0\n',
      );
      chart(path.join(dir, 'app', 'charts', 'folder-sub'), 'folder-sub');
      chart(path.join(dir, 'src', 'packed'), 'packed');
      // A real archive, packaged by helm itself.
      const pack = spawnSync(
        tools.helm.path,
        ['package', path.join(dir, 'src', 'packed'), '--destination', path.join(dir, 'app', 'charts')],
        { encoding: 'utf8', env: { HOME: dir, PATH: '/nonexistent' } },
      );
      assert.equal(pack.status, 0, pack.stderr);
      fs.rmSync(path.join(dir, 'src'), { recursive: true });
      chart(path.join(dir, 'lib'), 'lib', 'type: library\n');
      const found = await discover([dir]);
      const byName = new Map(found.charts.map((c) => [c.chart.name, c]));
      assert.equal(byName.get('app')?.rendered, true);
      assert.deepEqual(byName.get('app')?.chart.vendored.sort(), ['folder-sub', 'packed']);
      assert.ok(byName.get('app')?.chart.dependencies.every((d) => d.vendored));
      assert.equal(byName.get('folder-sub')?.rendered, false);
      assert.equal(byName.get('folder-sub')?.parent, path.join(dir, 'app'));
      assert.equal(byName.get('lib')?.rendered, false);
      assert.equal(found.charts.filter((c) => c.rendered).length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
