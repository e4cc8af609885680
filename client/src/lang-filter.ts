// A language picker over the statement feed. Picking a language asks the server for the newest
// statements in it (`GET /api/statements?lang=`), so paging and the "new statements" marker
// stay within it; the choice is kept in the address bar (`feedLang`), so a reload or a pasted
// link shows the same rows. The CSV export filters by `lang=` too.

const LANGUAGES: Array<[string, string]> = [
  ['', 'All languages'],
  ['en', 'English'],
  ['ru', 'Russian'],
  ['uk', 'Ukrainian'],
  ['ar', 'Arabic'],
  ['zh', 'Chinese'],
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['und', 'Undetermined'],
];

/** The URL key of the feed's language (the search panel's own filter is `lang`). */
export const FEED_LANG_KEY = 'feedLang';

/** The language in a query string, if it is one the picker offers; '' otherwise. */
export function feedLangFromUrl(search: string): string {
  const v = new URLSearchParams(search).get(FEED_LANG_KEY) ?? '';
  return LANGUAGES.some(([code]) => code === v) ? v : '';
}

export function mountLangFilter(head: Element, feed: { setLang(lang: string, reload?: boolean): Promise<void> }): HTMLSelectElement {
  const label = document.createElement('label');
  label.className = 'feed-lang';
  label.append('Language ');
  const select = document.createElement('select');
  select.id = 'feed-lang';
  for (const [value, name] of LANGUAGES) select.append(new Option(name, value));
  label.append(select);
  head.append(label);

  // From the address bar: remembered now, loaded with the first snapshot.
  select.value = feedLangFromUrl(location.search);
  void feed.setLang(select.value, false);
  select.addEventListener('change', () => {
    const p = new URLSearchParams(location.search);
    if (select.value === '') p.delete(FEED_LANG_KEY);
    else p.set(FEED_LANG_KEY, select.value);
    const q = p.toString();
    history.replaceState(null, '', `${location.pathname}${q === '' ? '' : `?${q}`}${location.hash}`);
    void feed.setLang(select.value);
  });
  return select;
}
