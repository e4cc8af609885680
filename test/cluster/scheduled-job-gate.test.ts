import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../server/config/logger.ts';
import { createScheduledJob } from '../../server/jobs/scheduled-job.ts';

/** A logger whose JSON lines land in `lines` (pino writes one line per call). */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

test('onlyWhen: a closed gate skips the run (counted, logged once), an open one runs it', async () => {
  const { logger, lines } = capturingLogger();
  let leader = false;
  let ran = 0;
  const job = createScheduledJob({ name: 'gated', cron: '0 0 1 1 *', logger, run: () => ({ n: ++ran }), onlyWhen: () => leader });
  assert.equal(await job.runNow(), undefined, 'skipped while the gate is closed');
  assert.equal(await job.runNow(), undefined);
  assert.equal(ran, 0);
  assert.deepEqual(job.stats?.(), { runs: 0, skipped: 2 });
  leader = true;
  assert.deepEqual(await job.runNow(), { n: 1 });
  leader = false;
  await job.runNow();
  assert.deepEqual(job.stats?.(), { runs: 1, skipped: 3 });
  const msgs = lines.filter((l) => l.job === 'gated').map((l) => l.msg);
  assert.deepEqual(msgs, ['job paused: its gate is closed (another node leads)', 'job resumed', 'job run', 'job paused: its gate is closed (another node leads)']);
  await job.stop();
});

test('onlyWhen that throws skips the run and logs the error; no gate runs every time', async () => {
  const { logger, lines } = capturingLogger();
  let ran = 0;
  const broken = createScheduledJob({ name: 'broken-gate', cron: '0 0 1 1 *', logger, run: () => void ran++, onlyWhen: () => { throw new Error('boom'); } });
  assert.equal(await broken.runNow(), undefined);
  assert.equal(ran, 0);
  assert.ok(lines.some((l) => l.job === 'broken-gate' && l.msg === 'job gate threw; skipping the run'));
  const open = createScheduledJob({ name: 'open', cron: '0 0 1 1 *', logger, run: () => void ran++ });
  await open.runNow();
  await open.runNow();
  assert.equal(ran, 2);
  assert.deepEqual(open.stats?.(), { runs: 2, skipped: 0 });
});
