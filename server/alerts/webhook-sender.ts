import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import { BlockedAddressError, type UrlGuard } from '../ingest/url-guard.ts';

export type UrlCheck = { ok: true } | { ok: false; reason: string };

/**
 * Save-time check of a webhook URL against the shared guard (server/ingest/url-guard.ts): the
 * literal host, then every address its name resolves to. The same guard runs again at connect
 * time for each delivery, so a DNS answer that changes later cannot slip through.
 */
export function checkWebhookUrl(guard: UrlGuard, raw: string): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return Promise.resolve({ ok: false, reason: 'is not a valid URL' });
  }
  const literal = guard.checkUrl(url);
  if (literal) return Promise.resolve({ ok: false, reason: literal.message });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    guard.lookup(host, { all: true }, ((err: NodeJS.ErrnoException | null, _addresses: LookupAddress[]) => {
      if (err instanceof BlockedAddressError) resolve({ ok: false, reason: err.message });
      else if (err) resolve({ ok: false, reason: `host ${host} does not resolve (${err.code ?? err.message})` });
      else resolve({ ok: true });
    }) as never);
  });
}

export interface WebhookResponse {
  status: number;
}

/**
 * One POST, no redirects followed (a 3xx comes back as a status), the guard's `lookup` on the
 * connection, the response body discarded. Rejects on network errors, blocked addresses
 * (BlockedAddressError) and on timeout.
 */
export function postWebhook(
  raw: string,
  body: string,
  opts: { headers: Record<string, string>; timeoutMs: number; guard: UrlGuard },
): Promise<WebhookResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(raw);
    const blocked = opts.guard.checkUrl(url);
    if (blocked) return reject(blocked);
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: opts.guard.lookup,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
