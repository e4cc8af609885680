import type { Socket } from 'socket.io-client';
import type { AlertView, RuleView } from '../../server/alerts/alert-views.ts';
import type { ClientToServer, ServerToClient } from '../../server/realtime/realtime-server.ts';
import { el } from './dom.ts';
import { csrfHeaders } from './session.ts';
import { scopeLink } from './scope-links.ts';
import { timeElement } from './time-zone.ts';

/**
 * The alerts panel: a banner while alerts fire, the alert list with Acknowledge (asks for a
 * reason), and the rule list with a small editor. Live through `alertChanged`; writes use the
 * API token, asked for once and kept for this browser tab only (sessionStorage).
 */

const TOKEN_KEY = 'brinkwatch-api-token';
const RECENT = 30;

type FieldErrors = Record<string, string[]>;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldErrors = {},
    /** Per field, values the server suggests instead (e.g. scope: ["actor:Russia"]). */
    readonly suggestions: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

/** A moment in the page's zone (local or UTC): the zone switch rewrites it (time-zone.ts). */
const time = (ms: number | null): Node | string => (ms === null ? '–' : timeElement(ms));
const fmt = (v: number | null) => (v === null ? 'not enough data' : String(Math.round(v * 10) / 10));

async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token && method !== 'GET') headers.authorization = `Bearer ${token}`;
  if (method !== 'GET') Object.assign(headers, csrfHeaders());
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string; details?: { fields?: FieldErrors; suggestions?: Record<string, string[]> } } };
  if (!res.ok) throw new ApiError(res.status, json.error?.message ?? `HTTP ${res.status}`, json.error?.details?.fields, json.error?.details?.suggestions);
  return json as T;
}

