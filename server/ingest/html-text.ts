import he from 'he';

/**
 * Plain text from a feed's HTML (descriptions, Atom html/xhtml content): scripts and styles
 * dropped, block ends turned into spaces, tags removed, entities decoded, whitespace
 * collapsed. The result is text for scoring and display, not sanitised HTML.
 */
export function htmlToText(html: string): string {
  return collapse(
    he.decode(
      html
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/<(script|style|svg|noscript)\b[\s\S]*?<\/\1\s*>/gi, ' ')
        .replace(/<\/?(br|p|div|li|ul|ol|h[1-6]|blockquote|tr|table|section|article|figure|figcaption)\b[^>]*>/gi, ' ')
        .replace(/<\/?([a-zA-Z][\w:.-]*)[^>]*>/g, (tag, name: string) => (isMarkup(name) ? '' : tag)),
    ),
  );
}

const HTML_ELEMENTS = new Set(
  ('a abbr acronym address area article aside audio b base bdi bdo big blockquote body br button canvas caption center cite code col ' +
    'colgroup data dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame h1 h2 h3 h4 h5 h6 ' +
    'head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol ' +
    'optgroup option output p param picture pre progress q rp rt ruby s samp section select small source span strike strong sub ' +
    'summary sup table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr').split(' '),
);

/**
 * Markup to remove: HTML elements and namespaced or custom ones (o:p, my-widget). Anything
 * else in angle brackets ("talks in <Geneva>") is text that happened to be escaped.
 */
function isMarkup(name: string): boolean {
  const n = name.toLowerCase();
  return HTML_ELEMENTS.has(n) || n.includes(':') || n.includes('-');
}

/** Collapses runs of whitespace (including non-breaking spaces) into single spaces and trims. */
export function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/**
 * The text value of raw XML content kept unparsed (a stop node): CDATA sections taken as they
 * are, entities decoded everywhere else.
 */
export function xmlInnerText(raw: string): string {
  let out = '';
  let rest = raw;
  for (;;) {
    const start = rest.indexOf('<![CDATA[');
    if (start === -1) break;
    const end = rest.indexOf(']]>', start + 9);
    if (end === -1) break;
    out += he.decode(rest.slice(0, start)) + rest.slice(start + 9, end);
    rest = rest.slice(end + 3);
  }
  return out + he.decode(rest);
}
