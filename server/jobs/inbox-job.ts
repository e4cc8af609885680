import type { Logger } from '../config/logger.ts';
import type { InboxService } from '../ingest/inbox-service.ts';
import { createScheduledJob, type ScheduledJob } from './scheduled-job.ts';

/** Looks at the inbox folder on a schedule (BRINKWATCH_INBOX_CRON). */
export function createInboxJob(deps: { inbox: InboxService; cron: string; logger: Logger }): ScheduledJob {
  return createScheduledJob({
    name: 'inbox',
    cron: deps.cron,
    logger: deps.logger,
    run: async () => ({ ...(await deps.inbox.runOnce()) }),
    isIdle: (c) => c.files === 0 && c.rejected === 0 && c.failed === 0,
  });
}
