import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFeed } from '../../server/ingest/feed-parser.ts';

const laughs = `<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>`;
const feed = (title: string) => `<rss version="2.0"><channel><title>${title}</title><item><title>x</title><guid>g1</guid></item></channel></rss>`;

describe('the <!ENTITY> refusal covers the whole document', () => {
  it('refuses entity declarations placed after 20,000 characters of comments', () => {
    const padding = `<!--${' pad'.repeat(10_000)}-->`;
    assert.ok(padding.length > 20_000);
    const r = parseFeed(`<?xml version="1.0"?>${padding}${laughs}${feed('&d;')}`);
    assert.ok(!r.ok && r.code === 'refused-doctype', JSON.stringify(r).slice(0, 300));
  });

  it('refuses one near the end of a 4 MB document, in any letter case', () => {
    const items = '<item><title>t</title><guid>g</guid></item>'.repeat(100_000);
    const doc = `<rss version="2.0"><channel><title>big</title>${items}<!-- --><!entity x "y"></channel></rss>`;
    assert.ok(doc.length > 3_900_000);
    const r = parseFeed(doc);
    assert.ok(!r.ok && r.code === 'refused-doctype');
  });

  it('still reads a feed without declarations, and one that only mentions entities in escaped text', () => {
    const ok = parseFeed(feed('About &lt;!ENTITY&gt; declarations &amp; XML'));
    assert.ok(ok.ok);
    assert.equal(ok.feed.title, 'About <!ENTITY> declarations & XML');
  });
});
