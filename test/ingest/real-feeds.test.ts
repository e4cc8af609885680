import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createSilentLogger } from '../../server/config/logger.ts';
import { decodeFeed } from '../../server/ingest/feed-decode.ts';
import { parseFeed, type ParsedFeed } from '../../server/ingest/feed-parser.ts';
import { createFeedService } from '../../server/ingest/feed-service.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createUrlGuard } from '../../server/ingest/url-guard.ts';
import { createTempStore } from '../helpers/temp-store.ts';

/**
 * The 14 real publisher feeds in /work/shared/feeds, checked against what SOURCES.md documents
 * for each (item counts, dates, titles, encodings, quirks).
 */
const DIR = '/work/shared/feeds';
const skip = fs.existsSync(path.join(DIR, 'SOURCES.md')) ? false : `${DIR} is not present on this machine (shared real-feed fixtures)`;

const EXPECTED_ITEMS: Record<string, number> = {
  'rss2-guardian-us-media-dc.xml': 55,
  'rss2-indianexpress-200-items-media-dc.xml': 200,
  'atom-heise-german-html-summary.xml': 15,
  'atom-intertwingly-xhtml-content-relative-links.xml': 20,
  'rss2-washingtonpost-namespaces-est-dates.xml': 29,
  'rss2-nytimes-dc-media-nyt-namespaces.xml': 33,
  'rss2-cnn-media-group-cdata.xml': 30,
  'rss2-bbc-urdu-rtl-cdata.xml': 26,
  'rss2-jornaldenoticias-iso-8859-1.xml': 40,
  'rss2-suspilne-ukrainian-default-namespace-fulltext.xml': 20,
  'rss2-gdacs-disaster-alerts-bom-comments.xml': 100,
  'rss1-orf-at-rdf-dcdate.xml': 50,
  'rss2-finanzen-net-mislabelled-encoding-no-dates.xml': 15,
  'malformed-rss2-techcrunch-blank-line-before-xml-decl.xml': 20,
};

const BASE_URLS: Record<string, string> = {
  'atom-intertwingly-xhtml-content-relative-links.xml': 'http://intertwingly.net/blog/index.atom',
};

function read(name: string): ParsedFeed {
  const decoded = decodeFeed(fs.readFileSync(path.join(DIR, name)));
  const r = parseFeed(decoded.text, { baseUrl: BASE_URLS[name] ?? 'https://feeds.example/' });
  assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  return r.feed;
}

const isoDates = (f: ParsedFeed) => f.items.map((i) => (i.publishedAt === null ? null : new Date(i.publishedAt).toISOString()));

