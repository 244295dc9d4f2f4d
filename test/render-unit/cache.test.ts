// The render cache as a data structure: bounded in memory (entries and bytes, least recently used out first), keys
// that change with every input, and a folder on disk whose corrupt entries are misses. Its use by the renderer with
// the real tools is tested in test/render/runner.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cacheKey, hashFiles, RenderCache } from '../../server/src/render/cache';
import type { CachedRender } from '../../server/src/render/cache';

const entry = (text: string): CachedRender => ({
  documents: [{ text, sourceFile: undefined, kind: 'ConfigMap', name: 'x' }],
  problems: [],
  tool: 'helm v4.3.2',
  toolMs: 1,
  warnings: [],
});

describe('RenderCache', () => {
  test('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new RenderCache({ maxEntries: 2 });
    await cache.set('a', entry('a'));
    await cache.set('b', entry('b'));
    assert.ok((await cache.get('a')) !== undefined); // a is now the most recent
    await cache.set('c', entry('c'));
    assert.equal(await cache.get('b'), undefined);
    assert.ok((await cache.get('a')) !== undefined);
    assert.ok((await cache.get('c')) !== undefined);
    assert.deepEqual([cache.hits, cache.misses], [3, 1]);
  });

  test('keeps at most maxBytes of text; an entry larger than the bound is not kept', async () => {
    const cache = new RenderCache({ maxBytes: 64 * 1024 });
    await cache.set('big', entry('x'.repeat(40 * 1024)));
    assert.ok((await cache.get('big')) === undefined);
    // Each is about 25 KiB (UTF-16 text): the third pushes the first out.
    await cache.set('s1', entry('x'.repeat(12 * 1024)));
    await cache.set('s2', entry('x'.repeat(12 * 1024)));
    await cache.set('s3', entry('x'.repeat(12 * 1024)));
    assert.ok((await cache.get('s1')) === undefined, 'the oldest went first');
    assert.ok((await cache.get('s2')) !== undefined);
    assert.ok((await cache.get('s3')) !== undefined);
  });

  test('the key changes with the tool, argv, root and every input file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cache-'));
    const a = path.join(dir, 'a.yaml');
    fs.writeFileSync(a, 'a: 1\n');
    const inputs = await hashFiles([a], dir);
    const k = { tool: 'helm v4.3.2', argv: ['template', dir], root: dir, inputs };
    const base = cacheKey(k);
    assert.equal(cacheKey({ ...k }), base);
    assert.notEqual(cacheKey({ ...k, tool: 'helm v4.3.3' }), base);
    assert.notEqual(cacheKey({ ...k, argv: ['template', dir, '--namespace=x'] }), base);
    assert.notEqual(cacheKey({ ...k, root: path.join(dir, 'other') }), base);
    fs.writeFileSync(a, 'a: 2\n');
    assert.notEqual(await hashFiles([a], dir), inputs);
    assert.notEqual(await hashFiles([a, path.join(dir, 'missing.yaml')], dir), await hashFiles([a], dir));
    fs.rmSync(dir, { recursive: true });
  });

  test('on disk: private files, read back by another cache object; a corrupt file is a miss', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cache-')), 'render');
    await new RenderCache({ dir }).set('k1', entry('doc'));
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'k1.json')).mode & 0o777, 0o600);
    assert.deepEqual((await new RenderCache({ dir }).get('k1'))?.documents[0]?.text, 'doc');
    fs.writeFileSync(path.join(dir, 'k1.json'), '{"format":"kpl-render-cache-1","value":{"documents":"no"}}');
    assert.equal(await new RenderCache({ dir }).get('k1'), undefined);
    fs.rmSync(path.dirname(dir), { recursive: true });
  });
});
