import type { Channel, TopStatement } from '../store/alerts-repo.ts';
import type { AlertView } from './alert-views.ts';

/**
 * What a webhook or e-mail receives, built when the event is stored (so a retry sends what
 * was true at the time). JSON is the default webhook body; 'slack' is an incoming-webhook body.
 */

export interface Notification {
  kind: 'firing' | 'repeat' | 'resolved';
  at: number;
  alert: AlertView;
  recoverBelow: number;
  count: number;
  topStatements: TopStatement[];
}

export function jsonBody(n: Notification): Record<string, unknown> {
  return {
    type: 'brinkwatch.alert',
    event: n.kind,
    at: n.at,
    atIso: new Date(n.at).toISOString(),
    level: n.alert.severity,
    scope: n.alert.scope,
    window: n.alert.window,
    metric: n.alert.metric,
    value: n.alert.value,
    threshold: n.alert.threshold,
    recoverBelow: n.recoverBelow,
    statementCount: n.count,
    alert: n.alert,
    topStatements: n.topStatements,
  };
}

function headline(n: Notification): string {
  const a = n.alert;
  const what = n.kind === 'resolved' ? 'RESOLVED' : n.kind === 'repeat' ? 'STILL FIRING' : 'FIRING';
  const value = a.value === null ? 'not enough data' : String(a.value);
  return `${what} ${a.severity}: ${a.ruleName} (${a.scope}, ${a.window} ${a.metric} ${value}, threshold ${a.threshold})`;
}

/** Slack mrkdwn treats &, < and > as markup: escape them in anything that came from outside. */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackBody(n: Notification): Record<string, unknown> {
  const lines = n.topStatements.map(
    (s) => `• #${s.id} score ${s.score}${s.speaker ? ` (${slackEscape(s.speaker)})` : ''}: ${slackEscape(s.text.slice(0, 200))}`,
  );
  return { text: [`*Brinkwatch* ${slackEscape(headline(n))}`, ...lines].join('\n') };
}

export function emailBody(n: Notification): { subject: string; text: string } {
  const a = n.alert;
  const lines = [
    headline(n),
    '',
    `Rule: ${a.ruleName} (#${a.ruleId})`,
    `Scope: ${a.scope}   Window: ${a.window}   Metric: ${a.metric}`,
    `Value: ${a.value ?? 'not enough data'}   Threshold: ${a.threshold}   Recovers below: ${n.recoverBelow}`,
    `Statements in window: ${n.count}`,
    `Started: ${new Date(a.startedAt).toISOString()}${a.firedAt ? `   Fired: ${new Date(a.firedAt).toISOString()}` : ''}`,
    '',
    'Top statements:',
    ...n.topStatements.map((s) => `  #${s.id} score ${s.score}${s.speaker ? ` (${s.speaker})` : ''}: ${s.text.replace(/\s+/g, ' ').slice(0, 200)}`),
  ];
  return { subject: `[Brinkwatch] ${headline(n)}`.replace(/[\r\n]+/g, ' ').slice(0, 250), text: lines.join('\n') };
}

/** The outbox rows for one notification: one per webhook or e-mail channel. */
export function outboxEntries(n: Notification, channels: Channel[]): Array<{ channel: 'webhook' | 'email'; target: string; format: string; payload: string }> {
  const out: Array<{ channel: 'webhook' | 'email'; target: string; format: string; payload: string }> = [];
  for (const c of channels) {
    if (c.type === 'webhook') {
      const format = c.format ?? 'json';
      out.push({ channel: 'webhook', target: c.url, format, payload: JSON.stringify(format === 'slack' ? slackBody(n) : jsonBody(n)) });
    } else if (c.type === 'email') {
      out.push({ channel: 'email', target: c.to, format: 'email', payload: JSON.stringify(emailBody(n)) });
    }
  }
  return out;
}
