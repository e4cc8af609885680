import type { StatementExportTuple } from '../store/export-queries.ts';
import type { StoredSignal } from '../store/statements-repo.ts';
import { csvNumber, csvText, type CsvCell } from './csv-format.ts';
import { isoUtc } from './iso-time.ts';

/** Columns of the statements export; speaker and targets are the canonical names the scorer resolved. */
export const STATEMENTS_HEADER = [
  'id',
  'time',
  'speaker',
  'targets',
  'source',
  'url',
  'score',
  'level',
  'top_signals',
  'scorer_version',
  'text',
] as const;

/** How many signals the top_signals column lists, heaviest first. */
export const TOP_SIGNALS = 3;

/** The cells of one statement, in STATEMENTS_HEADER order (csvRecord(statementCells(t)) === statementRecord(t)). */
export function statementCells(t: StatementExportTuple): CsvCell[] {
  return [t[0], isoUtc(t[1]), t[2], joinNames(t[3]), t[4], t[5], t[6], t[7], topSignals(t[8]), t[9], t[10]];
}

/**
 * One statement as a CSV record with its CRLF: exactly csvRecord(statementCells(t)), built
 * without the array of cells and the per-cell type dispatch (the export writes a million of
 * these; scripts/bench/export-bench.ts). The id is an INTEGER PRIMARY KEY, always finite.
 */
export function statementRecord(t: StatementExportTuple): string {
  return `${t[0]},${isoUtc(t[1])},${csvText(t[2])},${csvText(joinNames(t[3]))},${csvText(t[4])},${csvText(t[5])},${csvNumber(t[6])},${csvText(t[7])},${csvText(topSignals(t[8]))},${csvText(t[9])},${csvText(t[10])}\r\n`;
}

/** "category: phrase | category: phrase", heaviest first (ties: earliest in the text). */
export function topSignals(json: string | null): string | null {
  const signals = parseArray<StoredSignal>(json);
  if (signals.length === 0) return null;
  if (signals.length === 1) return `${signals[0]!.category}: ${signals[0]!.text}`;
  return signals
    .sort((a, b) => b.weight - a.weight || a.start - b.start)
    .slice(0, TOP_SIGNALS)
    .map((s) => `${s.category}: ${s.text}`)
    .join(' | ');
}

function joinNames(json: string | null): string | null {
  const names = parseArray<string>(json);
  return names.length === 0 ? null : names.join('; ');
}

// The JSON columns are written by saveScored (JSON.stringify), so a parse error is corruption
// and is allowed to fail the export loudly rather than be skipped silently.
function parseArray<T>(json: string | null): T[] {
  if (!json || json === '[]') return [];
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? (value as T[]) : [];
}
