import { createSilentLogger } from '../../server/config/logger.ts';
import { loadScorer } from '../../server/config/load-scorer.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createMetricsRoutes } from '../../server/http/metrics-routes.ts';
import { requireToken } from '../../server/http/require-token.ts';
import { createStatementsRoutes } from '../../server/http/statements-routes.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { loadLanguageGate } from '../../server/ingest/language-detector.ts';
import type { LanguageGate } from '../../server/ingest/statement-language.ts';
import { createScoreWorker, type ScoredBatch } from '../../server/jobs/score-job.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import type { Scorer } from '../../server/scoring/index.ts';
import { createTempStore } from './temp-store.ts';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

// Loaded once per test process (eld's database takes ~0.3-1 s to load).
const sharedLanguage = await loadLanguageGate();
/** The language gate the server uses (English only), loaded once per test process. */
export function testLanguageGate(): LanguageGate {
  return sharedLanguage;
}

let sharedScorer: Scorer | null = null;
/** The real scorer, loaded once per test process. */
export function testScorer(): Scorer {
  sharedScorer ??= loadScorer();
  return sharedScorer;
}

/**
 * The core of the server wired as main.ts wires it, minus listening and cron: a real SQLite
 * file, the real scorer, the HTTP app for supertest and a score worker to run by hand.
 */
export function createTestApp(opts: { now?: () => number; onScored?: (b: ScoredBatch) => void; engine?: 'sqlite' | 'postgres' } = {}) {
  const t = createTempStore(undefined, { engine: opts.engine });
  const logger = createSilentLogger();
  const scorer = testScorer();
  const ingest = createIngestService({ store: t.store, now: opts.now });
  const metrics = createMetricsService({ store: t.store, now: opts.now });
  const worker = createScoreWorker({ store: t.store, scorer, language: sharedLanguage, logger, now: opts.now, onScored: opts.onScored });
  const app = createHttpApp({
    logger,
    clientDir: '/nonexistent',
    routers: [
      createStatementsRoutes({ ingest, statements: t.store.statements, requireToken: requireToken(TEST_TOKEN) }),
      createMetricsRoutes({ metrics, now: opts.now }),
    ],
    health: () => ({ statements: t.store.statements.countByStatus() }),
  });
  return { ...t, app, ingest, metrics, worker, scorer, logger };
}
