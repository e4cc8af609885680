import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../config/logger.ts';
import { streamCsv } from '../export/csv-stream.ts';
import { FEEDBACK_HEADER, feedbackRecord } from '../export/feedback-rows.ts';
import type { Db } from '../store/database.ts';
import { FEEDBACK_LEVELS, iterateFeedbackExport, type FeedbackRepo } from '../store/feedback-repo.ts';
import { HttpError } from './http-errors.ts';

/** Longest reason kept, in characters. */
export const MAX_REASON = 2000;

const feedbackSchema = z.strictObject({
  level: z.enum(FEEDBACK_LEVELS, { message: `must be one of ${FEEDBACK_LEVELS.join(', ')}` }),
  reason: z
    .string({ message: 'must be text' })
    .trim()
    .min(3, 'must say why, in at least 3 characters')
    .max(MAX_REASON, `must be at most ${MAX_REASON} characters`),
});

function statementId(raw: unknown): number {
  const id = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id < 1) {
    throw new HttpError(400, 'invalid-id', 'id must be a positive integer');
  }
  return id;
}

/**
 * "This score is wrong" (issue 14): writes need the token; who wrote it is the signed-in user's
 * name when an auth middleware set `res.locals.user`, else 'token' (the shared bearer token).
 */
export function createFeedbackRoutes(deps: {
  feedback: FeedbackRepo;
  requireToken: RequestHandler;
  writeLimit?: RequestHandler;
  /** A read-only connection for the CSV export (store.openReader). */
  openReader: () => Db;
  now?: () => number;
  logger?: Logger;
}): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.post(
    '/api/statements/:id/feedback',
    deps.writeLimit ?? ((_req, _res, next) => next()),
    deps.requireToken,
    express.json({ limit: '16kb', strict: true }),
    (req, res) => {
      const id = statementId(req.params.id);
      const parsed = feedbackSchema.safeParse(req.body);
      if (!parsed.success) {
        const messages = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
        throw new HttpError(400, 'invalid-body', messages.join('; '), { issues: messages });
      }
      const user = res.locals.user as { name?: unknown } | undefined;
      const author = typeof user?.name === 'string' && user.name !== '' ? user.name.slice(0, 200) : 'token';
      const saved = deps.feedback.add({ statementId: id, suggestedLevel: parsed.data.level, reason: parsed.data.reason, author, createdAt: now() });
      if (!saved) throw new HttpError(404, 'not-found', `no statement ${id}`);
      deps.logger?.info({ statementId: id, feedbackId: saved.id, level: saved.suggestedLevel }, 'score feedback stored');
      res.status(201).json({ feedback: saved });
    },
  );

  router.get('/api/statements/:id/feedback', (req, res) => {
    const id = statementId(req.params.id);
    res.json({ feedback: deps.feedback.forStatements([id]).get(id) ?? [] });
  });

  router.get('/api/feedback/categories', (_req, res) => {
    res.json(deps.feedback.countByCategory());
  });

  router.get('/api/export/feedback.csv', async (req, res) => {
    if (Object.keys(req.query as object).some((k) => k !== 'bom')) {
      throw new HttpError(400, 'invalid-query', `unknown parameter(s): ${Object.keys(req.query as object).filter((k) => k !== 'bom').join(', ')}`);
    }
    const bom = req.query.bom === '1' || req.query.bom === 'true';
    const reader = deps.openReader();
    try {
      res.status(200).set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="brinkwatch-feedback-${new Date(now()).toISOString().slice(0, 10)}.csv"`,
        'Cache-Control': 'no-store',
      });
      const rows = iterateFeedbackExport(reader);
      function* records() {
        for (const t of rows) yield feedbackRecord(t);
      }
      await streamCsv(res, { header: FEEDBACK_HEADER, records: records() }, { bom });
    } finally {
      reader.close();
    }
  });

  return router;
}