describe('real publisher feeds (/work/shared/feeds)', { skip }, () => {
  it('has the 14 files SOURCES.md lists', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort();
    assert.deepEqual(files, Object.keys(EXPECTED_ITEMS).sort());
  });

  for (const [name, count] of Object.entries(EXPECTED_ITEMS)) {
    it(`${name}: ${count} items, each with a title or summary and an id`, () => {
      const feed = read(name);
      assert.equal(feed.items.length, count);
      for (const item of feed.items) {
        assert.ok(item.title.length > 0 || item.summary.length > 0, `${name}: empty item`);
        assert.ok(item.id, `${name}: item without id or link`);
        assert.doesNotMatch(item.title + item.summary, /<\/?(p|a|b|div|img|br)\b|&(amp|lt|gt|quot|#\d+);|\uFFFD/, `${name}: markup, entities or U+FFFD left in "${item.title}"`);
      }
    });
  }

  it('Atom heise: German umlauts, +01:00 dates, the html summary as text', () => {
    const feed = read('atom-heise-german-html-summary.xml');
    assert.equal(feed.format, 'atom');
    assert.equal(feed.items[0]!.title, 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei');
    assert.equal(isoDates(feed)[0], '2016-02-01T16:22:00.000Z');
    assert.match(feed.items[0]!.summary, /^Die nun verfügbare Version 10/);
  });

  it('Atom intertwingly: root-relative links resolved against the document URL, xhtml content as text', () => {
    const feed = read('atom-intertwingly-xhtml-content-relative-links.xml');
    assert.equal(feed.items[0]!.link, 'http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend');
    assert.ok(feed.items.every((i) => i.link?.startsWith('http://intertwingly.net/blog/')));
    assert.equal(isoDates(feed)[0], '2012-07-16T15:48:01.000Z');
  });

  it('Washington Post: "EST" dates with single-digit days', () => {
    const feed = read('rss2-washingtonpost-namespaces-est-dates.xml');
    assert.ok(isoDates(feed).includes('2012-08-07T16:02:03.000Z'), 'Tue, 7 Aug 2012 11:02:03 EST');
    assert.ok(feed.items.every((i) => i.publishedAt !== null));
    assert.equal(feed.items.filter((i) => i.title === 'Featured Advertiser').length, 3, 'the injected ad items are there as items');
  });

  it('NYT: channel title entity, guid differs from the tracking link', () => {
    const feed = read('rss2-nytimes-dc-media-nyt-namespaces.xml');
    assert.equal(feed.title, 'NYT > Home Page');
    const first = feed.items[0]!;
    assert.notEqual(first.id, first.link);
    assert.match(first.link ?? '', /partner=rss/);
  });

  it('Jornal de Notícias: real ISO-8859-1, CRLF inside dates, FeedBurner origLink preferred', () => {
    const feed = read('rss2-jornaldenoticias-iso-8859-1.xml');
    assert.equal(feed.title, 'Jornal de Notícias - Últimas Notícias');
    assert.equal(feed.items[0]!.title, 'Mãe de utente é a nova presidente da Raríssimas');
    assert.ok(feed.items.every((i) => i.publishedAt !== null), 'dates with trailing CRLF whitespace parse');
    assert.ok(feed.items.every((i) => i.link?.startsWith('https://www.jn.pt/')), 'links are feedburner:origLink, not ~r redirects');
  });

  it('finanzen.net: UTF-8 bytes labelled iso-8859-1, no dates, double-escaped entities decoded', () => {
    const decoded = decodeFeed(fs.readFileSync(path.join(DIR, 'rss2-finanzen-net-mislabelled-encoding-no-dates.xml')));
    assert.equal(decoded.encoding, 'utf-8');
    const feed = read('rss2-finanzen-net-mislabelled-encoding-no-dates.xml');
    assert.ok(feed.items.every((i) => i.publishedAt === null));
    const all = feed.items.map((i) => i.summary).join(' ');
    assert.match(all, /für/);
    assert.doesNotMatch(all, /fÃ¼r|&quot;/);
    assert.match(all, /"Buy"/);
  });

  it('Suspilne: default namespace, 20 items with 19 distinct links (one story re-issued)', () => {
    const feed = read('rss2-suspilne-ukrainian-default-namespace-fulltext.xml');
    assert.equal(new Set(feed.items.map((i) => i.link)).size, 19);
    // SOURCES.md: "items 13 and 18" (counted from 0) share title and link, not date.
    const pairs = feed.items.flatMap((a, i) => feed.items.slice(i + 1).flatMap((b, j) => (a.link === b.link ? [[i, i + 1 + j]] : [])));
    assert.deepEqual(pairs, [[13, 18]]);
    assert.equal(feed.items[13]!.title, feed.items[18]!.title);
    assert.notEqual(feed.items[13]!.publishedAt, feed.items[18]!.publishedAt);
    assert.match(feed.items[0]!.title, /[а-яіїє]/i);
  });

  it('ORF RSS 1.0: BOM, items under rdf:RDF, dc:date only, no description', () => {
    const feed = read('rss1-orf-at-rdf-dcdate.xml');
    assert.equal(feed.format, 'rss1');
    assert.equal(isoDates(feed)[0], '2017-01-23T20:54:55.000Z');
    assert.ok(feed.items.every((i) => i.summary === '' && i.id === i.link));
  });

  it('GDACS: BOM and comments, generic titles repeated but distinct links', () => {
    const feed = read('rss2-gdacs-disaster-alerts-bom-comments.xml');
    assert.ok(feed.items.filter((i) => i.title === 'Orange flood alert in Pakistan').length > 1);
    assert.equal(new Set(feed.items.map((i) => i.link)).size, 100);
  });

  it('TechCrunch: blank line before the XML declaration tolerated, guid isPermaLink=false', () => {
    const feed = read('malformed-rss2-techcrunch-blank-line-before-xml-decl.xml');
    assert.equal(feed.items[0]!.id, 'http://techcrunch.com/?p=446154');
    assert.equal(isoDates(feed)[0], '2011-11-02T17:25:27.000Z');
  });

  it('all 14 served over HTTP and polled by the feed service: every item stored once', async () => {
    const server = http.createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      if (!EXPECTED_ITEMS[name]) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/xml' }); // no charset: the bytes must speak for themselves
      res.end(fs.readFileSync(path.join(DIR, name)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const t = createTempStore('bw-real-feeds-');
    try {
      const port = (server.address() as AddressInfo).port;
      const feeds = createFeedService({ store: t.store, ingest: createIngestService({ store: t.store }), guard: createUrlGuard({ enabled: false }), logger: createSilentLogger() });
      for (const name of Object.keys(EXPECTED_ITEMS)) assert.ok(feeds.add({ name, url: `http://127.0.0.1:${port}/${name}`, intervalSeconds: 300 }).ok);
      const r = await feeds.pollDue();
      const total = Object.values(EXPECTED_ITEMS).reduce((a, b) => a + b, 0);
      assert.deepEqual(r, { polled: 14, ok: 14, failed: 0, stored: total - 1 }, 'Suspilne re-issues one story under the same link');
      const perFeed = Object.fromEntries(feeds.list().map((f) => [f.name, f.health.lastItemCount]));
      assert.deepEqual(perFeed, EXPECTED_ITEMS);
      const rejected = t.store.db.prepare('SELECT COUNT(*) FROM ingest_rejections').pluck().get();
      assert.equal(rejected, 0);
    } finally {
      t.cleanup();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
