import { createSilentLogger } from '../../server/config/logger.ts';
import { createAlertService } from '../../server/alerts/alert-service.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { contributionsFor } from '../../server/metrics/risk-index.ts';
import type { Store } from '../../server/store/store.ts';

let seq = 0;

/** Stores one already-scored statement with its metric buckets, as the score worker would. */
export function addScored(
  store: Store,
  s: { occurredAt: number; score: number; speaker?: string; targets?: string[]; categories?: string[]; text?: string },
): number {
  return store.transaction(() => {
    seq++;
    const { id } = store.statements.insert({
      dedupeKey: `test:${seq}:${s.occurredAt}`,
      externalId: null,
      text: s.text ?? `statement ${seq} scored ${s.score}`,
      speaker: s.speaker ?? null,
      source: 'test',
      url: null,
      publishedAt: s.occurredAt,
      receivedAt: s.occurredAt,
      occurredAt: s.occurredAt,
      origin: 'api',
      isDemo: false,
    });
    const categories = s.categories ?? [];
    store.statements.saveScored(id, {
      score: s.score,
      level: 'test',
      actor: s.speaker ?? null,
      targets: s.targets ?? [],
      mentioned: [],
      signals: categories.map((c) => ({ category: c, polarity: 'escalation', weight: 1, modality: 'asserted', text: c, start: 0, end: 1 })),
      scorerVersion: 'test',
      scoredAt: s.occurredAt,
    });
    store.metrics.add(contributionsFor({ occurredAt: s.occurredAt, score: s.score, actor: s.speaker ?? null, targets: s.targets ?? [], categories }));
    return id;
  });
}

/** An alert service on a store with a clock the test moves. */
export function createTestAlerts(store: Store, opts: Partial<Parameters<typeof createAlertService>[0]> = {}) {
  const clock = { now: Date.UTC(2026, 0, 1, 12) };
  const now = () => clock.now;
  const metrics = createMetricsService({ store, now });
  const changes: Array<{ id: number; state: string; change: string }> = [];
  const alerts = createAlertService({
    store,
    metrics,
    logger: createSilentLogger(),
    now,
    onAlertChanged: (a, change) => changes.push({ id: a.id, state: a.state, change }),
    ...opts,
  });
  return { alerts, metrics, clock, changes };
}

export const MIN = 60_000;
