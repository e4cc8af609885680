import { scoreInLanguage } from '../jobs/score-statement.ts';
import type { Scorer } from '../scoring/index.ts';
import { createBucketMerger, type BucketContribution, type BucketMerger } from '../store/metrics-repo.ts';
import { statementExportHead } from '../store/statement-export-head.ts';
import { serializeScore, type NewStatement, type SerializedScore } from '../store/statements-repo.ts';
import type { LanguageGate } from './statement-language.ts';
import { normalizeStatement, type Origin, type Rejection } from './statement-input.ts';

/**
 * A statement scored before it is stored: the columns to bind, why the scorer failed, or the
 * language the scorer does not read (stored 'unsupported', with its export head).
 */
export type PreparedScore =
  | { ok: true; row: SerializedScore }
  | { ok: false; error: string }
  | { ok: 'unsupported'; lang: string; exportHead: string };

/** A valid item of a batch: its position in the batch, the statement and, when scored, its score. */
export interface PreparedItem {
  index: number;
  statement: NewStatement;
  score: PreparedScore | null;
}

/**
 * A batch validated (and scored, with a scorer) but not yet stored. `valid` may decode its
 * items as it is iterated (a batch from the prepare worker, batch-wire.ts).
 */
export interface PreparedBatch {
  /** index: the item's position in the batch given to prepareBatch. */
  valid: Iterable<PreparedItem>;
  rejected: Array<{ index: number } & Rejection>;
  /** Demo statements (origin demo): stored only while no real statement exists. */
  isDemo?: boolean;
  /**
   * The metric contributions of every statement scored here, merged per bucket table
   * (mergeForTables): what the batch adds to the buckets when none of them turns out to be a
   * duplicate, which the writer only learns as it inserts (then it merges the new ones itself).
   */
  merged?: BucketContribution[][];
}

export interface PrepareContext {
  origin: Origin;
  isDemo?: boolean;
  /**
   * Score each statement before storing it (backfills: `npm run ingest -- --score`), so that
   * it is written once, already scored, with its evidence and metric buckets in the same
   * transaction. Without it statements are stored pending for the score worker.
   */
  scorer?: Scorer;
  /** With `scorer`: decides each statement's language (server/ingest/language-detector.ts loads it). */
  language?: LanguageGate;
}

/** One item validated and, with a scorer, scored; its metric contributions go to `merger`. */
export function prepareItem(
  item: unknown,
  ctx: PrepareContext,
  receivedAt: number,
  merger: BucketMerger | null,
): { ok: true; statement: NewStatement; score: PreparedScore | null } | { ok: false; rejection: Rejection } {
  const n = normalizeStatement(item, { origin: ctx.origin, receivedAt, isDemo: ctx.isDemo });
  if (!n.ok) return { ok: false, rejection: n.rejection };
  if (!ctx.scorer) return { ok: true, statement: n.value, score: null };
  if (!ctx.language) throw new Error('scoring while ingesting needs a language gate (ctx.language)');
  const s = scoreInLanguage(ctx.scorer, ctx.language, n.value, receivedAt);
  if (s.ok === 'unsupported') {
    const exportHead = statementExportHead(n.value, null, { status: 'unsupported', lang: s.lang });
    return { ok: true, statement: n.value, score: { ok: 'unsupported', lang: s.lang, exportHead } };
  }
  if (!s.ok) return { ok: true, statement: n.value, score: { ok: false, error: s.error } };
  if (merger) merger.addStatement(s.forMetrics);
  return { ok: true, statement: n.value, score: { ok: true, row: serializeScore(n.value, s.fields) } };
}

/**
 * Validates, and with ctx.scorer scores, a batch: pure CPU, no database, so it runs before the
 * write transaction, or on another thread (prepare-worker.ts) while the previous batch is
 * written. A bad item rejects that item only.
 */
export function prepareBatch(items: unknown[], ctx: PrepareContext, receivedAt: number): PreparedBatch & { valid: PreparedItem[] } {
  const valid: PreparedItem[] = [];
  const prepared: PreparedBatch & { valid: PreparedItem[] } = { valid, rejected: [] };
  if (ctx.isDemo) prepared.isDemo = true;
  const merger = ctx.scorer ? createBucketMerger() : null;
  for (let index = 0; index < items.length; index++) {
    const p = prepareItem(items[index], ctx, receivedAt, merger);
    if (p.ok) valid.push({ index, statement: p.statement, score: p.score });
    else prepared.rejected.push({ index, ...p.rejection });
  }
  if (merger) prepared.merged = merger.rows();
  return prepared;
}
