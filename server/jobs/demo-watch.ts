import type { Logger } from '../config/logger.ts';
import type { Store } from '../store/store.ts';

/**
 * Whether the numbers the server shows include demo rows (store.demo.present()), and a push
 * when that changes: demo rows are purged by the first real statement (in any process: the
 * server, `npm run ingest`, `npm run demo -- purge`), so the server checks after its own
 * writes and on each score tick, and `onChange` runs after the purge has committed.
 */
export function createDemoWatch(deps: { store: Store; logger: Logger; onChange: (demoData: boolean) => void }) {
  let last = deps.store.demo.present();
  return {
    /** The state as last checked. */
    present(): boolean {
      return last;
    },
    /** Re-reads the state (one indexed lookup); calls onChange when it changed. */
    check(): boolean {
      const now = deps.store.demo.present();
      if (now !== last) {
        last = now;
        deps.logger.info({ demoData: now }, now ? 'demo data present' : 'demo data gone: every number is real data only');
        deps.onChange(now);
      }
      return now;
    },
  };
}

export type DemoWatch = ReturnType<typeof createDemoWatch>;
