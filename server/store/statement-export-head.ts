// The stored CSV head of a statement (statements.export_head). It lives in the store, which
// writes it in the same statement as the row, and the export reads it back: the store depends
// on nothing above it (issue 16), so the export imports this, not the other way round.
import { csvNumber, csvText } from '../shared/csv-format.ts';
import { isoUtc } from '../shared/iso-time.ts';
import type { ScoredFields, StoredSignal } from './statement-types.ts';

/** How many signals the top_signals column lists, heaviest first. */
export const TOP_SIGNALS = 3;

/** "category: phrase | category: phrase" of the signals, heaviest first (ties: earliest in the text); the array is not reordered. */
export function topSignalsOf(signals: readonly StoredSignal[]): string | null {
  if (signals.length === 0) return null;
  if (signals.length === 1) return `${signals[0]!.category}: ${signals[0]!.text}`;
  return signals
    .slice()
    .sort((a, b) => b.weight - a.weight || a.start - b.start)
    .slice(0, TOP_SIGNALS)
    .map((s) => `${s.category}: ${s.text}`)
    .join(' | ');
}

/** The columns of a statement as given, that the export writes whatever its status. */
export interface ExportHeadFields {
  occurredAt: number;
  /** The speaker as given (the export shows the canonical actor instead once scored, if any). */
  speaker: string | null;
  source: string | null;
  url: string | null;
}

export type ExportHeadScore = Pick<ScoredFields, 'score' | 'level' | 'actor' | 'targets' | 'signals' | 'scorerVersion'>;

/** The status and language cells of a statement that is not scored (pending, failed, or in a language the scorer does not read). */
export interface ExportHeadState {
  status: 'pending' | 'failed' | 'unsupported';
  lang: string | null;
}

const PENDING: ExportHeadState = { status: 'pending', lang: null };

/**
 * The cells between id and text of a statement's export record, ready-made (stored as
 * statements.export_head, migrations 007 and 009): `,time,speaker,targets,source,url,score,
 * level,top_signals,scorer_version,status,lang,` with the leading and trailing comma, so that
 * `${id}${head}${csvText(text)}\r\n` is exactly statementRecord() (server/export/statement-rows.ts)
 * of the stored row. `scored` is absent for a statement that has no score: its score cells are
 * empty and `state` gives its status and language (pending with no language by default).
 */
export function statementExportHead(
  s: ExportHeadFields,
  scored?: (ExportHeadScore & { lang?: string | null }) | null,
  state: ExportHeadState = PENDING,
): string {
  if (!scored) {
    return `,${isoUtc(s.occurredAt)},${csvText(s.speaker)},,${csvText(s.source)},${csvText(s.url)},,,,,${state.status},${csvText(state.lang)},`;
  }
  const targets = scored.targets.length === 0 ? null : scored.targets.join('; ');
  return (
    `,${isoUtc(s.occurredAt)},${csvText(scored.actor ?? s.speaker)},${csvText(targets)},${csvText(s.source)},${csvText(s.url)},` +
    `${csvNumber(scored.score)},${csvText(scored.level)},${csvText(topSignalsOf(scored.signals))},${csvText(scored.scorerVersion)},` +
    `scored,${csvText(scored.lang ?? null)},`
  );
}
