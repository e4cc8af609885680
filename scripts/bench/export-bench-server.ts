/**
 * The export benchmark's server child: only the export routes, wired as main.ts wires them,
 * plus a bare-transport baseline route and an IPC answer saying where the memory is.
 *
 * The benchmark bundles this file with esbuild (the options of scripts/build-server.ts) and
 * runs it with plain node, as `npm start` runs the real server: under tsx the process carries
 * ~35 MB of loader that users never have. It can still be run from sources:
 *   node --import tsx scripts/bench/export-bench-server.ts DB_FILE
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createExportService } from '../../server/export/export-service.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createExportRoutes } from '../../server/http/export-routes.ts';
import { createStore } from '../../server/store/store.ts';

const DAY = 86_400_000;

export interface ChildMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  newSpace: number;
  oldSpace: number;
}

export async function serveExports(file: string): Promise<void> {
  const store = createStore(file);
  const exports = createExportService({ openReader: () => store.openReader() });
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createExportRoutes({ exports, limits: { maxRangeMs: 3650 * DAY } })],
    health: () => ({}),
  });
  // Baseline for the same run: the bare transport, N bytes of a fixed 64 KB chunk with the same
  // backpressure rule, no database and no formatting.
  const raw = Buffer.alloc(64 * 1024, `${'x'.repeat(548)}\r\n`); // one record end per ~550 bytes, like the export
  const server = http.createServer((req, res) => {
    const m = /^\/bench\/raw\?bytes=(\d+)$/.exec(req.url ?? '');
    if (!m) return app(req, res);
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    let left = Number(m[1]);
    const pump = () => {
      while (left > 0) {
        const part = left >= raw.length ? raw : raw.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  // The parent asks where the memory is (V8 heap vs native) after each export.
  process.on('message', (m: unknown) => {
    if (m !== 'memory') return;
    const u = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size]));
    const memory: ChildMemory = {
      rss: u.rss,
      heapTotal: u.heapTotal,
      heapUsed: u.heapUsed,
      external: u.external,
      newSpace: spaces.new_space ?? 0,
      oldSpace: spaces.old_space ?? 0,
    };
    process.send!({ memory });
  });
  process.on('disconnect', () => {
    server.close();
    store.close();
    process.exit(0);
  });
}

// realpath: node runs a module reached through a symlink (node_modules linked in) under its real path.
if (process.argv[1] && fs.realpathSync(path.resolve(process.argv[1])) === fileURLToPath(import.meta.url)) {
  await serveExports(process.argv[2]!);
}
