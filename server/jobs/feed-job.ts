import type { Logger } from '../config/logger.ts';
import type { FeedService } from '../ingest/feed-service.ts';
import { createScheduledJob, type ScheduledJob } from './scheduled-job.ts';

/** Ticks every few seconds and polls the feeds that are due (each has its own interval and backoff). */
export function createFeedJob(deps: {
  feeds: FeedService;
  cron: string;
  logger: Logger;
  onStored?: (count: number) => void;
  /** Several nodes: feeds are polled by the leader only, so an item is fetched once (server/cluster/leadership.ts). */
  onlyWhen?: () => boolean;
}): ScheduledJob {
  return createScheduledJob({
    name: 'feeds',
    cron: deps.cron,
    logger: deps.logger,
    run: async () => {
      const counts = await deps.feeds.pollDue();
      if (counts.stored > 0) deps.onStored?.(counts.stored);
      return counts;
    },
    isIdle: (c) => c.polled === 0,
    onlyWhen: deps.onlyWhen,
  });
}
