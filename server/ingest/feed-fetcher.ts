import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { BlockedAddressError, type UrlGuard } from './url-guard.ts';

export const FEED_MAX_BYTES = 5 * 1024 * 1024;
export const FEED_TIMEOUT_MS = 15_000;
export const FEED_MAX_REDIRECTS = 5;

export type FetchErrorCode =
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'bad-redirect'
  | 'http-error'
  | 'private-address'
  | 'network-error'
  | 'invalid-url';

export type FetchResult =
  | { ok: true; status: 200; body: Buffer; contentType: string | null; etag: string | null; lastModified: string | null; finalUrl: string }
  | { ok: true; status: 304; etag: string | null; lastModified: string | null; finalUrl: string }
  | { ok: false; code: FetchErrorCode; message: string; httpStatus: number | null };

export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  guard: UrlGuard;
  userAgent?: string;
}

const fail = (code: FetchErrorCode, message: string, httpStatus: number | null = null): FetchResult => ({ ok: false, code, message, httpStatus });

/**
 * Fetches a feed once: conditional GET (If-None-Match / If-Modified-Since), redirects
 * followed up to maxRedirects with loop detection, one deadline for the whole exchange, and a
 * size cap on the decoded body that aborts the download as soon as it is passed. Every hop's
 * address is checked by the URL guard at connect time. Never throws for network trouble.
 */
export async function fetchFeed(url: string, opts: FetchOptions): Promise<FetchResult> {
  const timeoutMs = opts.timeoutMs ?? FEED_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? FEED_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? FEED_MAX_REDIRECTS;
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), timeoutMs);
  const visited = new Set<string>();
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    clearTimeout(deadline);
    return fail('invalid-url', `not a valid URL: ${url.slice(0, 200)}`);
  }
  try {
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') return fail(hop === 0 ? 'invalid-url' : 'bad-redirect', `only http(s) URLs can be fetched, not ${current.protocol}`);
      const blocked = opts.guard.checkUrl(current);
      if (blocked) return fail('private-address', blocked.message);
      visited.add(current.href);
      const answer = await requestOnce(current, {
        // Validators apply to the URL they came from; a redirect target gets an unconditional GET.
        etag: hop === 0 ? opts.etag ?? null : null,
        lastModified: hop === 0 ? opts.lastModified ?? null : null,
        maxBytes,
        guard: opts.guard,
        signal: controller.signal,
        userAgent: opts.userAgent ?? 'Brinkwatch feed reader',
      });
      if (answer.kind === 'error') return answer.result;
      if (answer.kind === 'redirect') {
        if (hop >= maxRedirects) return fail('too-many-redirects', `more than ${maxRedirects} redirects`, answer.status);
        let next: URL;
        try {
          next = new URL(answer.location, current);
        } catch {
          return fail('bad-redirect', `redirect to an invalid URL: ${answer.location.slice(0, 200)}`, answer.status);
        }
        if (visited.has(next.href)) return fail('redirect-loop', `redirect loop back to ${next.href.slice(0, 200)}`, answer.status);
        current = next;
        continue;
      }
      return answer.result;
    }
  } finally {
    clearTimeout(deadline);
  }
}

type Answer =
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'done'; result: FetchResult }
  | { kind: 'error'; result: FetchResult };

function requestOnce(
  url: URL,
  o: { etag: string | null; lastModified: string | null; maxBytes: number; guard: UrlGuard; signal: AbortSignal; userAgent: string },
): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (a: Answer) => {
      if (settled) return;
      settled = true;
      resolve(a);
    };
    const headers: Record<string, string> = {
      'user-agent': o.userAgent,
      accept: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
      'accept-encoding': 'gzip, deflate, br',
    };
    if (o.etag) headers['if-none-match'] = o.etag;
    if (o.lastModified) headers['if-modified-since'] = o.lastModified;
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method: 'GET', headers, lookup: o.guard.lookup, signal: o.signal, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      const header = (name: string) => {
        const v = res.headers[name];
        return typeof v === 'string' ? v : null;
      };
      if ([301, 302, 303, 307, 308].includes(status)) {
        res.resume();
        const location = header('location');
        if (!location) return settle({ kind: 'error', result: fail('bad-redirect', `HTTP ${status} without a Location header`, status) });
        return settle({ kind: 'redirect', status, location });
      }
      if (status === 304) {
        res.resume();
        return settle({ kind: 'done', result: { ok: true, status: 304, etag: header('etag'), lastModified: header('last-modified'), finalUrl: url.href } });
      }
      if (status !== 200) {
        res.resume();
        return settle({ kind: 'error', result: fail('http-error', `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, status) });
      }
      const declared = Number(header('content-length'));
      if (Number.isFinite(declared) && declared > o.maxBytes) {
        req.destroy();
        return settle({ kind: 'error', result: fail('too-large', `the feed is ${declared} bytes; the limit is ${o.maxBytes}`, status) });
      }
      const encoding = (header('content-encoding') ?? 'identity').trim().toLowerCase();
      let body: NodeJS.ReadableStream = res;
      if (encoding === 'gzip' || encoding === 'x-gzip') body = res.pipe(zlib.createGunzip());
      else if (encoding === 'deflate') body = res.pipe(zlib.createInflate());
      else if (encoding === 'br') body = res.pipe(zlib.createBrotliDecompress());
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) {
          req.destroy();
          settle({ kind: 'error', result: fail('too-large', `the feed is larger than ${o.maxBytes} bytes; download aborted`, status) });
          return;
        }
        chunks.push(chunk);
      });
      body.on('end', () =>
        settle({
          kind: 'done',
          result: { ok: true, status: 200, body: Buffer.concat(chunks), contentType: header('content-type'), etag: header('etag'), lastModified: header('last-modified'), finalUrl: url.href },
        }),
      );
      body.on('error', (err: Error) => settle({ kind: 'error', result: errorResult(err, o.signal, status) }));
      res.on('error', (err: Error) => settle({ kind: 'error', result: errorResult(err, o.signal, status) }));
    });
    req.on('error', (err) => settle({ kind: 'error', result: errorResult(err, o.signal, null) }));
    req.end();
  });
}

function errorResult(err: Error, signal: AbortSignal, status: number | null): FetchResult {
  if (signal.aborted) return fail('timeout', 'the feed did not answer in time', status);
  if (err instanceof BlockedAddressError) return fail('private-address', err.message, status);
  const code = (err as NodeJS.ErrnoException).code;
  return fail('network-error', `${code ? `${code}: ` : ''}${err.message}`.slice(0, 300), status);
}
