// The esbuild options of every Node bundle in server/dist/ (the server, the ingest CLI,
// scripts/run-bundled.mjs's CLIs): one ES module for Node 20, npm packages left external,
// with a source map. Plain JavaScript so that run-bundled.mjs can use it before anything can
// compile TypeScript; its types are in node-bundle.d.mts.

/** @type {import('esbuild').BuildOptions} */
export const NODE_BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ['node20'],
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
