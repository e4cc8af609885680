import fs from 'node:fs';
import path from 'node:path';

/**
 * File modes of what Brinkwatch keeps on disk: the data folder and inbox folders 0700, the
 * database with its -wal/-shm/-journal and the API token 0600. Statement text, alert rules with
 * webhook URLs and the token must not be readable by other accounts on the machine.
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

const ownedByUs = (st: fs.Stats) => typeof process.getuid !== 'function' || process.getuid() === 0 || process.getuid() === st.uid;

/**
 * Removes the permission bits beyond `mode` from an existing path we own; returns whether it
 * changed anything. A path of another account is left alone (chmod would fail; its owner
 * decided), as is a missing one.
 */
export function tightenMode(p: string, mode: number): boolean {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if ((st.mode & 0o777 & ~mode) === 0 || !ownedByUs(st)) return false;
  fs.chmodSync(p, st.mode & 0o777 & mode);
  return true;
}

/** Creates a folder (and missing parents) as 0700; an existing folder is left as it is. */
export function makePrivateDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  fs.chmodSync(dir, PRIVATE_DIR); // mkdir's mode passes through the umask
}

/**
 * What Brinkwatch itself puts in its data folder (the default ./data of a checkout also holds the
 * shipped demo statements and lexicon); a folder holding only these is ours to tighten.
 */
const OWN_ENTRY = /^(brinkwatch\.db(-wal|-shm|-journal)?|api-token|feeds\.json|inbox|exports?|backups?|demo|lexicon|gazetteer)$/;

export type DataDirMode = { state: 'private' | 'created' | 'tightened' } | { state: 'left-open'; mode: string; reason: string };

/**
 * The data folder, 0700: created so, or tightened when it holds nothing but Brinkwatch's own
 * files (an older version created it 0755). A folder that also holds other things (BRINKWATCH_DATA_DIR
 * pointed at a shared place), is sticky (/tmp) or belongs to another account is left as it is and
 * reported, so the caller can warn: the database and token inside stay 0600 either way.
 */
export function secureDataDir(dir: string): DataDirMode {
  if (!fs.existsSync(dir)) {
    makePrivateDir(dir);
    return { state: 'created' };
  }
  const st = fs.statSync(dir);
  if ((st.mode & 0o077) === 0) return { state: 'private' };
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  if (st.mode & 0o1000) return { state: 'left-open', mode, reason: 'it is a sticky shared folder' };
  if (!ownedByUs(st)) return { state: 'left-open', mode, reason: 'it belongs to another account' };
  const foreign = fs.readdirSync(dir).filter((name) => !OWN_ENTRY.test(name) && !name.startsWith('brinkwatch.db.'));
  if (foreign.length > 0) return { state: 'left-open', mode, reason: `it holds other files too (${foreign.slice(0, 3).join(', ')})` };
  tightenMode(dir, PRIVATE_DIR);
  return { state: 'tightened' };
}

/**
 * The database file and SQLite's companions as 0600. Called before SQLite opens the file (so it
 * is created 0600: SQLite gives -wal and -shm the database's mode) and again after, for companions
 * left by an older version.
 */
export function secureDatabaseFiles(file: string, phase: 'before-open' | 'after-open'): void {
  if (phase === 'before-open') {
    makePrivateDir(path.dirname(file));
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
  }
  for (const p of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) tightenMode(p, PRIVATE_FILE);
}
