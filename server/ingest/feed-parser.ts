import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { collapse, htmlToText, xmlInnerText } from './html-text.ts';

/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom into one item shape, with fast-xml-parser. Works on decoded
 * text (see feed-decode.ts). Namespaced elements are looked up by their usual prefixes
 * (dc:, content:, atom:); an RSS default namespace needs nothing since the parser ignores it.
 */

export interface FeedItem {
  /** guid / atom:id / rdf:about, else the link; null when the item has neither. */
  id: string | null;
  title: string;
  /** Plain text of the description or summary (content when there is no summary). */
  summary: string;
  /** Absolute http(s) link, resolved against the feed URL when relative. */
  link: string | null;
  publishedAt: number | null;
}

export interface ParsedFeed {
  format: 'rss2' | 'rss1' | 'atom';
  title: string | null;
  items: FeedItem[];
  /** Set when the XML needed the bare-"&" repair to be read. */
  warning: string | null;
}

export type ParseFeedResult = { ok: true; feed: ParsedFeed } | { ok: false; code: 'malformed-xml' | 'not-a-feed' | 'refused-doctype'; message: string };

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Atom text constructs may hold XHTML markup: keep them raw so the text keeps its order.
  stopNodes: ['feed.entry.content', 'feed.entry.summary', 'feed.entry.title'],
  isArray: (name) => ['item', 'entry', 'link', 'guid', 'title', 'description', 'pubDate', 'dc:date', 'published', 'updated', 'id', 'summary', 'content', 'content:encoded'].includes(name),
});

export function parseFeed(xml: string, opts: { baseUrl?: string } = {}): ParseFeedResult {
  // A blank line or whitespace before the XML declaration is a common publishing artefact.
  const trimmed = xml.replace(/^[\s\uFEFF]+/, '');
  // Entity declarations are how "billion laughs" documents expand; no real feed needs them. The
  // whole document is searched (one linear scan for a literal): a DOCTYPE may follow any amount
  // of comments or processing instructions, so looking only at the start let one through.
  if (/<!ENTITY/i.test(trimmed)) {
    return { ok: false, code: 'refused-doctype', message: 'the document declares XML entities (<!ENTITY>); refused' };
  }
  let text = trimmed;
  let warning: string | null = null;
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // One repair, the commonest real-world fault: a bare "&" in text. Anything else is refused
    // rather than guessed at, with the validator's line and column.
    const repaired = text.replace(/&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;');
    const again = repaired === text ? valid : XMLValidator.validate(repaired);
    if (again !== true) {
      return { ok: false, code: 'malformed-xml', message: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` };
    }
    text = repaired;
    warning = `not well-formed XML, read after escaping bare "&": ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`;
  }
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (err) {
    return { ok: false, code: 'malformed-xml', message: `not well-formed XML: ${(err as Error).message.slice(0, 200)}` };
  }
  const base = opts.baseUrl;
  let feed: ParsedFeed | null = null;
  const rss = asNode(doc.rss);
  const rdf = asNode(doc['rdf:RDF']);
  const atom = asNode(doc.feed);
  if (rss) {
    const channel = asNode(first(rss.channel)) ?? {};
    const items = toArray(channel.item).length > 0 ? toArray(channel.item) : toArray(rss.item);
    feed = { format: 'rss2', title: textOf(first(channel.title)), items: items.map((i) => rssItem(asNode(i) ?? {}, base)), warning };
  } else if (rdf) {
    const channel = asNode(first(rdf.channel)) ?? {};
    feed = { format: 'rss1', title: textOf(first(channel.title)), items: toArray(rdf.item).map((i) => rssItem(asNode(i) ?? {}, base)), warning };
  } else if (atom) {
    const feedBase = resolveUrl(attr(atom, 'xml:base'), base) ?? base;
    feed = { format: 'atom', title: atomText(first(atom.title)), items: toArray(atom.entry).map((e) => atomEntry(asNode(e) ?? {}, feedBase)), warning };
  }
  if (!feed) {
    return { ok: false, code: 'not-a-feed', message: `not an RSS or Atom feed (root element: ${Object.keys(doc)[0] ?? 'none'})` };
  }
  return { ok: true, feed };
}

function rssItem(item: Node, base: string | undefined): FeedItem {
  const title = htmlToText(textOf(first(item.title)) ?? '');
  const description = textOf(first(item.description)) ?? textOf(first(item['content:encoded'])) ?? '';
  // FeedBurner rewrites links into tracking redirects and keeps the publisher's URL in origLink.
  const link = resolveUrl(textOf(first(item['feedburner:origLink'])), base) ?? resolveUrl(textOf(first(item.link)), base);
  const guid = textOf(first(item.guid));
  const about = attr(item, 'rdf:about');
  return {
    id: guid ?? about ?? link,
    title,
    summary: htmlToText(description),
    link,
    publishedAt: parseFeedDate(textOf(first(item.pubDate)) ?? textOf(first(item['dc:date']))),
  };
}

function atomEntry(entry: Node, base: string | undefined): FeedItem {
  const entryBase = resolveUrl(attr(entry, 'xml:base'), base) ?? base;
  const links = toArray(entry.link).map((l) => asNode(l) ?? {});
  const alternate =
    links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate' && /html/i.test(attr(l, 'type') ?? 'text/html')) ??
    links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate');
  const link = resolveUrl(alternate ? attr(alternate, 'href') : null, entryBase);
  const summary = atomText(first(entry.summary)) ?? atomText(first(entry.content)) ?? '';
  return {
    id: textOf(first(entry.id)) ?? link,
    title: atomText(first(entry.title)) ?? '',
    summary,
    link,
    publishedAt: parseFeedDate(textOf(first(entry.published)) ?? textOf(first(entry.updated))),
  };
}

/** An Atom text construct kept raw (stop node): type text, html or xhtml. */
function atomText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const node = asNode(value);
  const raw = node ? String(node['#text'] ?? '') : String(value);
  const type = (node ? attr(node, 'type') : null) ?? 'text';
  if (type === 'xhtml' || /xhtml/.test(type)) return htmlToText(raw);
  const inner = xmlInnerText(raw);
  return type === 'html' || /html/.test(type) ? htmlToText(inner) : collapse(inner);
}

function asNode(v: unknown): Node | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : null;
}

function toArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function attr(node: Node, name: string): string | null {
  const v = node[`@_${name}`];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Text of an element: a string, or the #text of an element with attributes. */
function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const node = asNode(v);
  if (node && node['#text'] !== undefined) return textOf(node['#text']);
  return null;
}

function resolveUrl(value: string | null | undefined, base: string | undefined): string | null {
  if (!value) return null;
  try {
    const u = new URL(value.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** RFC 822 (with zone names such as EST) and ISO 8601 dates; null when unreadable. */
export function parseFeedDate(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value.trim());
  return Number.isFinite(ms) ? ms : null;
}
