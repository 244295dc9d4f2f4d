// Typed readers for manifest fields that record a problem (with the exact span) instead of throwing on a wrong type.
// Every rule reads values through these, so `replicas: "abc"` or `value: 1e400` becomes one clear finding.
import type { Span } from '../text';
import { entry, get, isMap, isScalar, scalarText } from '../syntax/tree';
import type { YMap, YNode } from '../syntax/tree';
import { parseQuantity, quantityError, quantityFormatWrong } from '../quantity';

export interface FieldProblem {
  span: Span;
  message: string;
}

export interface Located<T> {
  value: T;
  span: Span;
  /** Span of the key, for fixes that replace or remove the whole line. */
  keySpan: Span;
}

/** FieldReader reads fields of one object and collects its problems. */
export class FieldReader {
  readonly problems: FieldProblem[] = [];

  /** int32 reads an integer field (Go int32: YAML ints, no strings, no fractions). */
  int32(node: YNode | undefined, key: string, what = key): Located<number> | undefined {
    const field = entry(node, key);
    if (field === undefined || (isScalar(field.value) && field.value.value === null)) return undefined;
    const value = field.value;
    if (!isScalar(value) || (typeof value.value !== 'number' && typeof value.value !== 'bigint')) {
      this.problems.push({ span: value.span, message: `${what} must be an integer, got ${describeNode(value)}` });
      return undefined;
    }
    const n = Number(value.value);
    if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) {
      this.problems.push({ span: value.span, message: `${what} must be a 32-bit integer, got ${value.source}` });
      return undefined;
    }
    return { value: n, span: value.span, keySpan: field.keySpan };
  }

  string(node: YNode | undefined, key: string, what = key): Located<string> | undefined {
    const field = entry(node, key);
    if (field === undefined || (isScalar(field.value) && field.value.value === null)) return undefined;
    const value = field.value;
    if (!isScalar(value) || typeof value.value !== 'string') {
      this.problems.push({ span: value.span, message: `${what} must be a string, got ${describeNode(value)}` });
      return undefined;
    }
    return { value: value.value, span: value.span, keySpan: field.keySpan };
  }

  boolean(node: YNode | undefined, key: string, what = key): Located<boolean> | undefined {
    const field = entry(node, key);
    if (field === undefined || (isScalar(field.value) && field.value.value === null)) return undefined;
    const value = field.value;
    if (!isScalar(value) || typeof value.value !== 'boolean') {
      this.problems.push({ span: value.span, message: `${what} must be a boolean, got ${describeNode(value)}` });
      return undefined;
    }
    return { value: value.value, span: value.span, keySpan: field.keySpan };
  }

  /** intOrString reads `minAvailable`-style fields: an integer or a percentage string like `50%`. */
  intOrPercent(node: YNode | undefined, key: string): Located<{ kind: 'int' | 'percent'; value: number }> | undefined {
    const field = entry(node, key);
    if (field === undefined || (isScalar(field.value) && field.value.value === null)) return undefined;
    const value = field.value;
    if (isScalar(value) && typeof value.value === 'number' && Number.isInteger(value.value) && value.value >= 0) {
      return { value: { kind: 'int', value: value.value }, span: value.span, keySpan: field.keySpan };
    }
    if (isScalar(value) && typeof value.value === 'string') {
      const match = /^(\d+)%$/.exec(value.value);
      if (match !== null) return { value: { kind: 'percent', value: Number(match[1]) }, span: value.span, keySpan: field.keySpan };
    }
    this.problems.push({
      span: value.span,
      message: `${key} must be a non-negative integer or a percentage like "50%", got ${describeNode(value)}`,
    });
    return undefined;
  }

  /** stringMap reads `labels`/`matchLabels`/`nodeSelector` maps (values may be YAML numbers; kubectl would reject those). */
  stringMap(node: YNode | undefined, key: string): Record<string, string> {
    const map = get(node, key);
    const result: Record<string, string> = {};
    if (map === undefined || (isScalar(map) && map.value === null)) return result;
    if (!isMap(map)) {
      this.problems.push({ span: map.span, message: `${key} must be a map of strings, got ${describeNode(map)}` });
      return result;
    }
    for (const e of map.entries) {
      // JSON null decodes into a map[string]string element as "" (Go leaves the zero value): the apiserver accepts it.
      if (isScalar(e.value) && e.value.value === null) {
        result[e.key] = '';
        continue;
      }
      const text = scalarText(e.value);
      if (text === undefined || !isScalar(e.value)) {
        this.problems.push({ span: e.value.span, message: `${key}.${e.key} must be a string, got ${describeNode(e.value)}` });
        continue;
      }
      if (typeof e.value.value !== 'string') {
        this.problems.push({
          span: e.value.span,
          message: `${key}.${e.key} must be a string; quote ${e.value.source} (YAML reads it as a ${typeof e.value.value})`,
        });
      }
      result[e.key] = text;
    }
    return result;
  }

  /** resourceList reads `requests`/`limits` into milli-units per resource name. */
  resourceList(node: YNode | undefined, key: string): ResourceList {
    const list: ResourceList = { values: {}, spans: {}, span: undefined };
    const map = get(node, key);
    if (map === undefined || (isScalar(map) && map.value === null)) return list;
    list.span = entry(node, key)?.keySpan;
    if (!isMap(map)) {
      this.problems.push({ span: map.span, message: `${key} must be a map of resource quantities, got ${describeNode(map)}` });
      return list;
    }
    for (const e of map.entries) {
      const text =
        isScalar(e.value) && (typeof e.value.value === 'string' || typeof e.value.value === 'number')
          ? typeof e.value.value === 'number'
            ? e.value.source
            : e.value.value
          : undefined;
      const milli = text === undefined ? undefined : parseQuantity(text);
      if (milli === undefined || milli < 0) {
        this.problems.push({
          span: e.value.span,
          message:
            milli !== undefined
              ? `${key}.${e.key}: Invalid value: "${text ?? ''}": must be greater than or equal to 0`
              : // The apiserver's own decoding error: a list or map fails the same split as a bad string.
                `${key}.${e.key}: "${isScalar(e.value) ? e.value.source : describeNode(e.value)}" is not a valid quantity: ${(text === undefined ? undefined : quantityError(text)) ?? quantityFormatWrong} (e.g. 500m, 1, 256Mi, 1Gi)`,
        });
        continue;
      }
      list.values[e.key] = milli;
      list.spans[e.key] = e.value.span;
    }
    return list;
  }
}

export interface ResourceList {
  /** milli-units per resource name */
  values: Record<string, number>;
  spans: Record<string, Span>;
  /** span of the `requests:`/`limits:` key, when present */
  span: Span | undefined;
}

export function describeNode(node: YNode): string {
  if (node.type === 'map') return 'a map';
  if (node.type === 'seq') return 'a list';
  if (node.value === null) return 'null';
  if (typeof node.value === 'string') return `the string "${truncate(node.value)}"`;
  return `${typeof node.value === 'bigint' ? 'number' : typeof node.value} ${node.source}`;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export type { YMap };
