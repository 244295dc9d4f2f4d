// LimitRange defaults for containers (R-D.2): SetDefaults_LimitRangeItem, then what LimitRanger admission adds.
import { get, isMap, isSeq, stringValue } from '../syntax/tree';
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
}

/** readLimitRange reads the Container items of a LimitRange, with upstream's defaulting of `default` and `defaultRequest`. */
export function readLimitRange(object: K8sObject): { limitRange: LimitRangeDefaults; problems: FieldReader['problems'] } {
  const reader = new FieldReader();
  const defaultLimit: Resources = {};
  const defaultRequest: Resources = {};
  const limits = get(object.node, 'spec', 'limits');
  if (isSeq(limits)) {
    for (const item of limits.items) {
      if (!isMap(item) || stringValue(get(item, 'type')) !== 'Container') continue;
      const max = reader.resourceList(item, 'max').values;
      const min = reader.resourceList(item, 'min').values;
      const itemDefault = { ...max, ...reader.resourceList(item, 'default').values };
      const itemDefaultRequest = { ...min, ...itemDefault, ...reader.resourceList(item, 'defaultRequest').values };
      for (const [r, v] of Object.entries(itemDefault)) if (!(r in defaultLimit)) defaultLimit[r] = v;
      for (const [r, v] of Object.entries(itemDefaultRequest)) if (!(r in defaultRequest)) defaultRequest[r] = v;
    }
  }
  const namespace = object.namespace ?? 'default';
  return { limitRange: { id: `${namespace}/${object.name}`, object, namespace, defaultLimit, defaultRequest }, problems: reader.problems };
}
