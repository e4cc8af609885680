import { el } from './dom.ts';
import { csrfHeaders, session } from './session.ts';

interface SessionRow {
  id: number;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The header's account corner: who is signed in, their role, their sessions (revoke) and
 * Sign out; "Sign in" when nobody is and reads are public. Sets body[data-role] so controls
 * the role may not use are hidden (styles.css); the API refuses them anyway (403).
 */
export function mountAccountBar(root: HTMLElement): void {
  const s = session();
  root.replaceChildren();
  if (!s.user) {
    delete document.body.dataset.role;
    root.append(el('a', { href: '/signin', class: 'signin-link' }, 'Sign in'));
    return;
  }
  const user = s.user;
  document.body.dataset.role = user.role;
  const out = el('button', { type: 'button', class: 'signout-button' }, 'Sign out');
  const list = el('ul', { class: 'session-list' });
  const sessions = el('details', { class: 'sessions-box' }, el('summary', {}, 'Sessions'), list);
  root.append(el('span', { class: 'who' }, el('strong', { id: 'account-name' }, user.name), ' ', el('span', { class: 'badge role', id: 'account-role' }, user.role)), sessions, out);

  out.addEventListener('click', async () => {
    out.disabled = true;
    await fetch('/api/session', { method: 'DELETE', headers: csrfHeaders(), credentials: 'same-origin' }).catch(() => null);
    location.replace('/signin');
  });

  async function loadSessions(): Promise<void> {
    const res = await fetch('/api/sessions', { credentials: 'same-origin' });
    if (!res.ok) return void list.replaceChildren(el('li', { class: 'muted' }, `Sessions cannot be listed (HTTP ${res.status}).`));
    const rows = ((await res.json()) as { sessions: SessionRow[] }).sessions;
    list.replaceChildren(
      ...rows.map((r) => {
        const li = el('li', { 'data-session-id': String(r.id) }, `${r.current ? 'this browser' : (r.userAgent ?? 'unknown client').slice(0, 60)} · ${r.ip ?? ''} · last seen ${new Date(r.lastSeenAt).toLocaleString()} `);
        if (!r.current) {
          const revoke = el('button', { type: 'button' }, 'Revoke');
          revoke.addEventListener('click', async () => {
            await fetch(`/api/sessions/${r.id}`, { method: 'DELETE', headers: csrfHeaders(), credentials: 'same-origin' });
            await loadSessions();
          });
          li.append(revoke);
        }
        return li;
      }),
    );
  }
  sessions.addEventListener('toggle', () => {
    if (sessions.open) void loadSessions();
  });
}
