import type { BucketContribution } from '../store/metrics-repo.ts';
import type { NewStatement } from '../store/statements-repo.ts';
import type { FileBatch } from './file-batches.ts';
import type { PreparedBatch, PreparedScore } from './prepare-batch.ts';

/**
 * A prepared FileBatch as posted from the prepare worker to the thread that writes. Structured
 * clone of the batch as objects cost the receiving thread ~13 µs a statement (measured with
 * v8.serialize on 5,000 scored statements), most of the time the writer has; flat arrays of
 * strings and one Float64Array cost ~1.4 µs. Names (targets, categories) never hold NUL, so
 * each list travels as one NUL-joined string.
 */
export interface WireBatch {
  records: number;
  bytesRead: number;
  lines: number[];
  unreadable: FileBatch['unreadable'];
  rejected: PreparedBatch['rejected'];
  /** STRINGS strings per valid statement, in order. */
  strings: Array<string | null>;
  /** NUMBERS numbers per valid statement, in order (NaN for null). */
  numbers: Float64Array;
  /** Statements whose scoring threw: [position in valid, error]. */
  failed: Array<[number, string]>;
  /** PreparedBatch.merged per table: scopes, and BUCKET_NUMBERS numbers per row. */
  merged: Array<{ scopes: string[]; numbers: Float64Array }> | null;
}

const BUCKET_NUMBERS = 6;

function encodeBuckets(rows: BucketContribution[]): { scopes: string[]; numbers: Float64Array } {
  const scopes: string[] = new Array(rows.length);
  const numbers = new Float64Array(rows.length * BUCKET_NUMBERS);
  rows.forEach((c, i) => {
    scopes[i] = c.scope;
    numbers.set([c.bucketStart, c.n, c.sumScore, c.sumW, c.sumWScore, c.maxScore], i * BUCKET_NUMBERS);
  });
  return { scopes, numbers };
}

function decodeBuckets(w: { scopes: string[]; numbers: Float64Array }): BucketContribution[] {
  return w.scopes.map((scope, i) => {
    const o = i * BUCKET_NUMBERS;
    const x = w.numbers;
    return { scope, bucketStart: x[o]!, n: x[o + 1]!, sumScore: x[o + 2]!, sumW: x[o + 3]!, sumWScore: x[o + 4]!, maxScore: x[o + 5]! };
  });
}

/** The buffers postMessage can hand over without copying. */
export function transferList(w: WireBatch): ArrayBuffer[] {
  return [w.numbers.buffer as ArrayBuffer, ...(w.merged ?? []).map((m) => m.numbers.buffer as ArrayBuffer)];
}

const STRINGS = 15;
const NUMBERS = 7;
const SEP = '\u0000';
const ORIGINS = new Set<NewStatement['origin']>(['api', 'inbox', 'feed', 'cli', 'demo']);

const num = (n: number | null) => (n === null ? NaN : n);
const orNull = (n: number) => (Number.isNaN(n) ? null : n);
const split = (s: string | null) => (s ? s.split(SEP) : []);

/**
 * Builds a WireBatch one statement at a time (the prepare worker adds each as it scores it,
 * so nothing but the encoded strings outlives the statement), then finish() seals it.
 */
export function createBatchEncoder() {
  const strings: Array<string | null> = [];
  let numbers = new Float64Array(64 * NUMBERS);
  const failed: Array<[number, string]> = [];
  let count = 0;
  return {
    add(index: number, s: NewStatement, score: PreparedScore | null): void {
      const row = score?.ok ? score.row : null;
      if (score !== null && !score.ok) failed.push([count, score.error]);
      strings.push(
        s.dedupeKey,
        s.externalId,
        s.text,
        s.speaker,
        s.source,
        s.url,
        s.origin,
        row?.level ?? null,
        row?.actor ?? null,
        row?.targetsJson ?? null,
        row?.mentionedJson ?? null,
        row?.signalsJson ?? null,
        row?.scorerVersion ?? null,
        row ? `${row.targets.join(SEP)}\u0001${row.categories.join(SEP)}` : null,
        row?.exportHead ?? null,
      );
      if ((count + 1) * NUMBERS > numbers.length) {
        const grown = new Float64Array(numbers.length * 2);
        grown.set(numbers);
        numbers = grown;
      }
      numbers.set([index, num(s.publishedAt), s.receivedAt, s.occurredAt, s.isDemo ? 1 : 0, row ? row.score : NaN, row ? row.scoredAt : NaN], count * NUMBERS);
      count++;
    },
    finish(rest: Omit<FileBatch, 'prepared'> & { rejected: PreparedBatch['rejected']; merged?: BucketContribution[][] }): WireBatch {
      return {
        records: rest.records,
        bytesRead: rest.bytesRead,
        lines: rest.lines,
        unreadable: rest.unreadable,
        rejected: rest.rejected,
        strings,
        numbers: numbers.slice(0, count * NUMBERS),
        failed,
        merged: rest.merged ? rest.merged.map(encodeBuckets) : null,
      };
    },
  };
}

export function encodeBatch(b: FileBatch): WireBatch {
  const encoder = createBatchEncoder();
  for (const v of b.prepared.valid) encoder.add(v.index, v.statement, v.score);
  return encoder.finish({ ...b, rejected: b.prepared.rejected, merged: b.prepared.merged });
}

export function decodeBatch(w: WireBatch): FileBatch {
  const count = w.numbers.length / NUMBERS;
  const failed = new Map(w.failed);
  const valid: PreparedBatch['valid'] = new Array(count);
  for (let i = 0; i < count; i++) {
    const k = i * STRINGS;
    const n = i * NUMBERS;
    const origin = w.strings[k + 6] as NewStatement['origin'];
    if (!ORIGINS.has(origin)) throw new Error(`prepare worker sent an unknown origin "${origin}"`);
    const statement: NewStatement = {
      dedupeKey: w.strings[k]!,
      externalId: w.strings[k + 1] ?? null,
      text: w.strings[k + 2]!,
      speaker: w.strings[k + 3] ?? null,
      source: w.strings[k + 4] ?? null,
      url: w.strings[k + 5] ?? null,
      publishedAt: orNull(w.numbers[n + 1]!),
      receivedAt: w.numbers[n + 2]!,
      occurredAt: w.numbers[n + 3]!,
      origin,
      isDemo: w.numbers[n + 4] === 1,
    };
    let score: PreparedScore | null = null;
    const error = failed.get(i);
    if (error !== undefined) {
      score = { ok: false, error };
    } else if (w.strings[k + 13] !== null) {
      const lists = w.strings[k + 13]!;
      const cut = lists.indexOf('\u0001');
      score = {
        ok: true,
        row: {
          score: w.numbers[n + 5]!,
          level: w.strings[k + 7]!,
          actor: w.strings[k + 8] ?? null,
          targets: split(lists.slice(0, cut)),
          categories: split(lists.slice(cut + 1)),
          targetsJson: w.strings[k + 9]!,
          mentionedJson: w.strings[k + 10]!,
          signalsJson: w.strings[k + 11]!,
          scorerVersion: w.strings[k + 12]!,
          scoredAt: w.numbers[n + 6]!,
          exportHead: w.strings[k + 14]!,
        },
      };
    }
    valid[i] = { index: w.numbers[n]!, statement, score };
  }
  const prepared: PreparedBatch = { valid, rejected: w.rejected };
  if (w.merged) prepared.merged = w.merged.map(decodeBuckets);
  return { records: w.records, bytesRead: w.bytesRead, lines: w.lines, unreadable: w.unreadable, prepared };
}
