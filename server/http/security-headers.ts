import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';

/** BRINKWATCH_TLS: whether clients reach the server over HTTPS (see config.ts). */
export type TlsMode = 'auto' | 'on' | 'off';

/**
 * Whether a request reached us over HTTPS. 'auto' believes express's req.secure: true only for a
 * TLS socket or, with BRINKWATCH_TRUST_PROXY naming the proxy, X-Forwarded-Proto: https from it.
 * Session cookies (Secure) will ask the same question.
 */
export function isHttpsRequest(req: Request, tls: TlsMode): boolean {
  if (tls === 'on') return true;
  if (tls === 'off') return false;
  return req.secure;
}

/**
 * helmet's headers, with Strict-Transport-Security and the CSP's upgrade-insecure-requests only
 * on requests that arrived over HTTPS. Sent over plain HTTP they break the page: the browser is
 * told to fetch app.js and styles.css over https from a server that speaks only http, and the
 * dashboard opened as http://brinkwatch.lan:3000 stays blank (browsers exempt localhost only).
 * HSTS over HTTP is ignored by browsers anyway (RFC 6797 §8.1) and only misleads; so is
 * Cross-Origin-Opener-Policy on an origin that is not potentially trustworthy (Chromium logs a
 * console error for it on every load of http://brinkwatch.lan).
 */
export function securityHeaders(tls: TlsMode): RequestHandler {
  const overHttps = helmet();
  const overHttp = helmet({
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  return (req, res, next) => (isHttpsRequest(req, tls) ? overHttps : overHttp)(req, res, next);
}
