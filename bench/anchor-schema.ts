// The schema of the benchmark's anchor (yaml-language-server validation of the same files): the Kubernetes JSON schema
// that yaml-language-server's `kubernetes` association downloads (yannh/kubernetes-json-schema
// `vX.Y.Z-standalone-strict/all.json`), rebuilt offline from the upstream OpenAPI v2 spec of k8s.io/kubernetes found in
// the Go module cache. Falls back to a small inline schema, with the reason, when the spec cannot be had.
//
// openapi2jsonschema (instrumenta; the tool behind yannh/kubernetes-json-schema, run with `--kubernetes --strict`)
// writes `_definitions.json` as the swagger `definitions` with:
//   - `io.k8s.apimachinery.pkg.util.intstr.IntOrString` → `oneOf: [string, integer]` (the only `int-or-string` format
//     of the spec: every int-or-string field is a `$ref` to it), `io.k8s.apimachinery.pkg.api.resource.Quantity` →
//     `oneOf: [string, number]`;
//   - for every `x-kubernetes-group-version-kind`: its kind appended to `properties.kind.enum` (and, with `--expanded`,
//     its group/version to `properties.apiVersion.enum`; build.sh runs the `--expanded` pass first and the plain pass
//     last into the same directory, so the published `_definitions.json` carries the kind enums only);
//   - `--strict`: `additionalProperties: false` on every object of the tree that has `properties` and no
//     `additionalProperties` (kubectl's behaviour), recursing through objects but not arrays, like its Python does;
// and `all.json` as `{ oneOf: [{ $ref: "_definitions.json#/definitions/<name>" }, …] }` over every definition.
// Here both are one inline schema: the same `oneOf`, with `#/definitions/<name>` refs into its own `definitions`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CorpusFile } from './corpus';

export const kubernetesVersion = '1.36.3';
const k8sModule = `k8s.io/kubernetes@v${kubernetesVersion}`;
const swaggerInModule = join('api', 'openapi-spec', 'swagger.json');

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}
const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AnchorSchema {
  /** What the results say was used. */
  label: string;
  schema: JsonObject;
  /** yaml-language-server's `isKubernetes` (set by the server for documents associated with the `kubernetes` schema). */
  kubernetes: boolean;
  definitions?: number;
  swaggerPath?: string;
  fallbackReason?: string;
}

export interface ConversionOptions {
  /** openapi2jsonschema `--expanded`: also enumerate `apiVersion` (not in the published `_definitions.json`). */
  expanded?: boolean;
  /** openapi2jsonschema `--strict` (the `-standalone-strict` flavour yaml-language-server uses). */
  strict?: boolean;
  /** Restrict the top-level `oneOf` to the definitions with a group-version-kind (not what all.json does). */
  kindsOnly?: boolean;
}

/** `append_no_duplicates` of openapi2jsonschema. */
function appendEnum(target: Json | undefined, value: string): void {
  if (!isObject(target)) return;
  const list = Array.isArray(target['enum']) ? target['enum'] : (target['enum'] = []);
  if (!list.includes(value)) list.push(value);
}

/** `additional_properties` of openapi2jsonschema: mutates in place, recurses into object values only. */
function forbidAdditionalProperties(node: JsonObject): void {
  for (const value of Object.values(node)) {
    if (!isObject(value)) continue;
    if ('properties' in value && !('additionalProperties' in value)) value['additionalProperties'] = false;
    forbidAdditionalProperties(value);
  }
}

