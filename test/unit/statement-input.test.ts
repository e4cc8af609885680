import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TEXT_CHARS, normalizeStatement } from '../../server/ingest/statement-input.ts';

const ctx = { origin: 'api' as const, receivedAt: Date.UTC(2026, 10, 26, 12) };

describe('normalizeStatement', () => {
  it('accepts a full statement and keeps its fields', () => {
    const r = normalizeStatement(
      { text: '  Russia warns NATO.  ', speaker: 'Kremlin', source: 'TASS', url: 'https://example.org/a', publishedAt: '2026-11-25T10:00:00Z', externalId: 42 },
      ctx,
    );
    assert.ok(r.ok);
    assert.equal(r.value.text, 'Russia warns NATO.');
    assert.equal(r.value.externalId, '42');
    assert.equal(r.value.publishedAt, Date.UTC(2026, 10, 25, 10));
    assert.equal(r.value.occurredAt, r.value.publishedAt);
    assert.equal(r.value.dedupeKey, 'ext:42');
  });

  const rejections: Array<[string, unknown, string]> = [
    ['an array', [1], 'not-an-object'],
    ['null', null, 'not-an-object'],
    ['no text', { speaker: 'x' }, 'missing-text'],
    ['non-string text', { text: 5 }, 'invalid-field'],
    ['blank text', { text: ' \u0000 ' }, 'empty-text'],
    ['text over the limit', { text: 'x'.repeat(MAX_TEXT_CHARS + 1) }, 'text-too-long'],
    ['an unparseable date', { text: 'a', publishedAt: 'yesterday-ish' }, 'invalid-date'],
    ['a date far in the future', { text: 'a', publishedAt: '2030-01-01T00:00:00Z' }, 'invalid-date'],
    ['a javascript: url', { text: 'a', url: 'javascript:alert(1)' }, 'invalid-url'],
    ['a huge speaker', { text: 'a', speaker: 's'.repeat(600) }, 'field-too-long'],
  ];
  for (const [name, input, code] of rejections) {
    it(`rejects ${name} with code ${code}`, () => {
      const r = normalizeStatement(input, ctx);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.rejection.code, code);
        assert.ok(r.rejection.message.length > 5);
      }
    });
  }

  it('gives the same dedupe key to the same speaker, text and date, and a different one otherwise', () => {
    const a = normalizeStatement({ text: 'Same words', speaker: 'A', publishedAt: '2026-01-01' }, ctx);
    const b = normalizeStatement({ text: 'Same words', speaker: 'A', publishedAt: '2026-01-01' }, { ...ctx, receivedAt: ctx.receivedAt + 5000 });
    const c = normalizeStatement({ text: 'Same words', speaker: 'B', publishedAt: '2026-01-01' }, ctx);
    assert.ok(a.ok && b.ok && c.ok);
    assert.equal(a.value.dedupeKey, b.value.dedupeKey);
    assert.notEqual(a.value.dedupeKey, c.value.dedupeKey);
  });

  it('strips control characters but keeps newlines and non-Latin text', () => {
    const r = normalizeStatement({ text: 'طهران\u0007 warns\r\nTel Aviv 🚀' }, ctx);
    assert.ok(r.ok);
    assert.equal(r.value.text, 'طهران warns\nTel Aviv 🚀');
  });
});
