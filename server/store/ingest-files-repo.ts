import type { Db } from './database.ts';

/** A file taken in by the inbox or the CLI, identified by the sha256 of its content. */
export interface IngestFile {
  id: number;
  contentHash: string;
  name: string;
  format: string;
  sizeBytes: number;
  origin: string;
  status: 'processing' | 'done';
  recordsDone: number;
  stored: number;
  duplicates: number;
  rejected: number;
  startedAt: number;
  finishedAt: number | null;
}

export interface NewRejection {
  fileId: number | null;
  source: string;
  line: number | null;
  code: string;
  message: string;
  createdAt: number;
}

export interface RejectionRow {
  line: number | null;
  code: string;
  message: string;
}

interface FileRow {
  id: number;
  content_hash: string;
  name: string;
  format: string;
  size_bytes: number;
  origin: string;
  status: 'processing' | 'done';
  records_done: number;
  stored: number;
  duplicates: number;
  rejected: number;
  started_at: number;
  finished_at: number | null;
}

const toFile = (r: FileRow): IngestFile => ({
  id: r.id,
  contentHash: r.content_hash,
  name: r.name,
  format: r.format,
  sizeBytes: r.size_bytes,
  origin: r.origin,
  status: r.status,
  recordsDone: r.records_done,
  stored: r.stored,
  duplicates: r.duplicates,
  rejected: r.rejected,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** ingest_files and ingest_rejections: progress and refusals of file ingestion. */
export function createIngestFilesRepo(db: Db) {
  const byHash = db.prepare('SELECT * FROM ingest_files WHERE content_hash = ?');
  const insertFile = db.prepare(`
    INSERT INTO ingest_files (content_hash, name, format, size_bytes, origin, started_at)
    VALUES (@contentHash, @name, @format, @sizeBytes, @origin, @startedAt)
    ON CONFLICT (content_hash) DO UPDATE SET name = excluded.name
    RETURNING *`);
  const progress = db.prepare(`
    UPDATE ingest_files SET records_done = @recordsDone, stored = stored + @stored,
      duplicates = duplicates + @duplicates, rejected = rejected + @rejected
    WHERE id = @id`);
  const finish = db.prepare(`UPDATE ingest_files SET status = 'done', finished_at = ? WHERE id = ?`);
  // OR IGNORE: the partial unique index keeps file-less rejections (feed items) to one row each.
  const insertRejection = db.prepare(`
    INSERT OR IGNORE INTO ingest_rejections (file_id, source, line, code, message, created_at)
    VALUES (@fileId, @source, @line, @code, @message, @createdAt)`);
  const rejectionsOf = db.prepare('SELECT line, code, message FROM ingest_rejections WHERE file_id = ? ORDER BY id');
  const reasonsOf = db.prepare('SELECT code, COUNT(*) AS n FROM ingest_rejections WHERE file_id = ? GROUP BY code ORDER BY n DESC');
  const byId = db.prepare('SELECT * FROM ingest_files WHERE id = ?');

  return {
    findByHash(contentHash: string): IngestFile | null {
      const row = byHash.get(contentHash) as FileRow | undefined;
      return row ? toFile(row) : null;
    },

    get(id: number): IngestFile | null {
      const row = byId.get(id) as FileRow | undefined;
      return row ? toFile(row) : null;
    },

    /** Registers a file by content hash, or returns the existing row (a re-run resumes it). */
    begin(f: { contentHash: string; name: string; format: string; sizeBytes: number; origin: string; startedAt: number }): IngestFile {
      return toFile(insertFile.get(f) as FileRow);
    },

    /** Call inside the batch's transaction: the checkpoint commits with the statements. */
    recordProgress(id: number, p: { recordsDone: number; stored: number; duplicates: number; rejected: number }): void {
      progress.run({ id, ...p });
    },

    finish(id: number, at: number): void {
      finish.run(at, id);
    },

    addRejection(r: NewRejection): void {
      insertRejection.run(r);
    },

    /** Rejections of one file in the order they were found (iterate: there may be millions). */
    iterateRejections(fileId: number): IterableIterator<RejectionRow> {
      return rejectionsOf.iterate(fileId) as IterableIterator<RejectionRow>;
    },

    rejectionReasons(fileId: number): Record<string, number> {
      const out: Record<string, number> = {};
      for (const r of reasonsOf.all(fileId) as Array<{ code: string; n: number }>) out[r.code] = r.n;
      return out;
    },
  };
}

export type IngestFilesRepo = ReturnType<typeof createIngestFilesRepo>;