/** yaml-language-server's Kubernetes schema (all.json + _definitions.json) from a Kubernetes OpenAPI v2 spec. */
export function kubernetesSchemaFromSwagger(
  swagger: JsonObject,
  options: ConversionOptions = {},
): { schema: JsonObject; definitions: number } {
  const { expanded = false, strict = true, kindsOnly = false } = options;
  const source = swagger['definitions'];
  if (!isObject(source)) throw new Error('swagger.json has no definitions');
  const definitions = structuredClone(source);
  definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const kinds = new Set<string>();
  for (const [name, def] of Object.entries(definitions)) {
    if (!isObject(def)) continue;
    const gvks = def['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    kinds.add(name);
    const properties = def['properties'];
    if (!isObject(properties)) continue;
    for (const gvk of gvks) {
      if (!isObject(gvk)) continue;
      const { group, version, kind } = gvk;
      if (expanded && 'apiVersion' in properties && typeof version === 'string')
        appendEnum(properties['apiVersion'], typeof group === 'string' && group !== '' ? `${group}/${version}` : version);
      if ('kind' in properties && typeof kind === 'string') appendEnum(properties['kind'], kind);
    }
  }
  if (strict) forbidAdditionalProperties(definitions);
  const names = Object.keys(definitions).filter((n) => !kindsOnly || kinds.has(n));
  return { schema: { oneOf: names.map((n) => ({ $ref: `#/definitions/${n}` })), definitions }, definitions: names.length };
}

/** Where swagger.json of k8s.io/kubernetes@v1.36.3 is: the Go module cache, else `go mod download` (needs the proxy). */
export function findSwagger(): { path: string } | { reason: string } {
  const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
  const env = process.env['GOMODCACHE'];
  let cache = env !== undefined && env !== '' ? env : undefined;
  if (cache === undefined && hasGo) cache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout?.trim() || undefined;
  if (cache === undefined && process.env['HOME'] !== undefined) cache = join(process.env['HOME'], 'go', 'pkg', 'mod');
  const cached = cache === undefined ? undefined : join(cache, k8sModule, swaggerInModule);
  if (cached !== undefined && existsSync(cached)) return { path: cached };
  if (!hasGo)
    return {
      reason: `${k8sModule} is not in the Go module cache${cached === undefined ? '' : ` (${cached})`} and \`go\` is not installed to download it`,
    };
  const tmp = mkdtempSync(join(tmpdir(), 'kpl-anchor-'));
  try {
    const init = spawnSync('go', ['mod', 'init', 'tmp'], { cwd: tmp, encoding: 'utf8' });
    if (init.status !== 0) return { reason: `\`go mod init\` failed: ${(init.stderr ?? '').trim().split('\n')[0] ?? ''}` };
    const dl = spawnSync('go', ['mod', 'download', '-json', k8sModule], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    let info: { Dir?: string; Error?: string } = {};
    try {
      info = JSON.parse(dl.stdout ?? '') as { Dir?: string; Error?: string };
    } catch {
      // reported below
    }
    if (info.Dir !== undefined && existsSync(join(info.Dir, swaggerInModule))) return { path: join(info.Dir, swaggerInModule) };
    const why = info.Error ?? dl.error?.message ?? ((dl.stderr ?? '').trim().split('\n')[0] || `exit code ${String(dl.status)}`);
    return { reason: `\`go mod download ${k8sModule}\` failed: ${why}` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The fallback: a small Kubernetes-object schema; yaml-language-server still parses every document and validates it. */
export const fallbackSchema: JsonObject = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        namespace: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: { type: 'object' },
  },
};

/** The Kubernetes schema when the swagger can be had (`KPL_ANCHOR_SWAGGER` overrides the path), else the fallback. */
export function loadAnchorSchema(options: ConversionOptions = {}): AnchorSchema {
  const override = process.env['KPL_ANCHOR_SWAGGER'];
  const found =
    override !== undefined && override !== ''
      ? existsSync(override)
        ? { path: override }
        : { reason: `KPL_ANCHOR_SWAGGER=${override} does not exist` }
      : findSwagger();
  let reason: string;
  if ('path' in found) {
    try {
      const { schema, definitions } = kubernetesSchemaFromSwagger(JSON.parse(readFileSync(found.path, 'utf8')) as JsonObject, options);
      const flavour = `openapi2jsonschema-style${options.strict === false ? '' : ' strict'}${options.expanded === true ? ' expanded' : ''}${options.kindsOnly === true ? ', kinds only' : ''}`;
      return {
        label: `kubernetes v${kubernetesVersion} swagger.json (${flavour}, ${definitions} definitions)`,
        schema,
        kubernetes: true,
        definitions,
        swaggerPath: found.path,
      };
    } catch (error) {
      reason = `${found.path}: ${(error as Error).message}`;
    }
  } else reason = found.reason;
  return {
    label: `fallback: small inline Kubernetes-object schema (apiVersion/kind/metadata/spec), because ${reason}`,
    schema: fallbackSchema,
    kubernetes: false,
    fallbackReason: reason,
  };
}

export interface AnchorFigures {
  wallMs: number;
  cpuMs: number;
  diagnostics: number;
  files: number;
  schema: string;
}

interface YamlLanguageService {
  configure(settings: unknown): void;
  doValidation(doc: unknown, isKubernetes: boolean): Promise<Array<{ message: string; range: { start: { line: number } } }>>;
}
interface YamlLanguageServer {
  getLanguageService(params: unknown): YamlLanguageService;
}
interface TextDocumentModule {
  TextDocument: { create(uri: string, lang: string, version: number, text: string): unknown };
}

/** A yaml-language-server service set up like the server does for files associated with the schema. */
export function anchorService(
  anchor: AnchorSchema,
): { validate(path: string, text: string): ReturnType<YamlLanguageService['doValidation']> } | { skipped: string } {
  let yls: YamlLanguageServer;
  let textDocument: TextDocumentModule;
  try {
    yls = require('yaml-language-server') as YamlLanguageServer;
    textDocument = require('vscode-languageserver-textdocument') as TextDocumentModule;
  } catch (error) {
    return { skipped: `yaml-language-server not installed (${(error as Error).message.split('\n')[0] ?? ''})` };
  }
  const service = yls.getLanguageService({
    schemaRequestService: () => Promise.resolve('{}'),
    workspaceContext: { resolveRelativePath: (r: string) => r },
    clientCapabilities: {},
  });
  const uri = anchor.kubernetes
    ? `file:///kpl-bench/v${kubernetesVersion}-standalone-strict/all.json`
    : 'file:///kpl-bench-kubernetes.json';
  service.configure({
    validate: true,
    customTags: [],
    isKubernetes: anchor.kubernetes,
    schemas: [{ uri, fileMatch: ['*.yaml', '*.yml', '*.json'], schema: anchor.schema }],
  });
  return {
    validate: (path, text) =>
      service.doValidation(
        textDocument.TextDocument.create(pathToFileURL(join('/anchor', path)).href, path.endsWith('.json') ? 'json' : 'yaml', 1, text),
        anchor.kubernetes,
      ),
  };
}

/** yaml-language-server `doValidation` of every file, one after the other; wall and CPU time of the whole pass. */
export async function runAnchor(
  files: readonly CorpusFile[],
  anchor: AnchorSchema,
): Promise<AnchorFigures | { skipped: string; schema: string }> {
  const service = anchorService(anchor);
  if ('skipped' in service) return { skipped: service.skipped, schema: anchor.label };
  const decoder = new TextDecoder();
  const cpu = process.cpuUsage();
  const t = performance.now();
  let diagnostics = 0;
  for (const f of files) diagnostics += (await service.validate(f.path, decoder.decode(f.bytes))).length;
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return {
    wallMs: Math.round(wall * 10) / 10,
    cpuMs: Math.round((used.user + used.system) / 100) / 10,
    diagnostics,
    files: files.length,
    schema: anchor.label,
  };
}
