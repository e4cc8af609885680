import type { StatementView } from '../../server/store/statements-repo.ts';
import { feedCursor, type FeedPage } from './feed-paging.ts';
import { el, renderRow } from './feed-row.ts';

/** Rows one API page brings (the newest, or the next older). */
export const FEED_PAGE = 50;
/** Rows kept in the DOM: beyond it the far end is dropped (and can be loaded again). */
export const MAX_ROWS = 200;

/**
 * The latest statements, newest first by time of occurrence (then id), as GET /api/statements
 * orders them. The list on screen is always one contiguous stretch of that order, so nothing
 * between two rows is ever missing:
 * - at its head (`atHead`) a statement pushed live is inserted in place; a batch announced by
 *   ids only (statementsScoredInBulk) or anything newer arriving while the head is not shown
 *   is counted in the "N new statements" marker above the list, which loads the newest page;
 * - below the last row "Load older statements" pages on with the API's cursor.
 * At most MAX_ROWS rows stay in the DOM: the far end is dropped (the bottom while at the head,
 * the top while paging down, which the marker then offers to bring back).
 * With a language picked (setLang), every page is asked of the server with `lang=`, and only
 * statements pushed in that language are placed.
 */
export function createStatementFeed(list: HTMLOListElement, fetchPage: (url: string) => Promise<FeedPage>) {
  const rows = new Map<number, HTMLLIElement>();
  const newer = el('button', 'feed-marker');
  newer.type = 'button';
  newer.id = 'feed-newer';
  newer.hidden = true;
  const older = el('button', 'feed-older', 'Load older statements');
  older.type = 'button';
  older.id = 'feed-older';
  older.hidden = true;
  const note = el('p', 'muted feed-note');
  note.setAttribute('role', 'status');
  list.before(newer);
  list.after(older, note);

  let atHead = true;
  let unseen = 0;
  let olderCursor: string | null = null;
  let busy = false;
  let again = false;
  /** The language picked ('' for all): the API's `lang=`. */
  let lang = '';
  const langParam = () => (lang === '' ? '' : `&lang=${encodeURIComponent(lang)}`);
  // Pushes that arrive while a page is being fetched wait for it: the page may or may not hold
  // them, and only after it is placed can a push tell where it belongs (or be counted).
  let queued: Array<{ one: StatementView } | { ids: number[] }> = [];

  /** True when a sorts before b: newer first, then the higher id. */
  const before = (a: { t: number; id: number }, b: { t: number; id: number }) => a.t > b.t || (a.t === b.t && a.id > b.id);
  const pos = (li: Element | null) => (li ? { t: Number((li as HTMLElement).dataset.t), id: Number((li as HTMLElement).dataset.statementId) } : null);

  function render(): void {
    newer.hidden = atHead && unseen === 0;
    newer.textContent =
      unseen > 0 ? `${unseen.toLocaleString()} new statement${unseen === 1 ? '' : 's'}: show the latest` : 'Newer statements above: show the latest';
    newer.dataset.unseen = String(unseen);
    older.hidden = olderCursor === null;
    list.dataset.rows = String(rows.size);
    list.dataset.atHead = String(atHead);
  }

  function remove(li: HTMLLIElement): void {
    rows.delete(Number(li.dataset.statementId));
    li.remove();
  }

  /** Inserts or replaces one row in order, unless it lies beyond either end of the stretch shown. */
  function place(s: StatementView, fresh: boolean): 'placed' | 'newer' | 'older' {
    const existing = rows.get(s.id);
    const row = renderRow(s, fresh);
    const me = { t: Date.parse(s.occurredAt), id: s.id };
    if (existing) {
      existing.replaceWith(row);
      rows.set(s.id, row);
      return 'placed';
    }
    const top = pos(list.firstElementChild);
    const bottom = pos(list.lastElementChild);
    if (top && before(me, top) && !atHead) return 'newer'; // the marker counts it
    if (bottom && before(bottom, me) && olderCursor !== null) return 'older'; // paging reaches it
    let next: Element | null = null;
    for (const child of list.children) {
      if (before(me, pos(child)!)) {
        next = child;
        break;
      }
    }
    list.insertBefore(row, next);
    rows.set(s.id, row);
    return 'placed';
  }

  function trimBottom(): void {
    let last: HTMLLIElement | null = null;
    while (rows.size > MAX_ROWS && (last = list.lastElementChild as HTMLLIElement | null)) remove(last);
    const b = pos(list.lastElementChild);
    if (last && b) olderCursor = feedCursor(b.t, b.id);
  }

  function trimTop(): void {
    let first: HTMLLIElement | null = null;
    while (rows.size > MAX_ROWS && (first = list.firstElementChild as HTMLLIElement | null)) {
      remove(first);
      atHead = false;
    }
  }

  let generation = 0; // a snapshot or a newest page starts a new list; older answers are dropped
  function replaceAll(statements: StatementView[], cursor: string | null): void {
    generation++;
    list.replaceChildren();
    rows.clear();
    atHead = true;
    unseen = 0;
    olderCursor = null; // so that place() takes every row of the page, then the cursor follows it
    for (const s of statements) place(s, false);
    olderCursor = cursor;
    trimBottom();
    render();
  }

  async function load(what: 'newest' | 'older'): Promise<void> {
    if (busy) {
      if (what === 'newest') again = true; // a language picked meanwhile: ask again once this ends
      return;
    }
    busy = true;
    const button = what === 'newest' ? newer : older;
    button.disabled = true;
    note.textContent = '';
    try {
      const url = `/api/statements?limit=${FEED_PAGE}${langParam()}${what === 'newest' ? '' : `&cursor=${encodeURIComponent(olderCursor ?? '')}`}`;
      const asked = generation;
      const page = await fetchPage(url);
      if (asked !== generation) return; // a snapshot replaced the list meanwhile
      if (what === 'newest') {
        replaceAll(page.statements, page.nextCursor);
        list.scrollTop = 0;
      } else {
        // The page continues the stretch downwards: place its rows, then move the cursor on.
        olderCursor = null;
        for (const s of page.statements) place(s, false);
        olderCursor = page.nextCursor;
        trimTop();
      }
    } catch (err) {
      note.textContent = `Could not load statements (${err instanceof Error ? err.message : String(err)}); try again when the connection is back.`;
    } finally {
      busy = false;
      button.disabled = false;
      const later = queued;
      queued = [];
      for (const q of later) {
        if ('one' in q) push(q.one);
        else announce(q.ids);
      }
      render();
      if (again) {
        again = false;
        void load('newest');
      }
    }
  }

  function push(s: StatementView): void {
    if (busy) {
      queued.push({ one: s });
      return;
    }
    if (lang !== '' && s.lang !== lang) return; // another language: not in this list
    const where = place(s, true);
    if (where === 'newer') unseen++;
    if (where === 'placed') trimBottom();
  }
  newer.addEventListener('click', () => void load('newest'));
  older.addEventListener('click', () => void load('older'));

  function announce(ids: number[]): void {
    if (busy) {
      queued.push({ ids });
      return;
    }
    let fresh = 0;
    let from = Infinity;
    let to = -Infinity;
    for (const id of ids) {
      const row = rows.get(id);
      if (row) {
        const t = Number(row.dataset.t);
        from = Math.min(from, t);
        to = Math.max(to, t);
      } else {
        fresh++;
      }
    }
    // Rows shown as pending that this batch scored: re-read in one request over their times.
    if (from <= to) {
      fetchPage(`/api/statements?from=${from}&to=${to + 1}&limit=500${langParam()}`).then(
        (page) => {
          for (const s of page.statements) if (rows.has(s.id)) place(s, true);
        },
        (err: unknown) => console.warn('could not refresh the statements just scored', err),
      );
    }
    if (fresh > 0) {
      // with a language picked, their languages are not known: "newer statements above", no count
      if (lang === '') unseen += fresh;
      atHead = false;
    }
  }

  return {
    /** A snapshot: the newest statements (a full page means there may be older ones). */
    reset(statements: StatementView[], pageSize: number) {
      if (lang !== '') return void load('newest'); // the snapshot holds every language
      const last = statements[statements.length - 1];
      replaceAll(statements, last && statements.length >= pageSize ? feedCursor(Date.parse(last.occurredAt), last.id) : null);
    },
    /** One statement pushed live (statementScored). */
    add(s: StatementView) {
      push(s);
      render();
    },
    /**
     * A batch announced by ids (statementsScoredInBulk): rows shown as pending are refreshed,
     * the others counted in the marker; the list no longer holds the head until it is loaded.
     */
    addBulk(ids: number[]) {
      announce(ids);
      render();
    },
    showLatest: () => load('newest'),
    /** Shows only statements in `next` ('' for all), newest first, as the server lists them; `reload` false: only remembered. */
    setLang(next: string, reload = true): Promise<void> {
      lang = next;
      list.dataset.lang = next;
      return reload ? load('newest') : Promise.resolve();
    },
    loadOlder: () => load('older'),
  };
}
