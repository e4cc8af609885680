import dns from 'node:dns';
import net from 'node:net';

/**
 * Refuses outbound connections (feeds and webhooks) to loopback, private, link-local (cloud
 * metadata at 169.254.169.254) and other non-public addresses while BRINKWATCH_BLOCK_PRIVATE_URLS
 * is on (the default), except hosts, addresses and CIDR blocks named in
 * BRINKWATCH_ALLOW_PRIVATE_URLS (intranet feeds). The check runs on
 * the address actually connected to (a custom `lookup` for http.request), so a DNS answer
 * that changes between a check and the connection (DNS rebinding) cannot slip through, and
 * every redirect hop goes through it again.
 */

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net4, prefix, 'ipv4');
}
for (const [net6, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  ['100::', 64], // discard
] as const) {
  blocked.addSubnet(net6, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped, -compatible or NAT64 IPv6 address, if any. */
function embeddedIpv4(ip: string): string | null {
  const m = /^(?:::ffff:(?:0:)?|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1]!;
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True for loopback, private, link-local, multicast and other non-public addresses. */
export function isPrivateAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4 !== null) return blocked.check(v4, 'ipv4');
    return blocked.check(ip, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

export class BlockedAddressError extends Error {
  readonly code = 'private-address';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host === address ? host : `${host} resolves to ${address}, which`} is a private, loopback or link-local address ` +
        '(refused while BRINKWATCH_BLOCK_PRIVATE_URLS is on; list the host or its network in BRINKWATCH_ALLOW_PRIVATE_URLS to allow it)',
    );
  }
}

/**
 * The exemptions of BRINKWATCH_ALLOW_PRIVATE_URLS: entries that parse as an address or CIDR block
 * exempt those addresses (whatever name led to them), other entries exempt a host name (whatever
 * it resolves to). Matching is exact and case-insensitive: "intranet" does not exempt
 * "intranet.evil.example".
 */
export function parseAllowList(entries: readonly string[]): { allowsHost: (host: string) => boolean; allowsAddress: (ip: string) => boolean } {
  const hosts = new Set<string>();
  const list = new net.BlockList();
  let hasAddresses = false;
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    const ip = cidr ? cidr[1]! : entry;
    const family = net.isIP(ip);
    if (family === 0) {
      if (entry) hosts.add(entry);
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (cidr) list.addSubnet(ip, Number(cidr[2]), type);
    else list.addAddress(ip, type);
    hasAddresses = true;
  }
  return {
    allowsHost: (host) => hosts.has(host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '')),
    allowsAddress: (ip) => {
      if (!hasAddresses) return false;
      const family = net.isIP(ip);
      if (family === 0) return false;
      if (family === 6) {
        const v4 = embeddedIpv4(ip);
        if (v4 !== null && list.check(v4, 'ipv4')) return true;
      }
      return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export interface UrlGuard {
  /** Checks a URL's literal host before connecting (literal IPs bypass `lookup`). */
  checkUrl(url: URL): BlockedAddressError | null;
  /** A `lookup` for http.request / net.connect that refuses blocked addresses at connect time. */
  lookup: net.LookupFunction;
}

type LookupAll = (hostname: string, options: dns.LookupAllOptions, cb: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

/**
 * Builds the guard. `block` decides which addresses are refused (isPrivateAddress by
 * default; tests pass their own); `allow` is BRINKWATCH_ALLOW_PRIVATE_URLS; `resolve` stands in
 * for dns.lookup in tests.
 */
export function createUrlGuard(opts: { enabled: boolean; allow?: readonly string[]; block?: (ip: string) => boolean; resolve?: LookupAll }): UrlGuard {
  const isBlocked = opts.block ?? isPrivateAddress;
  const allow = parseAllowList(opts.allow ?? []);
  const block = (ip: string) => isBlocked(ip) && !allow.allowsAddress(ip);
  const resolve: LookupAll = opts.resolve ?? ((h, o, cb) => dns.lookup(h, o, cb));

  const lookup = ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    const wantAll = typeof options === 'object' && options !== null && options.all === true;
    const family = typeof options === 'object' && options !== null ? options.family : undefined;
    resolve(hostname, { all: true, family: family as number | undefined, hints: (options as dns.LookupOptions)?.hints }, (err, addresses) => {
      if (err) return callback(err);
      if (opts.enabled && !allow.allowsHost(hostname)) {
        const bad = addresses.find((a) => block(a.address));
        // One bad answer refuses the host: an attacker controls which address gets tried.
        if (bad) return callback(new BlockedAddressError(hostname, bad.address));
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }));
      if (wantAll) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as unknown as net.LookupFunction;

  return {
    checkUrl(url: URL): BlockedAddressError | null {
      if (!opts.enabled) return null;
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (net.isIP(host) && block(host) && !allow.allowsHost(host)) return new BlockedAddressError(host, host);
      return null;
    },
    lookup,
  };
}
