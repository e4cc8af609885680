import type { StatementRow, StoredSignal } from '../store/statements-repo.ts';
import type { CsvCell } from './csv-format.ts';

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

export function statementCells(row: StatementRow): CsvCell[] {
  return [
    row.id,
    new Date(row.occurred_at).toISOString(),
    row.actor ?? row.speaker,
    joinNames(row.targets),
    row.source,
    row.url,
    row.score,
    row.level,
    topSignals(row.signals),
    row.scorer_version,
    row.text,
  ];
}

/** "category: phrase | category: phrase", heaviest first (ties: earliest in the text). */
export function topSignals(json: string | null): string | null {
  const signals = parseArray<StoredSignal>(json);
  if (signals.length === 0) return null;
  return signals
    .slice()
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
