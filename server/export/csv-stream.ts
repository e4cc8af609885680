import type { Writable } from 'node:stream';
import { csvRecord, UTF8_BOM } from './csv-format.ts';

/**
 * What an export streams: a header and records pulled one at a time (never all in memory).
 * Each record is one CSV line with its CRLF, already neutralised and quoted (csvRecord(), or
 * a row-specific writer such as statementRecord()): the writer only batches them.
 */
export interface CsvSource {
  header: readonly string[];
  records: Iterable<string>;
}

export interface StreamCsvOptions {
  /** Start with a UTF-8 BOM (Excel). */
  bom?: boolean;
  /** Aborted when the reader has gone (client disconnect, Ctrl-C): stop pulling rows. */
  signal?: AbortSignal;
  /** Called with the running row count after each chunk written (progress bars). */
  onProgress?: (rows: number) => void;
  /** Characters gathered before one write; bigger chunks mean fewer syscalls. */
  chunkChars?: number;
}

export interface StreamCsvResult {
  rows: number;
  /** False when stopped early by the signal or a closed sink; the sink is then not ended. */
  completed: boolean;
}

const DEFAULT_CHUNK_CHARS = 64 * 1024;

/**
 * Writes header and rows as CSV to any Writable (an HTTP response, a file) and ends it.
 * Memory stays flat: rows are pulled from the iterator only while the sink accepts data;
 * when write() returns false we wait for 'drain' (backpressure) and give the event loop a
 * turn after every chunk, so a fast reader never starves the score job either. The
 * iterator is always closed (return()) so the database statement behind it is released.
 */
export async function streamCsv(sink: Writable, source: CsvSource, options: StreamCsvOptions = {}): Promise<StreamCsvResult> {
  const chunkChars = options.chunkChars ?? DEFAULT_CHUNK_CHARS;
  const stopped = () => options.signal?.aborted === true || sink.destroyed || sink.writableEnded;
  let chunk = (options.bom ? UTF8_BOM : '') + csvRecord(source.header);
  let rows = 0;
  const iterator = source.records[Symbol.iterator]();
  try {
    for (;;) {
      if (stopped()) return { rows, completed: false };
      const next = iterator.next();
      if (next.done) break;
      chunk += next.value;
      rows++;
      if (chunk.length >= chunkChars) {
        const accepted = sink.write(chunk);
        chunk = '';
        options.onProgress?.(rows);
        const goOn = accepted ? await nextTurn() : await drained(sink, options.signal);
        if (!goOn) return { rows, completed: false };
      }
    }
  } finally {
    iterator.return?.();
  }
  if (stopped()) return { rows, completed: false };
  await endSink(sink, chunk);
  options.onProgress?.(rows);
  return { rows, completed: true };
}

function nextTurn(): Promise<boolean> {
  return new Promise((resolve) => setImmediate(() => resolve(true)));
}

/** Resolves true on 'drain', false when the sink closes, fails or the signal aborts first. */
function drained(sink: Writable, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted || sink.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      sink.off('drain', onDrain);
      sink.off('close', onStop);
      sink.off('error', onStop);
      signal?.removeEventListener('abort', onStop);
      resolve(ok);
    };
    const onDrain = () => finish(true);
    const onStop = () => finish(false);
    sink.once('drain', onDrain);
    sink.once('close', onStop);
    sink.once('error', onStop);
    signal?.addEventListener('abort', onStop, { once: true });
  });
}

/** Writes the last chunk, ends the sink and waits until it has flushed (or failed). */
function endSink(sink: Writable, last: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      sink.off('finish', onFinish);
      reject(err);
    };
    const onFinish = () => {
      sink.off('error', onError);
      resolve();
    };
    sink.once('error', onError);
    sink.once('finish', onFinish);
    sink.end(last);
  });
}
