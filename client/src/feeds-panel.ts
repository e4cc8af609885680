import type { Socket } from 'socket.io-client';
import type { FeedView } from '../../server/ingest/feed-service.ts';
import type { ClientToServer, ServerToClient } from '../../server/realtime/realtime-server.ts';
import { el } from './dom.ts';
import { csrfHeaders } from './session.ts';

/**
 * The feeds panel: one row per RSS/Atom feed with its health (status, last success, last
 * error, consecutive failures, next attempt, items stored), live through `feedChanged` and
 * refreshed every 30 s. Feeds can be added and removed here with the API token (the same
 * token the alerts panel asks for, kept for this tab only).
 */

const TOKEN_KEY = 'brinkwatch-api-token';
const REFRESH_MS = 30_000;

/** "3 min ago", "in 20 s": relative to now, for times that matter by their distance. */
function relative(iso: string | null, now = Date.now()): string {
  if (iso === null) return '–';
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const span = abs < 60_000 ? `${Math.round(abs / 1000)} s` : abs < 3600_000 ? `${Math.round(abs / 60_000)} min` : abs < 86_400_000 ? `${Math.round(abs / 3600_000)} h` : `${Math.round(abs / 86_400_000)} d`;
  return diff < 0 ? `${span} ago` : `in ${span}`;
}

function statusLabel(f: FeedView): string {
  const h = f.health;
  if (h.status === 'pending') return 'not polled yet';
  if (h.status === 'ok') return h.lastHttpStatus === 304 ? 'ok (not modified)' : 'ok';
  return `failing (${h.consecutiveFailures}×)`;
}

export function mountFeedsPanel(root: HTMLElement, socket: Socket<ServerToClient, ClientToServer>): void {
  const feeds = new Map<number, FeedView>();
  const status = el('p', { class: 'muted feeds-status', 'aria-live': 'polite' });
  const body = el('tbody');
  const table = el(
    'table',
    { class: 'feeds-table' },
    el('thead', {}, el('tr', {}, ...['Feed', 'Status', 'Last success', 'Last error', 'Next attempt', 'Items', ''].map((h) => el('th', { scope: 'col' }, h)))),
    body,
  );
  const name = el('input', { name: 'name', required: '', maxlength: '200', placeholder: 'Name', 'aria-label': 'Feed name' });
  const url = el('input', { name: 'url', required: '', type: 'url', maxlength: '2048', placeholder: 'https://… feed URL', 'aria-label': 'Feed URL' });
  const interval = el('input', { name: 'intervalSeconds', type: 'number', min: '30', step: '1', value: '300', 'aria-label': 'Interval in seconds' });
  const error = el('span', { class: 'field-error' });
  const form = el('form', { class: 'feed-form' }, name, url, interval, el('button', { type: 'submit' }, 'Add feed'), error);
  root.classList.add('panel', 'feeds-panel');
  root.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, 'Feeds'), status), table, el('details', { class: 'feeds-add', 'data-needs': 'admin' }, el('summary', {}, 'Add a feed'), form));

  function render(): void {
    const list = [...feeds.values()].sort((a, b) => a.id - b.id);
    const failing = list.filter((f) => f.health.status === 'failing').length;
    status.textContent = list.length === 0 ? 'No feeds yet: add one below or list them in feeds.json in the data directory.' : `${list.length} feed${list.length === 1 ? '' : 's'}${failing ? `, ${failing} failing` : ''}`;
    body.replaceChildren(...list.map(row));
  }

  function row(f: FeedView): HTMLTableRowElement {
    const h = f.health;
    const tr = el('tr', { class: `feed-row status-${h.status}`, 'data-feed-id': String(f.id) });
    const error = h.lastError ? `${h.lastErrorCode ?? 'error'}: ${h.lastError}` : '–';
    const remove = el('button', { type: 'button', class: 'feed-remove', 'data-needs': 'admin', title: f.origin === 'config' ? 'Declared in feeds.json: remove it there' : 'Remove this feed' }, 'Remove');
    if (f.origin === 'config') remove.disabled = true;
    remove.addEventListener('click', () => void removeFeed(f));
    tr.append(
      el('td', {}, el('strong', {}, f.name), el('div', { class: 'muted feed-url' }, f.url)),
      el('td', { class: 'feed-status' }, el('span', { class: `badge feed-${h.status}` }, statusLabel(f))),
      el('td', { title: h.lastSuccessAt ?? '' }, relative(h.lastSuccessAt)),
      el('td', { class: 'feed-error', title: h.lastErrorAt ?? '' }, h.lastError ? `${error} (${relative(h.lastErrorAt)})` : '–'),
      el('td', { title: h.nextAttemptAt }, relative(h.nextAttemptAt)),
      el('td', { class: 'num' }, String(h.itemsStored)),
      el('td', {}, remove),
    );
    return tr;
  }

  async function call(method: string, path: string, payload?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = `Bearer ${token}`;
    Object.assign(headers, csrfHeaders());
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
  }

  async function failure(res: Response): Promise<string> {
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (res.status === 401) {
      const token = window.prompt('This change needs the API token:');
      if (token && token.trim()) sessionStorage.setItem(TOKEN_KEY, token.trim());
      return 'The API token is needed: try again.';
    }
    return json.error?.message ?? `HTTP ${res.status}`;
  }

  // Pushes that arrive while a list is on its way are newer than that list: without this, a
  // list requested just before a poll overwrote the poll's result until the next refresh.
  let inFlight = 0;
  const pushedWhileLoading = new Map<number, FeedView>();

  async function refresh(): Promise<void> {
    inFlight++;
    try {
      const res = await fetch('/api/feeds');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const json = (await res.json()) as { feeds: FeedView[] };
      feeds.clear();
      for (const f of json.feeds) feeds.set(f.id, f);
      for (const [id, f] of pushedWhileLoading) feeds.set(id, f);
      render();
    } catch (err) {
      status.textContent = `Could not load feeds (${(err as Error).message}).`;
    } finally {
      if (--inFlight === 0) pushedWhileLoading.clear();
    }
  }

  async function removeFeed(f: FeedView): Promise<void> {
    if (!window.confirm(`Remove the feed "${f.name}"? Statements already stored stay.`)) return;
    const res = await call('DELETE', `/api/feeds/${f.id}`);
    if (res.status === 204) {
      feeds.delete(f.id);
      render();
    } else {
      status.textContent = await failure(res);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const res = await call('POST', '/api/feeds', { name: name.value, url: url.value, intervalSeconds: Number(interval.value) });
    if (res.status === 201) {
      const json = (await res.json()) as { feed: FeedView };
      feeds.set(json.feed.id, json.feed);
      name.value = '';
      url.value = '';
      render();
    } else {
      error.textContent = await failure(res);
    }
  });

  socket.on('feedChanged', (f) => {
    const feed = f as unknown as FeedView;
    if (typeof feed.id !== 'number') return;
    feeds.set(feed.id, feed);
    if (inFlight > 0) pushedWhileLoading.set(feed.id, feed);
    render();
  });
  socket.on('connect', () => void refresh());
  // Relative times ("in 20 s") age; a periodic refresh keeps them and the list honest.
  setInterval(() => void refresh(), REFRESH_MS);
  void refresh();
}
