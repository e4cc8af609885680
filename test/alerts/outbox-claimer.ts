/**
 * One "node" draining the alert outbox, for test/alerts/outbox-nodes.test.ts: opens the store on
 * the PostgreSQL schema it is given, says `ready`, waits for `go` on stdin (so that all nodes
 * start claiming at the same moment), then claims at the fixed clock OUTBOX_NOW.
 *
 * OUTBOX_MODE=drain: claims OUTBOX_BATCH rows at a time until none is due, marks each delivered,
 *   prints `claimed <json ids>` and exits.
 * OUTBOX_MODE=hold: claims one batch, prints `claimed <json ids>` and waits to be killed without
 *   marking anything (a node that dies mid-send).
 */
import readline from 'node:readline';
import { createStore } from '../../server/store/store.ts';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`outbox-claimer: ${name} is required`);
  return v;
}

const url = need('OUTBOX_DATABASE_URL');
const schema = need('OUTBOX_SCHEMA');
const mode = need('OUTBOX_MODE');
const now = Number(need('OUTBOX_NOW'));
const batch = Number(need('OUTBOX_BATCH'));
const leaseMs = 60_000;
if (mode !== 'drain' && mode !== 'hold') throw new Error(`outbox-claimer: OUTBOX_MODE must be drain or hold, not ${mode}`);

const store = createStore(url, { pg: { schema } });
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  if (mode === 'hold') {
    const held = store.alerts.claimDueDeliveries(now, batch, leaseMs).map((d) => d.id);
    process.stdout.write(`claimed ${JSON.stringify(held)}\n`);
    setInterval(() => undefined, 60_000); // until SIGKILL
    return;
  }
  const ids: number[] = [];
  for (;;) {
    const due = store.alerts.claimDueDeliveries(now, batch, leaseMs);
    if (due.length === 0) break;
    for (const d of due) {
      store.alerts.markDelivered(d.id, now);
      ids.push(d.id);
    }
  }
  process.stdout.write(`claimed ${JSON.stringify(ids)}\n`);
  store.close();
  lines.close();
});
