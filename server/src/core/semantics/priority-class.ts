// PriorityClass objects, the two built-in system classes, and the apiserver's validation of classes (R-B.*).
import type { Span } from '../text';
import { FieldReader } from '../model/fields';
import type { Located } from '../model/fields';
import type { K8sObject } from '../model/objects';

export const highestUserDefinablePriority = 1_000_000_000;
export const systemCriticalPriority = 2_000_000_000;
export const systemPriorityClasses: ReadonlyMap<string, number> = new Map([
  ['system-cluster-critical', 2_000_000_000],
  ['system-node-critical', 2_000_001_000],
]);

export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';

export interface PriorityClass {
  name: string;
  /** Where the class comes from: a workspace manifest, `--cluster-state`/live cluster, or built into every apiserver. */
  source: 'workspace' | 'cluster' | 'builtin';
  object: K8sObject | undefined;
  value: number;
  valueField: Located<number> | undefined;
  globalDefault: boolean;
  globalDefaultField: Located<boolean> | undefined;
  /** The effective policy (defaulted to PreemptLowerPriority). */
  preemptionPolicy: PreemptionPolicy;
  /** The policy as written, possibly invalid. */
  preemptionPolicyField: Located<string> | undefined;
  span: Span | undefined;
}

/** readPriorityClass reads a PriorityClass object; a missing or invalid value reads as 0, as an admission would refuse it anyway. */
export function readPriorityClass(object: K8sObject): { priorityClass: PriorityClass; problems: FieldReader['problems'] } {
  const reader = new FieldReader();
  const valueField = reader.int32(object.node, 'value', 'value');
  const globalDefaultField = reader.boolean(object.node, 'globalDefault', 'globalDefault');
  const preemptionPolicyField = reader.string(object.node, 'preemptionPolicy', 'preemptionPolicy');
  return {
    priorityClass: {
      name: object.name,
      source: object.origin === 'cluster' ? 'cluster' : 'workspace',
      object,
      value: valueField?.value ?? 0,
      valueField,
      globalDefault: globalDefaultField?.value ?? false,
      globalDefaultField,
      preemptionPolicy: preemptionPolicyField?.value === 'Never' ? 'Never' : 'PreemptLowerPriority',
      preemptionPolicyField,
      span: object.span,
    },
    problems: reader.problems,
  };
}

export function builtinPriorityClasses(): PriorityClass[] {
  return [...systemPriorityClasses].map(([name, value]) => ({
    name,
    source: 'builtin',
    object: undefined,
    value,
    valueField: undefined,
    globalDefault: false,
    globalDefaultField: undefined,
    preemptionPolicy: 'PreemptLowerPriority',
    preemptionPolicyField: undefined,
    span: undefined,
  }));
}

export interface PriorityClassViolation {
  field: 'metadata.name' | 'value' | 'preemptionPolicy';
  /** The apiserver's own error text (R-I.1b). */
  message: string;
}

/** validatePriorityClass applies ValidatePriorityClass (R-B.2) and returns the apiserver's errors. */
export function validatePriorityClass(priorityClass: PriorityClass): PriorityClassViolation[] {
  const violations: PriorityClassViolation[] = [];
  const name = priorityClass.name;
  if (name.startsWith('system-')) {
    const systemValue = systemPriorityClasses.get(name);
    let detail: string | undefined;
    if (systemValue === undefined) detail = `${name} is not a known system priority class`;
    else if (priorityClass.value !== systemValue) detail = `value of ${name} PriorityClass must be ${systemValue}`;
    else if (priorityClass.globalDefault) detail = `globalDefault of ${name} PriorityClass must be false`;
    if (detail !== undefined) {
      violations.push({
        field: 'metadata.name',
        message: `priority class names with 'system-' prefix are reserved for system use only. error: ${detail}`,
      });
    }
  } else if (priorityClass.value > highestUserDefinablePriority) {
    violations.push({ field: 'value', message: `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}` });
  }
  const policy = priorityClass.preemptionPolicyField?.value;
  if (policy !== undefined && policy !== 'PreemptLowerPriority' && policy !== 'Never') {
    violations.push({
      field: 'preemptionPolicy',
      message: `Unsupported value: "${policy}": supported values: "Never", "PreemptLowerPriority"`,
    });
  }
  return violations;
}
