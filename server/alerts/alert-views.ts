import type { AlertRecord, RuleRecord } from '../store/alerts-repo.ts';

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
