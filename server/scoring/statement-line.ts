// Parsing one JSON line of scorer input ({"id", "text", "speaker"?, ...}). Pure: the CLIs
// do the I/O and report the returned reason with the line number.

export interface StatementLine {
  id: unknown;
  text: string;
  speaker: string | null;
  /** The parsed object, for callers that need more fields (eval reads quadclass). */
  record: Record<string, unknown>;
}

export type LineResult = { ok: true; value: StatementLine } | { ok: false; code: string; message: string };

export function parseStatementLine(line: string): LineResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { ok: false, code: 'invalid-json', message: `invalid JSON (${(err as Error).message})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, code: 'not-an-object', message: 'not a JSON object' };
  }
  const record = parsed as Record<string, unknown>;
  if (!('text' in record)) return { ok: false, code: 'missing-text', message: 'missing "text"' };
  if (typeof record['text'] !== 'string') return { ok: false, code: 'text-not-string', message: '"text" is not a string' };
  const speaker = record['speaker'];
  if (speaker !== undefined && speaker !== null && typeof speaker !== 'string') {
    return { ok: false, code: 'speaker-not-string', message: '"speaker" is not a string' };
  }
  return { ok: true, value: { id: record['id'] ?? null, text: record['text'], speaker: speaker ?? null, record } };
}
