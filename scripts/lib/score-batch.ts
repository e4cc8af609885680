// Scoring a batch of input lines for `npm run score`: the same work whether the main thread or
// its helper thread does it (scripts/lib/score-parallel.ts).

import type { Scorer } from '../../server/scoring/index.ts';
import { parseStatementLine } from '../../server/scoring/statement-line.ts';
import { LineBytes } from './score-bytes.ts';

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

export function scoreBatch(scorer: Scorer, batch: Batch): BatchResult {
  const out = new LineBytes(batch.lines.length);
  const errors: string[] = [];
  let scored = 0;
  for (let i = 0; i < batch.lines.length; i++) {
    const parsed = parseStatementLine(batch.lines[i]!);
    if (!parsed.ok) {
      errors.push(`line ${batch.numbers[i]!}: skipped: ${parsed.message}`);
      continue;
    }
    const { id, text, speaker } = parsed.value;
    out.line(id, scorer.score(text, { speaker }));
    scored++;
  }
  return { seq: batch.seq, out: out.bytes(), errors, scored };
}
