// npm run --silent score < statements.jsonl > scores.jsonl
//
// Reads JSON lines {"id", "text", "speaker"?} on stdin and writes one JSON line per statement:
// {"id", "score", "level", "signals", "actors", "version"}. Streams with backpressure, so memory
// stays flat however many lines come in.
//
// A bad line (invalid JSON, not an object, missing or non-string "text", non-string "speaker",
// longer than MAX_LINE_CHARS) is reported on stderr with its line number and skipped; blank
// lines are ignored. Exit codes: 0 = every non-blank line scored, or some lines were bad but
// the rest were scored (the bad ones are on stderr); 2 = there was input but no line could be
// scored; 1 = I/O failure (stdin or stdout error). If the reader of stdout goes away (EPIPE,
// e.g. `| head`), the CLI stops quietly with 0.

import { StringDecoder } from 'node:string_decoder';
import { loadScorer } from '../server/config/load-scorer.ts';
import { parseStatementLine } from '../server/scoring/statement-line.ts';

/** Longer lines are rejected without being held in memory (the scorer reads 20,000 chars anyway). */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

function main(): void {
  const scorer = loadScorer();
  const stdin = process.stdin;
  const stdout = process.stdout;
  const decoder = new StringDecoder('utf8');
  let lineNo = 0;
  let scored = 0;
  let bad = 0;
  let pending = ''; // the current line so far
  let overlong = false;
  let finished = false;
  let waitingForDrain = false;

  const finish = (code: number): void => {
    if (finished) return;
    finished = true;
    process.exitCode = code;
    stdin.pause();
  };

  const handleLine = (line: string, tooLong: boolean): void => {
    lineNo++;
    if (tooLong) {
      bad++;
      process.stderr.write(`line ${lineNo}: skipped: line longer than ${MAX_LINE_CHARS} characters\n`);
      return;
    }
    if (line.trim() === '') return;
    const parsed = parseStatementLine(line);
    if (!parsed.ok) {
      bad++;
      process.stderr.write(`line ${lineNo}: skipped: ${parsed.message}\n`);
      return;
    }
    const { id, text, speaker } = parsed.value;
    const r = scorer.score(text, { speaker });
    scored++;
    const out = JSON.stringify({ id, score: r.score, level: r.level, signals: r.signals, actors: r.actors, version: r.version });
    if (!stdout.write(out + '\n') && !waitingForDrain) {
      // Lines already in the current input chunk are still written (bounded by one chunk);
      // no more input is read until stdout drains.
      waitingForDrain = true;
      stdin.pause();
      stdout.once('drain', () => {
        waitingForDrain = false;
        if (!finished) stdin.resume();
      });
    }
  };

  const consume = (chunk: string): void => {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      const piece = chunk.slice(from, nl);
      const line = overlong ? '' : pending + piece;
      const tooLong = overlong || line.length > MAX_LINE_CHARS;
      handleLine(tooLong ? '' : line.endsWith('\r') ? line.slice(0, -1) : line, tooLong);
      pending = '';
      overlong = false;
      from = nl + 1;
    }
    if (from < chunk.length && !overlong) {
      pending += chunk.slice(from);
      if (pending.length > MAX_LINE_CHARS) {
        pending = '';
        overlong = true;
      }
    }
  };

  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return finish(0);
    process.stderr.write(`score: cannot write output: ${err.message}\n`);
    finish(1);
  });
  stdin.on('error', (err) => {
    process.stderr.write(`score: cannot read input: ${err.message}\n`);
    finish(1);
  });
  stdin.on('data', (chunk: Buffer) => {
    if (!finished) consume(decoder.write(chunk));
  });
  stdin.on('end', () => {
    if (finished) return;
    consume(decoder.end());
    if (pending !== '' || overlong) handleLine(overlong ? '' : pending, overlong);
    if (bad > 0) process.stderr.write(`score: ${scored} scored, ${bad} bad line(s) skipped\n`);
    finish(scored === 0 && bad > 0 ? 2 : 0);
  });
}

main();
