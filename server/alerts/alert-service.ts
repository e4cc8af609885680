import type { Logger } from '../config/logger.ts';
import type { MetricsService } from '../metrics/metrics-service.ts';
import { parseWindow } from '../metrics/risk-index.ts';
import type { AlertRecord, AlertState, RuleFields, RuleRecord, TopStatement } from '../store/alerts-repo.ts';
import type { Store } from '../store/store.ts';
import { decide, type Decision, type EventKind } from './alert-state.ts';
import { restoreMaskedUrls, toAlertView, toDeliveryView, toRuleView, type AlertView, type DeliveryView, type RuleView } from './alert-views.ts';
import { outboxEntries } from './notification-payload.ts';
import { DEFAULT_RULES, parseRule } from './rule-schema.ts';
import { createUrlGuard, type UrlGuard } from '../ingest/url-guard.ts';
import type { ScopeChecker } from './rule-scope.ts';
import { createRuleValidator, type Result } from './rule-validation.ts';

export type { Result } from './rule-validation.ts';

const TOP_STATEMENTS = 5;

/**
 * Alert rules and the alert lifecycle over the store. Every change commits first; only then
 * does `onAlertChanged` see it (socket push) and `onOutbox` learn that deliveries wait.
 */
export function createAlertService(deps: {
  store: Store;
  metrics: MetricsService;
  logger: Logger;
  now?: () => number;
  /** BRINKWATCH_BLOCK_PRIVATE_URLS: refuse webhook URLs to private or loopback addresses. */
  blockPrivateUrls?: boolean;
  /** The shared private-address guard; defaults to one from blockPrivateUrls. */
  guard?: UrlGuard;
  /** Whether BRINKWATCH_SMTP_URL is set; e-mail channels are refused without it. */
  emailConfigured?: boolean;
  /**
   * Checks and canonicalises rule scopes (gazetteer, taxonomy, stored data): `actor:russia` is
   * saved as `actor:Russia`, `actor:Rusia` is refused with suggestions. Without it only the
   * scope's syntax is checked.
   */
  scopes?: ScopeChecker;
  onAlertChanged?: (alert: AlertView, change: string) => void;
  onOutbox?: () => void;
}) {
  const now = deps.now ?? Date.now;
  const repo = deps.store.alerts;
  const guard = deps.guard ?? createUrlGuard({ enabled: deps.blockPrivateUrls ?? false });
  const validate = createRuleValidator({ guard, scopes: deps.scopes, blockPrivateUrls: deps.blockPrivateUrls, emailConfigured: deps.emailConfigured });

  /** Collected inside a transaction, published after it commits. */
  interface Effects {
    changed: Map<number, string>;
    deliveries: number;
  }
  const newEffects = (): Effects => ({ changed: new Map(), deliveries: 0 });

  function publish(effects: Effects): void {
    for (const [id, change] of effects.changed) {
      const a = repo.getAlert(id);
      if (!a) continue;
      // One structured line per transition (after commit): ids, state and numbers, no statement text.
      deps.logger.info(
        { event: 'alert-transition', alertId: a.id, ruleId: a.ruleId, change, state: a.state, severity: a.severity, scope: a.scope, window: a.window, value: a.value, threshold: a.threshold },
        `alert ${a.id} ${change}`,
      );
      try {
        deps.onAlertChanged?.(toAlertView(a), change);
      } catch (err) {
        deps.logger.error({ err, alertId: id }, 'alertChanged handler failed');
      }
    }
    if (effects.deliveries > 0) deps.onOutbox?.();
  }

  function measureRule(rule: RuleRecord, at: number): { value: number | null; count: number } {
    const ms = parseWindow(rule.window);
    if (ms === null) return { value: null, count: 0 };
    const w = deps.metrics.measure(rule.scope, ms, at, rule.minStatements);
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

  const notFoundRule = (id: number): Result<never> => ({ ok: false, code: 'not-found', message: `no alert rule ${id}` });

  return {
    /** Seeds the shipped rules into a rules table that never held a rule; returns how many. */
    seedDefaults(): number {
      if (repo.countRulesEver() > 0) return 0;
      const at = now();
      // Checked again under the lock: nodes starting together seed once (PostgreSQL).
      return deps.store.serialized('seed-default-rules', () => {
        if (repo.countRulesEver() > 0) return 0;
        let n = 0;
        for (const r of DEFAULT_RULES) {
          const parsed = parseRule(r);
          if (!parsed.ok) throw new Error(`a default alert rule is invalid: ${JSON.stringify(parsed.fields)}`);
          repo.insertRule(parsed.value, at);
          n++;
        }
        return n;
      });
    },

    listRules(): RuleView[] {
      return repo.listRules().map(toRuleView);
    },
    getRule(id: number): RuleView | null {
      const r = repo.getRule(id);
      return r ? toRuleView(r) : null;
    },

    async createRule(input: unknown): Promise<Result<RuleView>> {
      const v = await validate(input);
      if (!v.ok) return v;
      const id = repo.insertRule(v.value, now());
      return { ok: true, value: toRuleView(repo.getRule(id)!) };
    },

    async updateRule(id: number, input: unknown): Promise<Result<RuleView>> {
      const current = repo.getRule(id);
      if (!current) return notFoundRule(id);
      const v = await validate(restoreMaskedUrls(input, current.channels), current.scope);
      if (!v.ok) return v;
      const at = now();
      const effects = newEffects();
      const result = deps.store.transaction(() => {
        const before = repo.getRule(id);
        if (!before) return null;
        const reshaped = before.scope !== v.value.scope || before.window !== v.value.window || before.metric !== v.value.metric;
        if (!v.value.enabled && before.enabled) closeForRule(before, 'rule-disabled', at, effects);
        else if (reshaped) closeForRule(before, 'rule-changed', at, effects);
        else {
          // Same measure: the open episode continues under the new threshold and severity.
          const open = repo.openAlertFor(id);
          if (open && (open.threshold !== v.value.threshold || open.severity !== v.value.severity)) {
            repo.updateAlert(open.id, { threshold: v.value.threshold, severity: v.value.severity, updatedAt: at });
            effects.changed.set(open.id, 'rule-updated');
          }
        }
        repo.updateRule(id, v.value, at);
        return repo.getRule(id)!;
      });
      if (!result) return notFoundRule(id);
      publish(effects);
      return { ok: true, value: toRuleView(result) };
    },

    deleteRule(id: number): Result<true> {
      const at = now();
      const effects = newEffects();
      const ok = deps.store.transaction(() => {
        const rule = repo.getRule(id);
        if (!rule) return false;
        closeForRule(rule, 'rule-deleted', at, effects);
        return repo.deleteRule(id, at);
      });
      if (!ok) return notFoundRule(id);
      publish(effects);
      return { ok: true, value: true };
    },

    /** Mutes notifications of a rule until a time; states still change and are recorded. */
    silenceRule(id: number, until: number | null, reason: string | null): Result<RuleView> {
      if (until !== null && until <= now()) return { ok: false, code: 'invalid-body', message: 'until: must be in the future' };
      if (!repo.setSilence(id, until, reason, now())) return notFoundRule(id);
      return { ok: true, value: toRuleView(repo.getRule(id)!) };
    },

    /**
     * Evaluates every enabled rule at `at` in one transaction: after a scoring batch and on a
     * timer, so that time alone (for-period, repeat, a window emptying) moves alerts too.
     */
    evaluate(at = now()): { rules: number; changed: number; deliveries: number } {
      const effects = newEffects();
      const rules = repo.listRules().filter((r) => r.enabled);
      deps.store.transaction(() => {
        repo.serializeEvaluation();
        for (const rule of rules) {
          const m = measureRule(rule, at);
          const open = repo.openAlertFor(rule.id);
          const d = decide(
            rule,
            open && {
              state: open.state as 'pending' | 'firing',
              startedAt: open.startedAt,
              lastNotifiedAt: open.lastNotifiedAt,
              acknowledged: open.ackAt !== null,
              noDataSince: open.noDataSince,
            },
            m,
            at,
          );
          if (!open && !d.open) continue;
          apply(rule, open, d, m, at, effects);
        }
      });
      publish(effects);
      return { rules: rules.length, changed: effects.changed.size, deliveries: effects.deliveries };
    },

    /** Acknowledges a firing alert: stops its repeats until it resolves; records who and why. */
    ack(id: number, input: { reason: string; by?: string | null }): Result<AlertView> {
      const at = now();
      const effects = newEffects();
      const result = deps.store.transaction((): Result<AlertView> => {
        const a = repo.getAlert(id);
        if (!a) return { ok: false, code: 'not-found', message: `no alert ${id}` };
        if (a.state !== 'firing') return { ok: false, code: 'not-firing', message: `alert ${id} is ${a.state}; only a firing alert can be acknowledged` };
        if (a.ackAt !== null) return { ok: false, code: 'already-acknowledged', message: `alert ${id} was already acknowledged${a.ackBy ? ` by ${a.ackBy}` : ''}` };
        repo.updateAlert(id, { ackAt: at, ackBy: input.by ?? null, ackReason: input.reason, updatedAt: at });
        const updated = repo.getAlert(id)!;
        recordEvent(updated, 'acknowledged', 'firing', { value: a.value, count: 0 }, at, [], `${input.by ? `${input.by}: ` : ''}${input.reason}`);
        effects.changed.set(id, 'acknowledged');
        return { ok: true, value: toAlertView(updated) };
      });
      if (result.ok) publish(effects);
      return result;
    },

    listAlerts(filter: { state?: string; ruleId?: number; beforeId?: number; limit?: number } = {}): AlertView[] {
      const states: Record<string, { states?: AlertState[]; acknowledged?: boolean }> = {
        open: { states: ['pending', 'firing'] },
        pending: { states: ['pending'] },
        firing: { states: ['firing'] },
        acknowledged: { states: ['firing'], acknowledged: true },
        unacknowledged: { states: ['firing'], acknowledged: false },
        resolved: { states: ['resolved'] },
        cancelled: { states: ['cancelled'] },
      };
      const f = filter.state ? states[filter.state] ?? { states: [] } : {};
      return repo
        .listAlerts({ ...f, ruleId: filter.ruleId, beforeId: filter.beforeId, limit: filter.limit ?? 100 })
        .map(toAlertView);
    },
    getAlert(id: number): AlertView | null {
      const a = repo.getAlert(id);
      return a ? toAlertView(a) : null;
    },
    events(id: number) {
      return repo.getAlert(id) ? repo.listEvents(id) : null;
    },
    /** Deliveries with their attempt logs, webhook URLs in full: routes mask them for non-admins. */
    deliveries(filter: { alertId?: number; status?: 'pending' | 'delivered' | 'dead'; limit?: number }): DeliveryView[] {
      return repo.listDeliveries({ ...filter, limit: filter.limit ?? 100 }).map((d) => toDeliveryView(d, repo.attemptsFor(d.id)));
    },
  };
}

export type AlertService = ReturnType<typeof createAlertService>;

