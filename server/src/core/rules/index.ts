// The rules registry: one explicit array, sorted by id (a test checks the order and that docs/rules.md is current).
import { affinityBlocksPreemption } from './affinity-blocks-preemption';
import { apiVersionRemoved } from './api-version-removed';
import { documentTooLarge } from './document-too-large';
import { fileNotText } from './file-not-text';
import { fileTooLarge } from './file-too-large';
import { highPriorityEvictedFirst } from './high-priority-evicted-first';
import { invalidFieldValue } from './invalid-field-value';
import { invalidObjectName } from './invalid-object-name';
import { jobPreemptionFailsJob } from './job-preemption-fails-job';
import { kueueClusterQueueNotFound } from './kueue-cluster-queue-not-found';
import { kueueJobNeverFits } from './kueue-job-never-fits';
import { kueueLocalQueueNotFound } from './kueue-local-queue-not-found';
import { kueueNamespaceNotAdmitted } from './kueue-namespace-not-admitted';
import { kueueObjectInvalid } from './kueue-object-invalid';
import { kueuePriorityClassNotFound } from './kueue-priority-class-not-found';
import { kueuePriorityInversion } from './kueue-priority-inversion';
import { kueueQueueLabelOnTemplate } from './kueue-queue-label-on-template';
import { kueueResourceFlavorNotFound } from './kueue-resource-flavor-not-found';
import { kueueResourceNotCovered } from './kueue-resource-not-covered';
import { limitrangeChangesQos } from './limitrange-changes-qos';
import { limitrangeViolation } from './limitrange-violation';
import { missingRequests } from './missing-requests';
import { partialManifest } from './partial-manifest';
import { pathSymlinkLoop } from './path-symlink-loop';
import { pathSymlinkOutside } from './path-symlink-outside';
import { pdbBlocksAllEvictions } from './pdb-blocks-all-evictions';
import { pdbOverlapping } from './pdb-overlapping';
import { pdbSelectsNothing } from './pdb-selects-nothing';
import { podLevelResourcesEmpty } from './pod-level-resources-empty';
import { preemptionRisk } from './preemption-risk';
import { priorityClassInvalidPreemptionPolicy } from './priority-class-invalid-preemption-policy';
import { priorityClassMultipleGlobalDefault } from './priority-class-multiple-global-default';
import { priorityClassNotFound } from './priority-class-not-found';
import { priorityClassReservedName } from './priority-class-reserved-name';
import { priorityClassUnused } from './priority-class-unused';
import { priorityClassValueImmutable } from './priority-class-value-immutable';
import { priorityClassValueOutOfRange } from './priority-class-value-out-of-range';
import { priorityConflictsWithClass } from './priority-conflicts-with-class';
import { priorityFromGlobalDefault } from './priority-from-global-default';
import { renderDependencyMissing } from './render-dependency-missing';
import { renderFailed } from './render-failed';
import { renderRemoteResource } from './render-remote-resource';
import { renderRestricted } from './render-restricted';
import { renderToolMissing } from './render-tool-missing';
import { requestExceedsLimit } from './request-exceeds-limit';
import { statusQosClassContradictsSpec } from './status-qos-class-contradicts-spec';
import { yamlDuplicateKey } from './yaml-duplicate-key';
import { yamlSyntaxError } from './yaml-syntax-error';
import type { Rule } from './rule';

export const rules: readonly Rule[] = [
  affinityBlocksPreemption,
  apiVersionRemoved,
  documentTooLarge,
  fileNotText,
  fileTooLarge,
  highPriorityEvictedFirst,
  invalidFieldValue,
  invalidObjectName,
  jobPreemptionFailsJob,
  kueueClusterQueueNotFound,
  kueueJobNeverFits,
  kueueLocalQueueNotFound,
  kueueNamespaceNotAdmitted,
  kueueObjectInvalid,
  kueuePriorityClassNotFound,
  kueuePriorityInversion,
  kueueQueueLabelOnTemplate,
  kueueResourceFlavorNotFound,
  kueueResourceNotCovered,
  limitrangeChangesQos,
  limitrangeViolation,
  missingRequests,
  partialManifest,
  pathSymlinkLoop,
  pathSymlinkOutside,
  pdbBlocksAllEvictions,
  pdbOverlapping,
  pdbSelectsNothing,
  podLevelResourcesEmpty,
  preemptionRisk,
  priorityClassInvalidPreemptionPolicy,
  priorityClassMultipleGlobalDefault,
  priorityClassNotFound,
  priorityClassReservedName,
  priorityClassUnused,
  priorityClassValueImmutable,
  priorityClassValueOutOfRange,
  priorityConflictsWithClass,
  priorityFromGlobalDefault,
  renderDependencyMissing,
  renderFailed,
  renderRemoteResource,
  renderRestricted,
  renderToolMissing,
  requestExceedsLimit,
  statusQosClassContradictsSpec,
  yamlDuplicateKey,
  yamlSyntaxError,
];

export const rulesById: ReadonlyMap<string, Rule> = new Map(rules.map((r) => [r.id, r]));
