// A language picker over the statement feed: rows whose language is not the one picked are
// hidden (rows carry data-lang). It filters the rows loaded in the page; the API (`lang=`) and
// the CSV export filter the whole history.

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

export function mountLangFilter(list: HTMLOListElement, head: Element): HTMLSelectElement {
  const label = document.createElement('label');
  label.className = 'feed-lang';
  label.append('Language ');
  const select = document.createElement('select');
  select.id = 'feed-lang';
  for (const [value, name] of LANGUAGES) select.append(new Option(name, value));
  label.append(select);
  head.append(label);

  const apply = (): void => {
    const lang = select.value;
    list.dataset.lang = lang;
    for (const li of list.children) {
      const row = li as HTMLElement;
      // a statement not yet scored has no language: shown only under "All languages"
      row.hidden = lang !== '' && row.dataset.lang !== lang;
    }
  };
  select.addEventListener('change', apply);
  new MutationObserver(apply).observe(list, { childList: true });
  return select;
}
