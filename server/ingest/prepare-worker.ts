/**
 * Worker thread entry (worker-file-batches.ts starts it): reads a statement file, validates and
 * scores batch by batch, and posts each prepared batch to the thread that writes, staying at
 * most `ahead` batches in front of it. Reading, parsing, scoring and serialising evidence run
 * here while the main thread writes the previous batch to SQLite.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScorer } from '../config/load-scorer.ts';
import { createBucketMerger } from '../store/metrics-repo.ts';
import { createBatchEncoder, transferList, type WireBatch } from './batch-wire.ts';
import type { FileBatchSource } from './file-batches.ts';
import { prepareItem, type PreparedBatch } from './prepare-batch.ts';
import { readRecords } from './record-readers.ts';
import type { Origin } from './statement-input.ts';

export interface PrepareWorkerData {
  source: FileBatchSource;
  origin: Origin;
  lexiconDir?: string;
  /** Batches posted before the writer must ask for more. */
  ahead: number;
}

export type PrepareWorkerMessage =
  | { type: 'batch'; batch: WireBatch }
  | { type: 'end' }
  | { type: 'error'; message: string; stack?: string };

/** A chunk is posted early once its statements hold this much text (long statements). */
export const PREPARE_CHUNK_CHARS = 1_000_000;

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs as a worker thread');
const data = workerData as PrepareWorkerData;

let credits = data.ahead;
let wake: (() => void) | null = null;
port.on('message', (m: { type: 'credit' }) => {
  if (m.type === 'credit') {
    credits++;
    wake?.();
    wake = null;
  }
});

/**
 * Reads, validates and scores record by record, encoding each statement as soon as it is scored
 * (createBatchEncoder) and merging its metric contributions (createBucketMerger), so that only
 * encoded strings outlive a statement: keeping whole prepared batches alive until they were
 * posted made this thread spend ~1.3 s of each 100,000 statements collecting garbage.
 */
async function run(): Promise<void> {
  const scorer = loadScorer(data.lexiconDir);
  const { source } = data;
  const ctx = { origin: data.origin, scorer };
  let bytesRead = 0;
  const reader = readRecords(source.file, source.format, {
    skip: source.skip,
    onRead: (n) => {
      bytesRead += n;
    },
  });
  const fresh = () => ({
    encoder: createBatchEncoder(),
    merger: createBucketMerger(),
    records: 0,
    index: 0,
    lines: [] as number[],
    unreadable: [] as Array<{ line: number; code: string; message: string }>,
    rejected: [] as PreparedBatch['rejected'],
    receivedAt: Date.now(),
    chars: 0,
  });
  let b = fresh();
  const post = async () => {
    const wire = b.encoder.finish({ records: b.records, bytesRead, lines: b.lines, unreadable: b.unreadable, rejected: b.rejected, merged: b.merger.rows() });
    b = fresh();
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    port!.postMessage({ type: 'batch', batch: wire } satisfies PrepareWorkerMessage, transferList(wire));
  };
  for await (const r of reader) {
    b.records++;
    if (!r.ok) {
      b.unreadable.push({ line: r.line, code: r.code, message: r.message });
    } else {
      const index = b.index++;
      b.lines.push(r.line);
      const p = prepareItem(source.txtSource ? { ...r.item, source: source.txtSource } : r.item, ctx, b.receivedAt, b.merger);
      if (p.ok) {
        b.encoder.add(index, p.statement, p.score);
        b.chars += p.statement.text.length;
      } else {
        b.rejected.push({ index, ...p.rejection });
      }
    }
    if (b.records >= source.batchSize || b.chars >= PREPARE_CHUNK_CHARS) await post();
  }
  if (b.records > 0) await post();
  port!.postMessage({ type: 'end' } satisfies PrepareWorkerMessage);
}

run().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'error', message: e.message, stack: e.stack } satisfies PrepareWorkerMessage);
});
