// LimitRanger's validation (R-D.10): after its defaulting (R-D.2), every `min`, `max` and `maxLimitRequestRatio` of
// the namespace's LimitRanges is checked against each container (type Container) and the pod's totals (type Pod);
// a violation rejects the pod with `pods "<name>" is forbidden: <cause>`. Causes are the apiserver's exact texts.
import type { Span } from '../text';
import { get } from '../syntax/tree';
import type { Workload } from '../model/workload';
import { canonicalQuantity, canonicalText, formatOf } from '../quantity';
import type { LimitRangeConstraint, LimitRangeDefaults } from './limit-range';
import { quantityTexts } from './limit-range';
import type { EffectiveContainer, PodLevelResources } from './resources';
import type { Resources } from './resource-amounts';

export interface LimitRangeViolation {
  /** The apiserver's cause, e.g. `maximum cpu usage per Container is 1, but limit is 2`. */
  cause: string;
  limitRange: string;
  constraint: LimitRangeConstraint;
  /** Where the offending value is written (the request or limit; else the container's or the pod's resources). */
  span: Span;
}

/** A resource list with the text resource.Quantity.String() prints for each value and where it is written. */
interface Amounts {
  values: Resources;
  texts: Record<string, string>;
  spans: Record<string, Span>;
}

const pick = (a: Amounts, r: string): { value: number; text: string } | undefined =>
  a.values[r] === undefined ? undefined : { value: a.values[r], text: a.texts[r] ?? canonicalQuantity(a.values[r], 'DecimalSI') };

/** requestLimitEnforcedValues compares at milli precision (MilliValue rounds up). */
const milli = (v: number): number => Math.ceil(v);

function minConstraint(
  c: LimitRangeConstraint,
  requests: Amounts,
  limits: Amounts,
): { cause: string; field?: 'request' | 'limit' } | undefined {
  const req = pick(requests, c.resource);
  const lim = pick(limits, c.resource);
  const head = `minimum ${c.resource} usage per ${c.type} is ${c.text}`;
  if (req === undefined) return { cause: `${head}.  No request is specified` };
  if (milli(req.value) < milli(c.value)) return { cause: `${head}, but request is ${req.text}`, field: 'request' };
  if (lim !== undefined && milli(lim.value) < milli(c.value)) return { cause: `${head}, but limit is ${lim.text}`, field: 'limit' };
  return undefined;
}

function maxConstraint(
  c: LimitRangeConstraint,
  requests: Amounts,
  limits: Amounts,
): { cause: string; field?: 'request' | 'limit' } | undefined {
  const req = pick(requests, c.resource);
  const lim = pick(limits, c.resource);
  const head = `maximum ${c.resource} usage per ${c.type} is ${c.text}`;
  if (lim === undefined) return { cause: `${head}.  No limit is specified` };
  if (milli(lim.value) > milli(c.value)) return { cause: `${head}, but limit is ${lim.text}`, field: 'limit' };
  if (req !== undefined && milli(req.value) > milli(c.value)) return { cause: `${head}, but request is ${req.text}`, field: 'request' };
  return undefined;
}

function ratioConstraint(
  c: LimitRangeConstraint,
  requests: Amounts,
  limits: Amounts,
): { cause: string; field?: 'request' | 'limit' } | undefined {
  const req = pick(requests, c.resource);
  const lim = pick(limits, c.resource);
  const head = `${c.resource} max limit to request ratio per ${c.type} is ${c.text}`;
  if (req === undefined || milli(req.value) === 0) return { cause: `${head}, but no request is specified or request is 0` };
  if (lim === undefined || milli(lim.value) === 0) return { cause: `${head}, but no limit is specified or limit is 0` };
  const ratio = milli(lim.value) / milli(req.value);
  // observedRatio*1000 > enforced.MilliValue(): the ratio at milli precision, printed with %f (six decimals).
  if (ratio * 1000 > milli(c.value)) return { cause: `${head}, but provided ratio is ${ratio.toFixed(6)}`, field: 'limit' };
  return undefined;
}

const check = { min: minConstraint, max: maxConstraint, maxLimitRequestRatio: ratioConstraint } as const;

/** containerAmounts: a container's requests and limits after defaulting, with their printed texts and spans. */
function containerAmounts(c: EffectiveContainer, limitRanges: readonly LimitRangeDefaults[]): { requests: Amounts; limits: Amounts } {
  const resources = get(c.container.node, 'resources');
  const writtenRequests = quantityTexts(resources, 'requests');
  const writtenLimits = quantityTexts(resources, 'limits');
  const byId = new Map(limitRanges.map((l) => [l.id, l]));
  const requestTexts: Record<string, string> = {};
  const limitTexts: Record<string, string> = {};
  for (const r of Object.keys(c.limits)) {
    const from = c.fromLimitRange.find((f) => f.resource === r && f.field === 'limit');
    const text = from === undefined ? writtenLimits[r] : byId.get(from.limitRange)?.defaultTexts.limit[r];
    if (text !== undefined) limitTexts[r] = canonicalText(text) ?? text;
  }
  for (const r of Object.keys(c.requests)) {
    const from = c.fromLimitRange.find((f) => f.resource === r && f.field === 'request');
    // A request the API defaulted from the limit (R-D.1) prints as that limit.
    const text = from === undefined ? (writtenRequests[r] ?? writtenLimits[r]) : byId.get(from.limitRange)?.defaultTexts.request[r];
    if (text !== undefined) requestTexts[r] = canonicalText(text) ?? text;
  }
  return {
    requests: { values: c.requests, texts: requestTexts, spans: { ...c.container.limits.spans, ...c.container.requests.spans } },
    limits: { values: c.limits, texts: limitTexts, spans: c.container.limits.spans },
  };
}

