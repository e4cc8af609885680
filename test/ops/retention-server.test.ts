import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { parseExposition } from './ops-fixtures.ts';

const DAY = 86_400_000;

describe('the retention job in the real server process', () => {
  let server: RunningServer | null = null;
  after(async () => {
    await server?.stop();
  });

  it('deletes statements older than BRINKWATCH_RETAIN_STATEMENTS_DAYS on its schedule; counts and the chart\'s history stay true', async () => {
    server = await startServerProcess({
      BRINKWATCH_DEMO: 'off',
      BRINKWATCH_LOG_LEVEL: 'info',
      BRINKWATCH_RETAIN_STATEMENTS_DAYS: '5',
      BRINKWATCH_RETENTION_CRON: '*/1 * * * * *',
    });
    const now = Date.now();
    const statements = [
      ...[10, 9, 8].map((d) => ({ text: `Old: Russia threatened to strike NATO supply lines (${d} days ago).`, speaker: 'Russia', publishedAt: new Date(now - d * DAY).toISOString() })),
      ...[1, 2].map((d) => ({ text: `Recent: China warned of decisive action near Taiwan (${d} days ago).`, speaker: 'China', publishedAt: new Date(now - d * DAY).toISOString() })),
    ];
    const res = await fetch(`${server.url}/api/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ statements }),
    });
    assert.equal(res.status, 202);
    const historyUrl = `${server.url}/api/metrics/history?bucket=day&from=${new Date(now - 12 * DAY).toISOString()}&to=${new Date(now).toISOString()}`;

    let list: Array<{ text: string }> = [];
    for (let i = 0; i < 80; i++) {
      await new Promise((r) => setTimeout(r, 250));
      list = ((await (await fetch(`${server.url}/api/statements?limit=50`)).json()) as { statements: Array<{ text: string }> }).statements;
      if (list.length === 2 && /"job":"retention"/.test(server.output())) break;
    }
    assert.deepEqual(list.map((s) => s.text.slice(0, 7)).sort(), ['Recent:', 'Recent:']);
    assert.match(server.output(), /"job":"retention".*"statements":3/);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { statements: Record<string, number> };
    assert.equal(health.statements.scored, 2);
    const m = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
    assert.equal(m.get('brinkwatch_statements{status="scored",lang="en"}'), 2);
    const history = (await (await fetch(historyUrl)).json()) as { points: Array<{ count: number }> };
    assert.equal(history.points.reduce((a, p) => a + p.count, 0), 5, 'the daily history still counts the deleted statements');
  });
});
