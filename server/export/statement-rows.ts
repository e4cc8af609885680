import type { StatementExportTuple } from '../store/export-queries.ts';
import type { StoredSignal } from '../store/statements-repo.ts';
import type { CsvCell } from './csv-format.ts';
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

export function statementCells(t: StatementExportTuple): CsvCell[] {
  return [t[0], isoUtc(t[1]), t[2], joinNames(t[3]), t[4], t[5], t[6], t[7], topSignals(t[8]), t[9], t[10]];
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
