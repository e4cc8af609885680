// A feed item as a statement's fields: its text (title and summary, capped) and its externalId.

import { createHash } from 'node:crypto';
import type { FeedItem } from './feed-parser.ts';
import { MAX_FIELD_CHARS, MAX_TEXT_CHARS } from './statement-input.ts';

/** Title and summary as one statement text, the summary alone when it already starts with the title. */
export function itemText(item: FeedItem): string {
  const title = item.title.trim();
  const summary = item.summary.trim();
  let text = !summary ? title : !title || summary.startsWith(title) ? summary : `${title}\n\n${summary}`;
  if (text.length > MAX_TEXT_CHARS) {
    // Feed summaries can be whole articles; keep the beginning rather than lose the item.
    const cut = text.lastIndexOf(' ', MAX_TEXT_CHARS - 1);
    text = `${text.slice(0, cut > MAX_TEXT_CHARS / 2 ? cut : MAX_TEXT_CHARS - 1)}…`;
  }
  return text;
}

/**
 * A feed item's externalId: its guid/id when that looks globally unique (a URL, URN or tag:
 * URI), else the guid qualified by the feed's host (short ids such as "FL4339" collide across
 * publishers), else the link. Overlong ids are hashed.
 */
export function itemExternalId(item: FeedItem, feedUrl: string): string | null {
  let id = item.id ?? item.link;
  if (id === null) return null;
  if (!id.includes(':')) id = `${new URL(feedUrl).host}:${id}`;
  return id.length > MAX_FIELD_CHARS ? `sha256:${createHash('sha256').update(id).digest('hex')}` : id;
}
