import fs from 'node:fs';
import path from 'node:path';
import { csvRecord, UTF8_BOM } from '../shared/csv-format.ts';
import { HISTORY_HEADER } from './history-rows.ts';
import { STATEMENTS_HEADER } from './statement-rows.ts';

/**
 * The CLI export writes `FILE.partial-<pid>` and renames it to FILE once complete, so FILE
 * never holds half an export. A run stopped by a signal removes its partial file itself; one
 * killed outright (SIGKILL, a crash, power loss) cannot, so the next run removes those.
 */

const PARTIAL = /\.partial-(\d{1,10})$/;
const HEADERS = [HISTORY_HEADER, STATEMENTS_HEADER].map((h) => csvRecord(h));

export function partialFileName(outFile: string, pid = process.pid): string {
  return `${outFile}.partial-${pid}`;
}

/** Whether a process with this id is running (EPERM: it is, under another account). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the file is empty or starts with an export header (with or without a BOM): one of ours. */
function looksLikeOurs(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n === 0) return true;
    const text = head.subarray(0, n).toString('utf8').replace(new RegExp(`^${UTF8_BOM}`), '');
    return HEADERS.some((h) => text.startsWith(h) || h.startsWith(text));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes the `*.partial-<pid>` files in the output file's folder whose process is gone and
 * whose content is an export's beginning (or nothing): another program's file of that name, or
 * one of a running export, is left alone. Returns the names removed.
 */
export function removeStalePartials(outFile: string): string[] {
  const dir = path.dirname(outFile);
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return removed;
    throw err;
  }
  for (const name of names) {
    const m = PARTIAL.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const file = path.join(dir, name);
    try {
      if (!fs.statSync(file).isFile() || !looksLikeOurs(file)) continue;
      fs.rmSync(file, { force: true });
      removed.push(name);
    } catch (err) {
      // Gone meanwhile (another run cleaned it) is fine; anything else is reported by the caller.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}
