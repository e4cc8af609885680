/**
 * `npm run bench`: runs every scripts/bench/*-bench.ts in turn (score, ingest, export, ...).
 * `npm run bench -- score export` runs only the named parts. Each part prints its own figures
 * and compares against its baseline measured in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = process.argv.slice(2);
const parts = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('-bench.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/-bench\.ts$/, '')));

if (parts.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(', ')}; available: ${fs.readdirSync(dir).join(', ')}\n`);
  process.exit(2);
}
for (const file of parts) {
  process.stdout.write(`\n=== ${file.replace(/-bench\.ts$/, '')} benchmark ===\n`);
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
  await mod.run();
}
