// Object names as the apiserver validates them per kind (R-B.7): ValidateObjectMeta with the kind's name function.
// Most kinds take a DNS-1123 subdomain; a Namespace and a StatefulSet a DNS-1123 label; a CronJob a subdomain of at
// most 52 characters; a PodDisruptionBudget only the path-segment rule every create is held to.

const subdomainFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const labelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
// Literal copies of the two formats above (the redos check proves literals linear).
const subdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const labelValueFmt = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const subdomainMessage = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${subdomainFmt}')`;
export const labelMessage = `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${labelFmt}')`;

/** IsDNS1123Subdomain's messages. */
export function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!subdomainRe.test(value)) errs.push(subdomainMessage);
  return errs;
}

/** IsDNS1123Label's messages (a valid subdomain that is not a label must contain dots). */
export function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!labelRe.test(value)) errs.push(subdomainRe.test(value) ? 'must not contain dots' : labelMessage);
  return errs;
}

export const labelValueMessage = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${labelValueFmt}')`;

/** The UTF-8 length of `value`, as Go's len() counts a string. */
function utf8Length(value: string): number {
  let n = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** IsValidLabelValue's messages (apimachinery content.IsLabelValue, whose MaxLenError counts bytes, unlike names'). */
export function labelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > 63) errs.push('must be no more than 63 bytes');
  if (!labelValueRe.test(value)) errs.push(labelValueMessage);
  return errs;
}

/** IsValidPathSegmentName's messages. */
export function pathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errs: string[] = [];
  for (const illegal of ['/', '%']) if (value.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
}

export type NameRule = 'subdomain' | 'label' | 'cronjob' | 'path-segment';

/** nameRuleOf: the name function each kind's validation passes to ValidateObjectMeta. */
export function nameRuleOf(kind: string): NameRule | undefined {
  switch (kind) {
    case 'Namespace':
    case 'StatefulSet':
      return 'label';
    case 'CronJob':
      return 'cronjob';
    case 'PodDisruptionBudget':
      return 'path-segment';
    case 'PodMetrics':
      return undefined; // read from metrics-server, never created
    default:
      return 'subdomain';
  }
}

/**
 * nameProblems: the messages ValidateObjectMeta gives for `name` (or, with `prefix`, a generateName: a trailing '-' is
 * masked before the check, as the apiserver's maskTrailingDash does).
 */
export function nameProblems(kind: string, name: string, prefix = false): string[] {
  const rule = nameRuleOf(kind);
  if (rule === undefined) return [];
  const value = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
  if (rule === 'label') return dns1123Label(value);
  if (rule === 'path-segment') return pathSegmentName(value);
  const errs = dns1123Subdomain(value);
  if (rule === 'cronjob' && name.length > 52) errs.push('must be no more than 52 characters');
  return errs;
}
