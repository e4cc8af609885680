/**
 * A very long statement is clamped to a few lines with a "Show more" button (and "Show less"
 * once open). Statements past CLAMP_CHARS get the button; once on the page, one that fits in
 * its lines anyway loses it again. Keyboard focus on evidence hidden by the clamp opens it.
 */
export const CLAMP_CHARS = 320;

let seq = 0;

export function clampLongText(text: HTMLElement, length: number): HTMLButtonElement | null {
  if (length <= CLAMP_CHARS) return null;
  text.id ||= `statement-text-${++seq}`;
  text.classList.add('clamped');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'show-more';
  button.textContent = 'Show more';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', text.id);
  const set = (open: boolean) => {
    text.classList.toggle('clamped', !open);
    button.textContent = open ? 'Show less' : 'Show more';
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => set(text.classList.contains('clamped')));
  text.addEventListener('focusin', () => set(true));
  // Once laid out: a clamped text that does not overflow needs no button.
  requestAnimationFrame(() => {
    if (text.isConnected && text.classList.contains('clamped') && text.scrollHeight <= text.clientHeight + 1) {
      text.classList.remove('clamped');
      button.remove();
    }
  });
  return button;
}
