import type { Socket } from 'socket.io-client';
import type { AlertView, RuleView } from '../../server/alerts/alert-views.ts';
import type { ClientToServer, ServerToClient } from '../../server/realtime/realtime-server.ts';
import { el } from './dom.ts';
import { ApiError, api, TOKEN_KEY } from './alerts-api.ts';
import { buildRuleEditor } from './rule-editor.ts';
import { scopeLink } from './scope-links.ts';
import { timeElement } from './time-zone.ts';

/**
 * The alerts panel: a banner while alerts fire, the alert list with Acknowledge (asks for a
 * reason), and the rule list with a small editor. Live through `alertChanged`; writes use the
 * API token, asked for once and kept for this browser tab only (sessionStorage).
 */

/** A moment in the page's zone (local or UTC): the zone switch rewrites it (time-zone.ts). */
const time = (ms: number | null): Node | string => (ms === null ? '–' : timeElement(ms));
const RECENT = 30;
const fmt = (v: number | null) => (v === null ? 'not enough data' : String(Math.round(v * 10) / 10));

export function mountAlertsPanel(root: HTMLElement, socket: Socket<ServerToClient, ClientToServer>): void {
  const alerts = new Map<number, AlertView>();
  let rules: RuleView[] = [];

  const banner = el('div', { class: 'alert-banner', role: 'alert', hidden: '' });
  const status = el('p', { class: 'muted alerts-status', 'aria-live': 'polite' });
  const tokenInput = el('input', { type: 'password', name: 'token', placeholder: 'API token', autocomplete: 'off', 'aria-label': 'API token' });
  const tokenForm = el('form', { class: 'token-form', hidden: '' }, el('span', {}, 'This change needs the API token: '), tokenInput, el('button', { type: 'submit' }, 'Use token'));
  const list = el('ul', { class: 'alert-list' });
  const ruleList = el('ul', { class: 'rule-list' });
  const editor = buildRuleEditor({ write, say, reveal: () => { rulesBox.open = true; }, reloadRules: () => loadRules() });
  const rulesBox = el('details', { class: 'rules-box' }, el('summary', {}, 'Alert rules'), ruleList, editor.form);
  root.classList.add('panel', 'alerts-panel');
  root.replaceChildren(banner, el('div', { class: 'panel-head' }, el('h2', {}, 'Alerts'), status), tokenForm, list, rulesBox);

  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (tokenInput.value.trim() === '') return;
    sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
    tokenInput.value = '';
    tokenForm.hidden = true;
    say('Token saved for this tab. Try again.');
  });

  function say(text: string) {
    status.textContent = text;
  }

  /** Runs a write; a 401 asks for the token, other errors are shown. Returns null on failure. */
  async function write<T>(method: string, url: string, body?: unknown): Promise<T | null> {
    try {
      return await api<T>(method, url, body);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        tokenForm.hidden = false;
        tokenInput.focus();
        say(err.message);
        return null;
      }
      throw err;
    }
  }

  function renderBanner() {
    // The banner is the dashboard channel; every alert is listed below it either way.
    const firing = [...alerts.values()].filter((a) => a.state === 'firing' && a.dashboard);
    banner.hidden = firing.length === 0;
    if (firing.length === 0) return;
    const unacked = firing.filter((a) => !a.acknowledged);
    const worst = firing.some((a) => a.severity === 'critical') ? 'critical' : firing.some((a) => a.severity === 'warning') ? 'warning' : 'info';
    banner.className = `alert-banner severity-${worst}${unacked.length === 0 ? ' all-acked' : ''}`;
    banner.replaceChildren(
      el('strong', {}, `${firing.length} alert${firing.length === 1 ? '' : 's'} firing`),
      unacked.length < firing.length ? ` (${firing.length - unacked.length} acknowledged)` : '',
      ': ',
      firing.map((a) => `${a.ruleName} (${a.scope}, ${a.window} ${a.metric} ${fmt(a.value)})`).join(' · '),
    );
  }

  function renderAlert(a: AlertView): HTMLLIElement {
    const li = el('li', { class: `alert-item state-${a.state}${a.acknowledged ? ' acked' : ''}`, 'data-alert-id': String(a.id) });
    const head = el(
      'div',
      { class: 'alert-head' },
      el('span', { class: `badge severity-${a.severity}` }, a.severity),
      el('span', { class: 'badge state' }, a.acknowledged ? 'acknowledged' : a.state),
      el('strong', {}, el('a', { href: `/alert/${a.id}`, class: 'alert-story-link' }, a.ruleName)),
      ' ',
      a.scope === 'global' ? el('span', { class: 'muted' }, 'global') : scopeLink(a.scope, a.scope),
      el('span', { class: 'muted' }, ` · ${a.window} ${a.metric} ${fmt(a.value)} (threshold ${a.threshold}, peak ${fmt(a.peakValue)})`),
    );
    const when: Array<Array<Node | string>> = [['started ', time(a.startedAt)]];
    if (a.firedAt) when.push(['fired ', time(a.firedAt)]);
    if (a.resolvedAt) when.push([`${a.state === 'cancelled' ? 'cancelled' : 'resolved'} `, time(a.resolvedAt), a.endReason ? ` (${a.endReason})` : '']);
    if (a.noDataSince && a.state === 'firing') when.push(['too few statements since ', time(a.noDataSince)]);
    li.append(head, el('div', { class: 'muted alert-times' }, ...when.flatMap((parts, i) => (i === 0 ? parts : [' · ', ...parts]))));
    if (a.ack) li.append(el('div', { class: 'alert-ack' }, `Acknowledged${a.ack.by ? ` by ${a.ack.by}` : ''} at `, time(a.ack.at), `: ${a.ack.reason}`));
    if (a.state === 'firing' && !a.acknowledged) {
      const button = el('button', { type: 'button', class: 'ack-button', 'data-needs': 'analyst' }, 'Acknowledge');
      button.addEventListener('click', () => button.replaceWith(ackForm(a)));
      li.append(button);
    }
    return li;
  }

  function ackForm(a: AlertView): HTMLFormElement {
    const reason = el('input', { name: 'reason', required: '', maxlength: '500', placeholder: 'Reason (required)', 'aria-label': 'Reason' });
    const by = el('input', { name: 'by', maxlength: '100', placeholder: 'Your name (optional)', 'aria-label': 'Acknowledged by' });
    const error = el('span', { class: 'field-error' });
    const form = el('form', { class: 'ack-form', 'data-needs': 'analyst' }, reason, by, el('button', { type: 'submit' }, 'Acknowledge'), error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        const r = await write<{ alert: AlertView }>('POST', `/api/alerts/${a.id}/ack`, {
          reason: reason.value,
          ...(by.value.trim() ? { by: by.value.trim() } : {}),
        });
        if (r) upsert(r.alert);
      } catch (err) {
        error.textContent = err instanceof ApiError ? Object.values(err.fields).flat().join('; ') || err.message : String(err);
      }
    });
    queueMicrotask(() => reason.focus());
    return form;
  }

  function renderAlerts() {
    const ordered = [...alerts.values()].sort((x, y) => {
      const open = (a: AlertView) => (a.state === 'firing' ? 0 : a.state === 'pending' ? 1 : 2);
      return open(x) - open(y) || y.id - x.id;
    });
    list.replaceChildren(...ordered.slice(0, RECENT).map(renderAlert));
    if (ordered.length === 0) list.append(el('li', { class: 'muted' }, 'No alerts yet.'));
    renderBanner();
  }

  function upsert(a: AlertView) {
    alerts.set(a.id, a);
    renderAlerts();
  }

  function renderRules() {
    ruleList.replaceChildren(
      ...rules.map((r) => {
        const channels = r.channels.map((c) => (c.type === 'webhook' ? `webhook (${c.format ?? 'json'})` : c.type === 'email' ? `e-mail ${c.to}` : 'dashboard'));
        const silenced = r.silencedUntil !== null && r.silencedUntil > Date.now();
        const edit = el('button', { type: 'button' }, 'Edit');
        edit.addEventListener('click', () => editor.load(r));
        const silence = el('button', { type: 'button' }, silenced ? 'Unsilence' : 'Silence 1 h');
        silence.addEventListener('click', async () => {
          const res = silenced
            ? await write<{ rule: RuleView }>('DELETE', `/api/alert-rules/${r.id}/silence`)
            : await write<{ rule: RuleView }>('POST', `/api/alert-rules/${r.id}/silence`, { until: Date.now() + 3_600_000, reason: 'silenced from the dashboard' });
          if (res) await loadRules();
        });
        const del = el('button', { type: 'button' }, 'Delete');
        del.addEventListener('click', async () => {
          if (!confirm(`Delete the rule "${r.name}"?`)) return;
          if ((await write('DELETE', `/api/alert-rules/${r.id}`)) !== null) await loadRules();
        });
        return el(
          'li',
          { class: `rule-item${r.enabled ? '' : ' disabled'}`, 'data-rule-id': String(r.id) },
          el('span', { class: `badge severity-${r.severity}` }, r.severity),
          el('strong', {}, r.name),
          el(
            'span',
            { class: 'muted' },
            ` ${r.scope} · ${r.window} ${r.metric} ≥ ${r.threshold}, recovers < ${r.recoverBelow} · for ${r.forSeconds}s · repeat ${r.repeatSeconds ? `${r.repeatSeconds}s` : 'never'} · min ${r.minStatements} · ${channels.join(', ')}${r.enabled ? '' : ' · disabled'}`,
            ...(silenced ? [' · silenced until ', time(r.silencedUntil)] : []),
          ),
          el('span', { class: 'rule-actions', 'data-needs': 'admin' }, edit, silence, del),
        );
      }),
    );
  }

  async function loadAlerts() {
    const [open, recent] = await Promise.all([
      api<{ alerts: AlertView[] }>('GET', '/api/alerts?state=open&limit=200'),
      api<{ alerts: AlertView[] }>('GET', `/api/alerts?limit=${RECENT}`),
    ]);
    alerts.clear();
    for (const a of [...recent.alerts, ...open.alerts]) alerts.set(a.id, a);
    renderAlerts();
  }

  async function loadRules() {
    rules = (await api<{ rules: RuleView[] }>('GET', '/api/alert-rules')).rules;
    renderRules();
  }

  const refresh = () => {
    Promise.all([loadAlerts(), loadRules()]).catch((err: unknown) => say(`Could not load alerts: ${String(err)}`));
  };
  socket.on('connect', refresh);
  socket.on('alertChanged', (a) => upsert(a as unknown as AlertView));
  if (socket.connected) refresh();
}
