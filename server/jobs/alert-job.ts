import type { AlertService } from '../alerts/alert-service.ts';
import type { Notifier } from '../alerts/notifier.ts';
import type { Logger } from '../config/logger.ts';
import { createScheduledJob, type ScheduledJob } from './scheduled-job.ts';

/**
 * The two alert timers: rule evaluation (time alone can fire, repeat or resolve an alert) and
 * the notifier that drains the outbox. Evaluation also runs after each scoring batch (main.ts).
 */
export function createAlertJobs(deps: {
  alerts: AlertService;
  notifier: Notifier;
  logger: Logger;
  evaluateCron: string;
  notifyCron: string;
  /** Several nodes: both run only on the leader (server/cluster/leadership.ts). */
  onlyWhen?: () => boolean;
}): {
  evaluate: ScheduledJob;
  notify: ScheduledJob;
} {
  return {
    evaluate: createScheduledJob({
      name: 'alerts',
      cron: deps.evaluateCron,
      logger: deps.logger,
      run: () => deps.alerts.evaluate(),
      isIdle: (c) => c.changed === 0,
      onlyWhen: deps.onlyWhen,
    }),
    notify: createScheduledJob({
      name: 'notify',
      cron: deps.notifyCron,
      logger: deps.logger,
      run: () => deps.notifier.runOnce(),
      isIdle: (c) => c.delivered === 0 && c.retry === 0 && c.dead === 0,
      onlyWhen: deps.onlyWhen,
    }),
  };
}
