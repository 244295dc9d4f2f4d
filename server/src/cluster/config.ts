// What the language server tells the cluster layer about the user's cluster settings: one interface for the LSP seam
// (lsp/cluster-source.ts) and the live implementation (source.ts).
export interface ClusterConfig {
  /** `kubePriorityLens.clusterAware` */
  enabled: boolean;
  /** False in an untrusted workspace: never read kubeconfig or contact a cluster. */
  trusted: boolean;
  /** User-level settings only. Empty = `$KUBECONFIG`, then `~/.kube/config` / the current context. */
  kubeconfig: string;
  context: string;
  /** `kubePriorityLens.history.*` */
  retentionDays?: number;
  maxRecords?: number;
  /** Namespaces to watch when cluster scope is forbidden. */
  namespaces?: string[];
}
