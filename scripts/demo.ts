/**
 * npm run demo -- purge | status
 *
 * Demo data (BRINKWATCH_DEMO=auto seeds an empty database with it) is purged automatically when
 * the first real statement is stored; `purge` removes it now: the demo statements, the metric
 * buckets they fed (the days they touched are rebuilt from the real statements in them) and the
 * alerts raised before the first real statement, in one transaction. A running server notices
 * within one score tick (2 s) and pushes the new state to open dashboards. `status` prints how
 * many demo statements are stored.
 */
import { loadConfigFromEnv } from '../server/config/config.ts';
import { createStore } from '../server/store/store.ts';

const USAGE = 'usage: npm run demo -- purge | status   (the database in BRINKWATCH_DATA_DIR, default ./data)\n';
const command = process.argv[2];
if (command !== 'purge' && command !== 'status') {
  process.stderr.write(USAGE);
  process.exit(2);
}
const parsed = loadConfigFromEnv();
if (!parsed.ok) {
  process.stderr.write(`demo: the configuration has ${parsed.errors.length} problem(s):\n${parsed.errors.map((e) => `  - ${e}\n`).join('')}`);
  process.exit(2);
}
const store = createStore(parsed.config.databaseFile);
try {
  if (command === 'status') {
    const n = store.demo.count();
    process.stdout.write(n === 0 ? 'no demo data stored\n' : `${n} demo statements stored (every number on the dashboard includes them)\n`);
  } else {
    const r = store.transaction(() => store.demo.purge());
    process.stdout.write(
      r.statements === 0
        ? 'no demo data stored; nothing to purge\n'
        : `purged ${r.statements} demo statements and ${r.alerts} alerts raised from them; metric buckets of ${r.days} days rebuilt from ${r.rebuiltFrom} real statements\n`,
    );
  }
} finally {
  store.close();
}
