/** Bundles the dashboard into client/dist: its JS entries and static assets (no inline scripts, so helmet's CSP holds). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Each entry under client/src and the file it becomes. */
const ENTRIES: Array<{ entry: string; out: string; format: 'esm' | 'iife' }> = [
  { entry: 'main.ts', out: 'app.js', format: 'esm' }, // the dashboard
  // The theme applies before the first paint: a tiny blocking script (see theme-boot.ts).
  { entry: 'theme-boot.ts', out: 'theme-boot.js', format: 'iife' },
  { entry: 'signin.ts', out: 'signin.js', format: 'esm' }, // the sign-in page's own small module
  // The drill-down pages (/actor/NAME, /dyad/A/B, /category/NAME, /alert/ID).
  { entry: 'drill-main.ts', out: 'drill.js', format: 'esm' },
];
const STATIC = ['drill.html', 'index.html', 'signin.html', 'src/styles.css', 'favicon.svg'];

/** The files buildClient writes into `outDir`. */
export function clientOutputs(outDir = path.join(ROOT, 'client', 'dist')): string[] {
  return [...ENTRIES.map((e) => path.join(outDir, e.out)), ...STATIC.map((f) => path.join(outDir, path.basename(f)))];
}

/** Builds the dashboard into `outDir`; resolves to every source file it was made from (absolute paths). */
export async function buildClient(outDir = path.join(ROOT, 'client', 'dist')): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const inputs = new Set<string>();
  for (const { entry, out, format } of ENTRIES) {
    const module = format === 'esm';
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [path.join(ROOT, 'client', 'src', entry)],
      outfile: path.join(outDir, out),
      bundle: true,
      format,
      minify: true,
      sourcemap: module,
      target: ['es2022'],
      logLevel: 'warning',
      metafile: true,
      ...(module ? { legalComments: 'linked' as const } : {}),
    });
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(path.join(ROOT, input));
  }
  for (const file of STATIC) {
    fs.copyFileSync(path.join(ROOT, 'client', file), path.join(outDir, path.basename(file)));
    inputs.add(path.join(ROOT, 'client', file));
  }
  return [...inputs];
}
