// The reading loop of `npm run score`: lines go into batches of BATCH_LINES, scored in input
// order on the main thread. With `threads: 2`, a helper thread (one worker with its own scorer,
// started at once and used as soon as it is ready) takes a batch whenever it is free, and
// results are still written strictly in input order; a small input is done before the helper is
// up. Bad lines are reported on stderr by line number, in order.
//
// Exit codes: 0 = every non-blank line scored, or some lines were bad but the rest were
// scored; 2 = there was input but no line could be scored; 1 = I/O failure. EPIPE on stdout
// (the reader went away) stops quietly with 0. Memory is bounded: at most MAX_AHEAD batches are
// in flight or waiting to be written, and stdin is paused while stdout is backed up.

import { StringDecoder } from 'node:string_decoder';
import { Worker } from 'node:worker_threads';
import type { Scorer } from '../../server/scoring/index.ts';
import { scoreBatch, type Batch, type BatchResult } from './score-batch.ts';
import { MAX_LINE_CHARS } from './jsonl-filter.ts';

const BATCH_LINES = 1_000;
/** Batches dispatched but not yet written, at most. */
const MAX_AHEAD = 6;
/** Batches the helper holds at a time (one being scored, one waiting). */
const HELPER_DEPTH = 2;
/** Output buffers kept for reuse once stdout is done with them, at most. */
const MAX_SPARE = MAX_AHEAD + 2;

// Run from source the helper is score-worker.ts beside this file; bundled (scripts/run-bundled.mjs)
// it is score-worker.mjs beside the bundle.
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function startHelper(): Worker {
  if (!FROM_SOURCE) return new Worker(new URL('./score-worker.mjs', import.meta.url));
  const url = new URL('./score-worker.ts', import.meta.url);
  // tsx's --import hooks do not reach worker threads: the worker registers tsx itself
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true });
}

export interface ScoreCliOptions {
  /** 1: the main thread scores every batch; 2: a helper thread scores batches as well. */
  threads: number;
}

export function runScoreCli(scorer: Scorer, options: ScoreCliOptions = { threads: 1 }): void {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const decoder = new StringDecoder('utf8');
  let lineNo = 0;
  let scored = 0;
  let bad = 0;
  let pending = '';
  let overlong = false;
  let finished = false;
  let inputEnded = false;
  let waitingForDrain = false;
  let seq = 0;
  let nextToWrite = 0;
  let batch: Batch = { seq: 0, numbers: [], lines: [] };
  const done = new Map<number, BatchResult>();
  const earlyErrors = new Map<number, string[]>(); // overlong lines, reported with their batch
  // memory of batches already written, which the next batches scored here write into
  const spare: ArrayBuffer[] = [];
  const release = (bytes: Uint8Array): void => {
    if (bytes.byteOffset === 0 && spare.length < MAX_SPARE) spare.push(bytes.buffer as ArrayBuffer);
  };

  let helper: Worker | null = options.threads > 1 ? startHelper() : null;
  let helperReady = false;
  const atHelper = new Map<number, Batch>();
  if (helper !== null) {
    helper.on('message', (m: BatchResult | { ready: true }) => {
      if ('ready' in m) {
        helperReady = true;
        return;
      }
      atHelper.delete(m.seq);
      done.set(m.seq, m);
      drain();
    });
    helper.on('error', () => {
      // a helper that fails to start or dies leaves its batches to the main thread
      helperReady = false;
      helper = null;
      for (const b of atHelper.values()) done.set(b.seq, scoreBatch(scorer, b, spare.pop()));
      atHelper.clear();
      drain();
    });
  }

  const finish = (code: number): void => {
    if (finished) return;
    finished = true;
    process.exitCode = code;
    stdin.pause();
    void helper?.terminate();
  };

  const inFlight = (): number => seq - nextToWrite;

  /** Writes finished batches in order; resumes input when there is room. */
  const drain = (): void => {
    const out: Uint8Array[] = [];
    for (let r = done.get(nextToWrite); r !== undefined; r = done.get(nextToWrite)) {
      done.delete(nextToWrite);
      const errs = earlyErrors.get(nextToWrite);
      if (errs !== undefined) earlyErrors.delete(nextToWrite);
      // errors of a batch in line order: overlong lines were found by the reader, the rest by the scorer
      const all = errs === undefined ? r.errors : [...errs, ...r.errors].sort((a, b) => lineOf(a) - lineOf(b));
      if (all.length > 0) process.stderr.write(all.join('\n') + '\n');
      bad += r.errors.length;
      scored += r.scored;
      if (r.out.length > 0) out.push(r.out);
      else release(r.out);
      nextToWrite++;
    }
    let flowing = true;
    // a buffer is reused only once stdout has called back: it no longer needs the bytes
    if (!finished) for (const bytes of out) flowing = stdout.write(bytes, () => release(bytes));
    if (!flowing && !waitingForDrain) {
      waitingForDrain = true;
      stdout.once('drain', () => {
        waitingForDrain = false;
        drain();
      });
    }
    if (finished) return;
    if (inputEnded) {
      if (inFlight() === 0) end();
      return;
    }
    if (!waitingForDrain && inFlight() < MAX_AHEAD) stdin.resume();
  };

  const dispatch = (): void => {
    if (batch.lines.length === 0 && !earlyErrors.has(batch.seq)) return;
    const b = batch;
    seq++;
    batch = { seq, numbers: [], lines: [] };
    if (helper !== null && helperReady && atHelper.size < HELPER_DEPTH) {
      atHelper.set(b.seq, b);
      helper.postMessage(b);
    } else done.set(b.seq, scoreBatch(scorer, b, spare.pop()));
  };

  const addLine = (line: string, tooLong: boolean): void => {
    lineNo++;
    if (tooLong) {
      const list = earlyErrors.get(batch.seq) ?? [];
      list.push(`line ${lineNo}: skipped: line longer than ${MAX_LINE_CHARS} characters`);
      earlyErrors.set(batch.seq, list);
      bad++;
      return;
    }
    if (line.trim() === '') return;
    batch.numbers.push(lineNo);
    batch.lines.push(line);
    if (batch.lines.length >= BATCH_LINES) dispatch();
  };

  const consume = (chunk: string): void => {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      const piece = chunk.slice(from, nl);
      const line = overlong ? '' : pending + piece;
      const tooLong = overlong || line.length > MAX_LINE_CHARS;
      addLine(tooLong ? '' : line.endsWith('\r') ? line.slice(0, -1) : line, tooLong);
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

  const end = (): void => {
    if (bad > 0) process.stderr.write(`score: ${scored} scored, ${bad} bad line(s) skipped\n`);
    finish(scored === 0 && bad > 0 ? 2 : 0);
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
    if (finished) return;
    consume(decoder.write(chunk));
    if (inFlight() >= MAX_AHEAD || waitingForDrain) stdin.pause();
    drain();
  });
  stdin.on('end', () => {
    if (finished) return;
    consume(decoder.end());
    if (pending !== '' || overlong) addLine(overlong ? '' : pending, overlong);
    dispatch();
    inputEnded = true;
    drain();
  });
}

function lineOf(report: string): number {
  return Number(report.slice(5, report.indexOf(':')));
}
