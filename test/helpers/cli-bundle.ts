import fs from 'node:fs';
import path from 'node:path';
import { buildServer } from '../../scripts/build-server.ts';
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
 * `npm start`. One file per entry and test process (the pid in its name), removed at exit.
 */
export function cliBundle(entry: string): Promise<string> {
  let p = built.get(entry);
  if (!p) {
    const outfile = path.join(ROOT, 'server', 'dist', `test-${path.basename(entry, '.ts')}-${process.pid}.mjs`);
    process.once('exit', () => {
      for (const f of [outfile, `${outfile}.map`]) fs.rmSync(f, { force: true });
    });
    p = buildServer(outfile, path.join(ROOT, entry));
    built.set(entry, p);
  }
  return p;
}
