import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createStore } from '../../server/store/store.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const T0 = Date.UTC(2026, 10, 1);
const ROWS = 40_000;

interface Download {
  status: number;
  firstByteAt: number;
  endAt: number;
  bytes: number;
}

/** A GET on its own connection, reading as fast as it comes; times are performance.now(). */
function download(url: string, headersOnly = false): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      if (headersOnly) {
        resolve({ status: res.statusCode ?? 0, firstByteAt: performance.now(), endAt: performance.now(), bytes: 0 });
        return void req.destroy();
      }
      const d: Download = { status: res.statusCode ?? 0, firstByteAt: -1, endAt: -1, bytes: 0 };
      res.on('data', (c: Buffer) => {
        if (d.firstByteAt < 0) d.firstByteAt = performance.now();
        d.bytes += c.length;
      });
      res.on('end', () => resolve({ ...d, endAt: performance.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/**
 * Four statements.csv exports at once from the real server process: they stream side by side
 * (each starts before any ends), other requests are answered meanwhile, and a fifth gets 429.
 * Before, on a fast local socket 'drain' came on the same tick as the write and one export kept
 * the event loop until it ended: the others (and /api/health) waited behind it.
 */
describe('concurrent CSV exports interleave and leave the server responsive', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-export-interleave-'));
  before(async () => {
    const store = createStore(path.join(dataDir, 'brinkwatch.db'));
    store.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO statements (dedupe_key, text, speaker, source, received_at, occurred_at, origin, status, score, level, actor, targets, signals, scorer_version)
      SELECT 'k' || i, printf('Statement %d: any attack on our territory will be met with a decisive response, the ministry said. %.*c', i, 150, 'x'),
        'Speaker ' || (i % 50), 'State TV', ${T0} + i * 1000, ${T0} + i * 1000, 'cli', 'scored', (i % 1000) / 10.0, 'elevated',
        'Speaker ' || (i % 50), '["Ukraine"]', '[]', 'test' FROM n`);
    store.close();
    server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_DEMO: 'off', BRINKWATCH_EXPORT_MAX_DAYS: '3650' });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('four exports stream side by side, health answers meanwhile, a fifth gets 429', async () => {
    const url = `${server.url}/api/export/statements.csv?from=2026-10-01&to=2026-12-31`;
    const exports = Array.from({ length: 4 }, () => download(url));
    // Once one export is under way: another request, and a fifth export.
    await new Promise((r) => setTimeout(r, 30));
    const health = download(`${server.url}/api/health`);
    const fifth = await download(url, true);
    const results = await Promise.all(exports);
    const h = await health;

    for (const r of results) assert.equal(r.status, 200);
    assert.ok(results.every((r) => r.bytes === results[0]!.bytes && r.bytes > 5_000_000), `each export is complete (${results.map((r) => r.bytes).join(', ')} bytes)`);
    const firstEnd = Math.min(...results.map((r) => r.endAt));
    const lastStart = Math.max(...results.map((r) => r.firstByteAt));
    assert.ok(lastStart < firstEnd, `every export started before the first one ended (last first byte ${(lastStart - firstEnd).toFixed(0)} ms after it)`);
    assert.equal(h.status, 200);
    assert.ok(h.endAt < firstEnd, 'health was answered while the exports were streaming');
    assert.equal(fifth.status, 429, 'at most 4 exports stream at once');
  });
});
