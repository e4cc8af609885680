// The rows of GET /api/export/feedback.csv: every "this score is wrong", with its statement.
import { csvRecord } from '../shared/csv-format.ts';
import type { FeedbackExportTuple } from '../store/feedback-repo.ts';

export const FEEDBACK_HEADER = [
  'feedback_id', 'created_at', 'author', 'statement_id', 'statement_occurred_at', 'speaker', 'score_at_time',
  'level_at_time', 'suggested_level', 'reason', 'categories', 'scorer_version', 'text',
] as const;

/**
 * One CSV record. Security contract: every text cell (author, speaker, reason, statement text,
 * categories) goes through csvRecord, which neutralises spreadsheet formulas and quotes per
 * RFC 4180; numbers we computed stay numbers.
 */
export function feedbackRecord(t: FeedbackExportTuple): string {
  const [id, createdAt, author, statementId, occurredAt, speaker, score, level, suggested, reason, categories, scorerVersion, text] = t;
  return csvRecord([
    id, new Date(createdAt).toISOString(), author, statementId, new Date(occurredAt).toISOString(), speaker, score,
    level, suggested, reason, categories, scorerVersion, text,
  ]);
}
