// The helper thread of `npm run score` (scripts/lib/score-parallel.ts): scores batches of
// lines with its own scorer and returns them serialised, with the bad lines' reports.

import { parentPort } from 'node:worker_threads';
import { loadScorer } from '../../server/config/load-scorer.ts';
import { scoreBatch, type Batch } from './score-batch.ts';

const scorer = loadScorer(undefined, { lazyLanguages: true });
const port = parentPort;
if (port !== null) {
  port.on('message', (batch: Batch) => {
    const result = scoreBatch(scorer, batch);
    // the output bytes move to the main thread without a copy
    port.postMessage(result, [result.out.buffer as ArrayBuffer]);
  });
  port.postMessage({ ready: true });
}