export function mountAlertsPanel(root: HTMLElement, socket: Socket<ServerToClient, ClientToServer>): void {
  const alerts = new Map<number, AlertView>();
  let rules: RuleView[] = [];

  const banner = el('div', { class: 'alert-banner', role: 'alert', hidden: '' });
  const status = el('p', { class: 'muted alerts-status', 'aria-live': 'polite' });
  const tokenInput = el('input', { type: 'password', name: 'token', placeholder: 'API token', autocomplete: 'off', 'aria-label': 'API token' });
  const tokenForm = el('form', { class: 'token-form', hidden: '' }, el('span', {}, 'This change needs the API token: '), tokenInput, el('button', { type: 'submit' }, 'Use token'));
  const list = el('ul', { class: 'alert-list' });
  const ruleList = el('ul', { class: 'rule-list' });
  const editor = buildEditor();
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

  function buildEditor() {
    const input = (name: string, attrs: Record<string, string> = {}) => el('input', { name, ...attrs });
    const select = (name: string, options: string[]) => el('select', { name }, ...options.map((o) => el('option', { value: o }, o)));
    const fields: Record<string, HTMLInputElement | HTMLSelectElement> = {
      name: input('name', { required: '', maxlength: '100' }),
      scope: input('scope', { value: 'global', placeholder: 'global, actor:NAME, dyad:A>B, category:NAME' }),
      window: select('window', ['1h', '24h', '7d']),
      metric: select('metric', ['index', 'max', 'count']),
      threshold: input('threshold', { type: 'number', step: 'any', value: '60' }),
      recoverBelow: input('recoverBelow', { type: 'number', step: 'any', value: '50' }),
      forSeconds: input('forSeconds', { type: 'number', value: '300' }),
      repeatSeconds: input('repeatSeconds', { type: 'number', value: '3600' }),
      minStatements: input('minStatements', { type: 'number', value: '3' }),
      severity: select('severity', ['info', 'warning', 'critical']),
      webhook: input('webhook', { type: 'url', placeholder: 'https://… (optional)' }),
      webhookFormat: select('webhookFormat', ['json', 'slack']),
      email: input('email', { type: 'email', placeholder: 'desk@example.org (optional)' }),
    };
    fields.severity!.querySelector('option[value="warning"]')!.setAttribute('selected', '');
    const dashboard = input('dashboard', { type: 'checkbox', checked: '' });
    const enabled = input('enabled', { type: 'checkbox', checked: '' });
    // Scopes are checked against known actors and categories; this accepts an actor not seen yet.
    const allowUnknownScope = input('allowUnknownScope', { type: 'checkbox' });
    const errors: Record<string, HTMLElement> = {};
    const row = (label: string, key: string, control: HTMLElement) => {
      errors[key] = el('span', { class: 'field-error', 'data-error-for': key });
      return el('label', { class: 'field' }, el('span', {}, label), control, errors[key]);
    };
    const title = el('h3', {}, 'New rule');
    const submit = el('button', { type: 'submit' }, 'Create rule');
    const reset = el('button', { type: 'button' }, 'New');
    const formError = el('p', { class: 'field-error' });
    let editingId: number | null = null;
    const form = el(
      'form',
      { class: 'rule-editor', 'data-needs': 'admin' },
      title,
      row('Name', 'name', fields.name!),
      row('Scope', 'scope', fields.scope!),
      row('Actor not seen yet', 'allowUnknownScope', allowUnknownScope),
      row('Window', 'window', fields.window!),
      row('Metric', 'metric', fields.metric!),
      row('Fire at or above', 'threshold', fields.threshold!),
      row('Recover below', 'recoverBelow', fields.recoverBelow!),
      row('Pending for (s)', 'forSeconds', fields.forSeconds!),
      row('Repeat every (s, 0 = never)', 'repeatSeconds', fields.repeatSeconds!),
      row('Min. statements', 'minStatements', fields.minStatements!),
      row('Severity', 'severity', fields.severity!),
      row('Dashboard', 'dashboard', dashboard),
      row('Webhook URL', 'webhook', fields.webhook!),
      row('Webhook format', 'webhookFormat', fields.webhookFormat!),
      row('E-mail to', 'email', fields.email!),
      row('Enabled', 'enabled', enabled),
      el('div', { class: 'rule-editor-actions' }, submit, reset),
      formError,
    );

    function clearErrors() {
      for (const e of Object.values(errors)) e.textContent = '';
      formError.textContent = '';
    }
    function load(r: RuleView | null) {
      clearErrors();
      editingId = r?.id ?? null;
      title.textContent = r ? `Edit rule #${r.id}` : 'New rule';
      submit.textContent = r ? 'Save rule' : 'Create rule';
      if (!r) {
        form.reset();
        return;
      }
      for (const k of ['name', 'scope', 'window', 'metric', 'threshold', 'recoverBelow', 'forSeconds', 'repeatSeconds', 'minStatements', 'severity'] as const) {
        fields[k]!.value = String(r[k]);
      }
      const hook = r.channels.find((c) => c.type === 'webhook');
      const mail = r.channels.find((c) => c.type === 'email');
      fields.webhook!.value = hook?.type === 'webhook' ? hook.url : '';
      fields.webhookFormat!.value = hook?.type === 'webhook' ? hook.format ?? 'json' : 'json';
      fields.email!.value = mail?.type === 'email' ? mail.to : '';
      dashboard.checked = r.channels.some((c) => c.type === 'dashboard');
      enabled.checked = r.enabled;
      allowUnknownScope.checked = false;
      rulesBox.open = true;
      form.scrollIntoView({ block: 'nearest' });
    }
    reset.addEventListener('click', () => load(null));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors();
      // Channel index -> form field, so that "channels.1.url" lands under the webhook input.
      const channelField: string[] = [];
      const channels: unknown[] = [];
      if (dashboard.checked) (channels.push({ type: 'dashboard' }), channelField.push('dashboard'));
      if (fields.webhook!.value.trim()) (channels.push({ type: 'webhook', url: fields.webhook!.value.trim(), format: fields.webhookFormat!.value }), channelField.push('webhook'));
      if (fields.email!.value.trim()) (channels.push({ type: 'email', to: fields.email!.value.trim() }), channelField.push('email'));
      const num = (k: string) => (fields[k]!.value.trim() === '' ? undefined : Number(fields[k]!.value));
      const body = {
        name: fields.name!.value,
        scope: fields.scope!.value,
        window: fields.window!.value,
        metric: fields.metric!.value,
        threshold: num('threshold'),
        recoverBelow: num('recoverBelow'),
        forSeconds: num('forSeconds'),
        repeatSeconds: num('repeatSeconds'),
        minStatements: num('minStatements'),
        severity: fields.severity!.value,
        channels,
        enabled: enabled.checked,
        ...(allowUnknownScope.checked ? { allowUnknownScope: true } : {}),
      };
      try {
        const r = editingId === null ? await write<{ rule: RuleView }>('POST', '/api/alert-rules', body) : await write<{ rule: RuleView }>('PUT', `/api/alert-rules/${editingId}`, body);
        if (!r) return;
        say(`Rule "${r.rule.name}" saved.`);
        load(null);
        await loadRules();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const unplaced: string[] = [];
        for (const [path, messages] of Object.entries(err.fields)) {
          const m = /^channels\.(\d+)/.exec(path);
          const key = m ? channelField[Number(m[1])] ?? '' : path;
          if (errors[key]) errors[key].textContent = messages.join('; ');
          else unplaced.push(`${path}: ${messages.join('; ')}`);
        }
        // "Did you mean": one button per suggested scope, filling the field.
        for (const suggestion of err.suggestions.scope ?? []) {
          const use = el('button', { type: 'button', class: 'suggestion' }, suggestion);
          use.addEventListener('click', () => {
            fields.scope!.value = suggestion;
            errors.scope!.textContent = '';
            fields.scope!.focus();
          });
          errors.scope!.append(' ', use);
        }
        formError.textContent = unplaced.join(' · ') || (Object.keys(err.fields).length === 0 ? err.message : '');
      }
    });
    return { form, load };
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
