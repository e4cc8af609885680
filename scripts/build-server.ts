/**
 * Bundles server/main.ts into server/dist/brinkwatch.mjs (npm packages stay external) so that
 * `npm start` runs plain JavaScript: no TypeScript loader in the long-running process, which
 * saves about 35 MB of resident memory and some start-up time. Sources stay the truth: tests and
 * CLIs run them directly with tsx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ELD_JSON, eldDatabaseJson } from '../server/ingest/language-detector.ts';
import { NODE_BUNDLE_OPTIONS } from './lib/node-bundle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = path.join(ROOT, 'server', 'dist', 'brinkwatch.mjs');
/** `npm run ingest` runs this bundle of scripts/ingest.ts; its prepare worker is bundled beside it. */
export const INGEST_BUNDLE = path.join(ROOT, 'server', 'dist', 'ingest.mjs');
const PREPARE_WORKER_BUNDLE = path.join(ROOT, 'server', 'dist', 'prepare-worker.mjs');

/** Bundles `entry` (server/main.ts by default) the way `npm start` runs it. */
export async function buildServer(outfile = SERVER_BUNDLE, entry = path.join(ROOT, 'server', 'main.ts')): Promise<string> {
  await buildServerBundle(outfile, entry);
  return outfile;
}

/**
 * buildServer, resolving to every source file the bundle was made from (absolute paths). Each
 * output is written beside its place and renamed, so a process started meanwhile reads whole files.
 */
export async function buildServerBundle(outfile: string, entry: string): Promise<string[]> {
  const result = await build({ ...NODE_BUNDLE_OPTIONS, absWorkingDir: ROOT, entryPoints: [entry], outfile, metafile: true, write: false });
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = (file: string) => `${file}.${process.pid}.tmp`;
  for (const f of result.outputFiles) fs.writeFileSync(tmp(f.path), f.contents);
  for (const f of result.outputFiles) fs.renameSync(tmp(f.path), f.path);
  // The language detector's database as JSON beside the bundle (server/ingest/language-detector.ts:
  // ~55 MB less RSS per thread that loads it than eld's JavaScript module).
  const json = path.join(path.dirname(outfile), ELD_JSON);
  const content = await eldDatabaseJson();
  if (!fs.existsSync(json) || fs.readFileSync(json, 'utf8') !== content) {
    fs.writeFileSync(tmp(json), content);
    fs.renameSync(tmp(json), json);
  }
  return Object.keys(result.metafile.inputs).map((input) => path.join(ROOT, input));
}

/**
 * The backfill CLI as `npm run ingest` runs it: plain JavaScript like the server (a million-line
 * backfill has a 200 MB memory budget, and tsx costs ~35 MB in each of its two threads), with
 * the prepare worker (server/ingest/prepare-worker.ts) as a second entry beside it.
 */
export async function buildIngestCli(): Promise<string> {
  await Promise.all([
    buildServer(INGEST_BUNDLE, path.join(ROOT, 'scripts', 'ingest.ts')),
    buildServer(PREPARE_WORKER_BUNDLE, path.join(ROOT, 'server', 'ingest', 'prepare-worker.ts')),
  ]);
  return INGEST_BUNDLE;
}
