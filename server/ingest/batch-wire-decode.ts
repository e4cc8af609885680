import type { BucketContribution } from '../store/metrics-repo.ts';
import type { NewStatement } from '../store/statements-repo.ts';
import { BUCKET_NUMBERS, NUMBERS, SEP, STRINGS, type WireBatch } from './batch-wire.ts';
import type { FileBatch } from './file-batches.ts';
import type { PreparedBatch, PreparedItem, PreparedScore } from './prepare-batch.ts';

// The reading half of the batch wire format (batch-wire.ts writes it), on the thread that writes.

const ORIGINS = new Set<NewStatement['origin']>(['api', 'inbox', 'feed', 'cli', 'demo']);
const orNull = (n: number) => (Number.isNaN(n) ? null : n);
const split = (s: string | null) => (s ? s.split(SEP) : []);

/** Reads back, in order, the strings of a WireBatch, from the `from`-th on. */
class StringReader {
  private readonly buf: Buffer;
  private readonly lengths: Int32Array;
  private pos = 0;
  private i = 0;
  constructor(w: WireBatch, from = 0) {
    this.buf = Buffer.from(w.buffer, 0, w.numbersAt);
    this.lengths = new Int32Array(w.buffer, w.lengthsAt, w.strings);
    for (; this.i < from; this.i++) this.pos += Math.max(0, this.lengths[this.i]!);
  }

  next(): string | null {
    if (this.i >= this.lengths.length) throw new Error('prepare worker sent a batch with fewer strings than it declares');
    const n = this.lengths[this.i++]!;
    if (n < 0) return null;
    if (this.pos + n > this.buf.length) throw new Error('prepare worker sent a batch with strings past its buffer');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** next() for a string that is never null. */
  text(): string {
    const s = this.next();
    if (s === null) throw new Error('prepare worker sent null for a required string');
    return s;
  }
}

/**
 * The batch a WireBatch carries. Its statements are decoded one by one as the writer iterates
 * `prepared.valid` (each time it does), not all at once: a statement's strings then live only
 * while it is written, instead of a whole chunk's surviving into the writer's old generation.
 * The buffer must stay attached until the batch is written.
 */
export function decodeBatch(w: WireBatch): FileBatch {
  const { count } = w;
  if (!Number.isInteger(count) || w.strings < count * STRINGS) throw new Error('prepare worker sent a batch with fewer strings than statements');
  const numbers = new Float64Array(w.buffer, w.numbersAt, count * NUMBERS);
  const failed = new Map(w.failed);
  function* statements(): Generator<PreparedItem> {
    const str = new StringReader(w);
    for (let i = 0; i < count; i++) yield decodeStatement(numbers, i, str, failed.get(i));
  }
  const prepared: PreparedBatch = { valid: { [Symbol.iterator]: statements }, rejected: w.rejected };
  if (w.merged) {
    const str = new StringReader(w, count * STRINGS);
    prepared.merged = w.merged.map((t) => {
      const x = new Float64Array(w.buffer, t.at, t.rows * BUCKET_NUMBERS);
      const rows: BucketContribution[] = new Array(t.rows);
      for (let i = 0; i < t.rows; i++) {
        const o = i * BUCKET_NUMBERS;
        rows[i] = { scope: str.text(), bucketStart: x[o]!, n: x[o + 1]!, sumScore: x[o + 2]!, sumW: x[o + 3]!, sumWScore: x[o + 4]!, maxScore: x[o + 5]! };
      }
      return rows;
    });
  }
  return { records: w.records, bytesRead: w.bytesRead, lines: w.lines, unreadable: w.unreadable, prepared };
}

function decodeStatement(numbers: Float64Array, i: number, str: StringReader, error: string | undefined): PreparedItem {
  const n = i * NUMBERS;
  const dedupeKey = str.text();
  const externalId = str.next();
  const text = str.text();
  const speaker = str.next();
  const source = str.next();
  const url = str.next();
  const origin = str.text() as NewStatement['origin'];
  if (!ORIGINS.has(origin)) throw new Error(`prepare worker sent an unknown origin "${origin}"`);
  const level = str.next();
  const actor = str.next();
  const targetsJson = str.next();
  const mentionedJson = str.next();
  const signalsJson = str.next();
  const scorerVersion = str.next();
  const lists = str.next();
  const exportHead = str.next();
  const lang = str.next();
  const statement: NewStatement = {
    dedupeKey,
    externalId,
    text,
    speaker,
    source,
    url,
    publishedAt: orNull(numbers[n + 1]!),
    receivedAt: numbers[n + 2]!,
    occurredAt: numbers[n + 3]!,
    origin,
    isDemo: numbers[n + 4] === 1,
  };
  let score: PreparedScore | null = null;
  if (error !== undefined) {
    score = { ok: false, error };
  } else if (lists !== null) {
    const cut = lists.indexOf('\u0001');
    score = {
      ok: true,
      row: {
        score: numbers[n + 5]!,
        level: level!,
        actor,
        targets: split(lists.slice(0, cut)),
        categories: split(lists.slice(cut + 1)),
        targetsJson: targetsJson!,
        mentionedJson: mentionedJson!,
        signalsJson: signalsJson!,
        scorerVersion: scorerVersion!,
        scoredAt: numbers[n + 6]!,
        lang,
        exportHead: exportHead!,
      },
    };
  } else if (lang !== null) {
    // Not scored: in a language the scorer does not read.
    if (exportHead === null) throw new Error('prepare worker sent an unsupported statement without its export head');
    score = { ok: 'unsupported', lang, exportHead };
  }
  return { index: numbers[n]!, statement, score };
}
