import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ingest');
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/**
 * A real HTTP server on 127.0.0.1 (port 0) serving feed fixtures and misbehaving on purpose:
 * conditional GET with 304, a 500, a feed that never answers, malformed XML, a 20 MB body,
 * redirect chains and loops, gzip, and a latin-1 feed labelled only in Content-Type.
 */
export async function startFeedServer() {
  const hits = new Map<string, number>();
  const conditional = { etagHits: 0, modifiedSinceHits: 0 };
  const hanging = new Set<http.ServerResponse>();
  let hugeBytesSent = 0;
  const LAST_MODIFIED = 'Tue, 06 Jan 2026 10:00:00 GMT';
  const overrides = new Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const override = overrides.get(url.pathname);
    if (override) return override(req, res);
    const xml = (body: Buffer | string, type = 'application/rss+xml; charset=utf-8') => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    switch (url.pathname) {
      case '/rss2': {
        const etag = '"rss2-v1"';
        if (req.headers['if-none-match'] === etag) {
          conditional.etagHits++;
          res.writeHead(304, { etag });
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/rss+xml', etag });
        return res.end(fixture('feed-rss2.xml'));
      }
      case '/atom': {
        if (req.headers['if-modified-since'] === LAST_MODIFIED) {
          conditional.modifiedSinceHits++;
          res.writeHead(304);
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/atom+xml', 'last-modified': LAST_MODIFIED });
        return res.end(fixture('feed-atom.xml'));
      }
      case '/rdf':
        return xml(fixture('feed-rdf.xml'), 'application/rdf+xml');
      case '/latin1':
        // Latin-1 bytes whose XML declaration names no encoding: only the header says so.
        return xml(Buffer.from(fixture('feed-latin1.xml').toString('latin1').replace(/<\?xml[^>]*\?>/, '<?xml version="1.0"?>'), 'latin1'), 'text/xml; charset=iso-8859-1');
      case '/gzip': {
        res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(fixture('feed-rdf.xml')));
      }
      case '/error':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('internal error');
      case '/hang':
        hanging.add(res);
        return; // never answers
      case '/malformed':
        return xml(fixture('feed-malformed.xml'));
      case '/not-a-feed':
        return xml('<html><body>Hello</body></html>', 'text/html');
      case '/huge': {
        // 20 MB, chunked (no Content-Length): the client must abort after its cap.
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 20 * 1024 * 1024) {
            sent += chunk.length;
            hugeBytesSent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => {
          sent = Infinity;
        });
        return pump();
      }
      case '/huge-declared':
        res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(20 * 1024 * 1024) });
        return res.end(); // the declared length alone must be refused
      case '/loop-a':
        res.writeHead(302, { location: '/loop-b' });
        return res.end();
      case '/loop-b':
        res.writeHead(301, { location: '/loop-a' });
        return res.end();
      case '/no-location':
        res.writeHead(302);
        return res.end();
      default: {
        const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
        if (chain) {
          const n = Number(chain[1]);
          res.writeHead(n === 0 ? 307 : 302, { location: n === 0 ? '/rdf' : `/chain/${n - 1}` });
          return res.end();
        }
        res.writeHead(404);
        return res.end();
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    hits: (p: string) => hits.get(p) ?? 0,
    conditional,
    hugeBytesSent: () => hugeBytesSent,
    /** Replace a path's handler (e.g. to make a working feed start failing). */
    override(p: string, handler: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null) {
      if (handler) overrides.set(p, handler);
      else overrides.delete(p);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
