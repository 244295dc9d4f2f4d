// Where the connection watches: cluster-wide when RBAC allows listing events and pods there, otherwise the configured
// namespaces (or the context's own, or `default`), only names Kubernetes accepts reaching a request path.
import { ApiError } from './api';
import type { ApiClient } from './api';
import { isNamespaceName, readPaths } from './endpoints';

/** Whether events and pods can be listed cluster-wide; true when the cluster cannot be reached (the streams report that). */
export async function canListClusterWide(api: ApiClient, log: (message: string) => void): Promise<boolean> {
  try {
    await Promise.all([api.get(readPaths.list('events'), { limit: '1' }), api.get(readPaths.list('pods'), { limit: '1' })]);
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 401)) {
      log(`cluster-wide list forbidden (${error.message}); falling back to namespaces`);
      return false;
    }
    return true; // unreachable: the streams retry and report
  }
}

/** The namespaces to watch when cluster scope is forbidden: the configured ones, else the context's, else `default`. */
export function fallbackNamespaces(
  configured: readonly string[] | undefined,
  own: string | undefined,
  log: (message: string) => void,
): string[] {
  // Only names Kubernetes accepts reach a request path (endpoints.ts); say which ones were dropped.
  const valid = (ns: string): boolean => {
    if (isNamespaceName(ns)) return true;
    log(`ignoring ${JSON.stringify(ns.slice(0, 80))}: not a valid namespace name`);
    return false;
  };
  const names = configured?.filter((n) => n !== '' && valid(n));
  if (names !== undefined && names.length > 0) return names;
  const ns = own ?? 'default';
  return [valid(ns) ? ns : 'default'];
}
