/** Bundles the dashboard into client/dist: one JS file and static assets (no inline scripts, so helmet's CSP holds). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildClient(outDir = path.join(ROOT, 'client', 'dist')): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'client', 'src', 'main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    target: ['es2022'],
    logLevel: 'warning',
    legalComments: 'linked',
  });
  // The theme applies before the first paint: a tiny blocking script (see theme-boot.ts).
  await build({
    entryPoints: [path.join(ROOT, 'client', 'src', 'theme-boot.ts')],
    outfile: path.join(outDir, 'theme-boot.js'),
    bundle: true,
    format: 'iife',
    minify: true,
    target: ['es2022'],
    logLevel: 'warning',
  });
  // The sign-in page's own small module (no inline scripts).
  await build({
    entryPoints: [path.join(ROOT, 'client', 'src', 'signin.ts')],
    outfile: path.join(outDir, 'signin.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    target: ['es2022'],
    logLevel: 'warning',
  });
  // The drill-down pages (/actor/NAME, /dyad/A/B, /category/NAME, /alert/ID): their own entry.
  await build({
    entryPoints: [path.join(ROOT, 'client', 'src', 'drill-main.ts')],
    outfile: path.join(outDir, 'drill.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    target: ['es2022'],
    logLevel: 'warning',
    legalComments: 'linked',
  });
  fs.copyFileSync(path.join(ROOT, 'client', 'drill.html'), path.join(outDir, 'drill.html'));
  fs.copyFileSync(path.join(ROOT, 'client', 'index.html'), path.join(outDir, 'index.html'));
  fs.copyFileSync(path.join(ROOT, 'client', 'signin.html'), path.join(outDir, 'signin.html'));
  fs.copyFileSync(path.join(ROOT, 'client', 'src', 'styles.css'), path.join(outDir, 'styles.css'));
  fs.copyFileSync(path.join(ROOT, 'client', 'favicon.svg'), path.join(outDir, 'favicon.svg'));
}
