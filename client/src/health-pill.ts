import type { Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../server/realtime/realtime-server.ts';
import { el } from './dom.ts';

/**
 * The health pill in the header: the server's own verdict (GET /api/health) as "healthy",
 * "degraded" or "failing", with the reasons in a tooltip that opens on hover and on keyboard
 * focus (the pill is a button described by the tooltip: screen readers read the reasons too;
 * Escape closes it). It follows `healthChanged` pushes, reloads on every (re)connection and
 * polls once a minute besides. `document.body.dataset.health` carries the status for styling.
 */

interface HealthBody {
  status: 'ok' | 'degraded' | 'failing';
  reasons: Array<{ code: string; severity: string; message: string }>;
  checkedAt?: string;
}

const POLL_MS = 60_000;
const LABEL: Record<string, string> = { ok: 'healthy', degraded: 'degraded', failing: 'failing', unknown: 'health unknown' };

const clock = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '');

/** `onStatus` hears the server's status and its reasons (the page dims its numbers while degraded). */
export function mountHealthPill(
  before: HTMLElement,
  socket: Socket<ServerToClient, ClientToServer>,
  onStatus?: (status: 'ok' | 'degraded' | 'failing', reason: string) => void,
): void {
  const tip = el('div', { id: 'health-detail', role: 'tooltip', class: 'health-detail' });
  const pill = el('button', { id: 'health', type: 'button', class: 'health-pill', 'data-status': 'unknown', 'aria-describedby': 'health-detail' }, LABEL.unknown!);
  const wrap = el('span', { class: 'health' }, pill, tip);
  before.before(wrap);
  let last: HealthBody | null = null;

  function render(h: HealthBody | null, note?: string): void {
    const status = h?.status ?? 'unknown';
    pill.dataset.status = status;
    pill.textContent = LABEL[status] ?? status;
    document.body.dataset.health = status;
    if (h) onStatus?.(h.status, h.reasons.map((r) => r.message).join('; '));
    const lines = h === null ? [] : h.reasons.length === 0 ? ['All health checks pass.'] : h.reasons.map((r) => r.message);
    tip.replaceChildren(
      ...(h && h.reasons.length > 0 ? [el('strong', {}, `Server ${status}:`)] : []),
      el('ul', {}, ...lines.map((m) => el('li', {}, m))),
      el('p', { class: 'muted' }, note ?? (h?.checkedAt ? `Checked at ${clock(h.checkedAt)}.` : 'Not checked yet.')),
    );
  }

  async function load(): Promise<void> {
    try {
      // 503 (failing) still carries the body.
      const res = await fetch('/api/health', { cache: 'no-store' });
      last = (await res.json()) as HealthBody;
      render(last);
    } catch {
      render(last, 'The server cannot be reached; this is the last known health.');
    }
  }

  const show = () => wrap.classList.add('open');
  const hide = () => wrap.classList.remove('open');
  pill.addEventListener('focus', show);
  pill.addEventListener('blur', hide);
  wrap.addEventListener('mouseenter', show);
  wrap.addEventListener('mouseleave', () => {
    if (document.activeElement !== pill) hide();
  });
  pill.addEventListener('click', () => wrap.classList.toggle('open'));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
  });

  socket.on('connect', () => void load());
  socket.on('disconnect', () => render(last, 'Offline: this is the last known health.'));
  socket.on('healthChanged', (h) => {
    last = h as HealthBody;
    render(last);
  });
  setInterval(() => {
    if (socket.connected) void load();
  }, POLL_MS);
  render(null);
  if (socket.connected) void load();
}
