// What the apiserver refuses in Kueue's objects (R-Q.4), with its own messages: the CRD schemas' enums and CEL rules
// (config/components/crd/bases), then Kueue's validating webhook (pkg/webhooks/clusterqueue_webhook.go, which runs
// only on objects the schema accepted). Defaults are applied first, as the apiserver does: an absent
// `reclaimWithinCohort` is `Never` when the CEL rule runs.
import type { Span } from '../text';
import { canonicalText } from '../quantity';
import {
  borrowWithinCohortValues,
  queueingStrategyValues,
  reclaimWithinCohortValues,
  stopPolicyValues,
  withinClusterQueueValues,
} from './kueue-objects';
import type { ClusterQueue, Cohort, LocalQueue, QuotaField, ResourceGroup } from './kueue-objects';

export interface KueueViolation {
  /** The field path the apiserver names (`spec.preemption`). */
  field: string;
  /** The apiserver's message after the path (`Invalid value: "object": …`). */
  message: string;
  span: Span;
  /** Who refuses it: the CRD schema (enum, CEL) or Kueue's webhook (only while Kueue runs). */
  by: 'schema' | 'webhook';
}

/** supported: field.NotSupported's text, as the CRD schema's enum check prints it. */
function unsupported(value: string, allowed: readonly string[]): string {
  return `Unsupported value: "${value}": supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`;
}

/** validateClusterQueue: schema enums and CEL rules, then the webhook's quota checks. */
export function validateClusterQueue(cq: ClusterQueue): KueueViolation[] {
  const out: KueueViolation[] = [];
  const f = cq.preemption.fields;
  const enumCheck = (field: string, located: { value: string; span: Span } | undefined, allowed: readonly string[]): void => {
    if (located !== undefined && !allowed.includes(located.value)) {
      out.push({ field, message: unsupported(located.value, allowed), span: located.span, by: 'schema' });
    }
  };
  enumCheck('spec.preemption.withinClusterQueue', f.withinClusterQueue, withinClusterQueueValues);
  enumCheck('spec.preemption.reclaimWithinCohort', f.reclaimWithinCohort, reclaimWithinCohortValues);
  enumCheck('spec.preemption.borrowWithinCohort.policy', f.borrowWithinCohortPolicy, borrowWithinCohortValues);
  enumCheck('spec.queueingStrategy', cq.queueingStrategyField, queueingStrategyValues);
  enumCheck('spec.stopPolicy', cq.stopPolicy, stopPolicyValues);
  // CEL on ClusterQueuePreemption, after defaulting (reclaimWithinCohort defaults to Never).
  const reclaim = f.reclaimWithinCohort?.value ?? 'Never';
  const borrow = f.borrowWithinCohortPolicy?.value;
  if (reclaim === 'Never' && borrow !== undefined && borrow !== 'Never') {
    out.push({
      field: 'spec.preemption',
      message: 'Invalid value: "object": reclaimWithinCohort=Never and borrowWithinCohort.Policy!=Never',
      span: f.borrowWithinCohortPolicy?.span ?? cq.object.nameSpan,
      by: 'schema',
    });
  }
  const hasCohort = cq.cohort !== undefined && cq.cohort.value !== '';
  // CEL on ClusterQueueSpec: no borrowingLimit without a cohort.
  if (!hasCohort) {
    const limited = cq.resourceGroups
      .flatMap((g) => g.flavors.flatMap((fl) => fl.resources))
      .find((r) => r.written.borrowingLimit !== undefined);
    if (limited !== undefined) {
      out.push({
        field: 'spec',
        message: 'Invalid value: "object": borrowingLimit must be nil when cohort is empty',
        span: limited.written.borrowingLimit?.span ?? limited.span,
        by: 'schema',
      });
    }
  }
  out.push(...resourceGroupViolations(cq.resourceGroups, hasCohort, 'cohort'));
  return out;
}

/** validateCohort: a Cohort's resource groups (its limits need a parent instead of a cohort). */
export function validateCohort(cohort: Cohort): KueueViolation[] {
  const hasParent = cohort.parentName !== undefined && cohort.parentName.value !== '';
  return resourceGroupViolations(cohort.resourceGroups, hasParent, 'parent');
}

/** validateLocalQueue: the schema's stopPolicy enum. (`spec.clusterQueue` is immutable once set: an update concern.) */
export function validateLocalQueue(lq: LocalQueue): KueueViolation[] {
  const sp = lq.stopPolicy;
  if (sp === undefined || stopPolicyValues.includes(sp.value)) return [];
  return [{ field: 'spec.stopPolicy', message: unsupported(sp.value, stopPolicyValues), span: sp.span, by: 'schema' }];
}

function resourceGroupViolations(groups: readonly ResourceGroup[], hasParent: boolean, parentWord: 'cohort' | 'parent'): KueueViolation[] {
  const out: KueueViolation[] = [];
  groups.forEach((group, i) => {
    const path = `spec.resourceGroups[${i}]`;
    // CEL on ResourceGroup; when it fails the webhook never runs for this object, but the quota checks below still
    // describe real mistakes, so they are reported too.
    if (group.flavors.some((fl) => fl.resources.length !== group.coveredResources.length)) {
      out.push({
        field: path,
        message: 'Invalid value: "object": flavors must have the same number of resources as the coveredResources',
        span: group.span,
        by: 'schema',
      });
    }
    group.flavors.forEach((flavor, j) => {
      flavor.resources.forEach((rq, k) => {
        if (k >= group.coveredResources.length) return;
        const rPath = `${path}.flavors[${j}].resources[${k}]`;
        if (rq.name !== group.coveredResources[k]) {
          out.push({
            field: `${rPath}.name`,
            message: `Invalid value: "${rq.name}": must match the name in coveredResources`,
            span: rq.nameSpan,
            by: 'webhook',
          });
        }
        const negative = (field: QuotaField, milli: number | undefined): void => {
          const written = rq.written[field];
          if (milli === undefined || milli >= 0 || written === undefined) return;
          out.push({
            field: `${rPath}.${field}`,
            message: `Invalid value: "${canonicalText(written.text) ?? written.text}": must be greater than or equal to 0`,
            span: written.span,
            by: 'webhook',
          });
        };
        negative('nominalQuota', rq.nominalQuota);
        for (const field of ['borrowingLimit', 'lendingLimit'] as const) {
          const written = rq.written[field];
          if (written === undefined) continue;
          if (!hasParent) {
            out.push({
              field: `${rPath}.${field}`,
              message: `Invalid value: "${canonicalText(written.text) ?? written.text}": must be nil when ${parentWord} is empty`,
              span: written.span,
              by: 'webhook',
            });
          }
          negative(field, rq[field]);
        }
        // enforceNominalGreaterThanLending holds for ClusterQueues only.
        const lend = rq.written.lendingLimit;
        if (parentWord === 'cohort' && lend !== undefined && rq.lendingLimit !== undefined && rq.lendingLimit > rq.nominalQuota) {
          out.push({
            field: `${rPath}.lendingLimit`,
            message: `Invalid value: "${canonicalText(lend.text) ?? lend.text}": must be less than or equal to the nominalQuota`,
            span: lend.span,
            by: 'webhook',
          });
        }
      });
    });
  });
  return out;
}
