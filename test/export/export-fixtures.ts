import { createSilentLogger } from '../../server/config/logger.ts';
import { createExportService } from '../../server/export/export-service.ts';
import { createExportRoutes } from '../../server/http/export-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { contributionsFor } from '../../server/metrics/risk-index.ts';
import { levelForScore } from '../../server/scoring/index.ts';
import type { StoredSignal } from '../../server/store/statements-repo.ts';
import type { Store } from '../../server/store/store.ts';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const MAX_RANGE_MS = 366 * DAY;

export interface SeedStatement {
  text: string;
  occurredAt: number;
  score: number | null; // null: left pending
  speaker?: string | null;
  targets?: string[];
  source?: string | null;
  url?: string | null;
  signals?: Array<Pick<StoredSignal, 'category' | 'text' | 'weight'>>;
}

let seq = 0;

/**
 * Stores statements as the score worker would leave them (statement, evidence and metric
 * buckets in one transaction) without running the scorer, so expected values are exact.
 */
export function seedStatements(store: Store, items: SeedStatement[]): number[] {
  return store.transaction(() =>
    items.map((it) => {
      const { id } = store.statements.insert({
        dedupeKey: `test:${++seq}:${it.occurredAt}`,
        externalId: null,
        text: it.text,
        speaker: it.speaker ?? null,
        source: it.source ?? null,
        url: it.url ?? null,
        publishedAt: it.occurredAt,
        receivedAt: it.occurredAt,
        occurredAt: it.occurredAt,
        origin: 'api',
        isDemo: false,
      });
      if (it.score === null) return id;
      const signals: StoredSignal[] = (it.signals ?? []).map((s, i) => ({
        ...s,
        polarity: 'escalation',
        modality: 'asserted',
        start: i * 10,
        end: i * 10 + s.text.length,
      }));
      const targets = it.targets ?? [];
      store.statements.saveScored(id, {
        score: it.score,
        level: levelForScore(it.score),
        actor: it.speaker ?? null,
        targets,
        mentioned: [],
        signals,
        scorerVersion: 'test-1.0',
        scoredAt: it.occurredAt,
      });
      store.metrics.add(
        contributionsFor({
          occurredAt: it.occurredAt,
          score: it.score,
          actor: it.speaker ?? null,
          targets,
          categories: [...new Set(signals.map((s) => s.category))],
        }),
      );
      return id;
    }),
  );
}

/** The HTTP app with only the export routes, wired as main.ts wires them. */
export function createExportApp(store: Store, opts: { now?: () => number; maxRangeMs?: number } = {}) {
  const exports = createExportService({ openReader: () => store.openReader() });
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createExportRoutes({ exports, limits: { maxRangeMs: opts.maxRangeMs ?? MAX_RANGE_MS, now: opts.now } })],
    health: () => ({}),
  });
  return { app, exports };
}

/** What a spreadsheet should show for a text cell (the apostrophe rule, written independently). */
export function expectedText(value: string | null): string {
  if (value === null) return '';
  return ['=', '+', '-', '@', '\t', '\r', '\0'].includes(value.charAt(0)) ? `'${value}` : value;
}
