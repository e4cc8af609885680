import fs from 'node:fs';

/** Longest line we hold in memory; a longer one is reported (and skipped), never buffered whole. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface RawLine {
  /** 1-based line number. */
  line: number;
  /** The line without its terminator (\n or \r\n); empty when `tooLong`. */
  bytes: Buffer;
  tooLong: boolean;
}

/**
 * Bytes read from a statement file at a time. Under glibc's initial mmap threshold (128 KB):
 * each read makes a new buffer, and freeing a larger one, mmapped, makes glibc raise its
 * threshold so that later large allocations come from the heap arenas, which keep what is
 * freed. Other large blocks (V8's compiler) do the same, so `npm run ingest` also fixes the
 * threshold (MALLOC_MMAP_THRESHOLD_): with both, a 1,000,000-line backfill peaked at 157-191 MB
 * in 6 runs, against 195-232 MB in 4 runs before; 64 KB reads alone gave 192-197 MB (3 runs).
 */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Streams a file as lines of raw bytes (decoding is the caller's business, so invalid UTF-8
 * on one line is reported for that line only). Memory stays bounded by MAX_LINE_BYTES.
 */
export async function* readLines(
  file: string,
  opts: { maxLineBytes?: number; highWaterMark?: number; onRead?: (bytes: number) => void } = {},
): AsyncGenerator<RawLine> {
  const max = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const stream = fs.createReadStream(file, { highWaterMark: opts.highWaterMark ?? READ_CHUNK_BYTES });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let line = 0;

  const take = (tail: Buffer): RawLine => {
    line++;
    let bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const out = { line, bytes: tooLong ? Buffer.alloc(0) : bytes, tooLong };
    tooLong = false;
    return out;
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      opts.onRead?.(chunk.length);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1) break;
        const part = chunk.subarray(start, nl);
        if (!tooLong && pendingBytes + part.length > max) tooLong = true;
        yield take(tooLong ? Buffer.alloc(0) : part);
        start = nl + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        if (!tooLong && pendingBytes + rest.length > max) tooLong = true;
        if (tooLong) {
          pending = [];
          pendingBytes = 0;
        } else {
          // Copy: the stream may reuse its buffer.
          pending.push(Buffer.from(rest));
          pendingBytes += rest.length;
        }
      }
    }
    if (pendingBytes > 0 || tooLong) yield take(Buffer.alloc(0));
  } finally {
    stream.destroy();
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes strict UTF-8 (a leading BOM is dropped); null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}
