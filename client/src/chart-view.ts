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

/**
 * The rolling series' query, read at `at` (the time of the cards on screen, from the server's
 * clock) so that its last point is the number on the 1 h card, whatever this machine's clock
 * says; without `at`, at the server's now.
 */
export function rollingQuery(view: ChartView, at?: string): string {
  const spec = RANGES[view.range] ?? RANGES['24h']!;
  const to = at === undefined ? '' : `&to=${encodeURIComponent(at)}`;
  return `/api/metrics/rolling?scope=${encodeURIComponent(view.scope)}&window=${spec.window}&step=${spec.step}&span=${view.range in RANGES ? view.range : '24h'}${to}`;
}

/** The dots' query, over the range the rolling series came back with. */
export function dotsQuery(view: ChartView, from: number, to: number): string {
  const spec = RANGES[view.range] ?? RANGES['24h']!;
  return `/api/metrics/history?scope=${encodeURIComponent(view.scope)}&bucket=${spec.dots}&from=${from}&to=${to + 60_000}`;
}

/** Marks the panel with the view so that the export buttons export what is on screen. */
export function markPanel(panel: HTMLElement, view: ChartView, from: number, to: number): void {
  const spec = RANGES[view.range] ?? RANGES['24h']!;
  panel.dataset.from = String(from);
  panel.dataset.to = String(to);
  panel.dataset.scope = view.scope;
  panel.dataset.bucket = spec.dots;
}
