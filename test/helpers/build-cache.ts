/**
 * Bundles the test files share: the dashboard (client/dist) and the server bundles in server/dist
 * are built once for a whole `npm test`, not once in every test file (each build is 0.3-0.5 s of
 * esbuild CPU, and some 25 files asked for one). A build is reused while it is fresh: a stamp file
 * beside it lists the source files esbuild read (its metafile), and the build is fresh when the
 * stamp exists, every output exists and no source (nor the build script) is newer than the time
 * the build started (the stamp's mtime).
 *
 * Test files run two at a time: a build happens under a lock (a directory made atomically, with
 * the builder's pid inside; a lock whose process is gone is taken over), and whoever waits for
 * it reuses its result. Outputs are complete before the stamp is written, and the stamp is
 * written beside its place and renamed, so a fresh stamp always means whole outputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClient, clientOutputs } from '../../scripts/build-client.ts';
import { buildServerBundle } from '../../scripts/build-server.ts';
import { ELD_JSON } from '../../server/ingest/language-detector.ts';

interface Build {
  /** The stamp file (JSON: the inputs), written last. */
  stamp: string;
  /** Files the build writes; missing ones make it stale. */
  outputs: string[];
  /** Inputs that esbuild does not see: the build scripts themselves. */
  alsoDependsOn: string[];
  /** Runs the build; resolves to the source files it read (absolute paths). */
  run: () => Promise<string[]>;
}

const mtime = (file: string): number => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

function fresh(b: Build): boolean {
  // The stamp carries the time its build started (outputs are written later, and one, the
  // language database, is only rewritten when its content changes): sources must not be newer.
  const built = mtime(b.stamp);
  if (built < 0 || b.outputs.some((f) => mtime(f) < 0)) return false;
  let inputs: string[];
  try {
    inputs = JSON.parse(fs.readFileSync(b.stamp, 'utf8')) as string[];
  } catch {
    return false;
  }
  return [...inputs, ...b.alsoDependsOn].every((f) => {
    const t = mtime(f);
    return t >= 0 && t <= built;
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (true) or says another live process holds it (false). */
function tryLock(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let holder = 0;
  try {
    holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // No pid yet: its holder is between the two steps above, or died between them.
    if (Date.now() - mtime(lock) < 10_000) return false;
  }
  // A holder that is gone left the lock behind: take it over.
  if (!(holder > 0 && alive(holder))) {
    fs.rmSync(lock, { recursive: true, force: true });
    return tryLock(lock);
  }
  return false;
}

/** Resolves when `b`'s outputs are fresh, building them (once across concurrent test files) when not. */
export async function ensureBuilt(b: Build, timeoutMs = 120_000): Promise<void> {
  const lock = `${b.stamp}.lock`;
  const deadline = Date.now() + timeoutMs;
  fs.mkdirSync(path.dirname(b.stamp), { recursive: true });
  for (;;) {
    if (fresh(b)) return;
    if (tryLock(lock)) break;
    if (Date.now() > deadline) throw new Error(`${lock}: held by another process for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    if (fresh(b)) return; // built by the holder we waited for
    const startedAt = Date.now();
    const inputs = await b.run();
    const tmp = `${b.stamp}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(inputs));
    // A source saved while the build ran is newer than its start: the stamp says the start, so
    // the next run rebuilds rather than serve a bundle made from the older text.
    fs.utimesSync(tmp, new Date(startedAt), new Date(startedAt));
    fs.renameSync(tmp, b.stamp);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = (name: string) => path.join(ROOT, 'scripts', name);

/** The dashboard in client/dist as `npm start` serves it, built when stale. */
export function dashboardBuilt(): Promise<void> {
  const outDir = path.join(ROOT, 'client', 'dist');
  return ensureBuilt({
    stamp: path.join(outDir, '.build-inputs.json'),
    outputs: clientOutputs(outDir),
    alsoDependsOn: [script('build-client.ts')],
    run: () => buildClient(outDir),
  });
}

/** `entry` bundled into `outfile` as scripts/build-server.ts bundles the server, built when stale; resolves to `outfile`. */
export async function nodeBundleBuilt(outfile: string, entry: string): Promise<string> {
  await ensureBuilt({
    stamp: `${outfile}.inputs.json`,
    outputs: [outfile, `${outfile}.map`, path.join(path.dirname(outfile), ELD_JSON)],
    // The eld version decides the language database written beside the bundle.
    alsoDependsOn: [script('build-server.ts'), script('lib/node-bundle.mjs'), fileURLToPath(new URL('../../package.json', import.meta.resolve('eld')))],
    run: () => buildServerBundle(outfile, entry),
  });
  return outfile;
}
