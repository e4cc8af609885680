import type { FeedbackView, StatementView } from '../../server/store/statement-types.ts';
import { el } from './dom.ts';
import { csrfHeaders } from './session.ts';

/** The API token, asked for once and kept for this tab only (the key the alerts panel uses). */
const TOKEN_KEY = 'brinkwatch-api-token';
const LEVELS = ['calm', 'low', 'elevated', 'high', 'severe'];

let nextId = 0;
/** Called after feedback is stored (the per-category counts refresh). */
let onStored: () => void = () => {};
export function onFeedbackStored(fn: () => void): void {
  onStored = fn;
}

function describe(f: FeedbackView): string {
  const when = new Date(f.createdAt).toLocaleString();
  return `${f.author} would rate it ${f.suggestedLevel}${f.levelAtTime ? ` (scored ${f.levelAtTime})` : ''}, ${when}: ${f.reason}`;
}

/**
 * "This score is wrong" for one statement: the feedback already given, and a button that opens
 * a small form (the level the analyst would assign, and why). Writes need the API token; a 401
 * asks for it in the form. Everything is text nodes: reasons are never parsed as HTML.
 */
export function feedbackControl(s: StatementView): HTMLElement {
  const n = ++nextId;
  const box = el('div', { class: 'feedback' });
  box.dataset.feedbackFor = String(s.id);
  const list = el('ul', { class: 'feedback-list', 'aria-label': 'Analyst feedback on this score' });
  const showList = (items: FeedbackView[]) => {
    list.replaceChildren(...items.map((f) => el('li', {}, describe(f))));
    list.hidden = items.length === 0;
  };
  showList(s.feedback ?? []);
  const open = el('button', { type: 'button', class: 'feedback-open', 'aria-expanded': 'false', 'aria-controls': `feedback-form-${n}` }, 'This score is wrong');
  const level = el('select', { name: 'level', id: `feedback-level-${n}` }, ...LEVELS.map((l) => el('option', { value: l }, l)));
  level.value = s.level === 'severe' ? 'high' : s.level === 'calm' ? 'low' : 'calm';
  const reason = el('textarea', { name: 'reason', id: `feedback-reason-${n}`, rows: '2', maxlength: '2000', required: '' });
  const token = el('input', { type: 'password', name: 'token', id: `feedback-token-${n}`, autocomplete: 'off' });
  const tokenField = el('span', { class: 'field feedback-token', hidden: '' }, el('label', { for: token.id }, 'API token'), token);
  const status = el('p', { class: 'feedback-status', role: 'status' });
  const form = el(
    'form',
    { class: 'feedback-form', id: `feedback-form-${n}`, hidden: '' },
    el('span', { class: 'field' }, el('label', { for: level.id }, 'Level it should have'), level),
    el('span', { class: 'field feedback-reason' }, el('label', { for: reason.id }, 'Why'), reason),
    tokenField,
    el('span', { class: 'feedback-actions' }, el('button', { type: 'submit' }, 'Send feedback'), el('button', { type: 'button', class: 'feedback-cancel' }, 'Cancel')),
    status,
  );
  const setOpen = (yes: boolean) => {
    form.hidden = !yes;
    open.setAttribute('aria-expanded', String(yes));
    if (yes) level.focus();
  };
  open.addEventListener('click', () => setOpen(form.hidden));
  form.querySelector('.feedback-cancel')!.addEventListener('click', () => {
    setOpen(false);
    open.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });

  async function send(): Promise<void> {
    if (token.value.trim() !== '') sessionStorage.setItem(TOKEN_KEY, token.value.trim());
    const bearer = sessionStorage.getItem(TOKEN_KEY);
    status.textContent = 'Sending…';
    try {
      const res = await fetch(`/api/statements/${s.id}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...csrfHeaders(), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ level: level.value, reason: reason.value }),
      });
      const body = (await res.json().catch(() => ({}))) as { feedback?: FeedbackView; error?: { message?: string } };
      if (res.status === 401) {
        tokenField.hidden = false;
        token.focus();
        status.textContent = 'This needs the API token: enter it and send again.';
        return;
      }
      if (!res.ok || !body.feedback) {
        status.textContent = `Not saved: ${body.error?.message ?? `HTTP ${res.status}`}`;
        return;
      }
      token.value = '';
      tokenField.hidden = true;
      reason.value = '';
      showList([...(s.feedback ?? []), body.feedback]);
      s.feedback = [...(s.feedback ?? []), body.feedback];
      form.hidden = true;
      open.setAttribute('aria-expanded', 'false');
      status.textContent = '';
      box.dataset.saved = 'true';
      open.focus();
      onStored();
    } catch (err) {
      status.textContent = `Not saved: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  box.append(list, open, form);
  return box;
}
