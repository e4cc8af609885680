import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { buildClient } from '../../scripts/build-client.ts';

/** One raw GET (no client-side decompression), so the test sees the bytes on the wire. */
function get(url: string, acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('dashboard assets are sent compressed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-assets-'));
  let server: http.Server;
  let base: string;

  before(async () => {
    await buildClient(dir);
    const api = express.Router();
    // A large JSON answer, to show the API is not what compression wraps.
    api.get('/api/big', (_req, res) => res.json({ rows: Array.from({ length: 2000 }, (_, i) => ({ i, text: 'threatens to strike' })) }));
    const app = createHttpApp({ logger: createSilentLogger(), clientDir: dir, routers: [api] });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const asset of ['app.js', 'styles.css', 'index.html']) {
    it(`GET /${asset} with br or gzip accepted comes back brotli, and gzip when only gzip is accepted`, async () => {
      const original = fs.readFileSync(path.join(dir, asset));
      const br = await get(`${base}/${asset}`, 'gzip, deflate, br');
      assert.equal(br.status, 200);
      assert.equal(br.headers['content-encoding'], 'br');
      assert.match(String(br.headers.vary), /Accept-Encoding/i);
      assert.ok(zlib.brotliDecompressSync(br.body).equals(original), 'brotli body decodes to the file');
      const gz = await get(`${base}/${asset}`, 'gzip');
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.ok(zlib.gunzipSync(gz.body).equals(original), 'gzip body decodes to the file');
      if (asset === 'app.js') {
        assert.ok(br.body.length < original.length / 2.5, `app.js: ${original.length} bytes sent as ${br.body.length}`);
      }
    });
  }

  it('sends the asset as is to a client that accepts no encoding', async () => {
    const plain = await get(`${base}/app.js`, 'identity');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(fs.readFileSync(path.join(dir, 'app.js'))));
  });

  it('leaves API answers (and so streamed exports) uncompressed', async () => {
    const res = await get(`${base}/api/big`, 'gzip, br');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal((JSON.parse(res.body.toString()) as { rows: unknown[] }).rows.length, 2000);
  });
});
