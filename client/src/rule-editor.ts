import type { RuleView } from '../../server/alerts/alert-views.ts';
import { ApiError } from './alerts-api.ts';
import { el } from './dom.ts';

/** What the rule editor needs from the alerts panel. */
export interface RuleEditorDeps {
  /** Runs a write with the API token; null when it was refused for want of a token. */
  write: <T>(method: string, url: string, body?: unknown) => Promise<T | null>;
  /** Says something in the panel's status line. */
  say: (text: string) => void;
  /** Opens the rules box so the editor is visible. */
  reveal: () => void;
  reloadRules: () => Promise<void>;
}

/**
 * The alert-rule editor: one form for new and existing rules. The server's field errors land
 * under their inputs ("channels.1.url" under the webhook field), and a refused scope offers
 * the server's suggestions as buttons.
 */
export function buildRuleEditor(deps: RuleEditorDeps): { form: HTMLFormElement; load: (r: RuleView | null) => void } {
  const { write, say } = deps;
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
    deps.reveal();
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
      await deps.reloadRules();
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
