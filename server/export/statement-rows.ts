import { csvNumber, csvText, type CsvCell } from '../shared/csv-format.ts';
import { isoUtc } from '../shared/iso-time.ts';
import type { StatementExportRow, StatementExportTuple } from '../store/export-queries.ts';
import { topSignalsOf } from '../store/statement-export-head.ts';
import type { StoredSignal } from '../store/statements-repo.ts';

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
  'status',
  'lang',
  'text',
] as const;

/** The cells of one statement, in STATEMENTS_HEADER order (csvRecord(statementCells(t)) === statementRecord(t)). */
export function statementCells(t: StatementExportTuple): CsvCell[] {
  return [t[0], isoUtc(t[1]), t[2], joinNames(t[3]), t[4], t[5], t[6], t[7], topSignals(t[8]), t[9], t[10], t[11], t[12]];
}

/**
 * One statement as a CSV record with its CRLF: exactly csvRecord(statementCells(t)), built
 * without the array of cells and the per-cell type dispatch. The reference the stored head
 * (statementExportHead, server/store/statement-export-head.ts) must match, and what the
 * export runs for a row without one. The id is an INTEGER PRIMARY KEY, always finite.
 */
export function statementRecord(t: StatementExportTuple): string {
  return `${t[0]},${isoUtc(t[1])},${csvText(t[2])},${csvText(joinNames(t[3]))},${csvText(t[4])},${csvText(t[5])},${csvNumber(t[6])},${csvText(t[7])},${csvText(topSignals(t[8]))},${csvText(t[9])},${csvText(t[10])},${csvText(t[11])},${csvText(t[12])}\r\n`;
}

/** "category: phrase | category: phrase", heaviest first (ties: earliest in the text), from the stored JSON. */
export function topSignals(json: string | null): string | null {
  return topSignalsOf(parseArray<StoredSignal>(json));
}

/**
 * One statement as the export reads it (iterateStatementRows): its stored head when it has
 * one, else (a row written before migration 007, or a head cleared because the columns
 * changed) statementRecord() of its columns, byte for byte the same.
 */
export function statementExportRecord(r: StatementExportRow): string {
  const head = r[1];
  if (head !== null) return `${r[0]}${head}${csvText(r[2])}\r\n`;
  const c = JSON.parse(r[3]!) as unknown[]; // occurred_at, speaker, targets, source, url, score, level, signals, scorer_version, status, lang
  return statementRecord([Number(r[0]), ...c, r[2]] as StatementExportTuple);
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
