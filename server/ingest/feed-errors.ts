/**
 * What a feed failure says to someone without the admin token (GET /api/feeds, the feedChanged
 * push). The stored detail can quote internal things: a status line, a validator message naming
 * the document's elements, the address a host resolved to, a redirect target. Anyone who can
 * read the feed list could then use a feed pointed at an internal host as a probe and read back
 * what answered. The public text names the kind of failure only; the detail stays for the admin.
 */

const NETWORK: Array<[RegExp, string]> = [
  [/^ECONNREFUSED$/, 'connection refused'],
  [/^(ECONNRESET|EPIPE|ECONNABORTED)$/, 'connection reset'],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_NODATA|EAI_FAIL)$/, 'host name not found'],
  [/^(ETIMEDOUT|ESOCKETTIMEDOUT)$/, 'timed out connecting'],
  [/^(EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN)$/, 'host unreachable'],
  [/^(CERT_|ERR_TLS|ERR_SSL|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|EPROTO$)/, 'TLS error (certificate or handshake)'],
  [/^HPE_/, 'invalid HTTP response'],
  [/^(Z_|ERR_ZLIB|ERR_BROTLI)/, 'could not decompress the response'],
];

const GENERAL: Record<string, string> = {
  timeout: 'the feed did not answer in time',
  'too-large': 'the feed is larger than the size limit',
  'too-many-redirects': 'too many redirects',
  'redirect-loop': 'redirect loop',
  'bad-redirect': 'invalid redirect',
  'private-address': 'refused: the address is private, loopback or link-local',
  'invalid-url': 'not a valid http(s) URL',
  'malformed-xml': 'not well-formed XML',
  'not-a-feed': 'not an RSS or Atom feed',
  'refused-doctype': 'refused: the document declares XML entities',
  'internal-error': 'internal error while reading the feed',
};

/**
 * The public text of a feed failure: its kind in general terms, the HTTP status for an HTTP error,
 * the kind of network failure from the error code that fetchFeed puts first ("ECONNREFUSED: ...").
 */
export function publicFeedError(code: string | null, httpStatus: number | null, detail: string | null): string | null {
  if (detail === null && code === null) return null;
  if (code === 'http-error') return httpStatus !== null ? `HTTP ${httpStatus}` : 'HTTP error';
  if (code === 'network-error') {
    const errno = /^([A-Z][A-Z0-9_]+):/.exec(detail ?? '')?.[1];
    const match = errno ? NETWORK.find(([re]) => re.test(errno)) : undefined;
    return match ? match[1] : 'network error';
  }
  return (code !== null && Object.hasOwn(GENERAL, code) ? GENERAL[code] : undefined) ?? 'the feed could not be read';
}