/** sumAmounts is limitranger's podRequests/podLimits: app containers and sidecars add up, init containers take the max. */
function podAmounts(
  workload: Workload,
  containers: ReadonlyArray<{ c: EffectiveContainer; requests: Amounts; limits: Amounts }>,
  podLevel: PodLevelResources | undefined,
  which: 'requests' | 'limits',
): Amounts {
  const total: Resources = {};
  const formatFrom: Record<string, string> = {};
  const spans: Record<string, Span> = {};
  const largest: Record<string, number> = {};
  const sidecars: Resources = {};
  const initMax: Resources = {};
  for (const { c, ...amounts } of containers) {
    const a = amounts[which];
    for (const [r, v] of Object.entries(a.values)) {
      formatFrom[r] ??= a.texts[r] ?? '';
      const span = a.spans[r];
      if (span !== undefined && v > (largest[r] ?? -1)) {
        largest[r] = v;
        spans[r] = span;
      }
    }
    if (c.container.role === 'init') {
      for (const [r, v] of Object.entries(a.values)) initMax[r] = Math.max(initMax[r] ?? 0, v + (sidecars[r] ?? 0));
    } else {
      for (const [r, v] of Object.entries(a.values)) total[r] = (total[r] ?? 0) + v;
      if (c.container.role === 'sidecar') for (const [r, v] of Object.entries(a.values)) sidecars[r] = (sidecars[r] ?? 0) + v;
    }
  }
  for (const [r, v] of Object.entries(initMax)) total[r] = Math.max(total[r] ?? 0, v);
  const texts: Record<string, string> = {};
  for (const [r, v] of Object.entries(total)) texts[r] = canonicalQuantity(v, formatOf(formatFrom[r] ?? ''));
  // Pod-level cpu and memory override the containers' totals (PodLevelResources).
  if (podLevel !== undefined) {
    const written = quantityTexts(get(workload.podSpec, 'resources'), which);
    const list = which === 'requests' ? podLevel.requests : podLevel.limits;
    for (const [r, v] of Object.entries(list)) {
      if (r !== 'cpu' && r !== 'memory') continue;
      total[r] = v;
      const text = written[r] ?? (which === 'requests' ? quantityTexts(get(workload.podSpec, 'resources'), 'limits')[r] : undefined);
      texts[r] = text === undefined ? canonicalQuantity(v, 'DecimalSI') : (canonicalText(text) ?? text);
      const span = workload.podResources?.[which].spans[r] ?? workload.podResources?.limits.spans[r];
      if (span !== undefined) spans[r] = span;
    }
  }
  return { values: total, texts, spans };
}

/** limitRangeViolations runs PodValidateLimitFunc for every LimitRange of the pod's namespace (R-D.10). */
export function limitRangeViolations(
  workload: Workload,
  containers: readonly EffectiveContainer[],
  podLevel: PodLevelResources | undefined,
  limitRanges: readonly LimitRangeDefaults[],
): LimitRangeViolation[] {
  const violations: LimitRangeViolation[] = [];
  if (!limitRanges.some((l) => l.constraints.length > 0)) return violations;
  const amounts = containers.map((c) => ({ c, ...containerAmounts(c, limitRanges) }));
  const first = containers[0]?.container.resourcesSpan ?? workload.podSpecSpan;
  for (const limitRange of limitRanges) {
    for (const constraint of limitRange.constraints) {
      if (constraint.type === 'Container') {
        for (const { c, requests, limits } of amounts) {
          const found = check[constraint.kind](constraint, requests, limits);
          if (found === undefined) continue;
          const span = (found.field === 'limit' ? limits : requests).spans[constraint.resource];
          violations.push({
            cause: found.cause,
            limitRange: limitRange.id,
            constraint,
            span: found.field !== undefined && span !== undefined ? span : c.container.resourcesSpan,
          });
        }
      } else {
        const requests = podAmounts(workload, amounts, podLevel, 'requests');
        const limits = podAmounts(workload, amounts, podLevel, 'limits');
        const found = check[constraint.kind](constraint, requests, limits);
        if (found === undefined) continue;
        const span = (found.field === 'limit' ? limits : requests).spans[constraint.resource];
        violations.push({
          cause: found.cause,
          limitRange: limitRange.id,
          constraint,
          span: found.field !== undefined && span !== undefined ? span : first,
        });
      }
    }
  }
  return violations;
}
