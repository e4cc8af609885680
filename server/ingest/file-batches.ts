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

/** What a chunk knows of the records it covers, whatever it made of the good ones. */
export interface ChunkRecords {
  records: number;
  lines: number[];
  unreadable: FileBatch['unreadable'];
  bytesRead: number;
}

/** Takes the good records of one chunk, one by one, and seals them into a chunk of type B. */
export interface ChunkBuilder<B> {
  /** `index`: the item's position among the chunk's good records (its line is lines[index]). */
  add(item: Record<string, unknown>, index: number): void;
  /** Whether the chunk should end before batchSize records (it holds a lot of text). */
  full(): boolean;
  finish(records: ChunkRecords): B;
}

/**
 * Reads a statement file chunk by chunk (batchSize records, or fewer when the builder is full):
 * the one reading loop of both paths. Records the reader refuses are kept with their lines; the
 * good ones go to a fresh builder per chunk.
 */
export async function* readChunks<B>(src: FileBatchSource, newBuilder: () => ChunkBuilder<B>): AsyncGenerator<B> {
  let bytesRead = 0;
  const reader = readRecords(src.file, src.format, {
    skip: src.skip,
    onRead: (n) => {
      bytesRead += n;
    },
  });
  let builder = newBuilder();
  let chunk: Omit<ChunkRecords, 'bytesRead'> = { records: 0, lines: [], unreadable: [] };
  for await (const r of reader) {
    chunk.records++;
    if (r.ok) {
      builder.add(src.txtSource ? { ...r.item, source: src.txtSource } : r.item, chunk.lines.length);
      chunk.lines.push(r.line);
    } else {
      chunk.unreadable.push({ line: r.line, code: r.code, message: r.message });
    }
    if (chunk.records >= src.batchSize || builder.full()) {
      const done = builder.finish({ ...chunk, bytesRead });
      builder = newBuilder();
      chunk = { records: 0, lines: [], unreadable: [] };
      yield done;
    }
  }
  if (chunk.records > 0) yield builder.finish({ ...chunk, bytesRead });
}

/**
 * Reads a statement file batch by batch and prepares each batch with `prepare`, on this thread.
 * worker-file-batches.ts yields the same batches from a worker thread.
 */
export function readFileBatches(
  src: FileBatchSource,
  prepare: (items: Array<Record<string, unknown>>) => PreparedBatch,
): AsyncGenerator<FileBatch> {
  return readChunks(src, () => {
    const items: Array<Record<string, unknown>> = [];
    return {
      add: (item) => void items.push(item),
      full: () => false,
      finish: (records) => ({ ...records, prepared: prepare(items) }),
    };
  });
}
