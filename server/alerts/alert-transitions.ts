import type { MetricsService } from '../metrics/metrics-service.ts';
import { parseWindow } from '../metrics/risk-index.ts';
import type { AlertRecord, AlertState, AlertsRepo, RuleRecord, TopStatement } from '../store/alerts-repo.ts';
import { type Decision, type EventKind } from './alert-state.ts';
import { toAlertView } from './alert-views.ts';
import { outboxEntries } from './notification-payload.ts';

const TOP_STATEMENTS = 5;

/** Collected inside a transaction, published after it commits. */
export interface Effects {
  changed: Map<number, string>;
  deliveries: number;
}
export const newEffects = (): Effects => ({ changed: new Map(), deliveries: 0 });

/**
 * How the alert lifecycle's decisions (alert-state.ts) are written to the store: episodes opened,
 * fired and closed, their events with the top statements, and the outbox entries of notifications.
 * Everything runs inside the caller's transaction; `effects` collects what to publish after commit.
 */
export function createAlertTransitions(repo: AlertsRepo, metrics: MetricsService) {
  function measureRule(rule: RuleRecord, at: number): { value: number | null; count: number } {
    const ms = parseWindow(rule.window);
    if (ms === null) return { value: null, count: 0 };
    const w = metrics.measure(rule.scope, ms, at, rule.minStatements);
    const value = rule.metric === 'index' ? w.index : rule.metric === 'max' ? (w.enoughData ? w.maxScore : null) : w.count;
    return { value, count: w.count };
  }

  function topFor(rule: Pick<RuleRecord, 'scope' | 'window'>, at: number): TopStatement[] {
    const ms = parseWindow(rule.window) ?? 3_600_000;
    return repo.topStatements(rule.scope, at - ms, at, TOP_STATEMENTS);
  }

  function recordEvent(
    alert: AlertRecord,
    kind: EventKind | 'acknowledged',
    fromState: string | null,
    m: { value: number | null; count: number },
    at: number,
    top: TopStatement[],
    note: string | null,
  ): number {
    return repo.insertEvent({
      alertId: alert.id,
      at,
      kind,
      fromState,
      toState: alert.state,
      value: m.value,
      window: alert.window,
      count: m.count,
      threshold: alert.threshold,
      topStatements: top,
      note,
    });
  }

  function notify(rule: RuleRecord, alert: AlertRecord, kind: 'firing' | 'repeat' | 'resolved', eventId: number, m: { count: number }, top: TopStatement[], at: number, effects: Effects): void {
    repo.updateAlert(alert.id, { lastNotifiedAt: at, notifyCount: alert.notifyCount + 1 });
    const view = toAlertView({ ...alert, lastNotifiedAt: at, notifyCount: alert.notifyCount + 1 });
    const entries = outboxEntries({ kind, at, alert: view, recoverBelow: rule.recoverBelow, count: m.count, topStatements: top }, rule.channels);
    for (const e of entries) repo.insertDelivery({ alertId: alert.id, eventId, ...e, now: at });
    effects.deliveries += entries.length;
  }

  /** Applies one decision of the state machine to the store (inside the caller's transaction). */
  function apply(rule: RuleRecord, open: AlertRecord | null, d: Decision, m: { value: number | null; count: number }, at: number, effects: Effects, reasonNote?: string): void {
    let alert: AlertRecord | null = open;
    const fromState = open?.state ?? null;
    if (d.open) {
      const id = repo.insertAlert({
        ruleId: rule.id,
        state: d.open,
        scope: rule.scope,
        window: rule.window,
        metric: rule.metric,
        severity: rule.severity,
        threshold: rule.threshold,
        value: m.value,
        startedAt: at,
        firedAt: d.open === 'firing' ? at : null,
      });
      alert = repo.getAlert(id)!;
    } else if (alert) {
      const fields: Parameters<typeof repo.updateAlert>[1] = { value: m.value, updatedAt: at };
      if (m.value !== null && (alert.peakValue === null || m.value > alert.peakValue)) fields.peakValue = m.value;
      if (d.fire) Object.assign(fields, { state: 'firing' as AlertState, firedAt: at });
      if (d.close) Object.assign(fields, { state: d.close.state, resolvedAt: at, endReason: d.close.reason });
      if (d.noDataSince !== undefined) fields.noDataSince = d.noDataSince;
      repo.updateAlert(alert.id, fields);
      alert = repo.getAlert(alert.id)!;
    }
    if (!alert || d.events.length === 0) return;
    const top = topFor(rule, at);
    let notifyEvent: number | null = null;
    for (const kind of d.events) {
      let note: string | null = null;
      if (d.close && (kind === 'resolved' || kind === 'cancelled')) note = reasonNote ?? d.close.reason;
      if (d.suppressed && (kind === 'firing' || kind === 'resolved')) {
        note = `${note ? `${note}; ` : ''}notification suppressed: rule silenced until ${new Date(rule.silencedUntil ?? at).toISOString()}`;
      }
      const eventId = recordEvent(alert, kind, kind === d.events[0] ? fromState : alert.state, m, at, top, note);
      if (d.notify && kind === d.notify) notifyEvent = eventId;
    }
    if (d.notify && notifyEvent !== null) notify(rule, alert, d.notify, notifyEvent, m, top, at, effects);
    effects.changed.set(alert.id, d.events[d.events.length - 1]!);
  }

  /** Closes a rule's open episode because the rule itself changed (disabled, deleted, re-scoped). */
  function closeForRule(rule: RuleRecord, reason: 'rule-disabled' | 'rule-deleted' | 'rule-changed', at: number, effects: Effects): void {
    const open = repo.openAlertFor(rule.id);
    if (!open) return;
    const firing = open.state === 'firing';
    const m = measureRule(rule, at);
    const d: Decision = {
      close: { state: firing ? 'resolved' : 'cancelled', reason: 'recovered' },
      events: [firing ? 'resolved' : 'cancelled'],
      notify: firing && open.lastNotifiedAt !== null && !(rule.silencedUntil !== null && at < rule.silencedUntil) ? 'resolved' : null,
    };
    repo.updateAlert(open.id, { state: d.close!.state, resolvedAt: at, endReason: reason, updatedAt: at });
    const closed = repo.getAlert(open.id)!;
    const top = topFor(rule, at);
    const eventId = recordEvent(closed, d.events[0]!, open.state, m, at, top, reason);
    if (d.notify) notify(rule, closed, 'resolved', eventId, m, top, at, effects);
    effects.changed.set(open.id, d.events[0]!);
  }

  return { measureRule, apply, closeForRule, recordEvent };
}
