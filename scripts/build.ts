/**
 * `npm run build` (and `npm start`, `npm run ingest`): the dashboard bundle, the server bundle
 * and the ingest CLI bundle. Reports on stderr: stdout of `npm run ingest -- --json` is the summary.
 */
import { buildClient } from './build-client.ts';
import { buildIngestCli, buildServer } from './build-server.ts';

const started = performance.now();
await Promise.all([buildClient(), buildServer(), buildIngestCli()]);
process.stderr.write(`built dashboard, server and ingest CLI in ${Math.round(performance.now() - started)} ms\n`);
