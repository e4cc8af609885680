import type { BucketContribution } from '../store/metrics-repo.ts';
import type { NewStatement } from '../store/statements-repo.ts';
import type { FileBatch } from './file-batches.ts';
import type { PreparedBatch, PreparedScore } from './prepare-batch.ts';

/**
 * A prepared FileBatch as posted from the prepare worker to the thread that writes. Structured
 * clone of the batch as objects cost the receiving thread ~13 µs a statement (measured with
 * v8.serialize on 5,000 scored statements). Here everything but the few per-record facts sits
 * in one ArrayBuffer: the strings (the statements' and the bucket scopes) as UTF-8, then the
 * numbers (Float64), then each string's byte length (Int32). It is transferred, not copied,
 * and the writer sends it back to be packed again, so a backfill cycles a few buffers. A batch
 * waiting in the writer's queue holds no JavaScript strings: strings sent as arrays were
 * deserialised on arrival and, waiting a few batches, survived into the writer's old
 * generation (it then needed a full collection every 5,000 statements to stay within its
 * memory budget). Names (targets, categories) never hold NUL, so each list travels as one
 * NUL-joined string.
 */
export interface WireBatch {
  records: number;
  bytesRead: number;
  lines: number[];
  unreadable: FileBatch['unreadable'];
  rejected: PreparedBatch['rejected'];
  /** Statements whose scoring threw: [position in valid, error]. */
  failed: Array<[number, string]>;
  buffer: ArrayBuffer;
  /** Valid statements: STRINGS strings and NUMBERS numbers each. */
  count: number;
  /** Byte offset in `buffer` of the statements' numbers (NaN for null). */
  numbersAt: number;
  /** PreparedBatch.merged per table: byte offset of its BUCKET_NUMBERS numbers a row, and its rows (their scopes are strings). */
  merged: Array<{ at: number; rows: number }> | null;
  /** Byte offset and count of the strings' byte lengths (-1: null), in order. */
  lengthsAt: number;
  strings: number;
}

/** Strings and numbers per statement, numbers per bucket row (batch-wire-decode.ts reads them back). */
export const STRINGS = 16;
export const NUMBERS = 7;
export const BUCKET_NUMBERS = 6;
/** Joins the names of a list (targets, categories): names never hold NUL. */
export const SEP = '\u0000';

