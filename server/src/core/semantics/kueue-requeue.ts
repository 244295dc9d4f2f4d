// What Kueue does after a PodsReady timeout (docs/semantics.md R-Q.8): with waitForPodsReady (on by default since
// v0.19), an admitted Workload whose pods are not all ready in time is evicted (`PodsReadyTimeout`) and requeued after
// a backoff; past `requeuingStrategy.backoffLimitCount` requeues it is deactivated instead (`spec.active: false`), and
// its Evicted condition says so. pkg/controller/core/workload_controller.go triggerDeactivationOrBackoffRequeue,
// pkg/workload (SetDeactivationTarget).

/** waitForPodsReady.requeuingStrategy as Kueue's Configuration writes it (defaults: base 60 s, max 3600 s, no limit). */
export interface KueueRequeuingStrategy {
  /** undefined: requeued forever. */
  backoffLimitCount?: number;
  backoffBaseSeconds?: number;
  backoffMaxSeconds?: number;
}

/** The Evicted condition Kueue writes when it deactivates a Workload past backoffLimitCount. */
export const requeuingLimitExceeded = {
  reason: 'DeactivatedDueToRequeuingLimitExceeded',
  message: 'The workload is deactivated due to exceeding the maximum number of re-queuing retries',
} as const;

export type KueuePodsReadyTimeoutOutcome =
  /** Requeued: `status.requeueState.count` becomes `count`; admissible again after `backoffSeconds` (plus jitter). */
  | { kind: 'requeued'; count: number; backoffSeconds: number }
  /** Deactivated: `spec.active` false, Evicted with requeuingLimitExceeded; the Job stays suspended until reactivated. */
  | { kind: 'deactivated'; count: number; reason: string; message: string };

/**
 * kueuePodsReadyTimeoutOutcome: what one more PodsReady timeout does to a Workload requeued `previousCount` times
 * (`status.requeueState.count`). Kueue counts this requeue (`count + 1`); above backoffLimitCount it deactivates, so with
 * backoffLimitCount N the Workload is requeued N times and deactivated on its (N+1)th timeout. Otherwise it waits
 * base × 2^(count-1) seconds, each step capped at backoffMaxSeconds (wait.Backoff with Factor 2; jitter left out).
 */
export function kueuePodsReadyTimeoutOutcome(previousCount: number, strategy: KueueRequeuingStrategy = {}): KueuePodsReadyTimeoutOutcome {
  const count = Math.max(0, Math.floor(previousCount)) + 1;
  const limit = strategy.backoffLimitCount;
  if (limit !== undefined && count > limit) return { kind: 'deactivated', count: count - 1, ...requeuingLimitExceeded };
  const base = strategy.backoffBaseSeconds ?? 60;
  const max = strategy.backoffMaxSeconds ?? 3600;
  let wait = 0;
  for (let step = 0, d = base; step < count; step++, d *= 2) wait = Math.min(d, max);
  return { kind: 'requeued', count, backoffSeconds: wait };
}

/** The PodsReady timeouts a Workload survives before deactivation (backoffLimitCount + 1 ends it); undefined: never deactivated. */
export function kueueTimeoutsUntilDeactivation(strategy: KueueRequeuingStrategy): number | undefined {
  const limit = strategy.backoffLimitCount;
  return limit === undefined ? undefined : Math.max(0, limit) + 1;
}

/**
 * parseDeactivation reads a Workload's Evicted condition: whether Kueue deactivated it and why. Kueue's reason is
 * `Deactivated` (someone set `spec.active: false`) or `DeactivatedDueTo<Reason>` (Kueue did, e.g. RequeuingLimitExceeded),
 * its message `The workload is deactivated due to <why>`. undefined for any other condition.
 */
export function parseDeactivation(
  c: { status?: string; reason?: string; message?: string } | undefined,
): { byKueue: boolean; cause: string | undefined; requeuingLimitExceeded: boolean; why: string | undefined } | undefined {
  if (c?.status !== 'True' || c.reason === undefined || !c.reason.startsWith('Deactivated')) return undefined;
  const cause = c.reason.startsWith('DeactivatedDueTo') ? c.reason.slice('DeactivatedDueTo'.length) : undefined;
  if (c.reason !== 'Deactivated' && (cause === undefined || cause === '')) return undefined;
  const m = /^The workload is deactivated due to (.+)$/.exec(c.message ?? '');
  return { byKueue: cause !== undefined, cause, requeuingLimitExceeded: cause === 'RequeuingLimitExceeded', why: m?.[1] };
}
