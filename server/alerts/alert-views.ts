import type { AlertRecord, DeliveryAttempt, DeliveryRecord, RuleRecord } from '../store/alerts-repo.ts';

/** The API and socket shapes of rules and alerts. Times are unix ms. */

export type RuleView = {
  id: number;
  name: string;
  scope: string;
  window: string;
  metric: string;
  threshold: number;
  recoverBelow: number;
  forSeconds: number;
  repeatSeconds: number;
  minStatements: number;
  severity: string;
  channels: RuleRecord['channels'];
  enabled: boolean;
  silencedUntil: number | null;
  silenceReason: string | null;
  createdAt: number;
  updatedAt: number;
};

export type AlertView = {
  id: number;
  ruleId: number;
  ruleName: string;
  /** The rule notifies the dashboard: a banner shows while this alert fires. */
  dashboard: boolean;
  /** pending | firing | resolved | cancelled (a pending episode that never fired). */
  state: string;
  /** True while firing and acknowledged: repeats are stopped until it resolves. */
  acknowledged: boolean;
  value: number | null;
  peakValue: number | null;
  threshold: number;
  scope: string;
  window: string;
  metric: string;
  severity: string;
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  endReason: string | null;
  /** Since when the window has had too few statements to measure (firing alerts only). */
  noDataSince: number | null;
  lastNotifiedAt: number | null;
  notifyCount: number;
  /** Who acknowledged this episode and why; kept on the episode after it resolves. */
  ack: { at: number; by: string | null; reason: string } | null;
  updatedAt: number;
};

export function toRuleView(r: RuleRecord): RuleView {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    window: r.window,
    metric: r.metric,
    threshold: r.threshold,
    recoverBelow: r.recoverBelow,
    forSeconds: r.forSeconds,
    repeatSeconds: r.repeatSeconds,
    minStatements: r.minStatements,
    severity: r.severity,
    channels: r.channels,
    enabled: r.enabled,
    silencedUntil: r.silencedUntil,
    silenceReason: r.silenceReason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toAlertView(a: AlertRecord): AlertView {
  return {
    id: a.id,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    dashboard: a.dashboard,
    state: a.state,
    acknowledged: a.state === 'firing' && a.ackAt !== null,
    value: a.value,
    peakValue: a.peakValue,
    threshold: a.threshold,
    scope: a.scope,
    window: a.window,
    metric: a.metric,
    severity: a.severity,
    startedAt: a.startedAt,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    endReason: a.endReason,
    noDataSince: a.noDataSince,
    lastNotifiedAt: a.lastNotifiedAt,
    notifyCount: a.notifyCount,
    ack: a.ackAt !== null ? { at: a.ackAt, by: a.ackBy, reason: a.ackReason ?? '' } : null,
    updatedAt: a.updatedAt,
  };
}

export type DeliveryView = {
  id: number;
  alertId: number;
  eventId: number;
  channel: DeliveryRecord['channel'];
  /** The webhook URL or e-mail address; a webhook URL is masked for all but the admin. */
  target: string;
  format: DeliveryRecord['format'];
  status: DeliveryRecord['status'];
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  log: DeliveryAttempt[];
};

export function toDeliveryView(d: DeliveryRecord, log: DeliveryAttempt[]): DeliveryView {
  return {
    id: d.id,
    alertId: d.alertId,
    eventId: d.eventId,
    channel: d.channel,
    target: d.target,
    format: d.format,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
    log,
  };
}

/**
 * A webhook URL as shown to readers without the admin token: scheme and host (with port), then
 * "/…". The path and query of a Slack (or any) incoming-webhook URL are its secret: whoever has
 * them can post to the channel. User info is dropped too. Not a URL at all: "…".
 */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '…';
  }
}

/** A rule with its webhook URLs masked (maskUrl). */
export function maskRuleView(rule: RuleView): RuleView {
  if (!rule.channels.some((c) => c.type === 'webhook')) return rule;
  return { ...rule, channels: rule.channels.map((c) => (c.type === 'webhook' ? { ...c, url: maskUrl(c.url) } : c)) };
}

/**
 * A delivery with its webhook URL masked, in the target and wherever an error text quotes it
 * (an error from the HTTP stack may name the URL it was asked for).
 */
export function maskDeliveryView(d: DeliveryView): DeliveryView {
  if (d.channel !== 'webhook') return d;
  const masked = maskUrl(d.target);
  const scrub = (text: string | null) => (text === null ? null : scrubUrl(text, d.target, masked));
  return { ...d, target: masked, lastError: scrub(d.lastError), log: d.log.map((a) => ({ ...a, error: scrub(a.error) })) };
}

function scrubUrl(text: string, url: string, masked: string): string {
  let out = text.split(url).join(masked);
  try {
    const u = new URL(url);
    // Also the forms the HTTP stack writes: the normalised href and the bare path and query.
    out = out.split(u.href).join(masked);
    const rest = `${u.pathname}${u.search}`;
    if (rest.length > 1) out = out.split(rest).join('/…');
  } catch {
    // Not a URL: the literal replacement above is all there is.
  }
  return out;
}

/**
 * A rule edited by someone who was shown masked webhook URLs (maskUrl) comes back with them:
 * a webhook channel whose url is exactly the mask of one of the rule's stored webhook URLs keeps
 * that stored URL (each stored URL used once, in order), so editing a threshold never replaces
 * a working Slack URL with "https://hooks.slack.com/…". Anything else is left for validation.
 */
export function restoreMaskedUrls(input: unknown, stored: RuleRecord['channels']): unknown {
  if (typeof input !== 'object' || input === null || !Array.isArray((input as { channels?: unknown }).channels)) return input;
  const left = stored.flatMap((c) => (c.type === 'webhook' ? [c.url] : []));
  const channels = ((input as { channels: unknown[] }).channels).map((c) => {
    if (typeof c !== 'object' || c === null || (c as { type?: unknown }).type !== 'webhook') return c;
    const url = (c as { url?: unknown }).url;
    const i = typeof url === 'string' ? left.findIndex((u) => maskUrl(u) === url) : -1;
    if (i === -1) return c;
    const [original] = left.splice(i, 1);
    return { ...c, url: original };
  });
  return { ...input, channels };
}
