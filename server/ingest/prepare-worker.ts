/**
 * Worker thread entry (worker-file-batches.ts starts it): reads a statement file, validates and
 * scores batch by batch, and posts each prepared batch to the thread that writes, staying at
 * most `ahead` batches in front of it. Reading, parsing, scoring and serialising evidence run
 * here while the main thread writes the previous batch to SQLite.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScorer } from '../config/load-scorer.ts';
import { encodeBatch, transferList } from './batch-wire.ts';
import { readFileBatches, type FileBatchSource } from './file-batches.ts';
import { prepareBatch } from './prepare-batch.ts';
import type { Origin } from './statement-input.ts';

export interface PrepareWorkerData {
  source: FileBatchSource;
  origin: Origin;
  lexiconDir?: string;
  /** Batches posted before the writer must ask for more. */
  ahead: number;
}

export type PrepareWorkerMessage =
  | { type: 'batch'; batch: ReturnType<typeof encodeBatch> }
  | { type: 'end' }
  | { type: 'error'; message: string; stack?: string };

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

async function run(): Promise<void> {
  const scorer = loadScorer(data.lexiconDir);
  const prepare = (items: Array<Record<string, unknown>>) => prepareBatch(items, { origin: data.origin, scorer }, Date.now());
  // With node --expose-gc (npm run ingest), a full collection after each batch posted: this
  // thread waits for the writer anyway, and left alone V8 grows the heap far beyond the ~20 MB
  // live (a 1M-line backfill has a 200 MB budget for both threads).
  const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};
  for await (const batch of readFileBatches(data.source, prepare)) {
    const wire = encodeBatch(batch);
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    port!.postMessage({ type: 'batch', batch: wire } satisfies PrepareWorkerMessage, transferList(wire));
    collect();
  }
  port!.postMessage({ type: 'end' } satisfies PrepareWorkerMessage);
}

run().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'error', message: e.message, stack: e.stack } satisfies PrepareWorkerMessage);
});
