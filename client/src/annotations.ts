/**
 * Annotations on the chart ("ceasefire signed"): a form to add one (a time in the zone shown and
 * a note, for every chart or only this scope) and the range's annotations with Delete. Writes
 * need the API token, asked for once per tab (the alerts panel keeps it in the same place).
 */
import type { ChartAnnotation } from './chart-overlays.ts';
import { el } from './dom.ts';
import { csrfHeaders } from './session.ts';
import { formatDateTime, fromInputValue, toInputValue, zoneName } from './time-zone.ts';

const TOKEN_KEY = 'brinkwatch-api-token';

async function send(method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Signed in with a session cookie: the CSRF token goes with every write (session.ts).
  if (method !== 'GET') Object.assign(headers, csrfHeaders());
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export function createAnnotationsBox(opts: { scope: () => string; onChanged: () => void }) {
  const when = el('input', { type: 'datetime-local', name: 'at', required: '', id: 'annotation-at' });
  const whenLabel = el('label', { for: 'annotation-at' }, 'Time');
  const note = el('input', { name: 'note', required: '', maxlength: '500', id: 'annotation-note', placeholder: 'e.g. ceasefire signed' });
  const onlyScope = el('input', { type: 'checkbox', name: 'onlyScope', id: 'annotation-scope' });
  const token = el('input', { type: 'password', name: 'token', autocomplete: 'off', id: 'annotation-token' });
  const tokenRow = el('p', { hidden: '' }, el('label', { for: 'annotation-token' }, 'This needs the API token: '), token);
  const message = el('p', { class: 'form-message', role: 'status' });
  const form = el(
    'form',
    { class: 'annotation-form', id: 'annotation-form' },
    whenLabel,
    ' ',
    when,
    ' ',
    el('label', { for: 'annotation-note' }, 'Note'),
    ' ',
    note,
    ' ',
    el('label', {}, onlyScope, ' only on this scope'),
    ' ',
    el('button', { type: 'submit' }, 'Add annotation'),
    tokenRow,
    message,
  );
  const list = el('ul', { class: 'annotation-list', id: 'annotation-list' });
  const box = el('details', { class: 'annotations-box' }, el('summary', {}, 'Annotations'), form, list);
  box.addEventListener('toggle', () => {
    if (box.open && when.value === '') when.value = toInputValue(Date.now());
    whenLabel.textContent = `Time (${zoneName()})`;
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!tokenRow.hidden && token.value.trim() !== '') sessionStorage.setItem(TOKEN_KEY, token.value.trim());
    const at = fromInputValue(when.value);
    if (at === null) {
      message.textContent = 'Give the time of the annotation.';
      when.focus();
      return;
    }
    const scope = opts.scope();
    void send('POST', '/api/annotations', { at, note: note.value, scope: onlyScope.checked && scope !== 'global' ? scope : null }).then(async (res) => {
      if (res.status === 401) {
        tokenRow.hidden = false;
        message.textContent = 'Enter the API token, then add again.';
        token.focus();
        return;
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        message.textContent = `Not added: ${body.error?.message ?? `HTTP ${res.status}`}`;
        return;
      }
      tokenRow.hidden = true;
      token.value = '';
      note.value = '';
      message.textContent = 'Annotation added.';
      opts.onChanged();
    });
  });

  return {
    element: box,
    /** Pre-fills the time, e.g. from a clicked chart point. */
    setTime(ms: number) {
      when.value = toInputValue(ms);
    },
    render(annotations: ChartAnnotation[]) {
      list.replaceChildren(
        ...annotations.map((a) => {
          const del = el('button', { type: 'button', class: 'link-button', 'aria-label': `Delete annotation ${a.note}` }, 'Delete');
          del.addEventListener('click', () => {
            void send('DELETE', `/api/annotations/${a.id}`).then((res) => {
              if (res.status === 401) {
                box.open = true;
                tokenRow.hidden = false;
                message.textContent = 'Enter the API token, then delete again.';
                token.focus();
                return;
              }
              if (res.ok) opts.onChanged();
            });
          });
          return el('li', { 'data-annotation-id': String(a.id) }, el('time', {}, formatDateTime(a.at)), ` ${a.note} `, del);
        }),
      );
    },
  };
}
