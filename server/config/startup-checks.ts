import fs from 'node:fs';
import path from 'node:path';

/**
 * Checks made before anything is opened, so that a data folder the server cannot write stops
 * the start with one clear line instead of a server that says "ok" and answers every write
 * with a 500. A probe file is really created, written, synced and removed: permission bits
 * alone say nothing for root, a read-only mount or an immutable (chattr +i) folder.
 */

export type StartupCheck = { ok: true } | { ok: false; message: string };

const describe = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted (immutable, or not allowed)',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a file is in the way of the folder',
    EEXIST: 'a file is in the way of the folder',
    EISDIR: 'it is a folder',
  };
  return `${e.code ?? 'error'}: ${(e.code && reason[e.code]) ?? e.message}`;
};

/** The data folder exists (or can be made), takes a new file, and the database files in it open for writing. */
export function checkDataDir(dataDir: string, databaseFile: string): StartupCheck {
  const fix = 'make it writable for the user running Brinkwatch (permissions, a read-write mount, chattr -i), or set BRINKWATCH_DATA_DIR to a writable folder';
  try {
    const st = fs.statSync(dataDir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return { ok: false, message: `the data folder ${dataDir} is a file, not a folder: move the file away or set BRINKWATCH_DATA_DIR to a folder` };
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    return { ok: false, message: `the data folder ${dataDir} cannot be created (${describe(err)}): create it, ${fix}` };
  }
  const probe = path.join(dataDir, `.brinkwatch-write-check-${process.pid}`);
  try {
    const fd = fs.openSync(probe, 'wx', 0o600);
    try {
      fs.writeSync(fd, 'ok\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.unlinkSync(probe);
  } catch (err) {
    fs.rmSync(probe, { force: true });
    return { ok: false, message: `the data folder ${dataDir} is not writable (${describe(err)}): ${fix}` };
  }
  // SQLite writes the database file and, in WAL mode, its -wal and -shm companions.
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`]) {
    try {
      fs.closeSync(fs.openSync(file, 'r+'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { ok: false, message: `the database file ${file} cannot be written (${describe(err)}): make it writable for the user running Brinkwatch, or move it away` };
    }
  }
  return { ok: true };
}

export { describe as describeFsError };
