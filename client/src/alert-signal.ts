/**
 * A firing alert is seen even from another tab: the title starts with "(N firing)", the favicon
 * turns red, and, once the analyst has allowed it (the permission is asked on a click, never on
 * load), a browser notification says which rule fired.
 */
import type { Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../server/realtime/realtime-server.ts';
import type { AlertView } from '../../server/alerts/alert-views.ts';
import { el } from './dom.ts';

const ALERT_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#f85149"/><path d="M16 6v13M16 24v2" stroke="#fff" stroke-width="4" stroke-linecap="round"/></svg>',
  );

export function mountAlertSignal(socket: Socket<ServerToClient, ClientToServer>, buttonHost: HTMLElement | null): void {
  const baseTitle = document.title;
  const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  const normalIcon = icon?.href ?? '';
  const firing = new Map<number, AlertView>();

  function render() {
    const n = firing.size;
    document.title = n > 0 ? `(${n} firing) ${baseTitle}` : baseTitle;
    document.documentElement.dataset.alertsFiring = String(n);
    if (icon) icon.href = n > 0 ? ALERT_ICON : normalIcon;
  }

  function notify(a: AlertView) {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const n = new Notification(`Brinkwatch alert: ${a.ruleName}`, { body: `${a.scope}: ${a.window} ${a.metric} ${a.value === null ? '' : a.value.toFixed(1)} ≥ ${a.threshold}`, tag: `alert-${a.id}` });
    n.onclick = () => {
      window.focus();
      location.href = `/alert/${a.id}`;
    };
  }

  const load = () =>
    fetch('/api/alerts?state=firing&limit=500')
      .then((r) => (r.ok ? (r.json() as Promise<{ alerts: AlertView[] }>) : { alerts: [] }))
      .then(({ alerts }) => {
        firing.clear();
        for (const a of alerts) if (a.state === 'firing') firing.set(a.id, a);
        render();
      })
      .catch((err: unknown) => console.warn('could not read firing alerts', err));
  socket.on('connect', () => void load());
  socket.on('alertChanged', (raw) => {
    const a = raw as unknown as AlertView;
    const was = firing.has(a.id);
    if (a.state === 'firing') firing.set(a.id, a);
    else firing.delete(a.id);
    if (!was && a.state === 'firing') notify(a);
    render();
  });

  if (!buttonHost || typeof Notification === 'undefined') return;
  const button = el('button', { type: 'button', id: 'notify-button', class: 'link-button' });
  const label = () => {
    button.textContent =
      Notification.permission === 'granted' ? 'Browser notifications on' : Notification.permission === 'denied' ? 'Notifications blocked in the browser' : 'Notify me when an alert fires';
    button.disabled = Notification.permission !== 'default';
  };
  label();
  button.addEventListener('click', () => {
    void Notification.requestPermission().then(label);
  });
  buttonHost.append(button);
}
