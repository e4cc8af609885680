import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createIngestFilesRepo, type IngestFile, type IngestFilesRepo } from '../store/ingest-files-repo.ts';
import type { Store } from '../store/store.ts';
import type { Scorer } from '../scoring/index.ts';
import type { LanguageGate } from './statement-language.ts';
import type { IngestService } from './ingest-service.ts';
import { readFileBatches, type FileBatch } from './file-batches.ts';
import { READ_CHUNK_BYTES } from './line-reader.ts';
import { formatOf, type FileFormat } from './record-readers.ts';
import { workerFileBatches, type PrepareWorker } from './worker-file-batches.ts';

export interface FileIngestProgress {
  /** Records (good and bad) committed so far, including those of earlier interrupted runs. */
  recordsDone: number;
  bytesTotal: number;
  stored: number;
  duplicates: number;
  rejected: number;
  /** Statements of this run stored already scored (with `scorer`). */
  scored: number;
  /** Statements of this run stored unscored because the scorer does not read their language (with `scorer`). */
  unsupported: number;
}

export type FileIngestOutcome =
  | { status: 'unsupported'; message: string }
  | { status: 'already-done'; file: IngestFile }
  | {
      status: 'done' | 'interrupted';
      file: IngestFile;
      /** Counts of this run only. */
      run: { stored: number; duplicates: number; rejected: number; scored: number; unsupported: number; resumedAt: number; reasons: Record<string, number> };
    };

export interface FileIngestOptions {
  file: string;
  /** Name recorded for the file (defaults to its base name). */
  name?: string;
  origin: 'inbox' | 'cli';
  batchSize?: number;
  /**
   * Score while ingesting (`npm run ingest -- --score`): each new statement is stored once,
   * already scored, with its evidence and metric buckets in its batch's transaction, instead of
   * being stored pending and rewritten by the score worker (see IngestContext.scorer).
   */
  scorer?: Scorer;
  /** With `scorer`: the language gate (language-detector.ts loadLanguageGate). */
  language?: LanguageGate;
  /**
   * Score while ingesting as with `scorer`, but read, validate and score on a worker thread
   * that loads the scorer from this lexicon directory (undefined: the default), while this
   * thread writes the previous batch (worker-file-batches.ts). Ignored when `scorer` is given.
   * `worker`: one started already (startPrepareWorker), for the same origin; the caller stops
   * it if the file turns out to need no reading (unsupported, or done already).
   */
  scoreOnWorker?: { lexiconDir?: string; worker?: PrepareWorker };
  /**
   * Keep one transaction open across chunks of PREPARE_CHUNK records until batchSize records
   * are stored, instead of reading and preparing whole batches: a backfill then holds only a
   * small chunk in memory at a time (its objects die young instead of filling the old
   * generation) while commits stay large. Only for a connection that nothing else uses while
   * the file is read (the CLI): other work on it would run inside the open transaction.
   */
  spanTransactions?: boolean;
  /** When aborted, the current batch is committed and ingestion stops ('interrupted'). */
  signal?: AbortSignal;
  /** Called after each committed batch. */
  onBatch?: (p: FileIngestProgress) => void | Promise<void>;
  /** Called as bytes are read (ahead of commits by up to a buffer): for progress bars. */
  onRead?: (bytes: number) => void;
}

/** Records read and prepared at a time when a transaction spans several chunks (spanTransactions). */
export const PREPARE_CHUNK = 500;

/** sha256 of a file's content, streamed. */
export async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Takes one statement file into the store, crash-safe: every batch commits its statements,
 * its rejections and the file's checkpoint in one transaction. Re-running an interrupted file
 * resumes after the last committed record; re-running a finished file (same content hash)
 * reads nothing. Statement dedupe makes any overlap harmless.
 */
