// Scoring a batch of input lines for `npm run score`: the same work whether the main thread or
// its helper thread does it (scripts/lib/score-parallel.ts).

import type { Scorer } from '../../server/scoring/index.ts';
import { parseStatementLine } from '../../server/scoring/statement-line.ts';
import { LineBytes } from './score-bytes.ts';
import { readStatementFast, type FastStatement } from './fast-statement.ts';

export interface Batch {
  seq: number;
  /** Line numbers (1-based) of the lines, in order. */
  numbers: number[];
  lines: string[];
}

export interface BatchResult {
  seq: number;
  /** One JSON line per statement scored, each ending in a newline, as UTF-8 (starts at byte 0 of its own ArrayBuffer). */
  out: Uint8Array;
  /** "line N: skipped: reason" for each bad line, in order. */
  errors: string[];
  scored: number;
}

/** The line being scored, read by the fast path (reused: a batch is scored synchronously). */
const statement: FastStatement = { id: null, text: '', speaker: null };

/** `reuse`: an ArrayBuffer the output may be written into (see LineBytes), no longer used by anything else. */
export function scoreBatch(scorer: Scorer, batch: Batch, reuse?: ArrayBuffer): BatchResult {
  const out = new LineBytes(batch.lines.length, reuse);
  const errors: string[] = [];
  let scored = 0;
  for (let i = 0; i < batch.lines.length; i++) {
    const line = batch.lines[i]!;
    // the common shape without JSON.parse; anything else through it (same values, its errors)
    if (!readStatementFast(line, statement)) {
      const parsed = parseStatementLine(line);
      if (!parsed.ok) {
        errors.push(`line ${batch.numbers[i]!}: skipped: ${parsed.message}`);
        continue;
      }
      statement.id = parsed.value.id;
      statement.text = parsed.value.text;
      statement.speaker = parsed.value.speaker;
    }
    out.line(statement.id, scorer.score(statement.text, { speaker: statement.speaker }));
    scored++;
  }
  return { seq: batch.seq, out: out.bytes(), errors, scored };
}
