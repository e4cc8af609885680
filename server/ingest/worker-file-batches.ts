import { Worker } from 'node:worker_threads';
import { decodeBatch } from './batch-wire-decode.ts';
import type { FileBatch, FileBatchSource } from './file-batches.ts';
import type { PrepareCreditMessage, PrepareStartMessage, PrepareWorkerData, PrepareWorkerMessage } from './prepare-worker.ts';
import type { Origin } from './statement-input.ts';

// Run from source (tests, tsx) the worker is the .ts file beside this one; bundled (npm run
// ingest runs server/dist/ingest.mjs) it is server/dist/prepare-worker.mjs, built with it.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./prepare-worker.ts', import.meta.url)
  : new URL('./prepare-worker.mjs', import.meta.url);

// The old generation is capped so that V8 collects it instead of letting it grow towards its
// default limit (the backfill has a 200 MB budget for both threads); what is live stays far
// below: the lexicon and word memos (~25 MB) and one chunk (at most PREPARE_CHUNK_CHARS of
// text). Its young generation is the process's (--max-semi-space-size in package.json's ingest
// script): 16 MB for this thread made the backfill ~2.5% faster but its peak RSS ~20 MB higher
// (1,000,000 lines: 207 MB against 187).
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 96 };

// tsx's --import hooks do not reach worker threads (privatenumber/tsx#354), so from source the
// worker registers tsx itself before importing the TypeScript entry.
function startWorker(data: PrepareWorkerData): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, { workerData: data, resourceLimits: RESOURCE_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

export interface PrepareWorkerOptions {
  origin: Origin;
  lexiconDir?: string;
  ahead?: number;
}

/** A prepare worker, started before its file is known (see startPrepareWorker). */
export interface PrepareWorker {
  /** The file's batches (once per worker); the worker stops when they end or the loop is left. */
  batches(src: FileBatchSource): AsyncGenerator<FileBatch>;
  /** Stops the worker (whether or not batches() ran); safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts a prepare worker that loads its scorer from `lexiconDir` at once and then waits for
 * its file: a backfill starts it before it hashes the file and looks it up, so that the
 * worker's start-up (~0.3 s: the thread, its bundle, the scorer, the first chunk on cold code)
 * overlaps that work instead of following it.
 */
export function startPrepareWorker(opts: PrepareWorkerOptions): PrepareWorker {
  const data: PrepareWorkerData = { origin: opts.origin, lexiconDir: opts.lexiconDir, ahead: opts.ahead ?? 5 };
  const worker = startWorker(data);
  const inbox: Array<PrepareWorkerMessage | { type: 'exit'; code: number } | { type: 'crash'; error: Error }> = [];
  let wake: (() => void) | null = null;
  const push = (m: (typeof inbox)[number]) => {
    inbox.push(m);
    wake?.();
    wake = null;
  };
  worker.on('message', (m: PrepareWorkerMessage) => push(m));
  worker.on('error', (error: Error) => push({ type: 'crash', error }));
  worker.on('exit', (code: number) => push({ type: 'exit', code }));
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= worker.terminate().then(() => undefined));
  let used = false;

  async function* batches(src: FileBatchSource): AsyncGenerator<FileBatch> {
    if (used) throw new Error('a prepare worker reads one file');
    used = true;
    try {
      if (stopped) throw new Error('prepare worker already stopped');
      worker.postMessage({ type: 'start', source: src } satisfies PrepareStartMessage);
      for (;;) {
        if (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const m = inbox.shift()!;
        if (m.type === 'batch') {
          yield decodeBatch(m.batch);
          // Written (its statements were decoded from the buffer as they were stored): the worker
          // may post one more, and packs it into this batch's buffer.
          worker.postMessage({ type: 'credit', bytes: m.batch.buffer } satisfies PrepareCreditMessage, [m.batch.buffer]);
        } else if (m.type === 'end') {
          return;
        } else if (m.type === 'error') {
          const err = new Error(`prepare worker: ${m.message}`);
          if (m.stack) err.stack = `${err.message}\n(worker) ${m.stack}`;
          throw err;
        } else if (m.type === 'crash') {
          throw new Error(`prepare worker crashed: ${m.error.message}`, { cause: m.error });
        } else {
          throw new Error(`prepare worker exited (code ${m.code}) before the end of the file`);
        }
      }
    } finally {
      await stop();
    }
  }
  return { batches, stop };
}

/**
 * The batches of readFileBatches(), read and prepared on a worker thread that loads its own
 * scorer from `lexiconDir`: while this thread writes batch n, the worker scores batch n+1 (on
 * two cores the backfill then takes about as long as its writes alone). At most `ahead`
 * batches are posted and not yet written, the one being written included (5: the 4 chunks of
 * 500 records measured as fast as 16 and ~10 MB smaller at peak, while 2 stalled the worker
 * during commits, ~4% slower). A posted batch holds no JavaScript strings, only transferred
 * buffers (batch-wire.ts). Leaving the loop early (an interrupted backfill) stops the worker.
 */
export function workerFileBatches(src: FileBatchSource, opts: PrepareWorkerOptions): AsyncGenerator<FileBatch> {
  return startPrepareWorker(opts).batches(src);
}
