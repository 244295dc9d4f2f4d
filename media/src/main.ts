// Webview entry: boots the app named by <body data-view> and tells the host it is ready for data.
import { mountLiveEvents } from './live-events';
import { mountPriorityMap } from './priority-map';
import { onHostMessage, post } from './vscode-api';

const root = document.getElementById('app');
if (root) {
  const view = document.body.dataset.view;
  const app = view === 'liveEvents' ? mountLiveEvents(root) : mountPriorityMap(root);
  onHostMessage((m) => {
    if (m.type === 'testClick') {
      // Exercise the same handler a user click would.
      const el = root.querySelector<HTMLElement>(`[data-id="${CSS.escape(m.id)}"]`);
      el?.click();
      return;
    }
    app.onMessage(m);
  });
  post({ type: 'ready' });
}
