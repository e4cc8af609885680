/**
 * `npm run bench`: runs every scripts/bench/*-bench.ts in turn (score, ingest, export, ...).
 * `npm run bench -- score export` runs only the named parts. Each part prints its own figures
 * and compares against its baseline measured in the same run. Options after the names go to
 * the parts named, for those whose run() reads argv (`npm run bench -- cluster --fanout-only`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const wanted = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
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
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run?: (argv?: string[]) => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
  // Only when given: some parts take other defaults (a row count, an options object).
  await (options.length > 0 ? mod.run(options) : mod.run());
}
