// Diagnose Pod's one-off reads for a pod deleted before this process started (never in the UID cache or the history):
// all its events, the Job and ReplicaSet controllers' `Created pod:` events of its namespace, and the controller they
// (or a sibling pod, or the pod's name) point at, read by name. Read-only and bounded: two lists and at most four GETs,
// all through the allow-list of endpoints.ts. What is forbidden or gone is simply absent: the report says so.
import { capStrings, controllerCandidates, eventRecordFromObject } from '../core/index';
import type { ApiObject, EventRecord, PodRecord } from '../core/index';
import { ApiError } from './api';
import type { ApiClient } from './api';
import { eventFieldSelector, isObjectName, readPaths } from './endpoints';
import { safeMessage } from './kubeconfig';

export interface ReconstructionReads {
  podEvents: EventRecord[];
  controllerEvents: EventRecord[];
  jobs: ApiObject[];
  replicaSets: ApiObject[];
}

interface Options {
  now: () => Date;
  log: (message: string) => void;
}

/** One page of events in a namespace narrowed by a field selector; [] when forbidden or unreachable. */
async function listEvents(api: ApiClient, namespace: string, fieldSelector: string, o: Options): Promise<EventRecord[]> {
  try {
    const list = await api.get(readPaths.list('events', namespace), { fieldSelector, limit: '500' });
    const items = Array.isArray(list['items']) ? (list['items'] as ApiObject[]) : [];
    const at = o.now().toISOString();
    return items.map((e) => eventRecordFromObject(e, at)).filter((e): e is EventRecord => e !== undefined);
  } catch (error) {
    o.log(`events in ${namespace} (${fieldSelector}): ${safeMessage(error)}`);
    return [];
  }
}

/** GET one object; undefined on 404, 403 and 401 (absent, or not readable with this context). */
export async function getObject(api: ApiClient, path: ReturnType<typeof readPaths.object>): Promise<ApiObject | undefined> {
  try {
    return capStrings(await api.get(path));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 401)) return undefined;
    throw error;
  }
}

export async function readForReconstruction(
  api: ApiClient,
  target: { namespace: string; name: string },
  pods: readonly PodRecord[],
  o: Options,
): Promise<ReconstructionReads> {
  const podEvents = await listEvents(api, target.namespace, eventFieldSelector('Pod', target.name), o);
  const controllerEvents = await listEvents(api, target.namespace, eventFieldSelector('SuccessfulCreate'), o);
  const candidates = controllerCandidates(target, controllerEvents, pods);
  const named = candidates.filter((c) => !c.guessed);
  const jobs: ApiObject[] = [];
  const replicaSets: ApiObject[] = [];
  // The controllers named by an event or a sibling pod; only without any, the ones the pod's name suggests.
  for (const c of (named.length > 0 ? named : candidates).slice(0, 4)) {
    if (!isObjectName(c.name)) continue;
    const obj = await getObject(api, readPaths.object(c.kind === 'Job' ? 'jobs' : 'replicasets', target.namespace, c.name));
    if (obj === undefined) continue;
    (c.kind === 'Job' ? jobs : replicaSets).push(obj);
    break;
  }
  return { podEvents, controllerEvents, jobs, replicaSets };
}
