// Pieces both Priority Map ladders draw: a badge, and a workload's name as a button that opens its manifest.
import type { WorkloadView } from '../../server/src/protocol';
import { h } from './dom';
import { post } from './vscode-api';

export function badge(text: string, kind: string, title?: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}`, text, ...(title ? { title } : {}) });
}

/** The workload's name as a button that opens its manifest (or template or patch line). */
export function workloadButton(w: WorkloadView): HTMLElement {
  const btn = h(
    'button',
    {
      class: 'workload',
      data: { id: w.id },
      title: w.location
        ? w.rendered
          ? 'Open the template or patch line of this workload'
          : 'Open the manifest at this workload'
        : 'No manifest in the workspace (cluster object)',
      attrs: w.location ? {} : { 'aria-disabled': 'true' },
    },
    h('span', { class: 'wl-kind', text: w.kind }),
    h('span', { class: 'wl-name', text: `${w.namespace}/${w.name}` }),
  );
  btn.addEventListener('click', () => {
    if (w.location) post({ type: 'open', location: w.location });
  });
  return btn;
}
