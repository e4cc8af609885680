import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../config/logger.ts';
import type { DeliveryRecord } from '../store/alerts-repo.ts';
import type { Store } from '../store/store.ts';
import { BlockedAddressError, createUrlGuard, type UrlGuard } from '../ingest/url-guard.ts';
import { postWebhook } from './webhook-sender.ts';

export interface NotifierOptions {
  /** Attempts before a delivery is given up as 'dead'. */
  maxAttempts: number;
  /** Delay after the first failure; doubles per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A claimed delivery is retried after this long if the process dies mid-send. */
  leaseMs: number;
  timeoutMs: number;
  batchSize: number;
}

export const DEFAULT_NOTIFIER_OPTIONS: NotifierOptions = {
  maxAttempts: 10,
  baseDelayMs: 10_000,
  maxDelayMs: 30 * 60_000,
  leaseMs: 2 * 60_000,
  timeoutMs: 10_000,
  batchSize: 20,
};

type Outcome = { ok: true; statusCode?: number } | { ok: false; error: string; statusCode?: number; permanent?: boolean };

export function retryDelay(attempts: number, o: Pick<NotifierOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers the alert outbox: webhooks (JSON or Slack body, POST, redirects not followed) and
 * e-mail over SMTP. Each attempt is logged in alert_delivery_attempts; failures are retried
 * with exponential backoff and a cap, and after maxAttempts the delivery is 'dead'. Delivery
 * is at least once: receivers can de-duplicate on the X-Brinkwatch-Delivery header.
 */
export function createNotifier(deps: {
  store: Store;
  logger: Logger;
  now?: () => number;
  options?: Partial<NotifierOptions>;
  smtp?: { url: string; from: string } | null;
  /** The shared private-address guard; defaults to one from blockPrivateUrls. */
  guard?: UrlGuard;
  blockPrivateUrls?: boolean;
}) {
  const now = deps.now ?? Date.now;
  const o = { ...DEFAULT_NOTIFIER_OPTIONS, ...deps.options };
  const repo = deps.store.alerts;
  const guard = deps.guard ?? createUrlGuard({ enabled: deps.blockPrivateUrls ?? false });
  let transport: Transporter | null = null;

  async function sendWebhook(d: DeliveryRecord): Promise<Outcome> {
    try {
      const res = await postWebhook(d.target, d.payload, {
        headers: { 'content-type': 'application/json', 'user-agent': 'Brinkwatch-alerts', 'x-brinkwatch-delivery': String(d.id) },
        timeoutMs: o.timeoutMs,
        guard,
      });
      if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
      if (res.status >= 300 && res.status < 400) {
        return { ok: false, statusCode: res.status, error: `receiver answered a redirect (${res.status}); redirects are not followed` };
      }
      return { ok: false, statusCode: res.status, error: `receiver answered HTTP ${res.status}` };
    } catch (err) {
      if (err instanceof BlockedAddressError) return { ok: false, error: `webhook URL refused: ${err.message}`, permanent: true };
      const e = err as NodeJS.ErrnoException;
      return { ok: false, error: `webhook failed: ${e.code ?? e.message}` };
    }
  }

  async function sendEmail(d: DeliveryRecord): Promise<Outcome> {
    if (!deps.smtp) return { ok: false, error: 'e-mail is not configured (BRINKWATCH_SMTP_URL)', permanent: true };
    transport ??= nodemailer.createTransport(deps.smtp.url);
    const body = JSON.parse(d.payload) as { subject: string; text: string };
    try {
      await transport.sendMail({ from: deps.smtp.from, to: d.target, subject: body.subject, text: body.text, headers: { 'X-Brinkwatch-Delivery': String(d.id) } });
      return { ok: true };
    } catch (err) {
      const e = err as Error & { code?: string; responseCode?: number };
      return { ok: false, statusCode: e.responseCode, error: `e-mail failed: ${e.code ?? ''} ${e.message}`.trim() };
    }
  }

  async function deliverOne(d: DeliveryRecord): Promise<'delivered' | 'retry' | 'dead'> {
    const started = performance.now();
    const outcome = d.channel === 'webhook' ? await sendWebhook(d) : await sendEmail(d);
    const at = now();
    const durationMs = Math.round(performance.now() - started);
    repo.recordAttempt({
      deliveryId: d.id,
      at,
      ok: outcome.ok,
      statusCode: outcome.statusCode ?? null,
      error: outcome.ok ? null : outcome.error,
      durationMs,
    });
    if (outcome.ok) {
      repo.markDelivered(d.id, at);
      deps.logger.info({ deliveryId: d.id, alertId: d.alertId, channel: d.channel, attempts: d.attempts, durationMs }, 'alert delivered');
      return 'delivered';
    }
    const dead = outcome.permanent || d.attempts >= o.maxAttempts;
    repo.markFailed(d.id, outcome.error, dead ? null : at + retryDelay(d.attempts, o), at);
    deps.logger.warn({ deliveryId: d.id, alertId: d.alertId, channel: d.channel, attempts: d.attempts, error: outcome.error, dead }, 'alert delivery failed');
    return dead ? 'dead' : 'retry';
  }

  return {
    /** Delivers every due outbox row once; returns the counts for the job log. */
    async runOnce(): Promise<{ delivered: number; retry: number; dead: number }> {
      const counts = { delivered: 0, retry: 0, dead: 0 };
      for (;;) {
        const due = repo.claimDueDeliveries(now(), o.batchSize, o.leaseMs);
        if (due.length === 0) break;
        const results = await Promise.all(due.map((d) => deliverOne(d)));
        for (const r of results) counts[r]++;
        if (due.length < o.batchSize) break;
      }
      return counts;
    },
    close(): void {
      transport?.close();
      transport = null;
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
