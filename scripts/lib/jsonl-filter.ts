// The streaming loop shared by the JSON-lines CLIs (`npm run score`, and the AFINN-165 CLI the
// score benchmark compares it with): reads stdin line by line, hands each parsed statement to
// `handle`, and writes what it returns as one line of stdout. Output is written once per input
// chunk (not once per line: 400,000 small writes cost more than the scoring), with
// backpressure, so memory stays flat however many lines come in.
//
// A bad line (invalid JSON, not an object, missing or non-string "text", non-string "speaker",
// longer than MAX_LINE_CHARS) is reported on stderr with its line number and skipped; blank
// lines are ignored. Exit codes: 0 = every non-blank line handled, or some lines were bad but
// the rest were handled (the bad ones are on stderr); 2 = there was input but no line could be
// handled; 1 = I/O failure (stdin or stdout error). If the reader of stdout goes away (EPIPE,
// e.g. `| head`), the CLI stops quietly with 0.

import { StringDecoder } from 'node:string_decoder';
import { parseStatementLine, type StatementLine } from '../../server/scoring/statement-line.ts';

/** Longer lines are rejected without being held in memory (the scorer reads 20,000 chars anyway). */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

export function runJsonlFilter(name: string, handle: (statement: StatementLine) => string): void {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const decoder = new StringDecoder('utf8');
  let lineNo = 0;
  let handled = 0;
  let bad = 0;
  let pending = ''; // the current line so far
  let overlong = false;
  let finished = false;
  let waitingForDrain = false;
  let out = ''; // output of the current chunk

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
    handled++;
    out += handle(parsed.value) + '\n';
  };

  const flush = (): void => {
    if (out === '' || finished) return;
    const chunk = out;
    out = '';
    if (!stdout.write(chunk) && !waitingForDrain) {
      // no more input is read until stdout drains
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
    flush();
  };

  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return finish(0);
    process.stderr.write(`${name}: cannot write output: ${err.message}\n`);
    finish(1);
  });
  stdin.on('error', (err) => {
    process.stderr.write(`${name}: cannot read input: ${err.message}\n`);
    finish(1);
  });
  stdin.on('data', (chunk: Buffer) => {
    if (!finished) consume(decoder.write(chunk));
  });
  stdin.on('end', () => {
    if (finished) return;
    consume(decoder.end());
    if (pending !== '' || overlong) handleLine(overlong ? '' : pending, overlong);
    flush();
    if (bad > 0) process.stderr.write(`${name}: ${handled} scored, ${bad} bad line(s) skipped\n`);
    finish(handled === 0 && bad > 0 ? 2 : 0);
  });
}
