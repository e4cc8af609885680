import { z } from 'zod';

export const MIN_FEED_INTERVAL_SECONDS = 30;
export const MAX_FEED_INTERVAL_SECONDS = 7 * 86_400;
export const DEFAULT_FEED_INTERVAL_SECONDS = 300;

/** {name, url, intervalSeconds}: the shape of POST /api/feeds and of each entry in feeds.json. */
export const feedInputSchema = z.object({
  name: z.string({ message: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  url: z
    .string({ message: 'is required and must be a string' })
    .trim()
    .max(2048, 'must be at most 2048 characters')
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
        } catch {
          return false;
        }
      },
      { message: 'must be an absolute http(s) URL without credentials' },
    ),
  intervalSeconds: z
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_FEED_INTERVAL_SECONDS, `must be at least ${MIN_FEED_INTERVAL_SECONDS}`)
    .max(MAX_FEED_INTERVAL_SECONDS, `must be at most ${MAX_FEED_INTERVAL_SECONDS} (7 days)`)
    .default(DEFAULT_FEED_INTERVAL_SECONDS),
});

export type FeedInput = z.infer<typeof feedInputSchema>;

export function parseFeedInput(value: unknown): { ok: true; value: FeedInput } | { ok: false; message: string } {
  const r = feedInputSchema.safeParse(value);
  if (r.success) return { ok: true, value: { ...r.data, url: new URL(r.data.url).href } };
  return { ok: false, message: r.error.issues.map((i) => `${i.path.join('.') || 'feed'} ${i.message}`).join('; ') };
}
