import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * The repository root (the folder with Brinkwatch's package.json), found by walking up from
 * this module. The same answer whether the server runs from sources (tsx) or from the bundle
 * that `npm start` builds into server/dist, so data/ and migrations are found either way.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'brinkwatch') return (cached = dir);
      } catch {
        // An unreadable package.json is not ours: keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the Brinkwatch project root (package.json named "brinkwatch")');
    dir = parent;
  }
}
