// A test app with statements, search and feedback routes over a real SQLite file and the real scorer.
import request from 'supertest';
import { createFeedbackRoutes } from '../../server/http/feedback-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { requireToken } from '../../server/http/require-token.ts';
import { createStatementsRoutes } from '../../server/http/statements-routes.ts';
import { createTestApp, TEST_TOKEN } from '../helpers/test-app.ts';

export const auth = { authorization: `Bearer ${TEST_TOKEN}` };

/** createTestApp plus the feedback routes; `seed` posts statements and scores them. */
export function createSearchApp(opts: { now?: () => number; user?: { id: number; name: string; role: string }; maxRankedMatches?: number } = {}) {
  const t = createTestApp({ now: opts.now });
  const app = createHttpApp({
    logger: t.logger,
    clientDir: '/nonexistent',
    routers: [
      // Stands in for the auth engineer's middleware, which sets res.locals.user.
      ...(opts.user ? [((_req: unknown, res: { locals: Record<string, unknown> }, next: () => void) => {
        res.locals.user = opts.user;
        next();
      }) as never] : []),
      createStatementsRoutes({ ingest: t.ingest, statements: t.store.statements, requireToken: requireToken(TEST_TOKEN), feedback: t.store.feedback, maxRankedMatches: opts.maxRankedMatches }),
      createFeedbackRoutes({ feedback: t.store.feedback, requireToken: requireToken(TEST_TOKEN), openReader: () => t.store.openReader(), now: opts.now }),
    ],
  });
  async function seed(statements: Array<Record<string, unknown>>): Promise<number[]> {
    const res = await request(app).post('/api/statements').set(auth).send({ statements });
    if (res.status !== 202) throw new Error(`seed: ${res.status} ${JSON.stringify(res.body)}`);
    await t.worker.runOnce();
    return res.body.accepted.map((a: { id: number }) => a.id);
  }
  return { ...t, app, seed };
}
