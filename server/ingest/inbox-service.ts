import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../config/logger.ts';
import { makePrivateDir } from '../store/file-modes.ts';
import type { FileIngest } from './file-ingest.ts';

/** Names that are still being written or are not ours: dotfiles, editor and download partials. */
const MAX_ATTEMPTS = 3;

const PARTIAL_NAME = /^\.|\.(tmp|part|partial|crdownload|download|swp|lock)$|~$/i;

export interface InboxRunCounts {
  files: number;
  stored: number;
  duplicates: number;
  rejected: number;
  waiting: number;
  failed: number;
}

/**
 * The inbox folder: files dropped there are taken in once they are stable, then moved to
 * done/ (rejections listed in rejected/<file>.errors.jsonl); unsupported files go to rejected/.
 * A file counts as stable when its size and mtime are unchanged since the previous look and it
 * was last modified at least `stableMs` ago, so a half-written file is never read.
 */
export function createInboxService(deps: {
  fileIngest: FileIngest;
  inboxDir: string;
  logger: Logger;
  now?: () => number;
  stableMs?: number;
  onStored?: (count: number) => void;
}) {
  const now = deps.now ?? Date.now;
  const stableMs = deps.stableMs ?? 2000;
  const doneDir = path.join(deps.inboxDir, 'done');
  const rejectedDir = path.join(deps.inboxDir, 'rejected');
  const lastLook = new Map<string, { size: number; mtimeMs: number }>();
  /** Consecutive failed attempts per file name; after MAX_ATTEMPTS the file is set aside. */
  const failures = new Map<string, number>();
  const log = deps.logger.child({ component: 'inbox' });
  // Created 0700 (statements waiting to be read are data like the database); a folder the
  // operator made (e.g. group-writable for an uploader account) keeps its mode.
  try {
    makePrivateDir(deps.inboxDir);
  } catch (err) {
    log.warn({ err, dir: deps.inboxDir }, 'could not create the inbox folder; it is scanned once it exists');
  }

  function listCandidates(): string[] {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(deps.inboxDir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return entries.filter((e) => e.isFile() && !PARTIAL_NAME.test(e.name)).map((e) => e.name).sort();
  }

  /** True when the file has not changed since the last look and is old enough. */
  function isStable(name: string): boolean {
    let st: fs.Stats;
    try {
      st = fs.statSync(path.join(deps.inboxDir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        lastLook.delete(name);
        return false;
      }
      throw err;
    }
    const prev = lastLook.get(name);
    lastLook.set(name, { size: st.size, mtimeMs: st.mtimeMs });
    return prev !== undefined && prev.size === st.size && prev.mtimeMs === st.mtimeMs && now() - st.mtimeMs >= stableMs;
  }

  /** Moves a file into dir without overwriting: a clash gets a timestamp suffix. */
  function moveInto(dir: string, name: string): string {
    makePrivateDir(dir);
    let target = path.join(dir, name);
    if (fs.existsSync(target)) {
      const ext = path.extname(name);
      target = path.join(dir, `${path.basename(name, ext)}.${now()}${ext}`);
    }
    fs.renameSync(path.join(deps.inboxDir, name), target);
    return target;
  }

  /** Writes rejected/<file>.errors.jsonl atomically (temp file, then rename). */
  function writeErrors(name: string, rows: Iterable<{ line: number | null; code: string; message: string }>): string | null {
    makePrivateDir(rejectedDir);
    const target = path.join(rejectedDir, `${name}.errors.jsonl`);
    const tmp = `${target}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    let n = 0;
    try {
      let buf = '';
      for (const r of rows) {
        buf += `${JSON.stringify({ file: name, line: r.line, code: r.code, message: r.message })}\n`;
        n++;
        if (buf.length > 64 * 1024) {
          fs.writeSync(fd, buf);
          buf = '';
        }
      }
      if (buf) fs.writeSync(fd, buf);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (n === 0) {
      fs.rmSync(tmp);
      return null;
    }
    fs.renameSync(tmp, target);
    return target;
  }

  async function processFile(name: string, counts: InboxRunCounts, signal?: AbortSignal): Promise<void> {
    const full = path.join(deps.inboxDir, name);
    const outcome = await deps.fileIngest.ingestFile({ file: full, name, origin: 'inbox', signal });
    if (outcome.status === 'unsupported') {
      writeErrors(name, [{ line: null, code: 'unsupported-format', message: outcome.message }]);
      deps.fileIngest.files.addRejection({ fileId: null, source: name, line: null, code: 'unsupported-format', message: outcome.message, createdAt: now() });
      moveInto(rejectedDir, name);
      counts.rejected++;
      log.warn({ file: name }, 'inbox file of unsupported type moved to rejected/');
      return;
    }
    if (outcome.status === 'already-done') {
      moveInto(doneDir, name);
      log.info({ file: name, fileId: outcome.file.id }, 'inbox file already taken in (same content); moved to done/ without reading');
      return;
    }
    const { file, run } = outcome;
    if (outcome.status === 'interrupted') {
      // Shutting down: what was committed stays, the file stays, and the next start resumes it.
      log.info({ file: name, fileId: file.id, recordsDone: file.recordsDone }, 'inbox file interrupted; will resume');
      counts.stored += run.stored;
      return;
    }
    // 'done' is committed: now the file may move.
    counts.files++;
    counts.stored += run.stored;
    counts.duplicates += run.duplicates;
    counts.rejected += run.rejected;
    if (file.rejected > 0) writeErrors(name, deps.fileIngest.files.iterateRejections(file.id));
    moveInto(doneDir, name);
    if (run.stored > 0) deps.onStored?.(run.stored);
    log.info({ file: name, fileId: file.id, ...run }, 'inbox file taken in');
  }

  /** A file that keeps failing (unreadable, a broken disk) goes to rejected/ with the reason. */
  function setAside(name: string, err: unknown): void {
    const message = `could not be read after ${MAX_ATTEMPTS} attempts: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
    log.error({ err, file: name }, 'inbox file set aside in rejected/');
    try {
      writeErrors(name, [{ line: null, code: 'read-error', message }]);
      deps.fileIngest.files.addRejection({ fileId: null, source: name, line: null, code: 'read-error', message, createdAt: now() });
      moveInto(rejectedDir, name);
    } catch (moveErr) {
      log.error({ err: moveErr, file: name }, 'could not set the inbox file aside');
    }
  }

  return {
    doneDir,
    rejectedDir,
    /**
     * One look at the inbox: processes every stable file, oldest name first. An aborted signal
     * (shutdown) stops after the current batch of the current file.
     */
    async runOnce(signal?: AbortSignal): Promise<InboxRunCounts> {
      const counts: InboxRunCounts = { files: 0, stored: 0, duplicates: 0, rejected: 0, waiting: 0, failed: 0 };
      const names = listCandidates();
      for (const seen of lastLook.keys()) if (!names.includes(seen)) lastLook.delete(seen);
      for (const name of names) {
        if (signal?.aborted) break;
        if (!isStable(name)) {
          counts.waiting++;
          continue;
        }
        try {
          await processFile(name, counts, signal);
          failures.delete(name);
        } catch (err) {
          // The file stays where it is; committed batches are kept and the next run resumes it.
          counts.failed++;
          const attempts = (failures.get(name) ?? 0) + 1;
          failures.set(name, attempts);
          if (attempts < MAX_ATTEMPTS) {
            log.error({ err, file: name, attempts }, 'inbox file failed; will retry');
          } else {
            failures.delete(name);
            setAside(name, err);
          }
        }
        lastLook.delete(name);
      }
      return counts;
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
