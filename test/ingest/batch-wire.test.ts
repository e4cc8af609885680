import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import { decodeBatch } from '../../server/ingest/batch-wire-decode.ts';
import { encodeBatch } from '../../server/ingest/batch-wire.ts';
import type { FileBatch } from '../../server/ingest/file-batches.ts';
import { prepareBatch } from '../../server/ingest/prepare-batch.ts';
import type { Scorer } from '../../server/scoring/index.ts';
import { testLanguageGate, testScorer } from '../helpers/test-app.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('prepared batches on the wire between the prepare worker and the writer', () => {
  it('decode(encode(batch)) is the batch: nulls, empty lists, NUL-free names, failed scores and rejections', () => {
    const real = testScorer();
    const flaky: Scorer = {
      version: real.version,
      resolveActor: (n) => real.resolveActor(n),
      score: (text, o) => {
        if (text.includes('boom')) throw new Error('scorer boom');
        return real.score(text, o);
      },
    };
    const items = [
      { text: 'Russia warned NATO that any deployment to Ukraine would be met with force.', speaker: 'Russia', externalId: 'a', url: 'https://example.org/a', publishedAt: NOW - 5000 },
      { text: 'The weather was mild.' },
      { text: '' },
      { text: 'this makes the scorer go boom', source: 'wire' },
      { text: 'Talks between China and Taiwan, quotes "here", emoji 🚀 and RTL مرحبا.', speaker: 'Unknown Person', publishedAt: '2026-11-25T10:00:00Z' },
      { text: 'Αν στρατεύματα του ΝΑΤΟ εμφανιστούν σε ουκρανικό έδαφος, θα θεωρηθούν μαχητές και θα γίνουν στόχος.', speaker: 'Russia' }, // Greek: not read (no data/lexicon/el)
    ];
    const prepared = prepareBatch(items, { origin: 'cli', scorer: flaky, language: testLanguageGate() }, NOW);
    assert.equal(prepared.rejected.length, 1);
    assert.ok(prepared.valid.some((v) => v.score && !v.score.ok));
    assert.ok(prepared.valid.some((v) => v.score?.ok === 'unsupported' && v.score.lang === 'el'), 'the Greek statement is not scored');
    assert.ok(prepared.valid.some((v) => v.score?.ok === true && v.score.row.targets.length > 0));
    assert.ok(prepared.valid.some((v) => v.score?.ok === true && v.score.row.targets.length === 0 && v.score.row.categories.length === 0));
    const batch: FileBatch = { records: 8, lines: [1, 2, 3, 5, 7, 8], unreadable: [{ line: 4, code: 'invalid-json', message: 'bad' }], prepared, bytesRead: 1234 };
    // Through structured clone, as postMessage sends it.
    const wire = v8.deserialize(v8.serialize(encodeBatch(batch)));
    const decoded = decodeBatch(wire);
    // Statements are decoded as they are iterated, and again on each iteration.
    assert.deepEqual({ ...decoded, prepared: { ...decoded.prepared, valid: [...decoded.prepared.valid] } }, batch);
    assert.deepEqual([...decoded.prepared.valid], prepared.valid);
    assert.ok(decoded.prepared.merged && decoded.prepared.merged[0]!.length > 0);
  });
});
