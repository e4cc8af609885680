/** `npm run build` (and `npm start`): the dashboard bundle and the server bundle. */
import { buildClient } from './build-client.ts';
import { buildServer } from './build-server.ts';

const started = performance.now();
await Promise.all([buildClient(), buildServer()]);
process.stdout.write(`built dashboard and server in ${Math.round(performance.now() - started)} ms\n`);
