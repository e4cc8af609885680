import type { Level } from '../../server/scoring/types.ts';
import type { HistoryPoint, RollingPoint } from './risk-chart.ts';
import { LEVELS, levelGlyph, levelOf } from './level-style.ts';

const at = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fmt = (n: number) => n.toFixed(1);

/**
 * The chart in words, for anyone who cannot see the canvas: where the index ends, its highest
 * and lowest points, and how many dots (the highest score of a minute or an hour) reached
 * each level. Pure, so it is tested without a browser; `formatTime` is injectable for that.
 */
export function summarizeChart(
  title: string,
  rolling: RollingPoint[],
  dots: HistoryPoint[],
  formatTime: (iso: string) => string = at,
): string {
  const withIndex = rolling.filter((p): p is RollingPoint & { index: number } => p.index !== null);
  const parts: string[] = [];
  if (withIndex.length === 0) {
    parts.push(`${title}: not enough statements for an index in this range.`);
  } else {
    const last = rolling[rolling.length - 1]!;
    const hi = withIndex.reduce((a, b) => (b.index > a.index ? b : a));
    const lo = withIndex.reduce((a, b) => (b.index < a.index ? b : a));
    parts.push(
      last.index === null
        ? `${title}: too few statements for an index at the end of the range (last index ${fmt(withIndex[withIndex.length - 1]!.index)}).`
        : `${title}: now ${fmt(last.index)} (${levelOf(last.index)}).`,
      `Highest ${fmt(hi.index)} (${levelOf(hi.index)}) at ${formatTime(hi.t)}; lowest ${fmt(lo.index)} at ${formatTime(lo.t)}.`,
    );
  }
  const statements = dots.reduce((n, d) => n + d.count, 0);
  if (dots.length === 0) {
    parts.push('No statements were scored in this range.');
  } else {
    const byLevel = new Map<Level, number>();
    for (const d of dots) byLevel.set(levelOf(d.maxScore), (byLevel.get(levelOf(d.maxScore)) ?? 0) + 1);
    const counts = LEVELS.filter((l) => byLevel.has(l)).map((l) => `${byLevel.get(l)} ${l}`);
    const top = dots.reduce((a, b) => (b.maxScore > a.maxScore ? b : a));
    parts.push(
      `${statements.toLocaleString()} statement${statements === 1 ? '' : 's'}; highest single score ${Math.round(top.maxScore)} (${levelOf(top.maxScore)}) at ${formatTime(top.t)}.`,
      `Dots by level: ${counts.join(', ')}.`,
    );
  }
  return parts.join(' ');
}

/**
 * Below the chart (in #chart-text, whose height the CSS reserves): a legend of the level
 * shapes (always visible) and a "Chart in words" details element that the canvas names as its
 * description.
 */
export function mountChartSummary(canvas: HTMLCanvasElement, container: HTMLElement) {
  const legend = document.createElement('ul');
  legend.className = 'chart-legend';
  legend.setAttribute('aria-label', 'Dot shapes by level');
  const line = document.createElement('li');
  line.textContent = '— risk index (line)';
  legend.append(line);
  for (const level of LEVELS) {
    const li = document.createElement('li');
    li.className = `level-${level}`;
    li.append(levelGlyph(level), ` ${level}`);
    legend.append(li);
  }
  const details = document.createElement('details');
  details.className = 'chart-summary';
  details.id = 'chart-summary';
  const summary = document.createElement('summary');
  summary.textContent = 'Chart in words';
  const text = document.createElement('p');
  text.id = 'chart-summary-text';
  text.textContent = 'Loading the chart…';
  details.append(summary, text);
  container.replaceChildren(legend, details);
  canvas.setAttribute('aria-describedby', text.id);
  return {
    update(title: string, rolling: RollingPoint[], dots: HistoryPoint[]) {
      text.textContent = summarizeChart(title, rolling, dots);
    },
  };
}
