import type { Logger } from '../config/logger.ts';
import type { InboxService } from '../ingest/inbox-service.ts';
import { createScheduledJob, type ScheduledJob } from './scheduled-job.ts';

/**
 * Looks at the inbox folder on a schedule (BRINKWATCH_INBOX_CRON). Stopping it (shutdown)
 * interrupts a long file after its current batch instead of waiting for the whole file; the
 * file stays in the inbox and resumes from its checkpoint at the next start.
 */
export function createInboxJob(deps: { inbox: InboxService; cron: string; logger: Logger }): ScheduledJob {
  const stopping = new AbortController();
  const job = createScheduledJob({
    name: 'inbox',
    cron: deps.cron,
    logger: deps.logger,
    run: async () => ({ ...(await deps.inbox.runOnce(stopping.signal)) }),
    isIdle: (c) => c.files === 0 && c.rejected === 0 && c.failed === 0,
  });
  return {
    name: job.name,
    start: () => job.start(),
    runNow: () => job.runNow(),
    async stop() {
      stopping.abort();
      await job.stop();
    },
  };
}
