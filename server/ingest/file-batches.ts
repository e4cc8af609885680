import type { PreparedBatch } from './prepare-batch.ts';
import { readRecords, type FileFormat } from './record-readers.ts';

/** One batch of a statement file, read and prepared (validated, scored), ready to store. */
export interface FileBatch {
  /** Records (good and bad) this batch covers: the checkpoint moves by this much. */
  records: number;
  /** The line of each item handed to prepare, by its index in the prepared batch. */
  lines: number[];
  /** Records the reader could not read (bad JSON, encoding, CSV), with their lines. */
  unreadable: Array<{ line: number; code: string; message: string }>;
  prepared: PreparedBatch;
  /** Bytes of the file read so far (ahead of commits by up to a read buffer): for progress bars. */
  bytesRead: number;
}

export interface FileBatchSource {
  file: string;
  format: FileFormat;
  /** Records committed by earlier runs, passed over without being parsed. */
  skip: number;
  batchSize: number;
  /** For .txt files: the file name, stored as each statement's source. */
  txtSource?: string;
}

/**
 * Reads a statement file batch by batch and prepares each batch with `prepare`, on this thread.
 * worker-file-batches.ts yields the same batches from a worker thread.
 */
export async function* readFileBatches(
  src: FileBatchSource,
  prepare: (items: Array<Record<string, unknown>>) => PreparedBatch,
): AsyncGenerator<FileBatch> {
  let bytesRead = 0;
  let records = 0;
  let items: Array<Record<string, unknown>> = [];
  let lines: number[] = [];
  let unreadable: FileBatch['unreadable'] = [];
  const flush = (): FileBatch => {
    const batch = { records, lines, unreadable, prepared: prepare(items), bytesRead };
    records = 0;
    items = [];
    lines = [];
    unreadable = [];
    return batch;
  };
  const reader = readRecords(src.file, src.format, {
    skip: src.skip,
    onRead: (n) => {
      bytesRead += n;
    },
  });
  for await (const r of reader) {
    records++;
    if (r.ok) {
      items.push(src.txtSource ? { ...r.item, source: src.txtSource } : r.item);
      lines.push(r.line);
    } else {
      unreadable.push({ line: r.line, code: r.code, message: r.message });
    }
    if (records >= src.batchSize) yield flush();
  }
  if (records > 0) yield flush();
}
