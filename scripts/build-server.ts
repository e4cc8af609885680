/**
 * Bundles server/main.ts into server/dist/brinkwatch.mjs (npm packages stay external) so that
 * `npm start` runs plain JavaScript: no TypeScript loader in the long-running process, which
 * saves about 35 MB of resident memory and some start-up time. Sources stay the truth: tests and
 * CLIs run them directly with tsx.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = path.join(ROOT, 'server', 'dist', 'brinkwatch.mjs');

/** Bundles `entry` (server/main.ts by default) the way `npm start` runs it. */
export async function buildServer(outfile = SERVER_BUNDLE, entry = path.join(ROOT, 'server', 'main.ts')): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}
