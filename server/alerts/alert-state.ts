/**
 * The alert lifecycle, pure: rule, open episode, measurement and the clock in; a decision out.
 *
 *   (no alert) ──value ≥ threshold──► pending ──held for forSeconds──► firing ──value < recoverBelow──► resolved
 *                                        │ value < threshold or no data                  │ window empty (0 statements)
 *                                        ▼                                               ▼
 *                                    cancelled                                       resolved
 *
 * - Hysteresis: a firing alert stays firing while recoverBelow ≤ value, even below threshold,
 *   so a value wobbling around the threshold notifies once, not on every wobble.
 * - No data (value null: fewer statements than the rule's minStatements): never opens or
 *   advances an alert and cancels a pending one; a firing alert stays firing (silence is not
 *   recovery) and records a 'no-data' event once.
 * - An empty window (count 0) is decided on the count, whatever the metric's value: it never
 *   opens an alert, cancels a pending one and resolves a firing one ('window-empty': nothing
 *   is left that supports it). The value alone cannot say so: a `count` rule measures 0, not
 *   "no data", so with `recoverBelow: 0` it never recovered and repeated "still firing, 0".
 * - Notifications: 'firing' once, 'repeat' every repeatSeconds while firing and not
 *   acknowledged, 'resolved' only if the alert had notified. A silenced rule changes state as
 *   usual but notifies nothing; a firing alert that never notified (silenced at the time)
 *   notifies once the silence ends.
 */

export interface RuleParams {
  threshold: number;
  recoverBelow: number;
  forSeconds: number;
  repeatSeconds: number;
  silencedUntil: number | null;
}

export interface OpenAlert {
  state: 'pending' | 'firing';
  startedAt: number;
  lastNotifiedAt: number | null;
  acknowledged: boolean;
  noDataSince: number | null;
}

export interface Measurement {
  /** null: not enough data in the window for this rule. */
  value: number | null;
  count: number;
}

export type EventKind = 'pending' | 'firing' | 'repeat' | 'resolved' | 'cancelled' | 'no-data' | 'data-resumed';
export type EndReason = 'recovered' | 'below-threshold' | 'no-data' | 'window-empty';

export interface Decision {
  /** Open a new episode in this state (only when there was none). */
  open?: 'pending' | 'firing';
  /** Move the open episode to firing. */
  fire?: boolean;
  /** Close the open episode. */
  close?: { state: 'resolved' | 'cancelled'; reason: EndReason };
  /** Set (a time) or clear (null) the no-data mark of the open episode. */
  noDataSince?: number | null;
  /** Events to record, in order. */
  events: EventKind[];
  /** The notification to send through the rule's channels, if any. */
  notify: 'firing' | 'repeat' | 'resolved' | null;
  /** Set when a notification was due but the rule is silenced. */
  suppressed?: 'silenced';
}

export function isSilenced(rule: Pick<RuleParams, 'silencedUntil'>, now: number): boolean {
  return rule.silencedUntil !== null && now < rule.silencedUntil;
}

export function decide(rule: RuleParams, open: OpenAlert | null, m: Measurement, now: number): Decision {
  const silenced = isSilenced(rule, now);
  const empty = m.count === 0;
  const above = !empty && m.value !== null && m.value >= rule.threshold;
  const gate = (kind: 'firing' | 'repeat' | 'resolved'): Pick<Decision, 'notify' | 'suppressed'> =>
    silenced ? { notify: null, suppressed: 'silenced' } : { notify: kind };

  if (open === null) {
    if (!above) return { events: [], notify: null };
    if (rule.forSeconds <= 0) return { open: 'firing', events: ['firing'], ...gate('firing') };
    return { open: 'pending', events: ['pending'], notify: null };
  }

  if (open.state === 'pending') {
    if (empty) return { close: { state: 'cancelled', reason: 'window-empty' }, events: ['cancelled'], notify: null };
    if (m.value === null) return { close: { state: 'cancelled', reason: 'no-data' }, events: ['cancelled'], notify: null };
    if (!above) return { close: { state: 'cancelled', reason: 'below-threshold' }, events: ['cancelled'], notify: null };
    if (now - open.startedAt >= rule.forSeconds * 1000) return { fire: true, events: ['firing'], ...gate('firing') };
    return { events: [], notify: null };
  }

  // firing
  const notifiedBefore = open.lastNotifiedAt !== null;
  if (empty) {
    return { close: { state: 'resolved', reason: 'window-empty' }, events: ['resolved'], ...(notifiedBefore ? gate('resolved') : { notify: null }) };
  }
  if (m.value !== null && m.value < rule.recoverBelow) {
    return { close: { state: 'resolved', reason: 'recovered' }, events: ['resolved'], ...(notifiedBefore ? gate('resolved') : { notify: null }) };
  }
  const decision: Decision = { events: [], notify: null };
  if (m.value === null && open.noDataSince === null) {
    decision.noDataSince = now;
    decision.events.push('no-data');
  } else if (m.value !== null && open.noDataSince !== null) {
    decision.noDataSince = null;
    decision.events.push('data-resumed');
  }
  if (!open.acknowledged) {
    if (open.lastNotifiedAt === null) {
      // Fired while silenced: tell once the silence is over.
      if (!silenced) {
        decision.events.push('firing');
        decision.notify = 'firing';
      }
    } else if (rule.repeatSeconds > 0 && now - open.lastNotifiedAt >= rule.repeatSeconds * 1000) {
      if (silenced) decision.suppressed = 'silenced';
      else {
        decision.events.push('repeat');
        decision.notify = 'repeat';
      }
    }
  }
  return decision;
}
