/** A duration like 5m, 1h, 24h or 7d in milliseconds (the server's parseWindow, for the page). */
export function parseWindowMs(w: string): number {
  const m = /^(\d+)([mhd])$/.exec(w);
  if (!m) throw new Error(`not a duration: ${w}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}
