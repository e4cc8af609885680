/**
 * Why a word is highlighted, for every way of reading: each evidence <mark> is focusable and
 * its explanation (category, polarity, modality, weight) opens in one shared popover on
 * keyboard focus, on tap or click, and on mouse hover; Escape closes it and keeps focus where
 * it was. The popover is the mark's aria-describedby, so a screen reader reads it on focus.
 */
export function mountEvidencePopover(scope: HTMLElement): HTMLElement {
  const tip = document.createElement('div');
  tip.id = 'evidence-tip';
  tip.className = 'evidence-tip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  document.body.append(tip);
  let current: HTMLElement | null = null;
  let pinned = false; // opened by focus or tap: a mouse leaving does not close it

  const markOf = (t: EventTarget | null) => (t instanceof Element ? t.closest<HTMLElement>('mark.sig') : null);

  function open(mark: HTMLElement, pin: boolean): void {
    if (current && current !== mark) current.removeAttribute('aria-describedby');
    current = mark;
    pinned = pin || pinned;
    tip.textContent = mark.dataset.explain ?? mark.title ?? '';
    mark.setAttribute('aria-describedby', tip.id);
    tip.hidden = false;
    const r = mark.getBoundingClientRect();
    const left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = `${left}px`;
    tip.style.top = `${r.bottom + window.scrollY + 6}px`;
  }

  function close(): void {
    tip.hidden = true;
    pinned = false;
    current = null;
  }

  scope.addEventListener('focusin', (e) => {
    const mark = markOf(e.target);
    if (mark) open(mark, true);
  });
  scope.addEventListener('focusout', (e) => {
    if (markOf(e.target) === current && !markOf(e.relatedTarget)) close();
  });
  scope.addEventListener('click', (e) => {
    const mark = markOf(e.target);
    if (!mark) return;
    if (current === mark && pinned && !tip.hidden && document.activeElement !== mark) close();
    else open(mark, true);
  });
  scope.addEventListener('mouseover', (e) => {
    const mark = markOf(e.target);
    if (mark && !pinned) open(mark, false);
  });
  scope.addEventListener('mouseout', (e) => {
    if (!pinned && markOf(e.target) === current && markOf(e.relatedTarget) !== current) close();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !tip.hidden) {
      e.preventDefault();
      close();
    }
  });
  // A tap elsewhere closes a pinned popover.
  document.addEventListener('pointerdown', (e) => {
    if (!tip.hidden && !markOf(e.target) && e.target !== tip) close();
  });
  return tip;
}
