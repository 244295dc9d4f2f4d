// The Diagnose Pod quick pick: recent victims first (named by Preempted/Evicted events and the history, newest first),
// then the pods of the workload under the cursor, running pods and recently deleted ones; a typed `namespace/name` or
// pod UID that is not in the list is offered as its own item and diagnosed (a pod deleted before the extension started).
import * as vscode from 'vscode';
import type { ListPodsResult, PodListItem } from '../../server/src/protocol';

type PodPick = vscode.QuickPickItem & { target?: string };

/** Quick pick: recent victims first (newest first), then the workload under the cursor's pods, then live, then deleted. */
export function podPickItems(pods: readonly PodListItem[], workload: string | undefined): PodPick[] {
  const order: Record<PodListItem['source'], number> = { victim: 0, live: 1, deleted: 2, workspace: 3 };
  const sorted = [...pods].sort(
    (a, b) =>
      order[a.source] - order[b.source] ||
      (a.source === 'victim' ? (b.time ?? '').localeCompare(a.time ?? '') : 0) ||
      a.label.localeCompare(b.label),
  );
  const sourceLabel: Record<PodListItem['source'], string> = {
    victim: '',
    live: 'running',
    deleted: 'recently deleted',
    workspace: 'workspace manifest',
  };
  const item = (p: PodListItem): PodPick => ({
    label: p.label,
    description: [sourceLabel[p.source], p.description].filter(Boolean).join(' · '),
    target: p.target,
  });
  const items: PodPick[] = [];
  const victims = sorted.filter((p) => p.source === 'victim');
  if (victims.length > 0) {
    items.push({ label: 'Recently preempted or evicted', kind: vscode.QuickPickItemKind.Separator });
    items.push(...victims.map(item));
  }
  const rest = sorted.filter((p) => p.source !== 'victim');
  if (workload !== undefined) {
    const own = rest.filter((p) => p.matchesWorkload === true);
    items.push({ label: `Workload under the cursor: ${workload}`, kind: vscode.QuickPickItemKind.Separator });
    items.push(...own.map(item));
    items.push({
      label: `$(book) Static explanation of ${workload}`,
      description: own.length ? 'from the manifests' : 'no pod of it in the cluster: from the manifests',
      target: workload,
    });
    items.push({ label: 'All pods', kind: vscode.QuickPickItemKind.Separator });
    items.push(...rest.filter((p) => p.matchesWorkload !== true).map(item));
    return items;
  }
  if (victims.length > 0 && rest.length > 0) items.push({ label: 'Pods', kind: vscode.QuickPickItemKind.Separator });
  items.push(...rest.map(item));
  return items;
}

/** What the user typed, when it names a pod: `namespace/name` (Kubernetes names) or a pod UID. */
export function typedTarget(value: string): string | undefined {
  const v = value.trim();
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v) && v.length <= 317) return v;
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v)) return v.toLowerCase();
  return undefined;
}

/** The Diagnose Pod quick pick while it is open, with what typing and accepting do (test API). */
export let activePodPick:
  | {
      quickPick: vscode.QuickPick<PodPick>;
      typed(value: string): void;
      choose(item: PodPick | undefined): void;
      timings: PodPickTimings;
    }
  | undefined;

/** Milliseconds from the command to each step of the picker (logged, and read by the real-cluster VS Code test). */
export interface PodPickTimings {
  shown?: number;
  listed?: number;
  workload?: number;
}

/** What the picker lists: the first list answers without waiting for the workspace index; the workload's list follows. */
export interface PodPickLoad {
  pods: Promise<ListPodsResult>;
  /** The list for the workload under the cursor (needs the workspace index), undefined without one: replaces the first. */
  workloadPods: Promise<ListPodsResult | undefined>;
}

export type PodPickOutcome = { kind: 'picked'; target: string } | { kind: 'cancelled' } | { kind: 'not-connected'; list: ListPodsResult };

/**
 * Opens the quick pick at once, busy, and fills it as the lists arrive: a server still indexing the workspace or
 * rendering charts does not keep the user waiting for a picker (typing a name works from the first moment).
 */
export async function pickPod(
  context: string | undefined,
  load: PodPickLoad,
  connected: (list: ListPodsResult) => boolean,
  started: number,
  report: (timings: PodPickTimings) => void,
): Promise<PodPickOutcome> {
  const timings: PodPickTimings = {};
  let base: PodPick[] = [];
  let workload: string | undefined;
  const qp = vscode.window.createQuickPick<PodPick>();
  qp.title = `Diagnose Pod${context ? ` — ${context}` : ''}`;
  const placeholder = () =>
    workload !== undefined
      ? `Pods of ${workload} first; or type any namespace/name or pod UID`
      : 'Pick a pod, or type any namespace/name or pod UID (also pods deleted before the extension started)';
  qp.placeholder = `Reading pods and recent preemptions from the cluster… (or type any namespace/name or pod UID)`;
  qp.matchOnDescription = true;
  qp.busy = true;
  // A typed `namespace/name` or UID that is not in the list is offered as its own item (and diagnosed).
  const typed = (value: string) => {
    const t = typedTarget(value);
    const listed = t !== undefined && base.some((i) => i.target === t);
    qp.items =
      t !== undefined && !listed
        ? [{ label: t, description: 'diagnose this pod (not in the list: looked up in the cluster)', alwaysShow: true, target: t }, ...base]
        : base;
  };
  qp.onDidChangeValue(typed);
  try {
    return await new Promise<PodPickOutcome>((resolve, reject) => {
      let done = false;
      const finish = (o: PodPickOutcome) => {
        if (done) return;
        done = true;
        resolve(o);
        qp.hide();
      };
      const choose = (item: PodPick | undefined) => {
        const target = item?.target ?? typedTarget(qp.value);
        finish(target !== undefined ? { kind: 'picked', target } : { kind: 'cancelled' });
      };
      activePodPick = { quickPick: qp, typed, choose, timings };
      qp.onDidAccept(() => choose(qp.selectedItems[0] ?? qp.activeItems[0]));
      qp.onDidHide(() => finish({ kind: 'cancelled' }));
      qp.show();
      timings.shown = Date.now() - started;
      let workloadListed = false;
      const fill = (list: ListPodsResult, forWorkload: boolean) => {
        if (done) return;
        if (!connected(list)) {
          finish({ kind: 'not-connected', list });
          return;
        }
        workload = list.workload;
        base = podPickItems(list.pods, workload);
        qp.placeholder = placeholder();
        typed(qp.value);
        if (forWorkload) workloadListed = true;
      };
      const failed = (e: unknown) => {
        if (done) return;
        done = true;
        qp.hide();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      const first = load.pods.then((list) => {
        timings.listed = Date.now() - started;
        // The workload's list may have come first: it holds every pod too.
        if (!workloadListed) fill(list, false);
      }, failed);
      const second = load.workloadPods.then(
        (list) => {
          if (list === undefined) return;
          timings.workload = Date.now() - started;
          fill(list, true);
          // Without the workload's own list the picker still holds every pod (the caller logs why).
        },
        () => undefined,
      );
      void Promise.allSettled([first, second]).then(() => {
        qp.busy = false;
        report(timings);
      });
    });
  } finally {
    activePodPick = undefined;
    qp.dispose();
  }
}
