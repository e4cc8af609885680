// The AFINN-165 baseline of the score benchmark: the `sentiment` package behind the same
// JSON-lines contract as `npm run score` (same reading loop, bad-line handling and exit codes,
// scripts/lib/jsonl-filter.ts). Writes {"id", "score", "comparative"} per statement, where
// score is AFINN's summed valence (negative = hostile) and comparative that sum per word.
// Run: node --import tsx scripts/bench/afinn-cli.ts < statements.jsonl > out.jsonl

import { createRequire } from 'node:module';
import { runJsonlFilter } from '../lib/jsonl-filter.ts';

interface Sentiment {
  analyze(text: string): { score: number; comparative: number };
}
const SentimentCtor = createRequire(import.meta.url)('sentiment') as new () => Sentiment;
const afinn = new SentimentCtor();

runJsonlFilter('afinn', ({ id, text }) => {
  const r = afinn.analyze(text);
  return JSON.stringify({ id, score: r.score, comparative: r.comparative });
});
