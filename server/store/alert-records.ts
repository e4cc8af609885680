/** The records of alert rules, alert episodes and their events, as the store returns them. Times are unix ms. */

export type Channel =
  | { type: 'dashboard' }
  | { type: 'webhook'; url: string; format?: 'json' | 'slack' }
  | { type: 'email'; to: string };

export interface RuleFields {
  name: string;
  scope: string;
  window: string;
  metric: 'index' | 'max' | 'count';
  threshold: number;
  recoverBelow: number;
  forSeconds: number;
  repeatSeconds: number;
  minStatements: number;
  severity: 'info' | 'warning' | 'critical';
  channels: Channel[];
  enabled: boolean;
}

export interface RuleRecord extends RuleFields {
  id: number;
  silencedUntil: number | null;
  silenceReason: string | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export type AlertState = 'pending' | 'firing' | 'resolved' | 'cancelled';

export interface AlertRecord {
  id: number;
  ruleId: number;
  ruleName: string;
  /** True when the rule has a dashboard channel (the dashboard shows a banner while it fires). */
  dashboard: boolean;
  state: AlertState;
  scope: string;
  window: string;
  metric: string;
  severity: string;
  threshold: number;
  value: number | null;
  peakValue: number | null;
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  endReason: string | null;
  noDataSince: number | null;
  lastNotifiedAt: number | null;
  notifyCount: number;
  ackAt: number | null;
  ackBy: string | null;
  ackReason: string | null;
  updatedAt: number;
}

export interface TopStatement {
  id: number;
  score: number;
  speaker: string | null;
  occurredAt: number;
  text: string;
}

export interface AlertEventRecord {
  id: number;
  alertId: number;
  at: number;
  kind: string;
  fromState: string | null;
  toState: string;
  value: number | null;
  window: string;
  count: number;
  threshold: number;
  topStatements: TopStatement[];
  note: string | null;
}

export interface FiringAlert {
  id: number;
  ruleId: number;
  ruleName: string;
  scope: string;
  severity: string;
  state: AlertState;
  firedAt: number;
  resolvedAt: number | null;
  peakValue: number | null;
}
