/**
 * What the chart shows: a range (24 h, 7 d, 30 d) and a scope. Each range has its own rolling
 * window and sampling step, so the line stays readable, and its own resolution for the dots
 * (each minute's or each hour's highest score). The view is written onto the chart panel as
 * data-from / data-to / data-scope / data-bucket, which the export buttons read.
 */
export interface RangeSpec {
  label: string;
  ms: number;
  window: string;
  step: string;
  dots: 'minute' | 'hour';
  unit: 'hour' | 'day';
}

export const RANGES: Record<string, RangeSpec> = {
  '24h': { label: 'last 24 h', ms: 86_400_000, window: '1h', step: '5m', dots: 'minute', unit: 'hour' },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000, window: '6h', step: '1h', dots: 'hour', unit: 'day' },
  '30d': { label: 'last 30 days', ms: 30 * 86_400_000, window: '24h', step: '6h', dots: 'hour', unit: 'day' },
};

export interface ChartView {
  range: string;
  scope: string;
}

export function scopeLabel(scope: string): string {
  if (scope === 'global') return 'Global';
  const [kind, ...rest] = scope.split(':');
  const name = rest.join(':').replace('>', ' → ').replace(/_/g, ' ');
  return kind === 'category' ? `Category ${name}` : name;
}

/** Query strings for the chart's two series. */
export function chartQueries(view: ChartView, now: number): { rolling: string; dots: string; from: number; to: number } {
  const spec = RANGES[view.range] ?? RANGES['24h']!;
  const from = now - spec.ms;
  const scope = encodeURIComponent(view.scope);
  return {
    from,
    to: now,
    rolling: `/api/metrics/rolling?scope=${scope}&window=${spec.window}&step=${spec.step}&from=${from}&to=${now}`,
    dots: `/api/metrics/history?scope=${scope}&bucket=${spec.dots}&from=${from}&to=${now + 60_000}`,
  };
}

/** Marks the panel with the view so that the export buttons export what is on screen. */
export function markPanel(panel: HTMLElement, view: ChartView, from: number, to: number): void {
  const spec = RANGES[view.range] ?? RANGES['24h']!;
  panel.dataset.from = String(from);
  panel.dataset.to = String(to);
  panel.dataset.scope = view.scope;
  panel.dataset.bucket = spec.dots;
}
