// The shapes of statements as ingest hands them over, as stored and as the API shows them.
import { statementExportHead } from './statement-export-head.ts';
import type { SearchHighlights } from './search-highlights.ts';

/** A statement ready to store, already validated and normalised by ingest. Times in unix ms. */
export interface NewStatement {
  dedupeKey: string;
  externalId: string | null;
  text: string;
  speaker: string | null;
  source: string | null;
  url: string | null;
  publishedAt: number | null;
  receivedAt: number;
  occurredAt: number;
  origin: 'api' | 'inbox' | 'feed' | 'cli' | 'demo';
  isDemo: boolean;
}

export interface InsertOutcome {
  id: number;
  duplicate: boolean;
}

export interface PendingStatement {
  id: number;
  text: string;
  speaker: string | null;
  occurredAt: number;
  isDemo: boolean;
}

export interface StoredSignal {
  category: string;
  polarity: string;
  weight: number;
  modality: string;
  text: string;
  start: number;
  end: number;
  /** Where the signal's condition ("Если") and target ("НАТО") are (languages other than English; scoring/languages/context-spans.ts). */
  condition?: { start: number; end: number; text: string };
  target?: { start: number; end: number; text: string };
}

export interface ScoredFields {
  score: number;
  level: string;
  actor: string | null;
  targets: string[];
  mentioned: string[];
  signals: StoredSignal[];
  /** Distinct signal categories (statement_categories); derived from `signals` when absent. */
  categories?: string[];
  scorerVersion: string;
  scoredAt: number;
  /** The statement's language (server/ingest/statement-language.ts): ISO 639-1 or 'und'. */
  lang?: string | null;
}

/**
 * ScoredFields with the JSON columns serialised, ready to bind: what a backfill's prepare step
 * (possibly on a worker thread, server/ingest/prepare-worker.ts) hands to insertSerialized, so
 * the thread that writes does not also stringify evidence.
 */
export interface SerializedScore {
  score: number;
  level: string;
  actor: string | null;
  targets: string[];
  categories: string[];
  targetsJson: string;
  mentionedJson: string;
  signalsJson: string;
  scorerVersion: string;
  scoredAt: number;
  lang: string | null;
  /** statementExportHead(statement, fields): the export's cells of the row (migrations 007, 009). */
  exportHead: string;
}

/** A statement stored without a score because the scorer does not read its language. */
export interface UnsupportedFields {
  lang: string;
  /** When its language was decided (stored as scored_at). */
  decidedAt: number;
}

/** The statuses a statement can have (statements.status). */
export const STATEMENT_STATUSES = ['pending', 'scored', 'failed', 'unsupported'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

export function serializeScore(s: NewStatement, f: ScoredFields): SerializedScore {
  return {
    score: f.score,
    level: f.level,
    actor: f.actor,
    targets: f.targets,
    categories: f.categories ?? [...new Set(f.signals.map((s) => s.category))],
    targetsJson: JSON.stringify(f.targets),
    mentionedJson: JSON.stringify(f.mentioned),
    signalsJson: JSON.stringify(f.signals),
    scorerVersion: f.scorerVersion,
    scoredAt: f.scoredAt,
    lang: f.lang ?? null,
    exportHead: statementExportHead(s, f),
  };
}

export interface StatementView {
  id: number;
  externalId: string | null;
  text: string;
  speaker: string | null;
  targets: string[];
  source: string | null;
  url: string | null;
  publishedAt: string | null;
  receivedAt: string;
  occurredAt: string;
  origin: string;
  isDemo: boolean;
  status: string;
  score: number | null;
  level: string | null;
  signals: StoredSignal[];
  scorerVersion: string | null;
  /** ISO 639-1 code of the statement's language, 'und' when undetermined, null until scored. */
  lang: string | null;
  /**
   * A scored statement written largely in other scripts too ("Latin" in a Russian text): those
   * scripts; it was scored by its main language (`lang`) only. Null otherwise. Derived from the
   * stored text and lang (server/shared/script-letters.ts, as the scorer decides it).
   */
  langMixed: string[] | null;
  /** A search (q=): where it matched, as ranges the page marks. */
  highlights?: SearchHighlights;
  /** A search sorted by relevance: the bm25 rank (lower is better). */
  rank?: number;
  /** Analysts' disagreement with the score (migration 011), oldest first. */
  feedback?: FeedbackView[];
}

/** One "this score is wrong": the level an analyst would assign instead, and why. */
export interface FeedbackView {
  id: number;
  statementId: number;
  suggestedLevel: string;
  reason: string;
  author: string;
  createdAt: string;
  /** The statement's score, level and scorer version when the feedback was given. */
  scoreAtTime: number | null;
  levelAtTime: string | null;
  scorerVersion: string | null;
}

/** Filters shared by GET /api/statements and the statements CSV export. Times in unix ms. */
export interface StatementFilter {
  from?: number;
  to?: number;
  actor?: string;
  minScore?: number;
  category?: string;
  status?: StatementStatus;
  /** ISO 639-1 code, or 'und'. */
  lang?: string;
  /**
   * A metric scope (global, actor:NAME, dyad:SPEAKER>TARGET, category:NAME): only the statements
   * that count in that scope's metrics (server/metrics/README.md), so scored ones only.
   */
  scope?: string;
  /** Keyset cursor: rows strictly older than this (occurred_at, id). */
  before?: { occurredAt: number; id: number };
  limit?: number;
  /**
   * Full-text search: an FTS5 MATCH expression built by buildFtsQuery() (server/store/fts-query.ts),
   * never raw user text. Only statements that left 'pending' are indexed (migration 011).
   */
  match?: string;
  /** 'SPEAKER>TARGET': the canonical speaker naming that target (exact names, as dyad scopes). */
  dyad?: string;
  /** The scored level (calm, low, elevated, high, severe). */
  level?: string;
  maxScore?: number;
  origin?: string;
  /** 'relevance' (needs match): best bm25 first, paged with `after`; otherwise newest first. */
  sort?: 'newest' | 'relevance';
  /** Keyset cursor of a relevance search: rows ranked after (bm25 rank, id). */
  after?: { rank: number; id: number };
}

export interface StatementRow {
  id: number;
  external_id: string | null;
  text: string;
  speaker: string | null;
  source: string | null;
  url: string | null;
  published_at: number | null;
  received_at: number;
  occurred_at: number;
  origin: string;
  is_demo: number;
  status: string;
  score: number | null;
  level: string | null;
  actor: string | null;
  targets: string | null;
  signals: string | null;
  scorer_version: string | null;
  lang: string | null;
}
