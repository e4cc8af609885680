import path from 'node:path';
import { nodeBundleBuilt } from './build-cache.ts';
import { ROOT } from './spawn-server.ts';

const built = new Map<string, Promise<string>>();

/**
 * A command-line entry (`scripts/export.ts`, `server/main.ts`, ...) bundled to plain JavaScript
 * the way `npm start` bundles the server, for tests that spawn it. A `node --import tsx` child
 * spends about 2 s of CPU compiling TypeScript before it does anything; the bundle starts in
 * about a quarter of that. The code is the same source, only not compiled in every child.
 *
 * The bundle sits in server/dist beside the server's own, so paths that the code resolves
 * relative to its module (the lexicon, the language detector's data) resolve as they do for
 * `npm start`. One file per entry, shared by the test files and rebuilt when a source of it
 * changes (test/helpers/build-cache.ts).
 */
export function cliBundle(entry: string): Promise<string> {
  let p = built.get(entry);
  if (!p) {
    const outfile = path.join(ROOT, 'server', 'dist', `test-${path.basename(entry, '.ts')}.mjs`);
    p = nodeBundleBuilt(outfile, path.join(ROOT, entry));
    built.set(entry, p);
  }
  return p;
}
