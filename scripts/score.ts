// npm run --silent score [-- --threads N] < statements.jsonl > scores.jsonl
//
// Reads JSON lines {"id", "text", "speaker"?} on stdin and writes one JSON line per statement:
// {"id", "score", "level", "signals", "actors", "version"}, in input order. Streams with
// backpressure, so memory stays flat however many lines come in. One thread by default;
// `--threads 2` adds a helper thread with its own scorer (scripts/lib/score-parallel.ts), which
// helps a large input on a machine with a spare core (the output is the same).
// `npm run score` runs this file bundled into plain JavaScript (scripts/run-bundled.mjs).
//
// A bad line (invalid JSON, not an object, missing or non-string "text", non-string "speaker",
// longer than 4 MB) is reported on stderr with its line number and skipped; blank lines are
// ignored. Exit codes: 0 = every non-blank line scored, or some lines were bad but the rest
// were scored (the bad ones are on stderr); 2 = there was input but no line could be scored,
// or the arguments were wrong; 1 = I/O failure (stdin or stdout error). If the reader of stdout
// goes away (EPIPE, e.g. `| head`), the CLI stops quietly with 0.

import { parseArgs } from 'node:util';
import { loadScorer } from '../server/config/load-scorer.ts';
import { runScoreCli } from './lib/score-parallel.ts';

const MAX_THREADS = 2;

/** The --threads value, or an error message. */
function parseThreads(): number | string {
  let raw: string;
  try {
    raw = parseArgs({ options: { threads: { type: 'string' } }, strict: true }).values.threads ?? '1';
  } catch (err) {
    return (err as Error).message;
  }
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  return n >= 1 && n <= MAX_THREADS ? n : `--threads must be 1 or ${MAX_THREADS}, got ${JSON.stringify(raw)}`;
}

const threads = parseThreads();
if (typeof threads === 'string') {
  process.stderr.write(`score: ${threads}\nusage: npm run --silent score [-- --threads 1|2] < in.jsonl > out.jsonl\n`);
  process.exit(2);
}
// the other languages' lexicons are compiled when a statement (or speaker name) needs them
runScoreCli(loadScorer(undefined, { lazyLanguages: true }), { threads });
