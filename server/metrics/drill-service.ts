import type { AlertView, RuleView } from '../alerts/alert-views.ts';
import type { DrillQueries, NameCount, ScopeMatch } from '../store/drill-queries.ts';
import type { CurrentMetrics, MetricsService } from './metrics-service.ts';

export type ScopeKind = 'actor' | 'dyad' | 'category';

/** What a drill-down page (actor, dyad, category) shows besides its chart and statements. */
export interface DrillSummary {
  scope: string;
  kind: ScopeKind;
  name: string;
  from: string;
  to: string;
  /** Statements counted in the scope, all time. */
  total: number;
  current: CurrentMetrics;
  /** Speakers, targets and categories of the scope's statements in the range. */
  speakers: NameCount[];
  targets: NameCount[];
  categories: NameCount[];
  /** For an actor: who names it as a target in the range (dyads SPEAKER>actor). */
  targetedBy: NameCount[];
  /** Rules watching exactly this scope, and their latest alerts (newest first). */
  rules: Array<Pick<RuleView, 'id' | 'name' | 'window' | 'metric' | 'threshold' | 'severity' | 'enabled'>>;
  alerts: AlertView[];
}

export type DrillResult = { ok: true; value: DrillSummary } | { ok: false; code: 'no-such-scope'; message: string; suggestions: ScopeMatch[] };

/** The page path of a scope: /actor/NAME, /dyad/SPEAKER/TARGET, /category/NAME (names URL-encoded). */
export function scopePath(scope: string): string | null {
  const m = /^(actor|category):(.+)$/.exec(scope);
  if (m) return `/${m[1]}/${encodeURIComponent(m[2]!)}`;
  const d = /^dyad:([^>]+)>(.+)$/.exec(scope);
  return d ? `/dyad/${encodeURIComponent(d[1]!)}/${encodeURIComponent(d[2]!)}` : null;
}

const KIND_WORD: Record<ScopeKind, string> = { actor: 'actor', dyad: 'dyad', category: 'category' };

export function createDrillService(deps: {
  queries: DrillQueries;
  metrics: MetricsService;
  alerts: { listRules(): RuleView[]; listAlerts(q: { ruleId?: number; limit?: number }): AlertView[] };
}) {
  /**
   * The stored scope a page asks for: exact, else with spaces as underscores (the gazetteer's
   * "United_States"), else the one known scope of that kind whose name matches in any case.
   */
  function resolve(kind: ScopeKind, name: string): { scope: string } | { suggestions: ScopeMatch[] } {
    const wanted = `${kind}:${name}`;
    if (deps.queries.exists(wanted)) return { scope: wanted };
    const underscored = `${kind}:${name.trim().replace(/\s+/g, '_')}`;
    if (deps.queries.exists(underscored)) return { scope: underscored };
    const lookFor = kind === 'dyad' ? name.split('>')[0]! : name;
    const near = deps.queries.search(lookFor.trim().replace(/\s+/g, '_'), kind, 8);
    const same = near.find((m) => m.scope.toLowerCase() === underscored.toLowerCase());
    if (same) return { scope: same.scope };
    return { suggestions: near };
  }

  return {
    resolve,
    search(q: string, kind: '' | ScopeKind, limit: number): ScopeMatch[] {
      return deps.queries.search(q, kind, limit);
    },
    summary(kind: ScopeKind, name: string, from: number, to: number): DrillResult {
      const found = resolve(kind, name);
      if ('suggestions' in found) {
        const shown = kind === 'dyad' ? name.replace('>', ' → ') : name;
        return { ok: false, code: 'no-such-scope', message: `no such ${KIND_WORD[kind]}: "${shown}" has no scored statements`, suggestions: found.suggestions };
      }
      const scope = found.scope;
      const ownName = scope.slice(kind.length + 1);
      const own = kind === 'actor' ? [ownName] : kind === 'dyad' ? ownName.split('>') : [];
      const involved = deps.queries.involved(scope, from, to, own);
      const rules = deps.alerts.listRules().filter((r) => r.scope === scope);
      const alerts = rules
        .flatMap((r) => deps.alerts.listAlerts({ ruleId: r.id, limit: 20 }))
        .sort((a, b) => b.startedAt - a.startedAt || b.id - a.id)
        .slice(0, 20);
      return {
        ok: true,
        value: {
          scope,
          kind,
          name: ownName,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          total: deps.queries.total(scope),
          current: deps.metrics.current(scope),
          speakers: involved.speakers,
          targets: involved.targets,
          categories: involved.categories,
          targetedBy: kind === 'actor' ? deps.queries.targetedBy(ownName, from, to) : [],
          rules: rules.map((r) => ({ id: r.id, name: r.name, window: r.window, metric: r.metric, threshold: r.threshold, severity: r.severity, enabled: r.enabled })),
          alerts,
        },
      };
    },
  };
}

export type DrillService = ReturnType<typeof createDrillService>;
