// LimitRange defaults for containers (R-D.2): SetDefaults_LimitRangeItem, then what LimitRanger admission adds.
import { get, isMap, isScalar, isSeq, stringValue } from '../syntax/tree';
import type { YNode } from '../syntax/tree';
import { canonicalText } from '../quantity';
import { FieldReader } from '../model/fields';
import type { K8sObject } from '../model/objects';
import type { Resources } from './resource-amounts';

export interface LimitRangeDefaults {
  /** `namespace/name` */
  id: string;
  object: K8sObject;
  namespace: string;
  defaultLimit: Resources;
  defaultRequest: Resources;
  /** Written quantity text of each default (for messages that print the defaulted value). */
  defaultTexts: { limit: Record<string, string>; request: Record<string, string> };
  /** min / max / maxLimitRequestRatio of the Container and Pod items, in item order (R-D.10). */
  constraints: LimitRangeConstraint[];
}

export interface LimitRangeConstraint {
  type: 'Container' | 'Pod';
  kind: 'min' | 'max' | 'maxLimitRequestRatio';
  resource: string;
  /** milli-units */
  value: number;
  /** The enforced quantity as resource.Quantity.String() prints it. */
  text: string;
}

/** quantityTexts returns the written text of each quantity of a resource list map (`512Mi`, `1`, `0.5`). */
export function quantityTexts(node: YNode | undefined, key: string): Record<string, string> {
  const map = get(node, key);
  const texts: Record<string, string> = {};
  if (!isMap(map)) return texts;
  for (const e of map.entries) {
    if (!isScalar(e.value)) continue;
    const v = e.value.value;
    if (typeof v === 'number') texts[e.key] = e.value.source;
    else if (typeof v === 'string') texts[e.key] = v;
  }
  return texts;
}

/** readLimitRange reads the Container items of a LimitRange, with upstream's defaulting of `default` and `defaultRequest`. */
export function readLimitRange(object: K8sObject): { limitRange: LimitRangeDefaults; problems: FieldReader['problems'] } {
  const reader = new FieldReader();
  const defaultLimit: Resources = {};
  const defaultRequest: Resources = {};
  const defaultTexts: LimitRangeDefaults['defaultTexts'] = { limit: {}, request: {} };
  const constraints: LimitRangeConstraint[] = [];
  const limits = get(object.node, 'spec', 'limits');
  if (isSeq(limits)) {
    for (const item of limits.items) {
      if (!isMap(item)) continue;
      const type = stringValue(get(item, 'type'));
      if (type !== 'Container' && type !== 'Pod') continue;
      for (const kind of ['min', 'max', 'maxLimitRequestRatio'] as const) {
        const values = reader.resourceList(item, kind).values;
        const texts = quantityTexts(item, kind);
        for (const [resource, value] of Object.entries(values))
          constraints.push({ type, kind, resource, value, text: canonicalText(texts[resource] ?? '') ?? texts[resource] ?? '' });
      }
      if (type !== 'Container') continue;
      // SetDefaults_LimitRangeItem: a missing default is the max, a missing defaultRequest the default, then the min.
      const max = reader.resourceList(item, 'max').values;
      const min = reader.resourceList(item, 'min').values;
      const itemDefault = { ...max, ...reader.resourceList(item, 'default').values };
      const itemDefaultRequest = { ...min, ...itemDefault, ...reader.resourceList(item, 'defaultRequest').values };
      const defaultText = { ...quantityTexts(item, 'max'), ...quantityTexts(item, 'default') };
      const requestText = { ...quantityTexts(item, 'min'), ...defaultText, ...quantityTexts(item, 'defaultRequest') };
      for (const [r, v] of Object.entries(itemDefault))
        if (!(r in defaultLimit)) {
          defaultLimit[r] = v;
          if (defaultText[r] !== undefined) defaultTexts.limit[r] = defaultText[r];
        }
      for (const [r, v] of Object.entries(itemDefaultRequest))
        if (!(r in defaultRequest)) {
          defaultRequest[r] = v;
          if (requestText[r] !== undefined) defaultTexts.request[r] = requestText[r];
        }
    }
  }
  const namespace = object.namespace ?? 'default';
  return {
    limitRange: { id: `${namespace}/${object.name}`, object, namespace, defaultLimit, defaultRequest, defaultTexts, constraints },
    problems: reader.problems,
  };
}
