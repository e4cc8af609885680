import express, { Router, type RequestHandler } from 'express';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { FeedbackRepo } from '../store/feedback-repo.ts';
import type { StatementsRepo, StatementView } from '../store/statements-repo.ts';
import { HttpError } from './http-errors.ts';
import { encodeCursor, encodeRankCursor, parseStatementListQuery } from './statement-filters.ts';

export const MAX_BATCH = 1000;
/**
 * Most matches a search ranks by relevance: bm25 is computed for every match before the best
 * page is known (4-8 µs each under load on 1,000,000 statements: 17k matches took 69 ms of CPU,
 * scripts/bench/search-bench.ts), so a broader search
 * answers newest first and says so (`sort`, `note`) instead of taking seconds.
 */
export const MAX_RANKED_MATCHES = 5_000;
export const MAX_BODY = '10mb';

export function createStatementsRoutes(deps: {
  ingest: IngestService;
  statements: StatementsRepo;
  requireToken: RequestHandler;
  onAccepted?: () => void;
  /** Rate limit for writes (server/http/write-rate-limit.ts); none when omitted. */
  writeLimit?: RequestHandler;
  /** Analysts' feedback on scores, shown on each statement (`feedback`); omitted when absent. */
  feedback?: FeedbackRepo;
  /** MAX_RANKED_MATCHES unless given (tests). */
  maxRankedMatches?: number;
}): Router {
  const maxRanked = deps.maxRankedMatches ?? MAX_RANKED_MATCHES;
  const router = Router();
  /** Every statement of a page carries its feedback (an empty list when there is none). */
  const withFeedback = (page: StatementView[]): StatementView[] => {
    if (!deps.feedback) return page;
    const found = deps.feedback.forStatements(page.map((s) => s.id));
    return page.map((s) => ({ ...s, feedback: found.get(s.id) ?? [] }));
  };

  router.post(
    '/api/statements',
    deps.writeLimit ?? ((_req, _res, next) => next()),
    deps.requireToken,
    (req, _res, next) => {
      if (!req.is('application/json')) {
        return next(new HttpError(415, 'unsupported-media-type', 'send the statements as Content-Type: application/json'));
      }
      next();
    },
    express.json({ limit: MAX_BODY, strict: false }),
    (req, res) => {
      const body: unknown = req.body;
      // body-parser turns an empty body into {}: that is a malformed request, not a statement without text.
      if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0) {
        throw new HttpError(400, 'invalid-body', 'body is empty: send a statement object or {"statements": [...]}');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new HttpError(400, 'invalid-body', 'body must be a statement object or {"statements": [...]}');
      }
      let items: unknown[];
      if ('statements' in body) {
        const list = (body as { statements: unknown }).statements;
        if (!Array.isArray(list)) throw new HttpError(400, 'invalid-body', 'statements must be an array');
        if (list.length === 0) throw new HttpError(400, 'invalid-body', 'statements is empty');
        if (list.length > MAX_BATCH) {
          throw new HttpError(413, 'batch-too-large', `a batch holds at most ${MAX_BATCH} statements; got ${list.length}`);
        }
        items = list;
      } else {
        items = [body];
      }
      const result = deps.ingest.ingest(items, { origin: 'api' });
      if (result.accepted.length > 0) deps.onAccepted?.();
      res.status(result.accepted.length === 0 ? 422 : 202).json({
        accepted: result.accepted.map((a) => ({ index: a.index, id: a.id, duplicate: a.duplicate })),
        rejected: result.rejected,
      });
    },
  );

  router.get('/api/statements', (req, res) => {
    const filter = parseStatementListQuery(req.query);
    let note: string | undefined;
    if (filter.sort === 'relevance' && filter.match !== undefined && deps.statements.matchesMoreThan(filter.match, maxRanked)) {
      if (filter.after !== undefined) throw new HttpError(400, 'invalid-query', 'cursor: this search now has too many matches to rank; start again without a cursor');
      filter.sort = 'newest';
      note = `more than ${maxRanked.toLocaleString('en-US')} statements match: shown newest first rather than ranked; add words or filters to rank them`;
    }
    if (filter.sort === 'relevance' && filter.before !== undefined) {
      throw new HttpError(400, 'invalid-query', 'cursor: continues a newest-first page, but this search is ranked by relevance; start again without a cursor');
    }
    const rows = deps.statements.list({ ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    let nextCursor: string | null = null;
    if (rows.length > filter.limit && last) {
      nextCursor =
        filter.sort === 'relevance' && last.rank !== undefined
          ? encodeRankCursor({ rank: last.rank, id: last.id })
          : encodeCursor({ occurredAt: Date.parse(last.occurredAt), id: last.id });
    }
    res.json({ statements: withFeedback(page), nextCursor, ...(filter.match !== undefined ? { sort: filter.sort, ...(note ? { note } : {}) } : {}) });
  });

  router.get('/api/statements/:id', (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(400, 'invalid-id', 'id must be a positive integer');
    const s = deps.statements.get(id);
    if (!s) throw new HttpError(404, 'not-found', `no statement ${id}`);
    res.json({ statement: withFeedback([s])[0] });
  });

  return router;
}
