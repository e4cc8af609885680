// npm run --silent score < statements.jsonl > scores.jsonl
//
// Reads JSON lines {"id", "text", "speaker"?} on stdin and writes one JSON line per statement:
// {"id", "score", "level", "signals", "actors", "version"}, in input order. Streams with
// backpressure, so memory stays flat however many lines come in; a large input is scored on
// two threads (scripts/lib/score-parallel.ts: the main thread and one helper).
//
// A bad line (invalid JSON, not an object, missing or non-string "text", non-string "speaker",
// longer than 4 MB) is reported on stderr with its line number and skipped; blank lines are
// ignored. Exit codes: 0 = every non-blank line scored, or some lines were bad but the rest
// were scored (the bad ones are on stderr); 2 = there was input but no line could be scored;
// 1 = I/O failure (stdin or stdout error). If the reader of stdout goes away (EPIPE, e.g.
// `| head`), the CLI stops quietly with 0.

import { loadScorer } from '../server/config/load-scorer.ts';
import { runScoreCli } from './lib/score-parallel.ts';

runScoreCli(loadScorer());
