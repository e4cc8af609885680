/**
 * Worker thread entry (worker-file-batches.ts starts it): reads a statement file, validates and
 * scores batch by batch, and posts each prepared batch to the thread that writes, staying at
 * most `ahead` batches in front of it. Reading, parsing, scoring and serialising evidence run
 * here while the main thread writes the previous batch to SQLite.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScorer } from '../config/load-scorer.ts';
import { loadLanguageGate } from './language-detector.ts';
import { createBatchEncoder, transferList, type WireBatch } from './batch-wire.ts';
import { readChunks, type ChunkBuilder, type FileBatchSource } from './file-batches.ts';
import { prepareItem, type PreparedBatch } from './prepare-batch.ts';
import type { Origin } from './statement-input.ts';

export interface PrepareWorkerData {
  origin: Origin;
  lexiconDir?: string;
  /** Batches posted before the writer must ask for more. */
  ahead: number;
}

export type PrepareWorkerMessage =
  | { type: 'batch'; batch: WireBatch }
  | { type: 'end' }
  | { type: 'error'; message: string; stack?: string };

/** From the writer, once: the file to read (the worker loads its scorer before it comes). */
export interface PrepareStartMessage {
  type: 'start';
  source: FileBatchSource;
}

/** From the writer: one more batch may be posted; `bytes` is the buffer of a batch it has written, to reuse. */
export interface PrepareCreditMessage {
  type: 'credit';
  bytes?: ArrayBuffer;
}

/** A chunk is posted early once its statements hold this much text (long statements). */
export const PREPARE_CHUNK_CHARS = 1_000_000;

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs as a worker thread');
const data = workerData as PrepareWorkerData;

let credits = data.ahead;
let wake: (() => void) | null = null;
// Buffers of batches the writer has written, sent back to pack the next batches into.
const spare: ArrayBuffer[] = [];
let start: (source: FileBatchSource) => void = () => {};
const started = new Promise<FileBatchSource>((resolve) => (start = resolve));
port.on('message', (m: PrepareCreditMessage | PrepareStartMessage) => {
  if (m.type === 'start') start(m.source);
  if (m.type === 'credit') {
    if (m.bytes && spare.length < data.ahead) spare.push(m.bytes);
    credits++;
    wake?.();
    wake = null;
  }
});

/**
 * Reads, validates and scores record by record, encoding each statement as soon as it is scored
 * (createBatchEncoder), so that only its encoded bytes outlive it: keeping whole prepared
 * batches alive until they were posted made this thread spend ~1.3 s of each 100,000
 * statements collecting garbage. Metric buckets are merged by the thread that writes, as it
 * stores each statement (ingest-service.ts): merging here kept a chunk's bucket rows alive on
 * this thread, which then took ~4.0 s of CPU per 100,000 statements instead of ~3.2.
 */
async function run(): Promise<void> {
  const scorer = loadScorer(data.lexiconDir);
  const language = await loadLanguageGate(scorer.languages);
  const source = await started;
  const ctx = { origin: data.origin, scorer, language };
  const newBuilder = (): ChunkBuilder<WireBatch> => {
    const encoder = createBatchEncoder(spare.pop());
    const rejected: PreparedBatch['rejected'] = [];
    const receivedAt = Date.now();
    let chars = 0;
    return {
      add(item, index) {
        const p = prepareItem(item, ctx, receivedAt, null);
        if (!p.ok) {
          rejected.push({ index, ...p.rejection });
          return;
        }
        encoder.add(index, p.statement, p.score);
        chars += p.statement.text.length;
      },
      full: () => chars >= PREPARE_CHUNK_CHARS,
      finish: (records) => encoder.finish({ ...records, rejected }),
    };
  };
  for await (const wire of readChunks(source, newBuilder)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    port!.postMessage({ type: 'batch', batch: wire } satisfies PrepareWorkerMessage, transferList(wire));
  }
  port!.postMessage({ type: 'end' } satisfies PrepareWorkerMessage);
}

run().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'error', message: e.message, stack: e.stack } satisfies PrepareWorkerMessage);
});
