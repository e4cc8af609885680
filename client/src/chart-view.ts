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
  '1h': { label: 'last hour', ms: 3_600_000, window: '1h', step: '1m', dots: 'minute', unit: 'hour' },
  '24h': { label: 'last 24 h', ms: 86_400_000, window: '1h', step: '5m', dots: 'minute', unit: 'hour' },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000, window: '6h', step: '1h', dots: 'hour', unit: 'day' },
  '30d': { label: 'last 30 days', ms: 30 * 86_400_000, window: '24h', step: '6h', dots: 'hour', unit: 'day' },
};

export interface ChartView {
  range: string;
  scope: string;
  /** A custom range (range 'custom'): unix ms, from < to. */
  from?: number;
  to?: number;
  /** Overrides of the range's rolling window and step (the alert story draws its rule's window). */
  window?: string;
  step?: string;
  /** What the line shows: the window's index (default), its highest score or its count. */
  metric?: 'index' | 'max' | 'count';
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The spec of a view: a named range, or for a custom from..to the window, step and dots of the
 * named range of the nearest length (at most 2 h: the last hour's; 2 days: 24 h's; 14 days:
 * 7 days'; beyond: 30 days'), so a zoomed chart reads like the ranges around it.
 */
export function specOf(view: ChartView): RangeSpec {
  const spec = baseSpecOf(view);
  return view.window === undefined ? spec : { ...spec, window: view.window, step: view.step ?? spec.step };
}

function baseSpecOf(view: ChartView): RangeSpec {
  if (view.range !== 'custom' || view.from === undefined || view.to === undefined) return RANGES[view.range] ?? RANGES['24h']!;
  const span = view.to - view.from;
  const base = span <= 2 * HOUR ? RANGES['1h']! : span <= 2 * DAY ? RANGES['24h']! : span <= 14 * DAY ? RANGES['7d']! : RANGES['30d']!;
  // A custom range of a few minutes still gets a handful of points.
  const step = span <= 2 * HOUR ? '1m' : base.step;
  return { ...base, step, ms: span, label: 'custom range', unit: span <= 3 * DAY ? 'hour' : 'day' };
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
  const spec = specOf(view);
  const base = `/api/metrics/rolling?scope=${encodeURIComponent(view.scope)}&window=${spec.window}&step=${spec.step}`;
  if (view.range === 'custom' && view.from !== undefined && view.to !== undefined) {
    return `${base}&from=${new Date(view.from).toISOString()}&to=${new Date(view.to).toISOString()}`;
  }
  const to = at === undefined ? '' : `&to=${encodeURIComponent(at)}`;
  return `${base}&span=${view.range in RANGES ? view.range : '24h'}${to}`;
}

/** The dots' query, over the range the rolling series came back with. */
export function dotsQuery(view: ChartView, from: number, to: number): string {
  const spec = specOf(view);
  return `/api/metrics/history?scope=${encodeURIComponent(view.scope)}&bucket=${spec.dots}&from=${from}&to=${to + 60_000}`;
}

/** Marks the panel with the view so that the export buttons export what is on screen. */
export function markPanel(panel: HTMLElement, view: ChartView, from: number, to: number): void {
  const spec = specOf(view);
  panel.dataset.from = String(from);
  panel.dataset.to = String(to);
  panel.dataset.scope = view.scope;
  panel.dataset.bucket = spec.dots;
}
