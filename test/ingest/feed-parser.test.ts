import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFeed } from '../../server/ingest/feed-decode.ts';
import { parseFeed, type FeedItem } from '../../server/ingest/feed-parser.ts';
import { htmlToText } from '../../server/ingest/html-text.ts';
import { fixture } from './feed-test-server.ts';

function parseFixture(name: string, baseUrl = 'https://wire.example/feed.xml') {
  const r = parseFeed(decodeFeed(fixture(name)).text, { baseUrl });
  assert.ok(r.ok, JSON.stringify(r));
  return r.feed;
}

const iso = (i: FeedItem) => (i.publishedAt === null ? null : new Date(i.publishedAt).toISOString());

describe('parseFeed', () => {
  it('reads RSS 2.0: entity-escaped HTML stripped and decoded, CDATA, dc:date, relative links, guid', () => {
    const feed = parseFixture('feed-rss2.xml');
    assert.equal(feed.format, 'rss2');
    assert.equal(feed.title, 'Brinkwatch Test Wire & Co');
    const [a, b, c, d] = feed.items;
    assert.deepEqual(a, {
      id: 'wire-0001',
      title: 'Minister warns of "consequences"',
      summary: 'The minister said troops will be deployed & ready.',
      link: 'https://wire.example/a/1',
      publishedAt: Date.parse('2026-01-05T10:00:00Z'),
    });
    assert.equal(b!.title, 'Talks resume in <Geneva>', 'text in angle brackets that is not HTML stays');
    assert.equal(b!.summary, 'Delegations met for “constructive” talks today.');
    assert.equal(b!.link, 'https://wire.example/a/2');
    assert.equal(iso(b!), '2026-01-05T11:30:00.000Z');
    assert.equal(c!.publishedAt, null, 'an unreadable date is dropped, not the item');
    assert.equal(c!.id, 'https://wire.example/a/3', 'the link stands in for a missing guid');
    assert.deepEqual([d!.id, d!.link], ['42', null]);
  });

  it('reads Atom: html and xhtml text constructs, xml:base, alternate link, published over updated', () => {
    const feed = parseFixture('feed-atom.xml');
    assert.equal(feed.format, 'atom');
    const [a, b] = feed.items;
    assert.equal(a!.title, 'Embassy closed');
    assert.equal(a!.summary, 'The embassy was closed after threats.');
    assert.equal(a!.link, 'https://atom.example/news/posts/embassy');
    assert.equal(iso(a!), '2026-01-06T06:00:00.000Z');
    assert.equal(b!.summary, 'The council lifted sanctions & welcomed the move.', 'xhtml content keeps its word order');
    assert.equal(iso(b!), '2026-01-06T10:00:00.000Z');
    assert.equal(b!.id, 'tag:atom.example,2026:2');
  });

  it('reads RSS 1.0 (RDF): items outside the channel, rdf:about as id, dc:date', () => {
    const feed = parseFixture('feed-rdf.xml');
    assert.equal(feed.format, 'rss1');
    assert.deepEqual(
      feed.items.map((i) => [i.id, i.title, i.summary, iso(i)]),
      [
        ['https://rdf.example/1', 'Border closed', '', '2026-01-07T06:00:00.000Z'],
        ['https://rdf.example/2', 'Prisoners released', 'Both sides released prisoners.', '2026-01-07T07:00:00.000Z'],
      ],
    );
  });

  it('refuses malformed XML with line and column, and documents that are not feeds', () => {
    const bad = parseFeed(fixture('feed-malformed.xml').toString('utf8'));
    assert.ok(!bad.ok);
    assert.equal(bad.code, 'malformed-xml');
    assert.match(bad.message, /line 2/);
    const html = parseFeed('<html><body>hi</body></html>');
    assert.ok(!html.ok && html.code === 'not-a-feed' && /root element: html/.test(html.message));
  });

  it('reads a feed with a bare "&" after escaping it, and says so', () => {
    const r = parseFeed('<rss version="2.0"><channel><title>A & B</title><item><title>Q&A with the minister</title><guid>x:1</guid></item></channel></rss>');
    assert.ok(r.ok);
    assert.equal(r.feed.items[0]!.title, 'Q&A with the minister');
    assert.match(r.feed.warning ?? '', /bare "&"/);
  });

  it('refuses entity declarations (billion laughs)', () => {
    const r = parseFeed('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>');
    assert.ok(!r.ok && r.code === 'refused-doctype');
  });

  it('tolerates whitespace before the XML declaration', () => {
    const r = parseFeed('\n  <?xml version="1.0"?><rss><channel><item><title>T</title><guid>u:1</guid></item></channel></rss>');
    assert.ok(r.ok && r.feed.items.length === 1);
  });
});

describe('decodeFeed', () => {
  it('uses the XML declaration: ISO-8859-1 bytes become the right characters', () => {
    const d = decodeFeed(fixture('feed-latin1.xml'));
    assert.equal(d.encoding, 'iso-8859-1');
    assert.match(d.text, /cessar-fogo em Moçambique/);
  });

  it('prefers the Content-Type charset over the declaration', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss><channel><title>Caf\u00e9</title></channel></rss>', 'latin1');
    const d = decodeFeed(bytes, 'text/xml; charset=ISO-8859-1');
    assert.equal(d.reason, 'content-type');
    assert.match(d.text, /Café/);
  });

  it('reads UTF-8 bytes labelled ISO-8859-1 as UTF-8 (mislabelled feed)', () => {
    const d = decodeFeed(Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><title>für</title></channel></rss>', 'utf8'));
    assert.equal(d.encoding, 'utf-8');
    assert.match(d.text, /für/);
    assert.doesNotMatch(d.text, /fÃ¼r/);
  });

  it('reads non-UTF-8 bytes labelled UTF-8 as windows-1252 instead of replacement characters', () => {
    const d = decodeFeed(Buffer.from('<rss><channel><title>Caf\u00e9 \u0080</title></channel></rss>', 'latin1'), 'application/rss+xml; charset=utf-8');
    assert.equal(d.encoding, 'windows-1252');
    assert.match(d.text, /Café €/);
  });

  it('honours and strips a byte-order mark (UTF-8 and UTF-16)', () => {
    const utf8 = decodeFeed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss/>')]));
    assert.deepEqual([utf8.text, utf8.reason], ['<rss/>', 'bom']);
    const utf16 = decodeFeed(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss>ü</rss>', 'utf16le')]));
    assert.deepEqual([utf16.text, utf16.encoding], ['<rss>ü</rss>', 'utf-16le']);
  });
});

describe('htmlToText', () => {
  it('drops scripts, styles and comments, keeps word boundaries at block ends, decodes entities', () => {
    assert.equal(htmlToText('<p>One</p><p>Two&nbsp;&amp;&#x20AC;</p><script>x()</script><!-- c --><style>p{}</style>'), 'One Two &€');
  });
});
