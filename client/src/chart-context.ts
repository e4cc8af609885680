/**
 * The overlays of one chart view, read from the API: the thresholds of the alert rules that
 * watch this scope (index and max rules: the chart's 0-100 axis; a count rule has no place on
 * it), the periods their alerts fired within the range, and the annotations of the range.
 */
import type { AlertView, RuleView } from '../../server/alerts/alert-views.ts';
import type { Annotation } from '../../server/store/annotations-repo.ts';
import type { Overlays } from './chart-overlays.ts';

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function ruleLabel(r: Pick<RuleView, 'name' | 'window' | 'metric' | 'threshold'>): string {
  return `${r.name} (${r.window} ${r.metric} ≥ ${r.threshold})`;
}

export async function loadOverlays(scope: string, from: number, to: number, onlyRule?: number): Promise<Overlays> {
  const [{ rules }, { annotations }] = await Promise.all([
    json<{ rules: RuleView[] }>('/api/alert-rules'),
    json<{ annotations: Annotation[] }>(`/api/annotations?${new URLSearchParams({ from: String(from), to: String(to), scope })}`),
  ]);
  // The alert story draws its own rule whatever its state; other charts the enabled rules only.
  const mine = rules.filter((r) => r.scope === scope && (onlyRule === undefined ? r.enabled && r.metric !== 'count' : r.id === onlyRule));
  const lists = await Promise.all(mine.map((r) => json<{ alerts: AlertView[] }>(`/api/alerts?ruleId=${r.id}&limit=200`)));
  const firing = lists
    .flatMap((l) => l.alerts)
    .filter((a) => a.firedAt !== null && a.firedAt < to && (a.resolvedAt === null || a.resolvedAt > from))
    .map((a) => ({ from: a.firedAt!, to: a.resolvedAt, label: a.ruleName }));
  return {
    thresholds: mine.map((r) => ({ value: r.threshold, label: ruleLabel(r) })),
    firing,
    annotations: annotations.map((a) => ({ id: a.id, at: a.at, note: a.note })),
  };
}
