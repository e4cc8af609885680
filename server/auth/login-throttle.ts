/**
 * Failed sign-ins per client address in a sliding window, in memory (a restart forgets them;
 * the per-account lock is in the database). After `limit` failures within `windowMs` the
 * address gets 429 until the oldest failure leaves the window. Bounded: at most `maxKeys`
 * addresses are tracked, the oldest dropped first. A success does not clear an address's count
 * (one valid account must not buy unlimited guesses at the others).
 */
export function createLoginThrottle(opts: { limit: number; windowMs: number; maxKeys?: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 10_000;
  const failures = new Map<string, number[]>();
  const recent = (key: string, t: number) => (failures.get(key) ?? []).filter((at) => at > t - opts.windowMs);
  return {
    /** Seconds until this address may try again, or 0 when it may now. */
    retryAfter(key: string): number {
      const t = now();
      const list = recent(key, t);
      if (list.length < opts.limit) return 0;
      return Math.max(1, Math.ceil((list[list.length - opts.limit]! + opts.windowMs - t) / 1000));
    },
    fail(key: string): void {
      const t = now();
      const list = recent(key, t);
      list.push(t);
      failures.delete(key);
      failures.set(key, list);
      if (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
