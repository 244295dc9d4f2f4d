// The `render` section of .kpl.yaml: variants per chart, kustomizations on and off, and an error with a position for
// everything else (paths that leave the folder, invalid names, unknown keys). A pure parser: no files are read.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cliVariant, defaultVariant, parseRenderConfig, variantsOf } from '../../server/src/render/index';

const dir = path.resolve('/work/repo');

describe('parseRenderConfig', () => {
  test('no render section: no config, no error', () => {
    assert.deepEqual(parseRenderConfig('rules:\n  preemption-risk: off\n', dir), { config: undefined, errors: [] });
  });

  test('variants with every field; values files relative to the chart; kustomizations', () => {
    const text = [
      'render:',
      '  charts:',
      '    charts/app:',
      '      variants:',
      '        prod:',
      '          valuesFiles: [values-prod.yaml, ../shared/values-common.yaml]',
      '          set: ["image.tag=1.2.3", "replicas=3"]',
      '          releaseName: app-prod',
      '          namespace: prod',
      '          kubeVersion: "1.33"',
      '          apiVersions: [monitoring.coreos.com/v1, policy/v1/PodDisruptionBudget]',
      '        staging: {}',
      '  kustomizations:',
      '    deploy/base: {enabled: true}',
      '    deploy/overlays/old: {enabled: false}',
      '',
    ].join('\n');
    const { config, errors } = parseRenderConfig(text, dir);
    assert.deepEqual(errors, []);
    const variants = variantsOf(config, path.join(dir, 'charts', 'app'));
    assert.deepEqual(variants[0], {
      name: 'prod',
      valuesFiles: [path.join(dir, 'charts', 'app', 'values-prod.yaml'), path.join(dir, 'charts', 'shared', 'values-common.yaml')],
      set: ['image.tag=1.2.3', 'replicas=3'],
      releaseName: 'app-prod',
      namespace: 'prod',
      kubeVersion: '1.33',
      apiVersions: ['monitoring.coreos.com/v1', 'policy/v1/PodDisruptionBudget'],
    });
    assert.deepEqual(variants[1], { name: 'staging', valuesFiles: [], set: [], apiVersions: [] });
    assert.deepEqual(
      [...(config?.kustomizations ?? [])],
      [
        [path.join(dir, 'deploy', 'base'), { enabled: true }],
        [path.join(dir, 'deploy', 'overlays', 'old'), { enabled: false }],
      ],
    );
    assert.deepEqual(variantsOf(config, path.join(dir, 'other')), [defaultVariant], 'a chart with no variant has the variant default');
    assert.deepEqual(variantsOf(undefined, dir), [defaultVariant]);
  });

  test('render.enabled: false; a chart disabled', () => {
    const { config, errors } = parseRenderConfig('render:\n  enabled: false\n  charts:\n    a: {enabled: false}\n', dir);
    assert.deepEqual(errors, []);
    assert.equal(config?.enabled, false);
    assert.equal(config?.charts.get(path.join(dir, 'a'))?.enabled, false);
  });

  test('paths must stay inside the folder of .kpl.yaml, and be relative', () => {
    const text =
      'render:\n  charts:\n    ../elsewhere: {}\n    /etc: {}\n    ok:\n      variants:\n        v:\n          valuesFiles: [../../../etc/passwd]\n  kustomizations:\n    ../../k: {enabled: true}\n';
    const { errors } = parseRenderConfig(text, dir);
    assert.deepEqual(
      errors.map((e) => [e.line, e.message]),
      [
        [2, '../elsewhere: must stay inside the folder of .kpl.yaml'],
        [3, '"/etc" must be a path relative to the folder of .kpl.yaml'],
        [7, '../../../etc/passwd: must stay inside the folder of .kpl.yaml'],
        [9, '../../k: must stay inside the folder of .kpl.yaml'],
      ],
    );
  });

  test('invalid names, versions, set entries and unknown keys are errors at their position', () => {
    const text = [
      'render:',
      '  charts:',
      '    app:',
      '      variants:',
      '        "bad name":',
      '          namespace: x',
      '        ok:',
      '          releaseName: Not_Valid',
      '          namespace: -x',
      '          kubeVersion: latest',
      '          set: ["--enable-helm", "a=b"]',
      '          apiVersions: ["bad version!"]',
      '          helmPath: /usr/bin/evil',
      '  network: true',
      '',
    ].join('\n');
    const { config, errors } = parseRenderConfig(text, dir);
    assert.deepEqual(
      errors.map((e) => `${e.line + 1}:${e.character + 1} ${e.message}`),
      [
        `5:9 variant name "bad name" must be letters, digits, '-', '_' or '.' (at most 63)`,
        '8:24 releaseName: "Not_Valid" is not valid',
        '9:22 namespace: "-x" is not valid',
        '10:24 kubeVersion: "latest" is not valid',
        '11:17 set (key=value): "--enable-helm" is not valid',
        '12:25 apiVersions: "bad version!" is not valid',
        '13:11 unknown key helmPath in variant ok (expected valuesFiles, set, releaseName, namespace, kubeVersion, apiVersions)',
        '14:3 unknown key render.network (expected enabled, charts, kustomizations)',
      ],
    );
    // Valid parts are kept: `a=b` survives, the tool path is never read from the workspace.
    assert.deepEqual(variantsOf(config, path.join(dir, 'app'))[0]?.set, ['a=b']);
  });

  test('invalid YAML is one error', () => {
    const { config, errors } = parseRenderConfig('render: [\n', dir);
    assert.equal(config, undefined);
    assert.equal(errors.length, 1);
  });

  test('cliVariant: --values and --set as the variant named cli', () => {
    assert.deepEqual(cliVariant(['v.yaml'], ['a=b']), {
      name: 'cli',
      valuesFiles: [path.resolve('v.yaml')],
      set: ['a=b'],
      apiVersions: [],
    });
  });
});