const num = (n: number | null) => (n === null ? NaN : n);
const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** A Float64Array or Int32Array that grows as it is written. */
class Growable<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(
    public items: T,
    private readonly make: (n: number) => T,
  ) {}

  push(x: number): void {
    if (this.length === this.items.length) {
      const grown = this.make(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = x;
  }
}

/**
 * Builds a WireBatch one statement at a time (the prepare worker adds each as it scores it,
 * so nothing but the encoded bytes outlives the statement), then finish() seals it. `reuse`:
 * the buffer of a batch already written, to pack into instead of a new one.
 */
export function createBatchEncoder(reuse?: ArrayBuffer) {
  // Never Buffer's shared pool: the buffer is transferred. 2 MB: a chunk of 500 statements
  // usually takes under 1 MB, and pages never written are never resident; a buffer that grows
  // is replaced and freed, which raises glibc's mmap threshold (see READ_CHUNK_BYTES).
  let buf = Buffer.from(reuse ?? new ArrayBuffer(2 * 1024 * 1024));
  let used = 0;
  const lengths = new Growable(new Int32Array(4096), (n) => new Int32Array(n));
  const numbers = new Growable(new Float64Array(512 * NUMBERS), (n) => new Float64Array(n));
  const bucketNumbers = new Growable(new Float64Array(1024 * BUCKET_NUMBERS), (n) => new Float64Array(n));
  const failed: Array<[number, string]> = [];
  let count = 0;

  const reserve = (bytes: number) => {
    if (used + bytes <= buf.length) return;
    const grown = Buffer.from(new ArrayBuffer(Math.max(used + bytes, buf.length * 2)));
    buf.copy(grown, 0, 0, used);
    buf = grown;
  };
  // Each string is written straight into the buffer: joining a statement's strings first and
  // writing them with one call allocated ~1.7 KB a statement (the join and its flat copy).
  const add = (s: string | null) => {
    if (s === null) {
      lengths.push(-1);
      return;
    }
    reserve(s.length * 3); // at most 3 bytes per UTF-16 unit (a surrogate pair, 2 units, is 4)
    const n = buf.write(s, used, 'utf8');
    used += n;
    lengths.push(n);
  };

  return {
    add(index: number, s: NewStatement, score: PreparedScore | null): void {
      const row = score?.ok === true ? score.row : null;
      const unsupported = score?.ok === 'unsupported' ? score : null;
      if (score !== null && score.ok === false) failed.push([count, score.error]);
      // STRINGS strings, in this order (decodeStatement reads them back in the same order)
      add(s.dedupeKey);
      add(s.externalId);
      add(s.text);
      add(s.speaker);
      add(s.source);
      add(s.url);
      add(s.origin);
      add(row?.level ?? null);
      add(row?.actor ?? null);
      add(row?.targetsJson ?? null);
      add(row?.mentionedJson ?? null);
      add(row?.signalsJson ?? null);
      add(row?.scorerVersion ?? null);
      add(row ? `${row.targets.join(SEP)}\u0001${row.categories.join(SEP)}` : null);
      add(row?.exportHead ?? unsupported?.exportHead ?? null);
      add(row?.lang ?? unsupported?.lang ?? null);
      numbers.push(index);
      numbers.push(num(s.publishedAt));
      numbers.push(s.receivedAt);
      numbers.push(s.occurredAt);
      numbers.push(s.isDemo ? 1 : 0);
      numbers.push(row ? row.score : NaN);
      numbers.push(row ? row.scoredAt : NaN);
      count++;
    },
    finish(rest: Omit<FileBatch, 'prepared'> & { rejected: PreparedBatch['rejected']; merged?: BucketContribution[][] }): WireBatch {
      const tables = rest.merged ?? null;
      const rowsPerTable: number[] = [];
      if (tables) {
        for (const rows of tables) {
          for (const c of rows) {
            add(c.scope);
            bucketNumbers.push(c.bucketStart);
            bucketNumbers.push(c.n);
            bucketNumbers.push(c.sumScore);
            bucketNumbers.push(c.sumW);
            bucketNumbers.push(c.sumWScore);
            bucketNumbers.push(c.maxScore);
          }
          rowsPerTable.push(rows.length);
        }
      }
      const numbersAt = align8(used);
      const bucketsAt = numbersAt + numbers.length * 8;
      const lengthsAt = bucketsAt + bucketNumbers.length * 8;
      reserve(lengthsAt + lengths.length * 4 - used);
      const ab = buf.buffer as ArrayBuffer;
      new Float64Array(ab, numbersAt, numbers.length).set(numbers.items.subarray(0, numbers.length));
      new Float64Array(ab, bucketsAt, bucketNumbers.length).set(bucketNumbers.items.subarray(0, bucketNumbers.length));
      new Int32Array(ab, lengthsAt, lengths.length).set(lengths.items.subarray(0, lengths.length));
      let at = bucketsAt;
      const merged = tables
        ? rowsPerTable.map((rows) => {
            const t = { at, rows };
            at += rows * BUCKET_NUMBERS * 8;
            return t;
          })
        : null;
      return {
        records: rest.records,
        bytesRead: rest.bytesRead,
        lines: rest.lines,
        unreadable: rest.unreadable,
        rejected: rest.rejected,
        failed,
        buffer: ab,
        count,
        numbersAt,
        merged,
        lengthsAt,
        strings: lengths.length,
      };
    },
  };
}

/** The buffers postMessage hands over without copying. */
export function transferList(w: WireBatch): ArrayBuffer[] {
  return [w.buffer];
}

export function encodeBatch(b: FileBatch): WireBatch {
  const encoder = createBatchEncoder();
  for (const v of b.prepared.valid) encoder.add(v.index, v.statement, v.score);
  return encoder.finish({ ...b, rejected: b.prepared.rejected, merged: b.prepared.merged });
}
