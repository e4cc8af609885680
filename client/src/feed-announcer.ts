import type { StatementView } from '../../server/store/statements-repo.ts';

/**
 * The live feed is not read aloud item by item (a busy desk gets several statements a second):
 * the list itself carries no aria-live, and this polite status says, at most once per
 * `intervalMs`, how many statements came in and the highest level among them.
 */
const RANK = ['calm', 'low', 'elevated', 'high', 'severe'];

export function createFeedAnnouncer(region: HTMLElement, intervalMs = 10_000) {
  region.setAttribute('role', 'status');
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('aria-atomic', 'true');
  let count = 0;
  let top: StatementView | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSaid = 0;

  function say(): void {
    timer = null;
    if (count === 0) return;
    const worst = top && top.score !== null && top.level ? `; highest ${Math.round(top.score)}, ${top.level}` : '';
    region.textContent = `${count} new statement${count === 1 ? '' : 's'}${worst}.`;
    region.dataset.announced = String(Number(region.dataset.announced ?? 0) + 1);
    count = 0;
    top = null;
    lastSaid = Date.now();
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(say, Math.max(0, lastSaid + intervalMs - Date.now()));
  }

  return {
    /** One statement shown live. */
    one(s: StatementView): void {
      count++;
      const rank = (x: StatementView | null) => (x?.level ? RANK.indexOf(x.level) : -1);
      if (rank(s) > rank(top) || (rank(s) === rank(top) && (s.score ?? -1) > (top?.score ?? -1))) top = s;
      schedule();
    },
    /** A batch announced by ids only. */
    many(n: number): void {
      count += n;
      schedule();
    },
  };
}
