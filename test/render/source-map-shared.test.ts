// Source maps on real charts' real output: the priorityClassName of each workload is located on its template line
// (through `include` into named templates, `with`, variables and `coalesce`), and traced to the values entry that set
// it: the variant's own file first, `--set` entries above files, else the chart's values.yaml.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cliVariant, defaultVariant, SourceMapper } from '../../server/src/render/index';
import type { HelmVariant, KeyPath, MappedLocation } from '../../server/src/render/index';
import { lineOf, renderer } from './analyse';
import { removeTree, tree } from './fixture-trees';
import { sharedRendered } from './tools';

const r = renderer();

interface Located {
  kind: string | undefined;
  name: string | undefined;
  at: MappedLocation | undefined;
  line: string;
  value: string | undefined;
}

async function priorityClassNames(chart: string, variant: HelmVariant): Promise<Located[]> {
  const dir = path.join(sharedRendered, chart);
  const result = await r.render({ tool: 'helm', dir, display: chart, variant });
  assert.deepEqual(result.problems, [], chart);
  const mapper = new SourceMapper(result);
  const out: Located[] = [];
  result.documents.forEach((d, i) => {
    if (!d.text.includes('priorityClassName:') || d.kind === 'PriorityClass') return;
    const keyPath: KeyPath =
      d.kind === 'CronJob'
        ? ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'priorityClassName']
        : ['spec', 'template', 'spec', 'priorityClassName'];
    const at = mapper.locate(i, keyPath);
    const valueAt = at?.value?.key;
    out.push({
      kind: d.kind,
      name: d.name,
      at,
      line: at === undefined ? '' : lineOf(at.location.file, at.location.line),
      value:
        at?.value?.set ?? (valueAt === undefined ? undefined : `${path.basename(valueAt.file)}: ${lineOf(valueAt.file, valueAt.line)}`),
    });
  });
  return out;
}

describe('priorityClassName of real charts, located and traced to values', () => {
  test('descheduler (CronJob): the template line and values.yaml', async () => {
    const [cron] = await priorityClassNames('kubernetes-sigs__descheduler/charts/descheduler', defaultVariant);
    assert.equal(cron?.kind, 'CronJob');
    assert.equal(cron?.line, 'priorityClassName: {{ .Values.priorityClassName }}');
    assert.equal(cron?.at?.matched, 6);
    assert.equal(cron?.value, 'values.yaml: priorityClassName: system-cluster-critical');
  });

  test('cluster-autoscaler with the corpus values file: values.yaml still sets the class', async () => {
    const values = path.join(sharedRendered, '_values', 'kubernetes__autoscaler__cluster-autoscaler.yaml');
    const [d] = await priorityClassNames('kubernetes__autoscaler/cluster-autoscaler/charts/cluster-autoscaler', cliVariant([values], []));
    assert.equal(d?.line, 'priorityClassName: "{{ .Values.priorityClassName }}"');
    assert.equal(d?.value, 'values.yaml: priorityClassName: "system-cluster-critical"');
  });

  test('cluster-overprovisioner: through a template variable', async () => {
    const found = await priorityClassNames('deliveryhero__helm-charts/stable/cluster-overprovisioner', defaultVariant);
    assert.ok(found.length >= 1);
    for (const d of found) {
      assert.equal(d.line, 'priorityClassName: {{ $priorityClassName }}');
      assert.equal(d.value, 'values.yaml: name: overprovisioning');
      assert.deepEqual(d.at?.value?.path, ['priorityClassOverprovision', 'name']);
    }
  });

  test('cert-manager: `with .Values.global.priorityClassName`, set by --set', async () => {
    const found = await priorityClassNames(
      'cert-manager__cert-manager/deploy/charts/cert-manager',
      cliVariant([], ['global.priorityClassName=critical']),
    );
    assert.equal(found.length, 4, 'controller, webhook, cainjector and the startupapicheck Job');
    for (const d of found) {
      assert.equal(d.line, 'priorityClassName: {{ . | quote }}');
      assert.equal(d.value, 'global.priorityClassName=critical');
    }
  });

  test('loki-distributed: `coalesce` of a global and a component value inside named templates; the set one wins', async () => {
    const dir = tree({
      'component.yaml': 'distributor:\n  priorityClassName: distributor-class\n',
      'both.yaml': 'global:\n  priorityClassName: global-class\ndistributor:\n  priorityClassName: distributor-class\n',
    });
    const chart = 'grafana__helm-charts/charts/loki-distributed';
    const distributor = (found: Located[]) => found.find((d) => d.name?.endsWith('-distributor'));
    const component = distributor(await priorityClassNames(chart, cliVariant([path.join(dir, 'component.yaml')], [])));
    assert.equal(
      path.basename(component?.at?.location.file ?? ''),
      '_helpers-distributor.tpl',
      'inside the named template the Deployment includes',
    );
    assert.equal(component?.line, 'priorityClassName: {{ $pcn }}');
    assert.equal(component?.value, 'component.yaml: priorityClassName: distributor-class');
    assert.deepEqual(component?.at?.value?.path, ['distributor', 'priorityClassName']);
    const both = distributor(await priorityClassNames(chart, cliVariant([path.join(dir, 'both.yaml')], [])));
    assert.deepEqual(both?.at?.value?.path, ['global', 'priorityClassName'], 'coalesce takes the global value first');
    assert.equal(both?.value, 'both.yaml: priorityClassName: global-class');
    removeTree(dir);
  });

  test('the variant’s own values file comes before the chart’s values.yaml', async () => {
    const dir = tree({ 'prod.yaml': 'priorityClassName: prod-critical\n' });
    const [d] = await priorityClassNames('kubernetes-sigs__descheduler/charts/descheduler', cliVariant([path.join(dir, 'prod.yaml')], []));
    assert.equal(d?.value, 'prod.yaml: priorityClassName: prod-critical');
    const text = fs.readFileSync(path.join(dir, 'prod.yaml'), 'utf8');
    assert.equal(text.slice(d?.at?.value?.value?.start, d?.at?.value?.value?.end), 'prod-critical', 'the value span, for a quick fix');
    removeTree(dir);
  });
});
