// Runs a command-line script as plain JavaScript: `node scripts/run-bundled.mjs NAME [args...]`
// (`npm run score` is `run-bundled.mjs score`). The script's TypeScript is bundled with esbuild
// into server/dist/NAME.mjs (npm packages stay external, like `npm start`'s bundle) and the
// bundle is imported. It is rebuilt only when it is missing, or when one of its source files
// (listed in the esbuild metafile beside it), this file or the bundle options
// (lib/node-bundle.mjs) is newer. So the CLI starts without a TypeScript loader: ~0.5 s of CPU
// less per run than `node --import tsx`. Plain JavaScript because it is what runs before
// anything can compile TypeScript.

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NODE_BUNDLE_OPTIONS } from './lib/node-bundle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// beside the server's bundle: paths the sources resolve from import.meta.url (data/lexicon/,
// two folders up from server/config/) resolve the same from here
const OUT_DIR = path.join(ROOT, 'server', 'dist');

/** Each CLI: its entry points (output name -> source); the first is the one run. */
const CLIS = {
  // the score CLI's helper thread (--threads 2) is bundled beside it (scripts/lib/score-parallel.ts)
  score: { score: 'scripts/score.ts', 'score-worker': 'scripts/lib/score-worker.ts' },
  // the AFINN-165 baseline of `npm run bench -- score`, run the same way
  'afinn-cli': { 'afinn-cli': 'scripts/bench/afinn-cli.ts' },
};

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/** True when every output exists and is newer than every input of the last build and this file. */
function fresh(name, entries) {
  const metaFile = path.join(OUT_DIR, `${name}.meta.json`);
  let inputs;
  try {
    inputs = Object.keys(JSON.parse(readFileSync(metaFile, 'utf8')).inputs);
  } catch {
    return false;
  }
  const built = Math.min(mtime(metaFile), ...Object.keys(entries).map((out) => mtime(path.join(OUT_DIR, `${out}.mjs`))));
  if (built < 0) return false;
  return [fileURLToPath(import.meta.url), fileURLToPath(new URL('./lib/node-bundle.mjs', import.meta.url)), ...inputs.map((i) => path.join(ROOT, i))].every((f) => {
    const t = mtime(f);
    return t >= 0 && t <= built;
  });
}

async function build(name, entries) {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: ROOT,
    ...NODE_BUNDLE_OPTIONS,
    entryPoints: Object.entries(entries).map(([out, src]) => ({ in: src, out })),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    write: false,
  });
  mkdirSync(OUT_DIR, { recursive: true });
  // each file written beside its place and renamed: a run started meanwhile reads whole files
  const tmp = (file) => `${file}.${process.pid}.tmp`;
  for (const f of result.outputFiles) writeFileSync(tmp(f.path), f.contents);
  for (const f of result.outputFiles) renameSync(tmp(f.path), f.path);
  const metaFile = path.join(OUT_DIR, `${name}.meta.json`);
  writeFileSync(tmp(metaFile), JSON.stringify(result.metafile));
  renameSync(tmp(metaFile), metaFile); // last: it marks the build complete
}

const name = process.argv[2];
const entries = Object.hasOwn(CLIS, name ?? '') ? CLIS[name] : undefined;
if (entries === undefined) {
  process.stderr.write(`run-bundled: unknown CLI ${JSON.stringify(name)} (known: ${Object.keys(CLIS).join(', ')})\n`);
  process.exit(2);
}
if (!fresh(name, entries)) await build(name, entries);
// the bundled script reads its own arguments from process.argv.slice(2)
process.argv.splice(2, 1);
await import(pathToFileURL(path.join(OUT_DIR, `${Object.keys(entries)[0]}.mjs`)).href);
