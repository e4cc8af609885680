import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Refuses URLs whose host is, or resolves to, a loopback, private, link-local or otherwise
 * non-public address (BRINKWATCH_BLOCK_PRIVATE_URLS). Written here because no shared guard
 * existed in server/ingest when alerts landed. The check happens at rule save and again before
 * each delivery (DNS can change); webhook redirects are never followed, so they cannot lead
 * past it. A DNS answer that changes between this check and the connection is not covered.
 */

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

export type UrlCheck = { ok: true } | { ok: false; reason: string };

export async function checkPublicUrl(raw: string, resolve: typeof lookup = lookup): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    return isPrivateAddress(host) ? { ok: false, reason: `points to a private or loopback address (${host})` } : { ok: true };
  }
  if (/^localhost$/i.test(host) || /\.localhost$/i.test(host)) return { ok: false, reason: 'points to localhost' };
  let addresses: Array<{ address: string }>;
  try {
    addresses = await resolve(host, { all: true });
  } catch (err) {
    return { ok: false, reason: `host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? { ok: false, reason: `host ${host} resolves to a private or loopback address (${bad.address})` } : { ok: true };
}