export function createFileIngest(deps: { store: Store; ingest: IngestService; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const files: IngestFilesRepo = createIngestFilesRepo(deps.store.db);

  async function ingestFile(opts: FileIngestOptions): Promise<FileIngestOutcome> {
    const name = opts.name ?? path.basename(opts.file);
    const format: FileFormat | null = formatOf(name);
    if (format === null) {
      return { status: 'unsupported', message: `unsupported file type "${path.extname(name) || '(none)'}": use .jsonl, .ndjson, .csv or .txt` };
    }
    const size = fs.statSync(opts.file).size;
    const contentHash = await hashFile(opts.file);
    const known = files.findByHash(contentHash);
    if (known?.status === 'done') return { status: 'already-done', file: known };

    const record = files.begin({ contentHash, name, format, sizeBytes: size, origin: opts.origin, startedAt: now() });
    const batchSize = opts.batchSize ?? 1000;
    const run = { stored: 0, duplicates: 0, rejected: 0, scored: 0, unsupported: 0, resumedAt: record.recordsDone, reasons: {} as Record<string, number> };
    let recordsDone = record.recordsDone;

    // One transaction per batchSize records. With spanTransactions the file is read and
    // prepared in chunks of PREPARE_CHUNK records, each stored as it arrives inside a
    // transaction left open across them; otherwise each batch is one chunk and one transaction.
    const chunkSize = opts.spanTransactions ? Math.min(batchSize, PREPARE_CHUNK) : batchSize;
    interface Pending {
      records: number;
      stored: number;
      duplicates: number;
      scored: number;
      unsupported: number;
      bad: Array<{ line: number; code: string }>;
    }
    let pending: Pending | null = null;
    const db = deps.store.db;

    /** Stores one chunk, its rejections and the checkpoint (a savepoint inside a spanning transaction). */
    const storeChunk = (batch: FileBatch, tx: Pending) => {
      const bad = [...batch.unreadable];
      // Validation and scoring happened before (here or on the worker), so the write lock is
      // held only while rows are written.
      deps.store.transaction(() => {
        const result = deps.ingest.store(batch.prepared);
        const counts = { stored: 0, duplicates: 0, scored: 0, unsupported: 0 };
        for (const a of result.accepted) {
          if (a.duplicate) counts.duplicates++;
          else counts.stored++;
          if (a.status === 'scored') counts.scored++;
          if (a.status === 'unsupported') counts.unsupported++;
        }
        for (const r of result.rejected) bad.push({ line: batch.lines[r.index]!, code: r.code, message: r.message });
        const createdAt = now();
        bad.sort((a, b) => a.line - b.line);
        for (const b of bad) files.addRejection({ fileId: record.id, source: name, line: b.line, code: b.code, message: b.message, createdAt });
        files.recordProgress(record.id, {
          recordsDone: recordsDone + tx.records + batch.records,
          stored: counts.stored,
          duplicates: counts.duplicates,
          rejected: bad.length,
        });
        tx.stored += counts.stored;
        tx.duplicates += counts.duplicates;
        tx.scored += counts.scored;
        tx.unsupported += counts.unsupported;
      });
      tx.records += batch.records;
      for (const b of bad) tx.bad.push(b);
    };

    /** After a commit, and only then, the counts move. */
    const committed = (tx: Pending) => {
      recordsDone += tx.records;
      run.stored += tx.stored;
      run.duplicates += tx.duplicates;
      run.scored += tx.scored;
      run.unsupported += tx.unsupported;
      run.rejected += tx.bad.length;
      for (const b of tx.bad) run.reasons[b.code] = (run.reasons[b.code] ?? 0) + 1;
    };

    const progress = (): FileIngestProgress => {
      const f = files.get(record.id)!;
      return { recordsDone, bytesTotal: size, stored: f.stored, duplicates: f.duplicates, rejected: f.rejected, scored: run.scored, unsupported: run.unsupported };
    };

    const source = { file: opts.file, format, skip: record.recordsDone, batchSize: chunkSize, txtSource: format === 'txt' ? name : undefined };
    const batches =
      opts.scoreOnWorker && !opts.scorer
        ? (opts.scoreOnWorker.worker?.batches(source) ?? workerFileBatches(source, { origin: opts.origin, lexiconDir: opts.scoreOnWorker.lexiconDir }))
        : readFileBatches(source, (items) => deps.ingest.prepare(items, { origin: opts.origin, scorer: opts.scorer, language: opts.language }));
    let interrupted = false;
    let bytesRead = 0;
    const emptyTx = (): Pending => ({ records: 0, stored: 0, duplicates: 0, scored: 0, unsupported: 0, bad: [] });
    try {
      for await (const batch of batches) {
        opts.onRead?.(batch.bytesRead - bytesRead);
        bytesRead = batch.bytesRead;
        if (!opts.spanTransactions) {
          const tx = emptyTx();
          storeChunk(batch, tx);
          committed(tx);
        } else {
          if (pending === null) {
            db.exec('BEGIN IMMEDIATE');
            pending = emptyTx();
          }
          storeChunk(batch, pending);
          if (pending.records < batchSize) continue;
          db.exec('COMMIT');
          committed(pending);
          pending = null;
        }
        await opts.onBatch?.(progress());
        if (opts.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
      if (pending !== null) {
        db.exec('COMMIT');
        committed(pending);
        pending = null;
      }
    } finally {
      // A failure (a bad write, the worker failing) drops what the open transaction holds:
      // none of it was acknowledged, and the checkpoint goes back with it.
      if (pending !== null && db.inTransaction) db.exec('ROLLBACK');
    }
    if (!interrupted) {
      deps.store.transaction(() => files.finish(record.id, now()));
      await opts.onBatch?.(progress());
    }
    return { status: interrupted ? 'interrupted' : 'done', file: files.get(record.id)!, run };
  }

  return { ingestFile, files };
}

export type FileIngest = ReturnType<typeof createFileIngest>;
