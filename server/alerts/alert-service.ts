import type { Logger } from '../config/logger.ts';
import type { MetricsService } from '../metrics/metrics-service.ts';
import type { AlertState } from '../store/alerts-repo.ts';
import type { Store } from '../store/store.ts';
import { decide } from './alert-state.ts';
import { restoreMaskedUrls, toAlertView, toDeliveryView, toRuleView, type AlertView, type DeliveryView, type RuleView } from './alert-views.ts';
import { DEFAULT_RULES, parseRule } from './rule-schema.ts';
import { createUrlGuard, type UrlGuard } from '../ingest/url-guard.ts';
import type { ScopeChecker } from './rule-scope.ts';
import { createRuleValidator, type Result } from './rule-validation.ts';
import { createAlertTransitions, newEffects, type Effects } from './alert-transitions.ts';

export type { Result } from './rule-validation.ts';

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

  const { measureRule, apply, closeForRule, recordEvent } = createAlertTransitions(repo, deps.metrics);

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

