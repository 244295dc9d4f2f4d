// The cluster layer: the project's only network code (read-only), plus the local history store.
export { ClusterConnection } from './connection';
export type { ClusterConnectionOptions, EventsListener, StateListener } from './connection';
export { HistoryStore } from './history';
export type { HistoryOptions, HistoryRecord } from './history';
export { KubeconfigError, listKubeContexts, loadKubeconfig, kubeconfigPaths } from './kubeconfig';
export { ApiError } from './api';
export { liveEventRow } from './rows';
export { snapshotParsed } from './snapshot';
export type { ClusterSnapshot } from './snapshot';
export { LiveClusterSource } from './source';
export type { LiveClusterSourceOptions } from './source';
export type { ClusterConfig } from './config';
