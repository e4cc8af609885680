/**
 * A custom range: two date-time inputs (in the zone shown) and Apply. Shown while the range
 * picker says "custom"; a drag on the chart fills them too.
 */
import { el } from './dom.ts';
import { MAX_CUSTOM_MS } from './url-state.ts';
import { formatDateTime, fromInputValue, onZoneChange, toInputValue } from './time-zone.ts';

export function createRangeInputs(onApply: (from: number, to: number) => void) {
  const from = el('input', { type: 'datetime-local', id: 'range-from', 'aria-label': 'From' });
  const to = el('input', { type: 'datetime-local', id: 'range-to', 'aria-label': 'To' });
  const apply = el('button', { type: 'submit' }, 'Apply');
  const error = el('span', { class: 'form-message', role: 'alert' });
  const form = el('form', { class: 'range-inputs', id: 'range-inputs', hidden: '' }, from, ' – ', to, ' ', apply, error);
  let shown = { from: 0, to: 0 };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const a = fromInputValue(from.value);
    const b = fromInputValue(to.value);
    if (a === null || b === null) error.textContent = 'Give both times.';
    else if (a >= b) error.textContent = '"From" must be before "to".';
    else if (b - a > MAX_CUSTOM_MS) error.textContent = 'A range may span at most 92 days.';
    else {
      error.textContent = '';
      onApply(a, b);
    }
  });
  onZoneChange(() => {
    if (!form.hidden) {
      from.value = toInputValue(shown.from);
      to.value = toInputValue(shown.to);
    }
  });
  return {
    element: form,
    show(visible: boolean, a: number, b: number) {
      form.hidden = !visible;
      if (visible && Number.isFinite(a) && Number.isFinite(b) && a < b) {
        shown = { from: a, to: b };
        from.value = toInputValue(a);
        to.value = toInputValue(b);
      }
    },
    focus() {
      from.focus();
    },
    describe(a: number, b: number): string {
      return `${formatDateTime(a)} – ${formatDateTime(b)}`;
    },
  };
}
